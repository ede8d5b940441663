// The sniffers parse only the records they look at (firstRecords). Their
// decisions must be the ones they made parsing the whole sample: this test
// keeps those whole-sample versions as references and compares both on the
// repository's CSV fixtures and on generated samples (quoted delimiters,
// fields spanning lines, unclosed quotes, cut samples, more records than the
// sniffers read). detectQuote and detectHeaderLayout changed only by
// reading firstRecords instead of parseRecords(...).slice: pinned below.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DELIMITER_CANDIDATES, detectDelimiter, wholeRecords } from './detect-delimiter.ts';
import { firstRecords } from './first-records.ts';
import { parseRecords } from './parse.ts';
import { rng } from './test-helpers.ts';

/** detectDelimiter as it was: every record parsed, then the first maxRecords counted. */
function wholeSampleDelimiter(text: string, complete: boolean, maxRecords = 50, quote = '"') {
  let best = { delimiter: ',' as string, confidence: 0, fields: 1 };
  let bestScore = -1;
  const body = wholeRecords(text, complete);
  for (const delimiter of DELIMITER_CANDIDATES) {
    const counts = parseRecords(body, { delimiter, quote, maxFields: 10_000 })
      .slice(0, maxRecords)
      .flatMap((r) =>
        'fields' in r && !(r.fields.length === 1 && r.fields[0] === '') ? [r.fields.length] : [],
      );
    if (counts.length === 0) continue;
    const freq = new Map<number, number>();
    for (const n of counts) freq.set(n, (freq.get(n) ?? 0) + 1);
    const [modal, hits] = [...freq.entries()].sort((a, b) => b[1] - a[1] || b[0] - a[0])[0]!;
    if (modal < 2) continue;
    const confidence = hits / counts.length;
    const score = confidence * 1000 + Math.min(modal, 999);
    if (score > bestScore) {
      bestScore = score;
      best = { delimiter, confidence, fields: modal };
    }
  }
  return best;
}

function fixtureTexts(): [string, string][] {
  const root = join(import.meta.dirname, '../../../test/fixtures');
  const found: [string, string][] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (/\.(csv|tsv|txt)$/.test(entry.name))
        found.push([path.slice(root.length + 1), readFileSync(path, 'utf8')]);
    }
  };
  walk(root);
  return found;
}

/** A table with awkward cells, written with a random dialect; sometimes broken. */
function generatedSample(seed: number): string {
  const next = rng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)]!;
  const delimiter = pick(DELIMITER_CANDIDATES);
  const quote = pick(['"', "'"]);
  const lineBreak = pick(['\n', '\r\n', '\r']);
  const width = 1 + Math.floor(next() * 6);
  const records = Math.floor(next() * 260);
  const cells = [
    'Ann',
    'a,b',
    'x;y',
    'p|q',
    't\tu',
    "O'Brien",
    'say "hi"',
    '',
    '1,5',
    'two\nlines',
  ];
  const lines: string[] = [];
  for (let r = 0; r < records; r++) {
    const w = next() < 0.1 ? 1 + Math.floor(next() * 8) : width;
    const fields: string[] = [];
    for (let f = 0; f < w; f++) {
      const cell = pick(cells);
      const roll = next();
      if (roll < 0.3) fields.push(quote + cell.replaceAll(quote, quote + quote) + quote);
      else if (roll < 0.33)
        fields.push(quote + cell); // unclosed
      else fields.push(cell);
    }
    lines.push(fields.join(delimiter));
  }
  return lines.join(lineBreak) + (next() < 0.5 ? lineBreak : '');
}

function expectSameDecisions(text: string) {
  for (const complete of [true, false]) {
    expect(detectDelimiter(text, complete)).toEqual(wholeSampleDelimiter(text, complete));
    expect(detectDelimiter(text, complete, 50, "'")).toEqual(
      wholeSampleDelimiter(text, complete, 50, "'"),
    );
    // detectQuote and detectHeaderLayout read parseRecords(...).slice(0, max)
    // before, firstRecords(..., max) now, with max 200 by default.
    for (const delimiter of DELIMITER_CANDIDATES) {
      for (const quote of ['"', "'"]) {
        const options = { delimiter, quote, maxFields: 10_000 };
        const body = wholeRecords(text, complete);
        for (const max of [1, 50, 200])
          expect(firstRecords(body, options, max)).toEqual(
            parseRecords(body, options).slice(0, max),
          );
      }
    }
  }
}

describe('bounded sniffing decides as whole-sample sniffing did', () => {
  it.each(fixtureTexts())('fixture %s', (_name, text) => {
    expectSameDecisions(text);
  });

  it('generated samples', () => {
    for (let seed = 1; seed <= 300; seed++) expectSameDecisions(generatedSample(seed));
  });

  it('stops reading after the records it needs', () => {
    const text = `a;b\n${'1;2\n'.repeat(1000)}`;
    expect(firstRecords(text, { delimiter: ';', maxFields: 10 }, 3)).toEqual([
      { fields: ['a', 'b'] },
      { fields: ['1', '2'] },
      { fields: ['1', '2'] },
    ]);
    expect(firstRecords(text, { delimiter: ';', maxFields: 10 }, 0)).toEqual([]);
  });

  it('passes on a parse error that is not its own stop', () => {
    expect(() => firstRecords('a,b\n', { delimiter: ',', quote: ',', maxFields: 10 }, 5)).toThrow();
  });
});
