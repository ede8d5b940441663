import type { DatasetBody } from '@sluice/contract';
import { useEffect, useRef, useState } from 'preact/hooks';
import {
  ApiError,
  columnTypeNames,
  type JobBody,
  type PreviewBody,
  previewFile,
  type Upload,
  uploadJob,
} from './api.ts';
import { ColumnChoices } from './column-choices.tsx';
import { DatasetMapping } from './dataset-mapping.tsx';
import { FileDrop } from './file-drop.tsx';
import { followJob, type ProgressEvent } from './job-events.ts';
import { JobOptionsFields } from './job-options-fields.tsx';
import {
  type ColumnChoice,
  type JobWideOptions,
  jobQuery,
  NO_OPTIONS,
  planJob,
} from './job-query.ts';
import { JobTarget } from './job-target.tsx';
import { JobView } from './job-view.tsx';
import { PreviewRows } from './preview-rows.tsx';
import { UploadProgress } from './upload-progress.tsx';
import { useMapping } from './use-mapping.ts';
import './new-job.css';

/** A request this page abandoned itself (a newer one replaced it): nothing to tell. */
const aborted = (err: unknown) => err instanceof DOMException && err.name === 'AbortError';
const message = (err: unknown) => (err instanceof ApiError ? err.message : String(err));

/** Pick or drop a CSV, preview it, choose what the job does, upload it and watch it finish. */
export function NewJob() {
  const [file, setFile] = useState<File | null>(null);
  // The first preview (what Sluice detects) and the latest (with the user's choices).
  const [detected, setDetected] = useState<PreviewBody | null>(null);
  const [preview, setPreview] = useState<PreviewBody | null>(null);
  const [choices, setChoices] = useState<ColumnChoice[]>([]);
  const [options, setOptions] = useState<JobWideOptions>(NO_OPTIONS);
  const [dataset, setDataset] = useState<DatasetBody | null>(null);
  const [importing, setImporting] = useState(false);
  const { mapping, mapDefault, mapOne } = useMapping((err) => setError(message(err)));
  const [types, setTypes] = useState<string[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [sent, setSent] = useState<{ loaded: number; total: number } | null>(null);
  const [upload, setUpload] = useState<Upload | null>(null);
  const [progress, setProgress] = useState<ProgressEvent | null>(null);
  const [job, setJob] = useState<JobBody | null>(null);
  const watch = useRef<AbortController | null>(null);
  const heading = useRef<HTMLHeadingElement>(null);

  useEffect(() => {
    columnTypeNames().then(setTypes, (err: unknown) => setError(message(err)));
    return () => watch.current?.abort();
  }, []);

  // Only the latest preview request may show: an earlier answer arriving late is dropped.
  const previewRequest = useRef<AbortController | null>(null);
  const ask = (picked: File, query: URLSearchParams): Promise<PreviewBody> => {
    previewRequest.current?.abort();
    const request = new AbortController();
    previewRequest.current = request;
    return previewFile(picked, query, request.signal);
  };

  const { plan, problem } = planJob(detected, importing, choices, dataset, mapping);
  const query = plan && !problem ? jobQuery(plan, options).toString() : null;

  // Each change is previewed again with the choices: the rows show their effect.
  const shown = useRef<string | null>(null);
  useEffect(() => {
    if (!file || query === null || query === shown.current) return;
    ask(file, new URLSearchParams(query)).then(
      (answer) => {
        shown.current = query;
        setPreview(answer);
        setError(null);
      },
      (err: unknown) => {
        if (!aborted(err)) setError(message(err));
      },
    );
  }, [file, query]);

  const choose = async (picked: File | undefined) => {
    if (!picked) return;
    // A job still being watched is no longer shown: stop following it.
    watch.current?.abort();
    setFile(picked);
    setPreview(null);
    setDetected(null);
    setJob(null);
    setProgress(null);
    setSent(null);
    setError(null);
    shown.current = null;
    try {
      const query = jobQuery({ type: 'normalize', columns: [], choices: [] }, options);
      const answer = await ask(picked, query);
      shown.current = query.toString();
      setDetected(answer);
      setPreview(answer);
      setChoices(
        answer.columns.map((c) => ({
          type: c.type,
          required: c.required,
          rename: '',
          drop: false,
        })),
      );
      if (dataset) await mapDefault(picked, answer.header, dataset, options);
      heading.current?.focus();
    } catch (err) {
      if (!aborted(err)) setError(message(err));
    }
  };

  const submit = async () => {
    if (!file || query === null) return;
    setError(null);
    const started = uploadJob(file, new URLSearchParams(query), (loaded, total) =>
      setSent({ loaded, total }),
    );
    setSent({ loaded: 0, total: file.size });
    setUpload(started);
    try {
      const accepted = await started.done;
      setUpload(null);
      setJob(accepted);
      watch.current = new AbortController();
      setJob(await followJob(accepted.id, setProgress, watch.current.signal));
    } catch (err) {
      setUpload(null);
      if (!aborted(err)) setError(message(err));
    }
  };

  return (
    <>
      <h1>New job</h1>
      <FileDrop onFile={(picked) => void choose(picked)} />
      {error && (
        <p role="alert" class="error">
          {error}
        </p>
      )}
      {preview && detected && file && !job && !upload && (
        <section aria-labelledby="preview-heading">
          <h2 id="preview-heading" tabIndex={-1} ref={heading}>
            Preview of {file.name}
          </h2>
          <p>
            Encoding <strong>{preview.encoding.name}</strong> ({preview.encoding.source}), delimiter{' '}
            <strong>{JSON.stringify(preview.delimiter.char)}</strong> ({preview.delimiter.source},{' '}
            {Math.floor(preview.delimiter.confidence * 100)}%)
          </p>
          <JobOptionsFields
            value={options}
            onChange={(change) => setOptions({ ...options, ...change })}
          />
          <JobTarget
            importing={importing}
            dataset={dataset?.name ?? null}
            onImporting={setImporting}
            onDataset={(chosen) => {
              setDataset(chosen);
              if (chosen) void mapDefault(file, detected.header, chosen, options);
            }}
            onError={(err) => setError(message(err))}
          />
          {!importing && (
            <ColumnChoices
              columns={
                preview.columns.length === detected.columns.length
                  ? preview.columns
                  : detected.columns
              }
              choices={choices}
              types={types}
              onChange={(i, choice) =>
                setChoices(choices.map((c, j) => (j === i ? { ...c, ...choice } : c)))
              }
            />
          )}
          {importing && dataset && (
            <DatasetMapping
              header={detected.header}
              dataset={dataset}
              mapping={mapping}
              problem={problem}
              onMap={(i, target) => mapOne(detected.header, i, target)}
            />
          )}
          {importing && !dataset && (
            <p id="mapping-problem" role="status" class="error">
              {problem}
            </p>
          )}
          {problem === null ? (
            <PreviewRows preview={preview} />
          ) : (
            <p class="hint">The first rows show once every key and required column is mapped.</p>
          )}
          <button
            type="button"
            disabled={query === null}
            aria-describedby={problem ? 'mapping-problem' : undefined}
            onClick={() => void submit()}
          >
            Submit job
          </button>
        </section>
      )}
      {upload && sent && file && (
        <UploadProgress fileName={file.name} sent={sent} upload={upload} />
      )}
      {job && <JobView job={job} progress={progress} onError={(e) => setError(message(e))} />}
    </>
  );
}
