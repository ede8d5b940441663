import { useEffect, useState } from 'preact/hooks';
import { api, type JobBody, type JobErrorBody, type JobErrorSummaryBody } from './api.ts';
import { messageOf, offsetOf, usePage } from './paged.ts';
import { Pager } from './pager.tsx';
import { type Location, setQuery } from './routes.ts';
import { ScrollArea } from './scroll-area.tsx';

const PAGE = 50;
/** How the table and filters name errors of the whole row (no column). */
const ROW = '(whole row)';
/**
 * The column filter's option values: any column, or one column (prefixed, so
 * that no column name, not even an empty one for whole-row errors, is "any").
 */
const ANY = 'any';
const optionOf = (column: string | null) => (column === null ? ANY : `column:${column}`);
const columnOf = (option: string) => (option === ANY ? null : option.slice('column:'.length));

/**
 * A finished job's stored errors: counts per column (and per code within
 * it), then the errors themselves, filtered by column and code and paged;
 * filters and page live in the URL (#/jobs/<id>?column=email&code=…&offset=50).
 */
export function JobErrors({ job, location }: { job: JobBody; location: Location }) {
  const [summary, setSummary] = useState<JobErrorSummaryBody | null>(null);
  const [error, setError] = useState<string | null>(null);
  const base = `/v1/jobs/${encodeURIComponent(job.id)}/errors`;
  useEffect(() => {
    let current = true;
    api(`${base}/summary`)
      .then(async (res) => {
        const body = (await res.json()) as JobErrorSummaryBody;
        if (current) setSummary(body);
      })
      .catch((err: unknown) => {
        if (current) setError(messageOf(err));
      });
    return () => {
      current = false;
    };
  }, [base]);

  // As the API reads them: no column = any column, `column=` (empty) = errors about a whole row.
  const column = location.query.get('column');
  const code = location.query.get('code') ?? '';
  const filters = new URLSearchParams();
  if (column !== null) filters.set('column', column);
  if (code) filters.set('code', code);
  const { page, error: pageError } = usePage<JobErrorBody>(
    `${base}${filters.size > 0 ? `?${filters}` : ''}`,
    PAGE,
    offsetOf(location.query),
  );
  // The codes offered: those of the chosen column, else every code.
  const chosen = summary?.columns.find((c) => c.column === (column === '' ? null : column));
  const codes = (column === null ? summary?.codes : chosen?.codes) ?? [];
  const filter = (changes: Record<string, string | null>) =>
    setQuery(location, { ...changes, offset: null });

  return (
    <section aria-labelledby="errors-heading">
      <h2 id="errors-heading">Errors</h2>
      {(error ?? pageError) && (
        <p role="alert" class="error">
          {error ?? pageError}
        </p>
      )}
      {summary && (
        <>
          {!summary.exact && (
            <p>
              These counts are of the stored errors only (the job ran before exact counts were
              kept).
            </p>
          )}
          {summary.truncated && (
            <p data-testid="errors-truncated">
              The first {summary.stored.toLocaleString()} of {summary.errors.toLocaleString()}{' '}
              errors are stored and listed below.
            </p>
          )}
          <ScrollArea label="Errors by column">
            <table data-testid="errors-by-column">
              <caption>Errors by column</caption>
              <thead>
                <tr>
                  <th scope="col">Column</th>
                  <th scope="col">Errors</th>
                  <th scope="col">By code</th>
                </tr>
              </thead>
              <tbody>
                {summary.columns.map((c) => (
                  <tr key={c.column ?? ROW}>
                    <th scope="row">{c.column ?? ROW}</th>
                    <td>{c.errors.toLocaleString()}</td>
                    <td>
                      {c.codes.map((k) => `${k.code} ${k.errors.toLocaleString()}`).join(', ')}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </ScrollArea>
          <div class="filters">
            <div>
              <label for="error-column">Column</label>
              <select
                id="error-column"
                value={optionOf(column)}
                onChange={(e) => {
                  const next = columnOf(e.currentTarget.value);
                  // A code the newly chosen column does not have would only show nothing.
                  const kept =
                    next === null ||
                    summary.columns
                      .find((c) => c.column === (next === '' ? null : next))
                      ?.codes.some((k) => k.code === code);
                  filter({ column: next, code: code && kept ? code : null });
                }}
              >
                <option value={ANY}>any</option>
                {summary.columns.map((c) => (
                  <option key={c.column ?? ROW} value={optionOf(c.column ?? '')}>
                    {c.column ?? ROW}
                  </option>
                ))}
              </select>
            </div>
            <div>
              <label for="error-code">Code</label>
              <select
                id="error-code"
                value={code}
                onChange={(e) => filter({ code: e.currentTarget.value || null })}
              >
                <option value="">any</option>
                {codes.map((k) => (
                  <option key={k.code} value={k.code}>
                    {k.code}
                  </option>
                ))}
              </select>
            </div>
          </div>
        </>
      )}
      <ScrollArea label="Errors table">
        <table data-testid="errors-table">
          <thead>
            <tr>
              <th scope="col">Record</th>
              <th scope="col">Column</th>
              <th scope="col">Value</th>
              <th scope="col">Code</th>
              <th scope="col">Message</th>
            </tr>
          </thead>
          <tbody>
            {page?.items.map((e) => (
              <tr key={`${e.recordNumber}-${e.column}-${e.code}`}>
                <th scope="row">{e.recordNumber}</th>
                <td>{e.column ?? ROW}</td>
                <td>{e.value ?? ''}</td>
                <td class="code">{e.code}</td>
                <td class="notes">{e.message}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </ScrollArea>
      {page && (
        <Pager
          label="Pages of errors"
          page={page}
          limit={PAGE}
          empty="No errors match."
          location={location}
        />
      )}
    </section>
  );
}
