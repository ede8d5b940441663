import type { DatasetBody } from './api.ts';
import { offsetOf, usePage } from './paged.ts';
import { Pager } from './pager.tsx';
import { hrefOf, type Location } from './routes.ts';
import { ScrollArea } from './scroll-area.tsx';

const PAGE = 20;

/** #/datasets: GET /v1/datasets a page at a time, each a link to its rows. */
export function DatasetsList({ location }: { location: Location }) {
  const { page, error } = usePage<DatasetBody>('/v1/datasets', PAGE, offsetOf(location.query));
  return (
    <section aria-labelledby="page-heading">
      <h1 id="page-heading" tabIndex={-1}>
        Datasets
      </h1>
      <p class="hint">Tables that import jobs upsert rows into, by their key.</p>
      {error && (
        <p role="alert" class="error">
          {error}
        </p>
      )}
      <ScrollArea label="Datasets table">
        <table>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Columns</th>
              <th scope="col">Key</th>
              <th scope="col">Created</th>
            </tr>
          </thead>
          <tbody>
            {page?.items.map((dataset) => (
              <tr key={dataset.name}>
                <td>
                  <a href={hrefOf({ page: 'dataset', name: dataset.name })}>{dataset.name}</a>
                </td>
                <td>{dataset.columns.map((c) => c.name).join(', ')}</td>
                <td>{dataset.key.join(', ')}</td>
                <td>{new Date(dataset.createdAt).toLocaleString()}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </ScrollArea>
      {page && (
        <Pager
          label="Pages of datasets"
          page={page}
          limit={PAGE}
          empty="No datasets yet: create one with the API or `sluice datasets create`."
          location={location}
        />
      )}
    </section>
  );
}
