import { eachRecord, type ParsedRecord, type ParseOptions } from './parse.ts';

/** Thrown by firstRecords' visitor to end the parse; never leaves firstRecords. */
const ENOUGH = Symbol('enough records');

/**
 * The first `max` records of `text`, exactly as parseRecords(text).slice(0, max)
 * gives them, without parsing the rest. The sniffers look at the first 50-200
 * records of a sample of up to SNIFF_BYTES; parsing all of it (four times for
 * the delimiter) cost milliseconds per upload. eachRecord has no way to stop,
 * so its visitor throws a sentinel (not an Error: no stack is captured).
 */
export function firstRecords(text: string, options: ParseOptions, max: number): ParsedRecord[] {
  const records: ParsedRecord[] = [];
  if (max <= 0) return records;
  try {
    eachRecord(text, options, (record) => {
      records.push(record);
      if (records.length >= max) throw ENOUGH;
    });
  } catch (stop) {
    if (stop !== ENOUGH) throw stop;
  }
  return records;
}
