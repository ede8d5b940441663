import type { PreviewBody } from './api.ts';
import { ScrollArea } from './scroll-area.tsx';

/** The first rows as read and as a job would write them, with each row's errors. */
export function PreviewRows({ preview }: { preview: PreviewBody }) {
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
                  <th scope="col" key={name}>
                    {name}
                    {renamed && <span class="after">→ {renamed}</span>}
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
    </>
  );
}
