import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { HttpProblem } from './problem.ts';
import { PROBLEM_CATALOG, type ProblemCode } from './problem-catalog.ts';

interface DocumentedCode {
  status: number;
  code: string;
  meaning: string;
}

/**
 * The rows of README.md's error table: the table right after the line that
 * introduces problem+json errors, one `| status | code | meaning |` row per code.
 */
function readmeErrorTable(): DocumentedCode[] {
  const readme = readFileSync(new URL('../../../../README.md', import.meta.url), 'utf8');
  const lines = readme.split('\n');
  const intro = lines.findIndex((line) => line.startsWith('Errors are RFC 9457'));
  expect(intro, 'README.md introduces its error table').toBeGreaterThanOrEqual(0);
  const start = lines.findIndex((line, i) => i > intro && line.startsWith('|'));
  const end = lines.findIndex((line, i) => i > start && !line.startsWith('|'));
  const [header, rule, ...rows] = lines.slice(start, end === -1 ? undefined : end);
  const cells = (line: string) =>
    line
      .slice(1, -1)
      .split('|')
      .map((cell) => cell.trim());
  expect(cells(header ?? '')).toEqual(['status', 'code', 'meaning']);
  expect(rule).toMatch(/^\|[\s|-]+\|$/);
  return rows.map((row) => {
    const [status = '', code = '', meaning = ''] = cells(row);
    expect(code, `one code per row: ${row}`).toMatch(/^`[a-z_]+`$/);
    return { status: Number(status), code: code.slice(1, -1), meaning };
  });
}

describe('the problem catalog', () => {
  const catalog = Object.entries(PROBLEM_CATALOG);

  it('is what README.md documents, code by code: every documented code exists', () => {
    const documented = readmeErrorTable();
    for (const row of documented) {
      expect(Object.keys(PROBLEM_CATALOG), `README.md documents ${row.code}`).toContain(row.code);
      const entry = PROBLEM_CATALOG[row.code as ProblemCode];
      expect({ code: row.code, status: row.status, meaning: row.meaning }).toEqual({
        code: row.code,
        status: entry.status,
        meaning: entry.meaning,
      });
    }
    const codes = documented.map((row) => row.code);
    expect(new Set(codes).size, 'no code documented twice').toBe(codes.length);
  });

  it('is what README.md documents, code by code: every code is documented', () => {
    const codes = new Set(readmeErrorTable().map((row) => row.code));
    for (const [code] of catalog) expect(codes, `README.md lacks ${code}`).toContain(code);
  });

  it('gives every code an error status, a title and a one-line meaning', () => {
    for (const [code, entry] of catalog) {
      expect(code).toMatch(/^[a-z]+(_[a-z]+)*$/);
      expect(entry.status, code).toBeGreaterThanOrEqual(400);
      expect(entry.status, code).toBeLessThan(600);
      expect(entry.title.length, code).toBeGreaterThan(0);
      expect(entry.meaning, code).toMatch(/^[^|\n]{10,}$/);
    }
  });

  it('decides the status and title of every HttpProblem', () => {
    const problem = new HttpProblem('job_not_completed', 'The job is running.', {
      extra: { jobStatus: 'running' },
    });
    expect(problem).toMatchObject({
      status: 409,
      code: 'job_not_completed',
      title: 'Job not completed',
      message: 'The job is running.',
      extra: { jobStatus: 'running' },
    });
    // @ts-expect-error a code that is not in the catalog does not compile
    expect(() => new HttpProblem('job_not_fuond', 'typo')).toThrow(TypeError);
  });
});
