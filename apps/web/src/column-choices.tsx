import type { PreviewBody } from './api.ts';
import { CommitInput } from './commit-input.tsx';
import type { ColumnChoice } from './job-query.ts';
import { ScrollArea } from './scroll-area.tsx';

const percent = (share: number) => `${Math.floor(share * 100)}%`;

/**
 * A normalize job's columns: each one's type, required flag, new name, or
 * left out. The preview's own verdict (source, confidence, notes) beside them.
 */
export function ColumnChoices({
  columns,
  choices,
  types,
  onChange,
}: {
  columns: PreviewBody['columns'];
  choices: ColumnChoice[];
  types: string[];
  onChange: (index: number, choice: Partial<ColumnChoice>) => void;
}) {
  return (
    <ScrollArea label="Columns">
      <table>
        <caption>
          Columns: change a type, mark a column required, rename it or leave it out before you
          submit.
        </caption>
        <thead>
          <tr>
            <th scope="col">Column</th>
            <th scope="col">Type</th>
            <th scope="col">Required</th>
            <th scope="col">Name in result.csv</th>
            <th scope="col">Leave out</th>
            <th scope="col">Decided by</th>
            <th scope="col">Confidence</th>
            <th scope="col">Notes</th>
          </tr>
        </thead>
        <tbody>
          {columns.map((column, i) => {
            const choice = choices[i];
            const dropped = choice?.drop ?? false;
            return (
              <tr key={column.name} class={dropped ? 'dropped' : undefined}>
                <th scope="row">{column.name}</th>
                <td>
                  <select
                    aria-label={`Type of ${column.name}`}
                    value={choice?.type}
                    disabled={dropped}
                    onChange={(e) => onChange(i, { type: e.currentTarget.value })}
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
                    checked={choice?.required}
                    disabled={dropped}
                    onChange={(e) => onChange(i, { required: e.currentTarget.checked })}
                  />
                </td>
                <td>
                  <CommitInput
                    class="rename"
                    aria-label={`Rename ${column.name}`}
                    placeholder={column.name}
                    value={choice?.rename ?? ''}
                    disabled={dropped}
                    onCommit={(rename) => onChange(i, { rename })}
                  />
                </td>
                <td>
                  <input
                    type="checkbox"
                    aria-label={`Leave out ${column.name}`}
                    checked={dropped}
                    onChange={(e) => onChange(i, { drop: e.currentTarget.checked })}
                  />
                </td>
                <td>{column.source}</td>
                <td>{percent(column.confidence)}</td>
                <td class="notes">{column.notes.join(' ')}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </ScrollArea>
  );
}
