/**
 * An import chunk's accepted values, column by column, as PostgreSQL array
 * literals (`{"a",NULL,"b \"quoted\""}`): one text parameter per column for
 * the chunk commit's `unnest($1::numeric[], ...)` into the job's stage, built
 * here in the thread so the event loop only passes strings on. An empty value
 * is NULL, as an empty field of the chunk output is for the merge.
 */
export class StageLiterals {
  readonly #columns: string[][];
  #rows = 0;

  /** `count`: the staged columns (output columns with a target). */
  constructor(count: number) {
    this.#columns = Array.from({ length: count }, () => []);
  }

  /** One accepted row's values of the staged columns, in their order. */
  add(values: readonly string[]): void {
    for (let i = 0; i < this.#columns.length; i++) {
      this.#columns[i]!.push(element(values[i]!));
    }
    this.#rows += 1;
  }

  result(): { rows: number; columns: string[] } {
    return { rows: this.#rows, columns: this.#columns.map((c) => `{${c.join(',')}}`) };
  }
}

const NEEDS_ESCAPE = /["\\]/;

/** An array element: double-quoted, so commas, braces, spaces and the word NULL stay values. */
function element(value: string): string {
  if (value === '') return 'NULL';
  return NEEDS_ESCAPE.test(value) ? `"${value.replace(/["\\]/g, '\\$&')}"` : `"${value}"`;
}
