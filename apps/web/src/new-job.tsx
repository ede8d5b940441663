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
import { followJob, type ProgressEvent } from './job-events.ts';
import { JobView } from './job-view.tsx';
import { ScrollArea } from './scroll-area.tsx';

type ColumnChoice = { type: string; required: boolean };

/** The `columns` option (JSON by header name) for the columns the user changed. */
function columnsOption(detected: PreviewBody, choices: ColumnChoice[]): URLSearchParams {
  const changed: Record<string, ColumnChoice> = {};
  detected.columns.forEach((column, i) => {
    const choice = choices[i];
    if (choice && (choice.type !== column.type || choice.required !== column.required)) {
      changed[column.name] = choice;
    }
  });
  const query = new URLSearchParams();
  if (Object.keys(changed).length > 0) query.set('columns', JSON.stringify(changed));
  return query;
}

/** A request this page abandoned itself (a newer one replaced it): nothing to tell. */
const aborted = (err: unknown) => err instanceof DOMException && err.name === 'AbortError';
const message = (err: unknown) => (err instanceof ApiError ? err.message : String(err));
const percent = (part: number, whole: number) => (whole > 0 ? Math.floor((part / whole) * 100) : 0);

/** Pick or drop a CSV, preview it, adjust its columns, upload it as a job and watch it finish. */
export function NewJob() {
  const [file, setFile] = useState<File | null>(null);
  // The first preview (what Sluice detects) and the latest (with the user's choices).
  const [detected, setDetected] = useState<PreviewBody | null>(null);
  const [preview, setPreview] = useState<PreviewBody | null>(null);
  const [choices, setChoices] = useState<ColumnChoice[]>([]);
  const [types, setTypes] = useState<string[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [sent, setSent] = useState<{ loaded: number; total: number } | null>(null);
  const [upload, setUpload] = useState<Upload | null>(null);
  const [progress, setProgress] = useState<ProgressEvent | null>(null);
  const [job, setJob] = useState<JobBody | null>(null);
  const [dragging, setDragging] = useState(false);
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
    try {
      const answer = await ask(picked, new URLSearchParams());
      setDetected(answer);
      setPreview(answer);
      setChoices(answer.columns.map((c) => ({ type: c.type, required: c.required })));
      heading.current?.focus();
    } catch (err) {
      if (!aborted(err)) setError(message(err));
    }
  };

  // Each change is previewed again with the choices: the rows show their effect.
  const change = async (i: number, choice: Partial<ColumnChoice>) => {
    if (!file || !detected) return;
    const next = choices.map((c, j) => (j === i ? { ...c, ...choice } : c));
    setChoices(next);
    try {
      setPreview(await ask(file, columnsOption(detected, next)));
      setError(null);
    } catch (err) {
      if (!aborted(err)) setError(message(err));
    }
  };

  const submit = async () => {
    if (!file || !detected) return;
    setError(null);
    const started = uploadJob(file, columnsOption(detected, choices), (loaded, total) =>
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
      {/* biome-ignore lint/a11y/noStaticElementInteractions: dropping is the mouse's shortcut; the file input inside is the keyboard's way. */}
      <div
        class={dragging ? 'drop dragging' : 'drop'}
        onDragOver={(e) => {
          e.preventDefault();
          setDragging(true);
        }}
        onDragLeave={() => setDragging(false)}
        onDrop={(e) => {
          e.preventDefault();
          setDragging(false);
          void choose(e.dataTransfer?.files[0]);
        }}
      >
        <label for="csv-file">Choose a CSV file, or drop one here</label>
        <input
          id="csv-file"
          type="file"
          accept=".csv,.tsv,.txt,text/csv"
          onChange={(e) => {
            const picked = e.currentTarget.files?.[0];
            // Emptied, so picking the same file again (edited since) is a change too.
            e.currentTarget.value = '';
            void choose(picked);
          }}
        />
      </div>
      {error && (
        <p role="alert" class="error">
          {error}
        </p>
      )}
      {preview && file && !job && !upload && (
        <section aria-labelledby="preview-heading">
          <h2 id="preview-heading" tabIndex={-1} ref={heading}>
            Preview of {file.name}
          </h2>
          <p>
            Encoding <strong>{preview.encoding.name}</strong> ({preview.encoding.source}), delimiter{' '}
            <strong>{JSON.stringify(preview.delimiter.char)}</strong> ({preview.delimiter.source},{' '}
            {percent(preview.delimiter.confidence, 1)}%)
          </p>
          <ScrollArea label="Columns">
            <table>
              <caption>Columns: change a type or mark a column required before you submit.</caption>
              <thead>
                <tr>
                  <th scope="col">Column</th>
                  <th scope="col">Type</th>
                  <th scope="col">Required</th>
                  <th scope="col">Decided by</th>
                  <th scope="col">Confidence</th>
                  <th scope="col">Notes</th>
                </tr>
              </thead>
              <tbody>
                {preview.columns.map((column, i) => (
                  <tr key={column.name}>
                    <th scope="row">{column.name}</th>
                    <td>
                      <select
                        aria-label={`Type of ${column.name}`}
                        value={choices[i]?.type}
                        onChange={(e) => void change(i, { type: e.currentTarget.value })}
                      >
                        {types.map((t) => (
                          <option key={t} value={t}>
                            {t}
                          </option>
                        ))}
                      </select>
                    </td>
                    <td>
                      <input
                        type="checkbox"
                        aria-label={`${column.name} is required`}
                        checked={choices[i]?.required}
                        onChange={(e) => void change(i, { required: e.currentTarget.checked })}
                      />
                    </td>
                    <td>{column.source}</td>
                    <td>{percent(column.confidence, 1)}%</td>
                    <td class="notes">{column.notes.join(' ')}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </ScrollArea>
          <h3>First rows</h3>
          <ScrollArea label="First rows">
            <table class="rows">
              <thead>
                <tr>
                  <th scope="col">Record</th>
                  {preview.header.map((name) => (
                    <th scope="col" key={name}>
                      {name}
                    </th>
                  ))}
                  <th scope="col">Errors</th>
                </tr>
              </thead>
              <tbody>
                {preview.rows.map((row) => (
                  <tr key={row.recordNumber} class={row.rejected ? 'rejected' : undefined}>
                    <th scope="row">{row.recordNumber}</th>
                    {preview.header.map((_, i) => (
                      <td key={i}>
                        <span class="before">{row.raw?.[i] ?? ''}</span>
                        {row.normalized && row.normalized[i] !== row.raw?.[i] && (
                          <span class="after">→ {row.normalized[i]}</span>
                        )}
                      </td>
                    ))}
                    <td class="row-errors">
                      {row.errors.map((e) => `${e.column ?? 'row'}: ${e.message}`).join('; ')}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </ScrollArea>
          <button type="button" onClick={() => void submit()}>
            Submit job
          </button>
        </section>
      )}
      {upload && sent && (
        <section aria-labelledby="upload-heading">
          <h2 id="upload-heading">Uploading {file?.name}</h2>
          <progress max={sent.total} value={sent.loaded} aria-labelledby="upload-heading" />
          <p aria-live="polite">
            {percent(sent.loaded, sent.total)}% of {sent.total.toLocaleString()} bytes
          </p>
          <button type="button" class="secondary" onClick={() => upload.cancel()}>
            Cancel upload
          </button>
        </section>
      )}
      {job && <JobView job={job} progress={progress} onError={(e) => setError(message(e))} />}
    </>
  );
}
