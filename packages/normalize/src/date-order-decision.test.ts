import { describe, expect, it } from 'vitest';
import {
  type DateOrderEvidence,
  dateOrderHint,
  decideDateOrder,
  noDateOrderEvidence,
} from './date-order-decision.ts';

const evidence = (counts: Partial<DateOrderEvidence>) => ({ ...noDateOrderEvidence(), ...counts });

describe('decideDateOrder', () => {
  it('one side proven decides, the other absent', () => {
    expect(decideDateOrder(evidence({ DMY: 3 }))).toEqual({ order: 'DMY', source: 'values' });
    expect(decideDateOrder(evidence({ MDY: 1, YMD: 4 }))).toEqual({
      order: 'MDY',
      source: 'values',
    });
  });

  it('nothing proven leaves the order undecided, even with a hint', () => {
    const hint = { order: 'DMY', from: 'locale de' } as const;
    expect(decideDateOrder(evidence({ YMD: 9 }), hint)).toMatchObject({
      source: 'undecided',
    });
    expect(decideDateOrder(evidence({ YMD: 9 }), hint).order).toBeUndefined();
  });

  it('conflicting evidence without a hint decides nothing and says why', () => {
    const decision = decideDateOrder(evidence({ DMY: 2, MDY: 1 }));
    expect(decision.order).toBeUndefined();
    expect(decision.source).toBe('conflicting');
    expect(decision.note).toMatch(/2 values only valid day-first, 1 value only month-first/);
    expect(decision.note).toMatch(/ambiguous_date/);
    // A tie is no majority either.
    expect(decideDateOrder(evidence({ DMY: 5, MDY: 5 })).source).toBe('conflicting');
  });

  it('a hint settles a conflict in favour of the majority it agrees with, never of a minority', () => {
    const de = { order: 'DMY', from: 'locale de' } as const;
    const us = { order: 'MDY', from: 'region US' } as const;
    const withDe = decideDateOrder(evidence({ DMY: 2, MDY: 1 }), de);
    expect(withDe).toMatchObject({ order: 'DMY', source: 'values' });
    expect(withDe.note).toMatch(/locale de reads DMY too/);
    const withUs = decideDateOrder(evidence({ DMY: 2, MDY: 1 }), us);
    expect(withUs).toMatchObject({ source: 'conflicting' });
    expect(withUs.note).toMatch(/region US suggests MDY/);
    expect(decideDateOrder(evidence({ DMY: 3, MDY: 3 }), de).source).toBe('conflicting');
  });

  it('counts settle a conflict when the minority is stray (at most 1%)', () => {
    expect(decideDateOrder(evidence({ DMY: 100, MDY: 1 }))).toMatchObject({
      order: 'DMY',
      source: 'values',
    });
    expect(decideDateOrder(evidence({ DMY: 99, MDY: 2 })).source).toBe('conflicting');
  });

  it('weighs dotted dates by their convention: they never contradict slashed ones', () => {
    // 25.03.2024 (dotted, day-first) beside 03/25/2024: the slashed values decide theirs.
    expect(decideDateOrder(evidence({ MDY: 1, 'DMY.': 4 }))).toMatchObject({
      order: 'MDY',
      source: 'values',
    });
    // Only dotted proofs: they decide, day-first.
    expect(decideDateOrder(evidence({ 'DMY.': 2 }))).toMatchObject({ order: 'DMY' });
    // A dotted month-first value is against the convention: no evidence.
    expect(decideDateOrder(evidence({ 'MDY.': 3 })).source).toBe('undecided');
    expect(decideDateOrder(evidence({ 'DMY.': 1, 'MDY.': 1 }))).toMatchObject({
      order: 'DMY',
    });
  });
});

describe('dateOrderHint', () => {
  it('reads the locale first, then a given region, and gives none for year-first ones', () => {
    expect(dateOrderHint({ locale: 'de' })).toEqual({ order: 'DMY', from: 'locale de' });
    expect(dateOrderHint({ locale: 'en-US', region: 'DE' })).toEqual({
      order: 'MDY',
      from: 'locale en-US',
    });
    expect(dateOrderHint({ region: 'US' })).toEqual({ order: 'MDY', from: 'region US' });
    expect(dateOrderHint({ region: 'GB' })).toEqual({ order: 'DMY', from: 'region GB' });
    expect(dateOrderHint({ region: 'JP' })).toBeUndefined();
    expect(dateOrderHint({ locale: 'ja', region: 'FR' })).toEqual({
      order: 'DMY',
      from: 'region FR',
    });
    expect(dateOrderHint({})).toBeUndefined();
  });
});
