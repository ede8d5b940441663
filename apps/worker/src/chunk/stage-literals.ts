/**
 * An import chunk's accepted values, column by column, as PostgreSQL array
 * literals (`{"a",NULL,"b \"quoted\""}`): one text parameter per column for
 * the chunk commit's `unnest($1::numeric[], ...)` into the job's stage, built
 * here in the thread so the event loop only passes strings on. An empty value
 * is NULL, as an empty field of the chunk output is for the merge.
 */
export class StageLiterals {
  /** Per column: the elements of the rows not yet joined into a piece. */
  readonly #pending: string[][];
  /** Per column: joined runs of PIECE_ROWS elements. */
  readonly #pieces: string[][];
  #rows = 0;

  /** `count`: the staged columns (output columns with a target). */
  constructor(count: number) {
    this.#pending = Array.from({ length: count }, () => []);
    this.#pieces = Array.from({ length: count }, () => []);
  }

  /** One accepted row's values of the staged columns, in their order. */
  add(values: readonly string[]): void {
    for (let i = 0; i < this.#pending.length; i++) {
      this.#pending[i]!.push(element(values[i]!));
    }
    this.#rows += 1;
    if (this.#rows % PIECE_ROWS === 0) this.#join();
  }

  result(): { rows: number; columns: string[] } {
    this.#join();
    return { rows: this.#rows, columns: this.#pieces.map((p) => `{${p.join(',')}}`) };
  }

  #join(): void {
    for (let i = 0; i < this.#pending.length; i++) {
      const pending = this.#pending[i]!;
      if (pending.length === 0) continue;
      this.#pieces[i]!.push(pending.join(','));
      pending.length = 0;
    }
  }
}

/**
 * Elements are joined every this many rows: a chunk's ~10,000 small element
 * strings per column then die young instead of all living until the chunk
 * ends (promoted to the old generation, they cost the thread full
 * collections; two threads, 150,000 realistic rows: 92k -> 97-101k rows/s).
 */
const PIECE_ROWS = 256;

const NEEDS_ESCAPE = /["\\]/;

/** An array element: double-quoted, so commas, braces, spaces and the word NULL stay values. */
function element(value: string): string {
  if (value === '') return 'NULL';
  return NEEDS_ESCAPE.test(value) ? `"${value.replace(/["\\]/g, '\\$&')}"` : `"${value}"`;
}
