import type { RowError, StoredErrorCounts } from '@sluice/contract';
import { storableText } from './storable-text.ts';

/**
 * A chunk's errors counted by column and code, as its commit stores them
 * (job_chunks.error_counts). Names and codes go through storableText as the
 * stored rows' do, so a count and the rows it counts name the same column;
 * toWellFormed as PostgreSQL's text would have it (a lone surrogate becomes
 * U+FFFD on the way there, while JSON would carry an escape jsonb refuses).
 * Entries in first-seen order; they add up to `errors.length`.
 */
export function tallyRowErrors(errors: readonly RowError[]): StoredErrorCounts {
  const byKey = new Map<string, StoredErrorCounts[number]>();
  for (const e of errors) {
    const column = storableText(e.column)?.toWellFormed() ?? null;
    const code = storableText(e.code).toWellFormed();
    // JSON of the pair: no separator can collide with a name.
    const key = JSON.stringify([column, code]);
    const entry = byKey.get(key);
    if (entry) entry.errors++;
    else byKey.set(key, { column, code, errors: 1 });
  }
  return [...byKey.values()];
}
