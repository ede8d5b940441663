import { Utf8Sink } from './utf8-sink.ts';

/**
 * An import chunk's accepted values, column by column, as PostgreSQL array
 * literals (`{"a",NULL,"b \"quoted\""}`): one text parameter per column for
 * the chunk commit's `unnest($1::text::numeric[], ...)` into the job's stage,
 * built here in the thread so the event loop only passes bytes on. An empty value
 * is NULL, as an empty field of the chunk output is for the merge.
 */
export class StageLiterals {
  /** Per column: the elements of the rows not yet written. */
  readonly #pending: string[][];
  /** Per column: the literal so far, as UTF-8. */
  readonly #literals: Utf8Sink[];
  /** Each row's line in the file (its record number), for the row history. */
  readonly #lines: number[] = [];
  #rows = 0;
  /** True once a run was written (the next is preceded by a comma). */
  #flushed = false;

  /** `count`: the staged columns (output columns with a target). */
  constructor(count: number) {
    this.#pending = Array.from({ length: count }, () => []);
    this.#literals = Array.from({ length: count }, () => {
      const literal = new Utf8Sink(16 * 1024);
      literal.write('{');
      return literal;
    });
  }

  /** One accepted row's values of the staged columns, in their order, and its line in the file. */
  add(values: readonly string[], line: number): void {
    this.#lines.push(line);
    for (let i = 0; i < this.#pending.length; i++) {
      this.#pending[i]!.push(element(values[i]!));
    }
    this.#rows += 1;
    if (this.#rows % RUN_ROWS === 0) this.#flush();
  }

  /**
   * Each column's literal as UTF-8 bytes: they cross to the event loop as
   * bytes, not strings, and go to PostgreSQL as they are (a binary `text`
   * parameter), so no large string is made on the event loop's heap.
   */
  result(): { rows: number; columns: Uint8Array[]; lines: number[] } {
    this.#flush();
    return {
      rows: this.#rows,
      lines: this.#lines,
      columns: this.#literals.map((literal) => {
        literal.write('}');
        return literal.bytes();
      }),
    };
  }

  #flush(): void {
    // Every row adds to every column: the columns' runs have the same rows.
    if (this.#pending[0]?.length === 0) return;
    for (let i = 0; i < this.#pending.length; i++) {
      const pending = this.#pending[i]!;
      const run = pending.join(',');
      this.#literals[i]!.write(this.#flushed ? `,${run}` : run);
      pending.length = 0;
    }
    this.#flushed = true;
  }
}

/**
 * Elements are written every this many rows: a chunk's ~10,000 small element
 * strings per column then die young instead of all living until the chunk
 * ends (promoted to the old generation, they cost the thread full
 * collections; two threads, 150,000 realistic rows: 92k -> 97-101k rows/s).
 */
const RUN_ROWS = 256;

const NEEDS_ESCAPE = /["\\]/;

/** An array element: double-quoted, so commas, braces, spaces and the word NULL stay values. */
function element(value: string): string {
  if (value === '') return 'NULL';
  return NEEDS_ESCAPE.test(value) ? `"${value.replace(/["\\]/g, '\\$&')}"` : `"${value}"`;
}
