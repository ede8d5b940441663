import { describe, expect, it } from 'vitest';
import { joinKey, lookupWords } from './lookup-key.ts';

describe('lookupWords', () => {
  const cases: [raw: string, expected: string[]][] = [
    ['United States', ['united', 'states']],
    ['  UNITED   states ', ['united', 'states']],
    ['U.S.A.', ['u', 's', 'a']],
    ['Québec', ['quebec']],
    ['Que\u0301bec', ['quebec']], // NFD
    ['QUÉBEC', ['quebec']],
    ['Türkiye', ['turkiye']],
    ['TÜRKİYE', ['turkiye']],
    ['Großbritannien', ['grossbritannien']],
    ['Østerrike', ['osterrike']],
    ['Færøerne', ['faeroerne']],
    ['Łódź', ['lodz']],
    ['Ísland', ['island']],
    ["Côte d'Ivoire", ['cote', 'd', 'ivoire']],
    ['Côte d’Ivoire', ['cote', 'd', 'ivoire']],
    ['Bosnia & Herzegovina', ['bosnia', 'and', 'herzegovina']],
    ['Guinea-Bissau', ['guinea', 'bissau']],
    ['Korea, Republic of', ['korea', 'republic', 'of']],
    ['Ｇｅｒｍａｎｙ', ['germany']],
    ['Việt Nam', ['viet', 'nam']],
    ['Ελλάδα', ['ελλαδα']],
    ['Россия', ['россия']],
    ['Йемен', ['иемен']],
    ['ドイツ', ['ドイツ'.normalize('NFKD')]], // voicing mark kept
    ['대한민국', ['대한민국'.normalize('NFKD')]],
    ['भारत', ['भारत']],
    ['', []],
    ['...', []],
  ];
  it.each(cases)('%j -> %j', (raw, expected) => {
    expect(lookupWords(raw)).toEqual(expected);
  });

  it('tells kana with and without voicing marks apart', () => {
    expect(joinKey(lookupWords('ドイツ'))).not.toBe(joinKey(lookupWords('トイツ')));
  });
});

describe('joinKey', () => {
  it.each([
    [['the', 'netherlands'], 'netherlands'],
    [['bosnia', 'and', 'herzegovina'], 'bosniaherzegovina'],
    [['republic', 'of', 'the', 'congo'], 'republiccongo'],
    [['theodore'], 'theodore'],
    [['the'], ''],
    [[], ''],
  ] as [string[], string][])('%j -> %j', (words, expected) => {
    expect(joinKey(words)).toBe(expected);
  });
});
