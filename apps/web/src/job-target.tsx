import type { DatasetBody } from '@sluice/contract';
import { useEffect, useRef, useState } from 'preact/hooks';
import { getDataset, listDatasets } from './dataset-api.ts';

/**
 * What the job does: normalize into result.csv, or import into one of the
 * tenant's datasets (listed once the choice is made; the chosen one is
 * read whole: its columns, key and required flags).
 */
export function JobTarget({
  importing,
  dataset,
  onImporting,
  onDataset,
  onError,
}: {
  importing: boolean;
  dataset: string | null;
  onImporting: (importing: boolean) => void;
  onDataset: (dataset: DatasetBody | null) => void;
  onError: (error: unknown) => void;
}) {
  const [datasets, setDatasets] = useState<DatasetBody[] | null>(null);
  // Listed each time import is chosen (not again at each render while the list loads).
  const listed = useRef(false);
  useEffect(() => {
    if (!importing) {
      listed.current = false;
      return;
    }
    if (listed.current) return;
    listed.current = true;
    listDatasets().then(setDatasets, onError);
  }, [importing, onError]);

  // Only the latest choice counts: an earlier dataset's answer arriving late is dropped.
  const latest = useRef('');
  const pick = (name: string) => {
    latest.current = name;
    if (name === '') onDataset(null);
    else {
      getDataset(name).then((body) => {
        if (latest.current === name) onDataset(body);
      }, onError);
    }
  };

  return (
    <fieldset class="job-target">
      <legend>What the job does</legend>
      <label class="choice">
        <input
          type="radio"
          name="job-type"
          checked={!importing}
          onChange={() => onImporting(false)}
        />
        Normalize into result.csv
      </label>
      <label class="choice">
        <input
          type="radio"
          name="job-type"
          checked={importing}
          onChange={() => onImporting(true)}
        />
        Import into a dataset
      </label>
      {importing && (
        <div>
          <label for="import-dataset">Dataset</label>
          <select
            id="import-dataset"
            value={dataset ?? ''}
            disabled={datasets === null}
            onChange={(e) => pick(e.currentTarget.value)}
          >
            <option value="">{datasets === null ? 'Loading datasets…' : 'Choose a dataset'}</option>
            {datasets?.map((d) => (
              <option key={d.name} value={d.name}>
                {d.name} ({d.columns.length} columns, key {d.key.join(', ')})
              </option>
            ))}
          </select>
          {datasets?.length === 0 && (
            <p class="hint">No datasets yet: create one with POST /v1/datasets.</p>
          )}
        </div>
      )}
    </fieldset>
  );
}
