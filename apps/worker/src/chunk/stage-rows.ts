import { Utf8Sink } from './utf8-sink.ts';

/**
 * An import chunk's accepted values as the input of the chunk commit's COPY
 * into the job's stage (@sluice/db's StagedRows): PostgreSQL's text format,
 * one line per row, `_seq`, `_row`, `_line`, then the staged columns. Built
 * here in the thread, row by row into UTF-8, so the event loop only passes
 * bytes on. An empty value is NULL (`\N`), as an empty field of the chunk
 * output is for the merge.
 */
export class StageRows {
  readonly #seq: number;
  readonly #columnCount: number;
  readonly #copy = new Utf8Sink(64 * 1024);
  #rows = 0;

  /** `seq`: the chunk; `columnCount`: the staged columns (output columns with a target). */
  constructor(seq: number, columnCount: number) {
    this.#seq = seq;
    this.#columnCount = columnCount;
  }

  /**
   * One accepted row: `values` at `staged` (the staged columns' indexes, in
   * their order), and its line in the file.
   */
  add(values: readonly string[], staged: readonly number[], line: number): void {
    this.#rows += 1;
    let text = `${this.#seq}\t${this.#rows}\t${line}`;
    for (const i of staged) text += `\t${field(values[i]!)}`;
    this.#copy.write(`${text}\n`);
  }

  result(): { rows: number; columnCount: number; seq: number; copy: Uint8Array } {
    return {
      rows: this.#rows,
      columnCount: this.#columnCount,
      seq: this.#seq,
      copy: this.#copy.bytes(),
    };
  }
}

/** What COPY's text format gives a special meaning to inside a value. */
const NEEDS_ESCAPE = /[\\\t\n\r]/;
const ESCAPES: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' };

/** A value in COPY's text format: `\N` for empty (NULL), the four specials escaped. */
function field(value: string): string {
  if (value === '') return '\\N';
  return NEEDS_ESCAPE.test(value) ? value.replace(/[\\\t\n\r]/g, (c) => ESCAPES[c]!) : value;
}
