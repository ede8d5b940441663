import { describe, expect, it } from 'vitest';
import type { ColumnType } from '../registry.ts';
import { type ColumnRules, ruleProblem } from './declaration.ts';
import { compilePattern } from './safe-pattern.ts';

describe('compilePattern', () => {
  it('compiles a whole-value match with Unicode semantics', () => {
    const compiled = compilePattern('[A-Z]{2}\\d+|(?:x|y)+');
    expect(compiled.ok).toBe(true);
    if (!compiled.ok) return;
    expect(compiled.regex.test('AB12')).toBe(true);
    expect(compiled.regex.test('xyx')).toBe(true);
    expect(compiled.regex.test('AB12 ')).toBe(false);
  });

  it.each([
    ['(a+)+', 'quantified group'],
    ['(\\d*x)*$', 'quantified group'],
    ['((ab)+c)+', 'quantified group'],
    ['(?:a{2,})+', 'quantified group'],
    ['(a+){3}', 'quantified group'],
    ['(a)\\1', 'backreferences'],
    ['(?<x>a)\\k<x>', 'backreferences'],
    ['(', 'not a valid regular expression'],
    ['a'.repeat(201), '1 to 200 characters'],
  ])('refuses %s', (source, reason) => {
    const compiled = compilePattern(source);
    expect(compiled.ok).toBe(false);
    if (!compiled.ok) expect(compiled.reason).toContain(reason);
  });

  it('accepts quantifiers that cannot nest, inside classes and after plain groups', () => {
    for (const source of [
      '[(+)]+',
      '(ab)+',
      '(a|b)?c+',
      '\\(a+\\)+',
      '(?=a)a+',
      'a+?b*',
      '(\\d{3}-)+',
      '(a+)?',
    ]) {
      expect(compilePattern(source).ok, source).toBe(true);
    }
  });
});

describe('ruleProblem', () => {
  const text: { name: string; type: ColumnType } = { name: 'code', type: 'text' };
  const amount: { name: string; type: ColumnType } = { name: 'amount', type: 'number' };

  it('accepts sound rules', () => {
    expect(ruleProblem(text, { enum: ['A'], synonyms: { alpha: 'a' }, minLength: 1 })).toBe(
      undefined,
    );
    expect(ruleProblem(amount, { min: 0, max: 10 })).toBeUndefined();
    expect(
      ruleProblem({ name: 'day', type: 'date' }, { min: '2024-01-01', max: '2024-02-29' }),
    ).toBeUndefined();
  });

  it.each([
    [text, { pattern: '(a*)*' }, 'invalid_pattern', 'rules.pattern'],
    [text, { min: 1 }, 'invalid_rule', 'rules.min'],
    [amount, { min: '1' }, 'invalid_rule', 'rules.min'],
    [amount, { min: 5, max: 1 }, 'invalid_rule', 'rules.min'],
    [{ name: 'day', type: 'date' }, { max: '2024-02-30' }, 'invalid_rule', 'rules.max'],
    [text, { minLength: 3, maxLength: 2 }, 'invalid_rule', 'rules.minLength'],
    [text, { synonyms: { a: 'b' } }, 'invalid_rule', 'rules.synonyms'],
    [text, { enum: ['a', 'A'] }, 'invalid_rule', 'rules.enum'],
    [text, { enum: ['a'], synonyms: { x: 'b' } }, 'invalid_rule', 'rules.synonyms.x'],
    [text, { compare: [{ op: '=', column: 'CODE' }] }, 'invalid_rule', 'rules.compare[0]'],
  ] as Array<[typeof text, ColumnRules, string, string]>)(
    'refuses %j %j',
    (column, rules, code, field) => {
      expect(ruleProblem(column, rules)).toMatchObject({ code, field });
    },
  );

  it('checks cross-field references against the columns when they are known', () => {
    const types = new Map([
      ['start', 'date' as const],
      ['label', 'text' as const],
    ]);
    const end = { name: 'end', type: 'date' as const };
    expect(ruleProblem(end, { compare: [{ op: '>=', column: 'start' }] }, types)).toBeUndefined();
    expect(ruleProblem(end, { compare: [{ op: '>=', column: 'nope' }] }, types)).toMatchObject({
      field: 'rules.compare[0]',
      message: 'names no column "nope"',
    });
    expect(ruleProblem(end, { compare: [{ op: '<', column: 'label' }] }, types)).toMatchObject({
      field: 'rules.compare[0]',
    });
    expect(
      ruleProblem(end, { requiredWhen: { column: 'missing', in: ['x'] } }, types),
    ).toMatchObject({ field: 'rules.requiredWhen.column' });
  });
});
