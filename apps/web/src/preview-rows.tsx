import type { PreviewBody } from './api.ts';
import { ScrollArea } from './scroll-area.tsx';

/**
 * Per header column, its place among the values a job writes (`normalized`
 * holds only the kept columns); null for a column left out.
 */
function outputPlaces(columns: PreviewBody['columns']): Array<number | null> {
  let next = 0;
  return columns.map((c) => (c.dropped ? null : next++));
}

/** The first rows as read and as a job would write them, with each row's errors. */
export function PreviewRows({ preview }: { preview: PreviewBody }) {
  const places = outputPlaces(preview.columns);
  return (
    <>
      <h3>First rows</h3>
      <ScrollArea label="First rows">
        <table class="rows">
          <thead>
            <tr>
              <th scope="col">Record</th>
              {preview.header.map((name, i) => {
                const column = preview.columns[i];
                const renamed = column && column.outputName !== name ? column.outputName : null;
                return (
                  <th scope="col" key={name} class={column?.dropped ? 'dropped' : undefined}>
                    {name}
                    {column?.dropped ? (
                      <span class="hint"> (left out)</span>
                    ) : (
                      renamed && <span class="after">→ {renamed}</span>
                    )}
                  </th>
                );
              })}
              <th scope="col">Errors</th>
            </tr>
          </thead>
          <tbody>
            {preview.rows.map((row) => (
              <tr key={row.recordNumber} class={row.rejected ? 'rejected' : undefined}>
                <th scope="row">{row.recordNumber}</th>
                {preview.header.map((_, i) => {
                  const place = places[i] ?? null;
                  const written = place === null ? undefined : row.normalized?.[place];
                  return (
                    <td key={i} class={place === null ? 'dropped' : undefined}>
                      <span class="before">{row.raw?.[i] ?? ''}</span>
                      {written !== undefined && written !== row.raw?.[i] && (
                        <span class="after">→ {written}</span>
                      )}
                    </td>
                  );
                })}
                <td class="row-errors">
                  {row.errors.map((e) => `${e.column ?? 'row'}: ${e.message}`).join('; ')}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </ScrollArea>
    </>
  );
}
