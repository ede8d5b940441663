import { describe, expect, it } from 'vitest';
import { ERROR_CODES } from '../errors.ts';
import { type CellError, createRowNormalizer } from '../row.ts';
import { compileRowRules, type RuleColumn } from './row-rules.ts';

const options = { phoneRegion: 'US', timeZone: 'UTC' };

/** Normalizes a record as a worker does, then applies the columns' rules. */
function check(columns: RuleColumn[], fields: string[]) {
  const normalize = createRowNormalizer(columns, options);
  const rules = compileRowRules(columns);
  const values: string[] = [];
  const errors: CellError[] = [];
  let rejected = normalize.into(fields, values, errors);
  if (rules?.apply(fields, values, errors)) rejected = true;
  return { values, codes: errors.map((e) => e.code), errors, rejected };
}

describe('compileRowRules', () => {
  it('is undefined for columns without rules (the row loop skips rules entirely)', () => {
    expect(compileRowRules([{ name: 'a', type: 'text', required: false }])).toBeUndefined();
    expect(compileRowRules([{ name: 'a', type: 'text', required: false, rules: [] }])).toBe(
      undefined,
    );
  });

  it('maps enum values case-insensitively and synonyms to the canonical value', () => {
    const columns: RuleColumn[] = [
      {
        name: 'tier',
        type: 'text',
        required: false,
        rules: [{ enum: ['Gold', 'Silver'], synonyms: { au: 'gold', ag: 'Silver' } }],
      },
    ];
    expect(check(columns, ['GOLD']).values).toEqual(['Gold']);
    expect(check(columns, [' silver ']).values).toEqual(['Silver']);
    expect(check(columns, ['AU']).values).toEqual(['Gold']);
    expect(check(columns, ['Ag']).values).toEqual(['Silver']);
    const bronze = check(columns, ['bronze']);
    expect(bronze.values).toEqual(['']);
    expect(bronze.errors).toEqual([
      {
        column: 'tier',
        raw: 'bronze',
        code: ERROR_CODES.notInEnum,
        message: 'tier must be one of "Gold", "Silver"',
      },
    ]);
    expect(bronze.rejected).toBe(false);
  });

  it('matches the whole value against a pattern', () => {
    const columns: RuleColumn[] = [
      { name: 'sku', type: 'text', required: true, rules: [{ pattern: '[A-Z]{3}-\\d+' }] },
    ];
    expect(check(columns, ['ABC-12'])).toMatchObject({ values: ['ABC-12'], rejected: false });
    expect(check(columns, ['xABC-12'])).toMatchObject({
      codes: [ERROR_CODES.patternMismatch],
      rejected: true,
    });
  });

  it('checks lengths in characters, not UTF-16 code units', () => {
    const columns: RuleColumn[] = [
      { name: 'code', type: 'text', required: false, rules: [{ minLength: 2, maxLength: 3 }] },
    ];
    expect(check(columns, ['a']).codes).toEqual([ERROR_CODES.tooShort]);
    expect(check(columns, ['abcd']).codes).toEqual([ERROR_CODES.tooLong]);
    // Three emoji: six code units, three characters.
    expect(check(columns, ['😀😀😀']).codes).toEqual([]);
  });

  it('bounds numbers and dates by their normalized value', () => {
    const columns: RuleColumn[] = [
      { name: 'qty', type: 'integer', required: false, rules: [{ min: 1, max: 10 }] },
      {
        name: 'day',
        type: 'date',
        required: false,
        rules: [{ min: '2024-01-01', max: '2024-12-31' }],
      },
    ];
    expect(check(columns, ['1', '2024-01-01']).codes).toEqual([]);
    expect(check(columns, ['10', '2024-12-31']).codes).toEqual([]);
    expect(check(columns, ['0', '2023-12-31']).codes).toEqual([
      ERROR_CODES.belowMin,
      ERROR_CODES.belowMin,
    ]);
    expect(check(columns, ['1,000', '2025-01-01']).codes).toEqual([
      ERROR_CODES.aboveMax,
      ERROR_CODES.aboveMax,
    ]);
  });

  it('leaves empty optional values unchecked and invalid ones reported once', () => {
    const columns: RuleColumn[] = [
      { name: 'qty', type: 'integer', required: false, rules: [{ min: 5 }] },
    ];
    expect(check(columns, [''])).toMatchObject({ codes: [], rejected: false });
    expect(check(columns, ['abc']).codes).toEqual([ERROR_CODES.invalidInteger]);
  });

  it('compares columns of a row (end >= start), reporting on the rule column', () => {
    const columns: RuleColumn[] = [
      { name: 'start', type: 'date', required: true },
      {
        name: 'end',
        type: 'date',
        required: false,
        rules: [{ compare: [{ op: '>=', column: 'Start' }] }],
      },
    ];
    expect(check(columns, ['2024-03-01', '2024-03-01']).codes).toEqual([]);
    const before = check(columns, ['2024-03-02', '2024-03-01']);
    expect(before).toMatchObject({
      values: ['2024-03-02', ''],
      codes: [ERROR_CODES.ruleFailed],
      rejected: false,
    });
    expect(before.errors[0]!.message).toBe('end must be >= start (2024-03-02)');
    // Nothing to compare with an empty side.
    expect(check(columns, ['2024-03-02', '']).codes).toEqual([]);
  });

  it('requires a value when another column has one of the given values, rejecting the row', () => {
    const columns: RuleColumn[] = [
      { name: 'country', type: 'country', required: false },
      {
        name: 'region',
        type: 'text',
        required: false,
        rules: [{ requiredWhen: { column: 'country', in: ['us'] } }],
      },
    ];
    expect(check(columns, ['United States', 'CA']).codes).toEqual([]);
    expect(check(columns, ['France', '']).codes).toEqual([]);
    const missing = check(columns, ['USA', '']);
    expect(missing).toMatchObject({ codes: [ERROR_CODES.ruleFailed], rejected: true });
    expect(missing.errors[0]!.message).toBe('region is required when country is US');
  });

  it('finds a dataset rule reference by the dataset column a header fills', () => {
    const columns: RuleColumn[] = [
      { name: 'Begins', type: 'number', required: false, target: 'low' },
      {
        name: 'Ends',
        type: 'number',
        required: false,
        target: 'high',
        rules: [{ compare: [{ op: '>', column: 'low' }] }],
      },
    ];
    expect(check(columns, ['5', '4']).codes).toEqual([ERROR_CODES.ruleFailed]);
    expect(check(columns, ['5', '6']).codes).toEqual([]);
  });

  it('lists the unique columns (checked over the whole file, not per row)', () => {
    const rules = compileRowRules([
      { name: 'id', type: 'integer', required: true },
      { name: 'email', type: 'email', required: false, rules: [{ unique: true }] },
    ]);
    expect(rules?.unique).toEqual([1]);
  });

  it('applies every rule set of a column (a dataset and a job both declaring)', () => {
    const columns: RuleColumn[] = [
      { name: 'n', type: 'number', required: false, rules: [{ min: 0 }, { max: 5 }] },
    ];
    expect(check(columns, ['-1']).codes).toEqual([ERROR_CODES.belowMin]);
    expect(check(columns, ['6']).codes).toEqual([ERROR_CODES.aboveMax]);
    expect(check(columns, ['3']).codes).toEqual([]);
  });
});
