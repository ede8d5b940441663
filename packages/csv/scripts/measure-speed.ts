// Measures splitRecords and parseRecords throughput on generated CSV.
// Run from /work/main: node packages/csv/scripts/measure-speed.ts [MB]
// Input is a block of contacts-like rows (some quoted, some with quoted
// newlines and doubled quotes) repeated and fed in 64 KiB pieces, as an HTTP
// body would arrive.
import { parseRecords, splitRecords } from '../src/index.ts';

const totalMb = Number(process.argv[2] ?? 512);
const PIECE = 64 * 1024;

function block(quoteEverything: boolean): Buffer {
  const rows: string[] = [
    'id,name,email,phone,birth_date,country,postal_code,state,employer,notes',
  ];
  for (let i = 1; i <= 40_000; i++) {
    const notes = i % 10 === 0 ? '"line one\nline ""two"", with comma"' : i % 2 ? '' : `note ${i}`;
    const fields = [
      String(i),
      i % 3 ? `  jane doe ${i} ` : '"DOE, JANE"',
      ` jane.${i}@Example.COM `,
      `(415) 555-${String(i % 10_000).padStart(4, '0')}`,
      '1985-07-04',
      'United States',
      String(i % 99_999),
      'CA',
      '"Quotes"" & Sons"',
      notes,
    ];
    const line = quoteEverything
      ? fields.map((f) => (f.startsWith('"') ? f : `"${f}"`)).join(',')
      : fields.join(',');
    rows.push(line);
  }
  return Buffer.from(`${rows.slice(1).join('\r\n')}\r\n`);
}

async function measure(name: string, data: Buffer): Promise<void> {
  const header = Buffer.from(
    'id,name,email,phone,birth_date,country,postal_code,state,employer,notes\r\n',
  );
  const pieces: Buffer[] = [];
  for (let at = 0; at < data.length; at += PIECE) pieces.push(data.subarray(at, at + PIECE));
  const repeats = Math.ceil((totalMb * 1024 * 1024) / data.length);
  async function* source() {
    yield header;
    for (let r = 0; r < repeats; r++) yield* pieces;
  }
  let bytes = header.length;
  let records = 0;
  let chunks = 0;
  let sample: Buffer | undefined;
  let peakRss = 0;
  const started = performance.now();
  for await (const event of splitRecords(source(), {
    chunkBytes: 1024 ** 2,
    maxRecordBytes: 1024 ** 2,
  })) {
    if (event.kind === 'header') continue;
    bytes += event.bytes.length;
    records += event.recordCount;
    chunks += 1;
    sample ??= event.bytes;
    if (chunks % 16 === 0) peakRss = Math.max(peakRss, process.memoryUsage.rss());
  }
  const seconds = (performance.now() - started) / 1000;
  const mb = bytes / 1024 / 1024;
  console.log(
    `${name}: split ${mb.toFixed(0)} MB (${records} records, ${chunks} chunks) in ${seconds.toFixed(2)} s = ${(mb / seconds).toFixed(0)} MB/s, peak RSS ${(peakRss / 1024 / 1024).toFixed(0)} MB`,
  );

  // parseRecords on one 1 MB chunk, repeated (what a worker thread does).
  if (!sample) return;
  const decoder = new TextDecoder('utf-8', { fatal: true });
  const rounds = 200;
  const parseStarted = performance.now();
  let parsed = 0;
  for (let r = 0; r < rounds; r++)
    parsed += parseRecords(decoder.decode(sample), { maxFields: 100 }).length;
  const parseSeconds = (performance.now() - parseStarted) / 1000;
  const parseMb = (sample.length * rounds) / 1024 / 1024;
  console.log(
    `${name}: decode+parse ${parseMb.toFixed(0)} MB (${parsed} records) in ${parseSeconds.toFixed(2)} s = ${(parseMb / parseSeconds).toFixed(0)} MB/s`,
  );
}

await measure('contacts (mixed quoting)', block(false));
await measure('every field quoted', block(true));
