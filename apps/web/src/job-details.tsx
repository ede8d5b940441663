import { Fragment } from 'preact';
import type { JobBody } from './api.ts';
import { hrefOf } from './routes.ts';
import { ScrollArea } from './scroll-area.tsx';

const when = (at: string | null) => (at ? new Date(at).toLocaleString() : '–');
const percent = (share: number | undefined) =>
  share === undefined ? '' : ` (${Math.round(share * 100)}%)`;

/** What a job was asked and decided: type, times, reading options, and the columns it used. */
export function JobDetails({ job }: { job: JobBody }) {
  const { dialect, ...normalization } = job.options;
  return (
    <section aria-labelledby="job-details-heading">
      <h2 id="job-details-heading">Options and columns</h2>
      <dl class="counts" data-testid="job-options">
        <dt>Type</dt>
        <dd>{job.type}</dd>
        {job.dataset && (
          <>
            <dt>Dataset</dt>
            <dd>
              <a href={hrefOf({ page: 'dataset', name: job.dataset })}>{job.dataset}</a>
            </dd>
          </>
        )}
        <dt>Created</dt>
        <dd>{when(job.createdAt)}</dd>
        <dt>Started</dt>
        <dd>{when(job.startedAt)}</dd>
        <dt>Finished</dt>
        <dd>{when(job.finishedAt)}</dd>
        <dt>Encoding</dt>
        <dd>
          {dialect.encoding} ({dialect.encodingSource}
          {percent(dialect.encodingConfidence)})
        </dd>
        <dt>Delimiter</dt>
        <dd>
          {JSON.stringify(dialect.delimiter)} ({dialect.delimiterSource}
          {percent(dialect.delimiterConfidence)})
        </dd>
        {Object.entries(normalization).map(([name, value]) => (
          <Fragment key={name}>
            <dt>{name}</dt>
            <dd>{String(value)}</dd>
          </Fragment>
        ))}
      </dl>
      <ScrollArea label="Columns used">
        <table>
          <caption>Columns of the file as the job read them.</caption>
          <thead>
            <tr>
              <th scope="col">Column</th>
              <th scope="col">Type</th>
              <th scope="col">Required</th>
              <th scope="col">Decided by</th>
              <th scope="col">Output</th>
              <th scope="col">Notes</th>
            </tr>
          </thead>
          <tbody>
            {job.columns.map((column) => (
              <tr key={column.name}>
                <th scope="row">{column.name}</th>
                <td>{column.type}</td>
                <td>{column.required ? 'yes' : 'no'}</td>
                <td>
                  {column.source ?? '–'}
                  {percent(column.confidence)}
                </td>
                <td>
                  {job.type === 'import'
                    ? column.target
                      ? `${column.target}${column.key ? ' (key)' : ''}`
                      : 'not imported'
                    : (column.outputName ?? column.name)}
                </td>
                <td class="notes">
                  {[column.dateOrder && `date order ${column.dateOrder}`, column.note]
                    .filter(Boolean)
                    .join('; ')}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </ScrollArea>
    </section>
  );
}
