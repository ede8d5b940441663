import type { DatasetBody } from '@sluice/contract';
import { useRef, useState } from 'preact/hooks';
import { previewFile } from './api.ts';
import {
  defaultMapping,
  type JobWideOptions,
  jobQuery,
  type Mapping,
  mappingProblem,
} from './job-query.ts';

/** An import's mapping: where it starts (the API's own) and the user's changes to it. */
export function useMapping(onError: (error: unknown) => void) {
  const [mapping, setMapping] = useState<Mapping>([]);
  // Its own request: the previews of the choices neither cancel it nor wait for it.
  const request = useRef<AbortController | null>(null);

  /**
   * The mapping the API makes itself (an import preview without `columns`).
   * It refuses one that leaves a needed column unfilled: then the same rule
   * here gives the screen's starting point, without a request bound to fail.
   */
  const mapDefault = async (
    file: File,
    header: string[],
    dataset: DatasetBody,
    options: JobWideOptions,
  ) => {
    request.current?.abort();
    const local = defaultMapping(header, dataset);
    setMapping(local);
    if (mappingProblem(header, dataset, local) !== null) return;
    const asked = new AbortController();
    request.current = asked;
    const query = jobQuery({ type: 'import', header, dataset, mapping: null }, options);
    try {
      const answer = await previewFile(file, query, asked.signal);
      setMapping(answer.columns.map((c) => c.datasetColumn ?? null));
    } catch (err) {
      if (!(err instanceof DOMException && err.name === 'AbortError')) onError(err);
    }
  };

  /** The user's choice for one file column: it overrides a default still on its way. */
  const mapOne = (header: readonly string[], index: number, target: string | null) => {
    request.current?.abort();
    setMapping(header.map((_, j) => (j === index ? target : (mapping[j] ?? null))));
  };

  return { mapping, mapDefault, mapOne };
}
