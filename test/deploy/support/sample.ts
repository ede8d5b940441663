import { readFileSync } from 'node:fs';
import { parseRecords } from '@sluice/csv';
import { expect } from 'vitest';
import { getText, type JobBody } from '../../support/client.ts';

const EXPECTED = new URL('../../fixtures/contacts-sample.expected.csv', import.meta.url);

/** test/fixtures/contacts-sample.csv, the file the README's curl example sends. */
export const SAMPLE = new URL('../../fixtures/contacts-sample.csv', import.meta.url);

const rows = (csv: string) =>
  parseRecords(csv, { maxFields: 1000 }).map((r) => {
    if ('error' in r) throw new Error(`unparseable CSV in test: ${r.error.message}`);
    return r.fields;
  });

/**
 * Asserts that a finished job of the sample gives exactly
 * contacts-sample.expected.csv (fixtures/README.md: `!error` = an empty cell
 * reported in errors.csv; numbers compare by value).
 */
export async function expectSampleResult(job: JobBody): Promise<void> {
  expect(job.status).toBe('completed');
  const result = rows((await getText(job.links.result)).body);
  const reported = new Set(
    rows((await getText(job.links.errors)).body)
      .slice(1)
      .map((e) => `${e[0]}:${e[1]}`),
  );
  const expected = rows(readFileSync(EXPECTED, 'utf8'));
  expect(result[0]).toEqual(expected[0]);
  expect(result).toHaveLength(expected.length);
  const number = /^-?\d+(\.\d+)?$/;
  const mismatches: string[] = [];
  expected.slice(1).forEach((row, i) => {
    row.forEach((want, c) => {
      const got = result[i + 1]![c]!;
      const where = `row ${i + 2} ${expected[0]![c]}`;
      const same =
        want === '!error'
          ? got === '' && reported.has(`${i + 2}:${expected[0]![c]}`)
          : got === want || (number.test(got) && number.test(want) && Number(got) === Number(want));
      if (!same)
        mismatches.push(`${where}: want ${JSON.stringify(want)}, got ${JSON.stringify(got)}`);
    });
  });
  expect(mismatches).toEqual([]);
  expect(reported.size).toBe(expected.flat().filter((cell) => cell === '!error').length);
}
