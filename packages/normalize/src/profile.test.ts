import { describe, expect, it } from 'vitest';
import { ColumnProfiler, UnknownColumnError } from './profile.ts';
import { createRowNormalizer } from './row.ts';

function profile(
  names: string[],
  rows: string[][],
  requested = {},
  dateOrder?: 'DMY' | 'MDY' | 'YMD',
) {
  const p = new ColumnProfiler(names, requested, dateOrder);
  for (const r of rows) p.add(r);
  return p.finish();
}

describe('ColumnProfiler', () => {
  it('takes types from the request first, then header synonyms, then values', () => {
    const cols = profile(
      ['E-Mail', 'misc', 'contact', 'notes'],
      Array.from({ length: 50 }, (_, i) => [
        `a${i}@x.io`,
        `b${i}@y.io`,
        `+1 415 555 01${String(i % 100).padStart(2, '0')}`,
        'free text',
      ]),
      { misc: { type: 'text', rename: 'other' } },
    );
    expect(cols.map((c) => [c.name, c.outputName, c.type, c.source])).toEqual([
      ['E-Mail', 'E-Mail', 'email', 'header'],
      ['misc', 'other', 'text', 'request'],
      ['contact', 'contact', 'phone', 'values'],
      ['notes', 'notes', 'text', 'default'],
    ]);
    expect(cols[2]!.confidence).toBeGreaterThanOrEqual(0.8);
  });

  it('rates a header type by the share of sampled values that look like it, and says so', () => {
    const rows = Array.from({ length: 10 }, (_, i) => [i < 7 ? `a${i}@x.io` : 'n/a', '']);
    const [email, phone] = profile(['Email', 'Phone'], rows);
    expect(email).toMatchObject({ type: 'email', source: 'header', confidence: 0.7 });
    expect(email!.notes).toEqual([
      'the header suggests type email; 7 of 10 sampled non-blank values look like email',
    ]);
    // Nothing sampled to check the header by: the header rule alone.
    expect(phone).toMatchObject({ type: 'phone', source: 'header', confidence: 0.9 });
    expect(phone!.notes).toEqual([
      'the header suggests type phone; no value was sampled to check it',
    ]);
  });

  it('notes how many values a type picked by values rests on, and why text is kept', () => {
    const rows = Array.from({ length: 10 }, (_, i) => [
      i < 9 ? `a${i}@x.io` : 'n/a',
      i < 5 ? `a${i}@x.io` : 'n/a',
    ]);
    const [mostly, half] = profile(['contact', 'misc'], rows);
    expect(mostly).toMatchObject({ type: 'email', source: 'values', confidence: 0.9 });
    expect(mostly!.notes).toEqual(['9 of 10 sampled non-blank values look like email']);
    expect(half).toMatchObject({ type: 'text', source: 'default', confidence: 1 });
    expect(half!.notes).toEqual([
      'no type fits at least 80% of the 10 sampled non-blank values; kept as text',
    ]);
    expect(profile(['misc'], [])[0]!.notes).toEqual(['no value was sampled; kept as text']);
  });

  it('adds the date-order note to the notes', () => {
    const [dob] = profile(['dob'], [['03/04/2020']]);
    expect(dob!.notes.at(-1)).toMatch(/^no value decides day\/month order/);
  });

  it('does not infer a type from values when too few look like it', () => {
    const rows = Array.from({ length: 10 }, (_, i) => [i < 6 ? `a${i}@x.io` : 'n/a']);
    expect(profile(['misc'], rows)[0]).toMatchObject({ type: 'text', source: 'default' });
  });

  it('decides day/month order from any value in the whole column, beyond the sample', () => {
    const rows = Array.from({ length: 5000 }, () => ['03/04/2020']);
    rows.push(['25/12/2020']);
    expect(profile(['dob'], rows)[0]).toMatchObject({
      type: 'date',
      dateOrder: 'DMY',
      dateOrderSource: 'values',
    });
    const us = Array.from({ length: 10 }, () => ['03/04/2020']).concat([['12/25/2020']]);
    expect(profile(['dob'], us)[0]).toMatchObject({ dateOrder: 'MDY' });
  });

  it('reports an undecidable order and honours a job-level one', () => {
    const rows = [['03/04/2020'], ['05/06/2021']];
    const undecided = profile(['dob'], rows)[0]!;
    expect(undecided.dateOrder).toBeUndefined();
    expect(undecided.dateOrderSource).toBe('undecided');
    expect(undecided.note).toMatch(/ambiguous/);
    expect(profile(['dob'], rows, {}, 'MDY')[0]).toMatchObject({
      dateOrder: 'MDY',
      dateOrderSource: 'job',
    });
  });

  it('leaves a column with conflicting evidence without an order instead of taking the majority', () => {
    const rows = [['25/12/2020'], ['26/12/2020'], ['12/25/2020'], ['03/04/2020']];
    const col = profile(['dob'], rows)[0]!;
    expect(col.dateOrder).toBeUndefined();
    expect(col.dateOrderSource).toBe('conflicting');
    expect(col.note).toMatch(/conflicting mixed evidence/);
    expect(col.notes.at(-1)).toBe(col.note);
  });

  it('weighs the conflict with the job hint and over the whole column, beyond the sample', () => {
    const rows = [['25/12/2020'], ['26/12/2020'], ['12/25/2020']];
    const de = { order: 'DMY', from: 'locale de' } as const;
    const p = new ColumnProfiler(['dob'], {}, undefined, { dateOrderHint: de });
    for (const r of rows) p.add(r);
    expect(p.finish()[0]).toMatchObject({ dateOrder: 'DMY', dateOrderSource: 'values' });
    // The month-first proof comes after the 1,000 sampled rows: still a conflict.
    const late = Array.from({ length: 1500 }, (_, i) => [i === 10 ? '25/12/2020' : '03/04/2020']);
    late.push(['12/25/2020']);
    expect(profile(['dob'], late)[0]).toMatchObject({ dateOrderSource: 'conflicting' });
  });

  it('reports each value the choice would change as ambiguous_date and normalizes the others', () => {
    const values = ['25/03/2024', '03/25/2024', '03/04/2024', '2024-04-05', '04/04/2024'];
    const columns = profile(
      ['dob'],
      values.map((v) => [v]),
    );
    const normalizer = createRowNormalizer(columns, { phoneRegion: 'US' });
    const results = values.map((v) => normalizer([v]));
    expect(results.map((r) => r.values[0])).toEqual([
      '2024-03-25',
      '2024-03-25',
      '',
      '2024-04-05',
      '2024-04-04',
    ]);
    expect(results.map((r) => r.errors.map((e) => e.code))).toEqual([
      [],
      [],
      ['ambiguous_date'],
      [],
      [],
    ]);
  });

  it('puts a number column proving both decimal separators in doubt, unless the job has a locale', () => {
    const rows = [['12.5'], ['1,234.50'], ['12,5'], ['1.234,50'], ['1.234']];
    const [amount] = profile(['amount'], rows, { amount: { type: 'currency' } });
    expect(amount).toMatchObject({ separatorDoubt: true });
    expect(amount!.note).toMatch(/conflicting decimal separators: 2 values only read with '.', 2/);
    const normalizer = createRowNormalizer([amount!], { phoneRegion: 'US' });
    expect(rows.map((r) => normalizer(r).values[0])).toEqual([
      '12.50',
      '1234.50',
      '12.50',
      '1234.50',
      '',
    ]);
    expect(normalizer(['1.234']).errors.map((e) => e.code)).toEqual(['ambiguous_number']);
    const p = new ColumnProfiler(['amount'], { amount: { type: 'currency' } }, undefined, {
      locale: 'de',
    });
    for (const r of rows) p.add(r);
    expect(p.finish()[0]!.separatorDoubt).toBeUndefined();
    // One separator only: no doubt, values read as before.
    expect(
      profile(['amount'], [['12.5'], ['1.234']], { amount: { type: 'number' } })[0]!.separatorDoubt,
    ).toBeUndefined();
  });

  it('reads on over every row only the number columns whose sample shows a decimal separator', () => {
    const p = new ColumnProfiler(['id', 'amount'], {
      id: { type: 'integer' },
      amount: { type: 'number' },
    });
    for (let i = 0; i < 1000; i++) p.add([String(i), i % 2 ? '12.5' : '7']);
    expect(p.readsFields).toEqual([1]);
    // 10 of 510 proofs (2%): more than slips.
    for (let i = 0; i < 10; i++) p.add(['', '12,5']);
    expect(p.finish()[1]).toMatchObject({ separatorDoubt: true });
  });

  it('does not let dotted day-first dates contradict slashed month-first ones', () => {
    const rows = [['25.12.2020'], ['26.12.2020'], ['12/25/2020'], ['03/04/2020']];
    expect(profile(['dob'], rows)[0]).toMatchObject({
      dateOrder: 'MDY',
      dateOrderSource: 'values',
    });
  });

  it('refuses requested columns that the header does not have', () => {
    expect(() => profile(['a'], [], { b: { type: 'email' } })).toThrow(UnknownColumnError);
  });

  it('stops wanting rows once sampled when no column needs whole-column evidence', () => {
    const p = new ColumnProfiler(['email'], {});
    for (let i = 0; i < 1000; i++) p.add([`a${i}@x.io`]);
    expect(p.wantsRows).toBe(false);
    const d = new ColumnProfiler(['dob'], {});
    for (let i = 0; i < 1000; i++) d.add(['01/02/2000']);
    expect(d.wantsRows).toBe(true);
  });

  it('reads every field while sampling, then only the date columns it decides the order of', () => {
    const p = new ColumnProfiler(['email', 'dob', 'joined'], { joined: { type: 'text' } });
    expect(p.readsFields).toBeUndefined();
    for (let i = 0; i < 1000; i++) p.add([`a${i}@x.io`, '01/02/2000', '01/02/2000']);
    expect(p.readsFields).toEqual([1]);
    // The other fields may be left blank from now on: the outcome is the same.
    p.add(['', '25/12/2000', '']);
    expect(p.finish().map((c) => [c.type, c.dateOrder])).toEqual([
      ['email', undefined],
      ['date', 'DMY'],
      ['text', undefined],
    ]);
  });
});

describe('ColumnProfiler: dropped columns', () => {
  it('marks a dropped column (matched case-insensitively), still typed, and says so', () => {
    const cols = profile(['E-Mail', 'Notes'], [['a@x.io', 'hello']], { 'e-mail': { drop: true } });
    expect(cols[0]).toMatchObject({ name: 'E-Mail', type: 'email', dropped: true });
    expect(cols[0]!.notes.at(-1)).toMatch(/dropped by the request/);
    expect(cols[1]!.dropped).toBeUndefined();
  });

  it('decides no day/month order for a dropped date column and stops wanting rows', () => {
    const p = new ColumnProfiler(['dob'], { DOB: { drop: true } });
    for (let i = 0; i < 1000; i++) p.add(['01/02/2000']);
    expect(p.wantsRows).toBe(false);
    const [col] = p.finish();
    expect(col).toMatchObject({ type: 'date', dropped: true });
    expect(col!.dateOrderSource).toBeUndefined();
    expect(col!.note).toBeUndefined();
  });

  it('refuses dropping a column that the header does not have', () => {
    expect(() => profile(['a'], [], { b: { drop: true } })).toThrow(UnknownColumnError);
  });
});

describe('ColumnProfiler sample size', () => {
  it('samples at most about 1 MiB of values, however few rows that is', () => {
    // Rows of 100 KB: the first ten fill the sample. Values after it do not
    // count (with a row-only bound, 1,000 such rows, 100 MB, were held).
    const p = new ColumnProfiler(['x', 'notes'], {});
    const wide = 'n'.repeat(100_000);
    for (let i = 0; i < 11; i++) p.add([`a${i}@x.io`, wide]);
    expect(p.wantsRows).toBe(false);
    for (let i = 0; i < 100; i++) p.add(['not an address', wide]);
    expect(p.finish().find((c) => c.name === 'x')).toMatchObject({
      type: 'email',
      source: 'values',
    });
  });

  it('keeps sampling short rows up to 1,000', () => {
    const p = new ColumnProfiler(['x'], {});
    for (let i = 0; i < 999; i++) p.add([`a${i}@x.io`]);
    expect(p.wantsRows).toBe(true);
    p.add(['a@x.io']);
    expect(p.wantsRows).toBe(false);
  });
});
