import { useEffect, useState } from 'preact/hooks';
import { api, type DatasetBody, download } from './api.ts';
import { messageOf, offsetOf, usePage } from './paged.ts';
import { Pager } from './pager.tsx';
import type { Location } from './routes.ts';
import { ScrollArea } from './scroll-area.tsx';

const PAGE = 50;

/** A cell of a dataset row as JSON gave it: text as is, nothing as empty, the rest as JSON. */
function cell(value: unknown): string {
  if (value === null || value === undefined) return '';
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/**
 * #/datasets/<name>: the dataset's columns (type, required, key), its rows a
 * page at a time in key order (GET /v1/datasets/{name}/rows), and the
 * export of all of them as CSV.
 */
export function DatasetPage({ name, location }: { name: string; location: Location }) {
  const [dataset, setDataset] = useState<DatasetBody | null>(null);
  const [error, setError] = useState<string | null>(null);
  const path = `/v1/datasets/${encodeURIComponent(name)}`;
  useEffect(() => {
    let current = true;
    setDataset(null);
    setError(null);
    api(path)
      .then(async (res) => {
        const body = (await res.json()) as DatasetBody;
        if (current) setDataset(body);
      })
      .catch((err: unknown) => {
        if (current) setError(messageOf(err));
      });
    return () => {
      current = false;
    };
  }, [path]);
  const { page, error: pageError } = usePage<Record<string, unknown>>(
    dataset ? `${path}/rows` : null,
    PAGE,
    offsetOf(location.query),
  );
  const shown = error ?? pageError;
  return (
    <>
      <h1 id="page-heading" tabIndex={-1}>
        Dataset {name}
      </h1>
      {shown && (
        <p role="alert" class="error">
          {shown}
        </p>
      )}
      {dataset && (
        <>
          <p>
            <button
              type="button"
              onClick={() =>
                void download(`${path}/export.csv`, `${dataset.name}.csv`).catch((err: unknown) =>
                  setError(messageOf(err)),
                )
              }
            >
              Export {dataset.name}.csv
            </button>
          </p>
          <section aria-labelledby="dataset-columns-heading">
            <h2 id="dataset-columns-heading">Columns</h2>
            <ScrollArea label="Dataset columns">
              <table data-testid="dataset-columns">
                <thead>
                  <tr>
                    <th scope="col">Column</th>
                    <th scope="col">Type</th>
                    <th scope="col">Required</th>
                    <th scope="col">Key</th>
                  </tr>
                </thead>
                <tbody>
                  {dataset.columns.map((column) => (
                    <tr key={column.name}>
                      <th scope="row">{column.name}</th>
                      <td>{column.type}</td>
                      <td>{column.required ? 'yes' : 'no'}</td>
                      <td>{dataset.key.includes(column.name) ? 'yes' : 'no'}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </ScrollArea>
          </section>
          <section aria-labelledby="dataset-rows-heading">
            <h2 id="dataset-rows-heading">Rows</h2>
            <ScrollArea label="Dataset rows">
              <table data-testid="dataset-rows" class="rows">
                <thead>
                  <tr>
                    {dataset.columns.map((column) => (
                      <th scope="col" key={column.name}>
                        {column.name}
                      </th>
                    ))}
                  </tr>
                </thead>
                <tbody>
                  {page?.items.map((row, i) => (
                    <tr key={dataset.key.map((k) => cell(row[k])).join('\u0000') || i}>
                      {dataset.columns.map((column) => (
                        <td key={column.name}>{cell(row[column.name])}</td>
                      ))}
                    </tr>
                  ))}
                </tbody>
              </table>
            </ScrollArea>
            {page && (
              <Pager
                label="Pages of rows"
                page={page}
                limit={PAGE}
                empty="No rows yet: import a file into this dataset."
                location={location}
              />
            )}
          </section>
        </>
      )}
    </>
  );
}
