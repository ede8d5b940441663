/**
 * Rows per second through one thread for generated contacts in the 10-column
 * shape of test/fixtures/contacts-sample.csv (test/support's generator:
 * unique emails and ids, names, phones and dates drawn from small pools, as
 * in real exports), measured side by side with a reference in the same
 * process: the same chunks only decoded and parsed. The ratio is what
 * normalization costs. (Cycling the sample's 8 rows, as this scenario did
 * before 2026-11-23, let the per-chunk memo answer nearly every cell.)
 */
import { availableParallelism, cpus } from 'node:os';
import { parseRecords, splitRecords } from '@sluice/csv';
import { ColumnProfiler } from '@sluice/normalize';
// The worker thread's own task function: benchmarks measure the real path.
import { normalizeChunk } from '../../apps/worker/src/chunk/normalize-chunk.ts';
import { CONTACT_HEADER, contactRow } from '../support/generate-contacts.ts';

export interface ThroughputResult extends Record<string, unknown> {
  scenario: 'normalize-throughput';
  rows: number;
  chunks: number;
  sluiceRowsPerSecond: number;
  referenceRowsPerSecond: number;
  reference: string;
  ratio: number;
  machine: string;
}

function buildFile(rows: number): Buffer {
  const out: string[] = [CONTACT_HEADER];
  for (let i = 1; i <= rows; i++) out.push(contactRow(i));
  return Buffer.from(`${out.join('\r\n')}\r\n`);
}

async function chunksOf(file: Buffer) {
  const events = [];
  for await (const e of splitRecords(
    (async function* () {
      yield file;
    })(),
    { chunkBytes: 1024 * 1024, maxRecordBytes: 1024 * 1024 },
  ))
    events.push(e);
  return events;
}

export async function normalizeThroughput(rows = 400_000): Promise<ThroughputResult> {
  const events = await chunksOf(buildFile(rows));
  const header = events.find((e) => e.kind === 'header')!;
  const chunks = events.filter((e) => e.kind === 'chunk');
  const names = parseRecords(header.bytes.toString(), { maxFields: 100 })[0] as {
    fields: string[];
  };
  const profiler = new ColumnProfiler(names.fields, {});
  const decoder = new TextDecoder();
  for (const c of chunks) {
    if (!profiler.wantsRows) break;
    for (const r of parseRecords(decoder.decode(c.bytes), { maxFields: 100 }))
      if ('fields' in r) profiler.add(r.fields);
  }
  const columns = profiler.finish();

  const sluice = () => {
    for (const c of chunks) {
      normalizeChunk({
        data: c.bytes,
        firstRecord: c.firstRecord,
        recordCount: c.recordCount,
        columns,
        options: { phoneRegion: 'US', timeZone: 'UTC' },
        maxColumns: 100,
        delimiter: ',',
      });
    }
  };
  const reference = () => {
    const strict = new TextDecoder('utf-8', { fatal: true });
    for (const c of chunks) parseRecords(strict.decode(c.bytes), { maxFields: 100 });
  };
  const time = (fn: () => void) => {
    const t0 = performance.now();
    fn();
    return (performance.now() - t0) / 1000;
  };
  // Warm up both, then alternate so machine noise hits both alike; median of 3.
  time(sluice);
  time(reference);
  const s: number[] = [];
  const r: number[] = [];
  for (let i = 0; i < 3; i++) {
    s.push(time(sluice));
    r.push(time(reference));
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[1]!;
  const sluiceRate = Math.round(rows / median(s));
  const referenceRate = Math.round(rows / median(r));
  return {
    scenario: 'normalize-throughput',
    rows,
    chunks: chunks.length,
    sluiceRowsPerSecond: sluiceRate,
    referenceRowsPerSecond: referenceRate,
    reference: 'decode + parse the same chunks, no normalization (same thread, same run)',
    ratio: Number((sluiceRate / referenceRate).toFixed(3)),
    machine: `${availableParallelism()} cores, ${cpus()[0]?.model ?? 'unknown CPU'}, Node ${process.version}`,
  };
}
