import { parseRecords } from '@sluice/csv';
import { ColumnProfiler } from '@sluice/normalize';
import { describe, expect, it } from 'vitest';
import { profileChunk } from './profile-chunk.ts';

const HEADER = ['name', 'dob', 'joined', 'email', 'notes'];
/**
 * The dob column proves both orders (day-first more often): a day-first
 * hint settles it for the majority, so the counts decide the outcome.
 */
const DAY_FIRST_HINT = { order: 'DMY', from: 'locale de' } as const;

/** What storeUpload did before profileChunk: decode each chunk, parse it all. */
function decodingFirst(chunks: Buffer[], header = HEADER) {
  const profiler = new ColumnProfiler(header, {}, undefined, { dateOrderHint: DAY_FIRST_HINT });
  const decoder = new TextDecoder('utf-8');
  for (const chunk of chunks) {
    if (!profiler.wantsRows) break;
    for (const record of parseRecords(decoder.decode(chunk), { maxFields: 20 })) {
      if ('fields' in record) profiler.add(record.fields);
    }
  }
  return profiler.finish();
}

function latin1First(chunks: Buffer[], header = HEADER) {
  const profiler = new ColumnProfiler(header, {}, undefined, { dateOrderHint: DAY_FIRST_HINT });
  for (const chunk of chunks) {
    if (profiler.wantsRows) profileChunk(profiler, chunk, { delimiter: ',', maxFields: 20 });
  }
  return profiler.finish();
}

/** Rows whose non-ASCII values decide things: en-dash dates, accented names, quotes, breaks. */
function rows(count: number, seed: number): string[] {
  let a = seed;
  const r = () => {
    a = (a * 1103515245 + 12345) % 2147483648;
    return a / 2147483648;
  };
  const out: string[] = [];
  for (let i = 0; i < count; i++) {
    const d = 1 + Math.floor(r() * 28);
    const late = 13 + Math.floor(r() * 15);
    const m = 1 + Math.floor(r() * 12);
    const y = 1950 + Math.floor(r() * 50);
    const x = r();
    // Day-first only through non-ASCII dashes (U+2013, U+2212): a reading
    // that mangled them would count the month-first ones and pick that order.
    const dob =
      x < 0.3
        ? `${late}\u2013${m}\u2013${y}`
        : x < 0.45
          ? `${late}\u2212${m}\u2212${y}`
          : x < 0.6
            ? `${m}/${late}/${y}`
            : x < 0.7
              ? `\uff11${m}/${d}/${y}`
              : `${y}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
    const name = r() < 0.3 ? `"Nguyễn, Zoë ${i}"` : `Seán ${i}`;
    const notes = r() < 0.1 ? `"línea\nnueva ""é"""` : r() < 0.05 ? '"bad"é' : '';
    out.push(`${name},${dob},${m}/${d}/${y},user${i}@exämple.org,${notes}`);
  }
  return out;
}

describe('profileChunk', () => {
  it('profiles as decoding each chunk and parsing it all did, past the sample and across chunks', () => {
    const lines = rows(3000, 7);
    const chunks: Buffer[] = [];
    for (let i = 0; i < lines.length; i += 700) {
      // A byte order mark opening a chunk (TextDecoder leaves it out), CRLF and LF.
      const bom = i === 1400 ? '\ufeff' : '';
      chunks.push(Buffer.from(`${bom}${lines.slice(i, i + 700).join(i % 1400 ? '\r\n' : '\n')}\n`));
    }
    const expected = decodingFirst(chunks);
    expect(latin1First(chunks)).toEqual(expected);
    // Not vacuous: the non-ASCII dashes decide the order (without them
    // counted, month-first would be the only order proven).
    expect(expected.find((c) => c.name === 'dob')).toMatchObject({
      type: 'date',
      dateOrder: 'DMY',
    });
  });

  it('counts number separators and quoted values with doubled quotes as parsing them did', () => {
    const header = ['amount', 'date', 'note'];
    const lines: string[] = [];
    for (let i = 0; i < 4000; i++) {
      const day = 13 + (i % 15);
      const amount =
        i % 7 === 0 ? `"${i},5"` : i % 11 === 0 ? `${i}.25` : i % 13 === 0 ? `"1.2""${i}"` : `${i}`;
      const when =
        i >= 1000 && i % 5 === 0
          ? `"${day}/3/19""${i % 90}"`
          : i % 3 === 0
            ? `3/${day}/1990`
            : `${day}/3/1990`;
      const note = i % 9 === 0 ? '"two\nlines, ""quoted"""' : i % 17 === 0 ? '"bad"x' : 'n';
      lines.push(`${amount},${when},${note}`);
    }
    const chunks: Buffer[] = [];
    for (let i = 0; i < lines.length; i += 900) {
      chunks.push(Buffer.from(`${lines.slice(i, i + 900).join('\r\n')}\r\n`));
    }
    const expected = decodingFirst(chunks, header);
    expect(latin1First(chunks, header)).toEqual(expected);
    // Not vacuous: both separators proven (the amount column is in doubt), and an order.
    expect(expected[0]).toMatchObject({ type: 'currency', separatorDoubt: true });
    expect(expected[1]).toMatchObject({ type: 'date', dateOrder: 'DMY' });
  });
});
