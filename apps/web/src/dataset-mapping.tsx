import type { DatasetBody } from '@sluice/contract';
import { isNeeded, type Mapping } from './job-query.ts';
import { ScrollArea } from './scroll-area.tsx';

/** "key", "required" or nothing: what a dataset column asks of every row. */
function flag(dataset: DatasetBody, name: string): string | null {
  if (dataset.key.includes(name)) return 'key';
  return isNeeded(dataset, name) ? 'required' : null;
}

/**
 * An import's mapping: each file column goes to a dataset column or is not
 * imported; beside it every dataset column, its key and required ones
 * flagged, and what fills each (the unfilled needed ones stand out).
 */
export function DatasetMapping({
  header,
  dataset,
  mapping,
  problem,
  onMap,
}: {
  header: readonly string[];
  dataset: DatasetBody;
  mapping: Mapping;
  problem: string | null;
  onMap: (index: number, target: string | null) => void;
}) {
  const filledBy = new Map<string, string>();
  mapping.forEach((target, i) => {
    if (target !== null && !filledBy.has(target)) filledBy.set(target, header[i] ?? '');
  });
  return (
    <div class="mapping">
      <ScrollArea label="File columns">
        <table>
          <caption>Where each file column goes in dataset {dataset.name}</caption>
          <thead>
            <tr>
              <th scope="col">File column</th>
              <th scope="col">Dataset column</th>
            </tr>
          </thead>
          <tbody>
            {header.map((name, i) => (
              <tr key={name}>
                <th scope="row">{name}</th>
                <td>
                  <select
                    aria-label={`Dataset column for ${name}`}
                    value={mapping[i] ?? ''}
                    onChange={(e) => onMap(i, e.currentTarget.value || null)}
                  >
                    <option value="">Not imported</option>
                    {dataset.columns.map((c) => {
                      const flagged = flag(dataset, c.name);
                      return (
                        <option key={c.name} value={c.name}>
                          {c.name} ({c.type}
                          {flagged ? `, ${flagged}` : ''})
                        </option>
                      );
                    })}
                  </select>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </ScrollArea>
      <ScrollArea label="Dataset columns">
        <table>
          <caption>Columns of dataset {dataset.name}</caption>
          <thead>
            <tr>
              <th scope="col">Dataset column</th>
              <th scope="col">Type</th>
              <th scope="col">Needed</th>
              <th scope="col">Filled by</th>
            </tr>
          </thead>
          <tbody>
            {dataset.columns.map((c) => {
              const flagged = flag(dataset, c.name);
              const source = filledBy.get(c.name);
              return (
                <tr key={c.name} class={flagged && !source ? 'unmapped' : undefined}>
                  <th scope="row">{c.name}</th>
                  <td>{c.type}</td>
                  <td>{flagged && <span class={`flag ${flagged}`}>{flagged}</span>}</td>
                  <td>
                    {source ?? (flagged ? <strong>Not mapped: needed</strong> : 'Not mapped')}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </ScrollArea>
      <p id="mapping-problem" role="status" class={problem ? 'error' : 'hint'}>
        {problem ?? 'Every key and required column is mapped.'}
      </p>
    </div>
  );
}
