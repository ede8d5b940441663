/**
 * Rows per second through one thread for generated contacts in the 10-column
 * shape of test/fixtures/contacts-sample.csv, in two cases from
 * test/support/generate-contacts.ts:
 * - realistic (the headline): nearly unique names, e-mails and phone numbers,
 *   phones and dates in mixed formats, rows from five countries, ~4 % of rows
 *   with an invalid value; the per-chunk memo answers few cells;
 * - pooled (memo-friendly): names, phones and dates from small pools, so the
 *   memo answers most cells; an upper bound, not what a user sees.
 * Each is measured side by side with a reference in the same process: the
 * same chunks only decoded and parsed. The ratio is what normalization costs.
 * With `pnpm bench --profile normalize-throughput` one more pass of each case
 * is profiled (support/cpu-profile.ts); the timed passes are not.
 */
import { availableParallelism, cpus } from 'node:os';
import { parseRecords, splitRecords } from '@sluice/csv';
import { ColumnProfiler } from '@sluice/normalize';
// The worker thread's own task function: benchmarks measure the real path.
import { normalizeChunk } from '../../apps/worker/src/chunk/normalize-chunk.ts';
import {
  CONTACT_HEADER,
  type ContactsVariant,
  contactRowOf,
} from '../support/generate-contacts.ts';
import { profileSync } from './support/cpu-profile.ts';

interface CaseFigures {
  rows: number;
  chunks: number;
  sluiceRowsPerSecond: number;
  referenceRowsPerSecond: number;
  ratio: number;
  /** Where the profile of this case went (`--profile` only). */
  profile?: string;
}

export interface ThroughputResult extends Record<string, unknown> {
  scenario: 'normalize-throughput';
  realistic: CaseFigures;
  pooled: CaseFigures;
  reference: string;
  machine: string;
}

function buildFile(variant: ContactsVariant, rows: number): Buffer {
  const out: string[] = [CONTACT_HEADER];
  for (let i = 1; i <= rows; i++) out.push(contactRowOf(variant, i));
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

const time = (fn: () => void) => {
  const t0 = performance.now();
  fn();
  return (performance.now() - t0) / 1000;
};
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function measure(variant: ContactsVariant, rows: number): Promise<CaseFigures> {
  const events = await chunksOf(buildFile(variant, rows));
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
  // Warm up both, then alternate so machine noise hits both alike; median of 3.
  time(sluice);
  time(reference);
  const s: number[] = [];
  const r: number[] = [];
  for (let i = 0; i < 3; i++) {
    s.push(time(sluice));
    r.push(time(reference));
  }
  const profile = profileSync(`normalize-${variant}`, sluice);
  const sluiceRate = Math.round(rows / median(s));
  const referenceRate = Math.round(rows / median(r));
  return {
    rows,
    chunks: chunks.length,
    sluiceRowsPerSecond: sluiceRate,
    referenceRowsPerSecond: referenceRate,
    ratio: Number((sluiceRate / referenceRate).toFixed(3)),
    ...(profile ? { profile } : {}),
  };
}

export async function normalizeThroughput(rows = 200_000): Promise<ThroughputResult> {
  return {
    scenario: 'normalize-throughput',
    realistic: await measure('realistic', rows),
    pooled: await measure('pooled', rows),
    reference: 'decode + parse the same chunks, no normalization (same thread, same run)',
    machine: `${availableParallelism()} cores, ${cpus()[0]?.model ?? 'unknown CPU'}, Node ${process.version}`,
  };
}
