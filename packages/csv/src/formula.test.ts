import { describe, expect, it } from 'vitest';
import { neutralizeFormula } from './formula.ts';

describe('neutralizeFormula', () => {
  const cases: [input: string, output: string][] = [
    ['=SUM(A1:A9)', "'=SUM(A1:A9)"],
    ['=HYPERLINK("http://evil","x")', '\'=HYPERLINK("http://evil","x")'],
    ['+1 415 555 2671', "'+1 415 555 2671"],
    ['-2+3', "'-2+3"],
    ['@cmd', "'@cmd"],
    ['\t=1', "'\t=1"],
    ['\r=1', "'\r=1"],
    ['', ''],
    ['plain text', 'plain text'],
    ['a=b', 'a=b'], // only the first character matters
    [' =1', ' =1'], // leading space is not in the list
    ["'already", "'already"],
    ['42', '42'],
    ['Zoë', 'Zoë'],
  ];
  it.each(cases)('%j -> %j', (input, output) => {
    expect(neutralizeFormula(input)).toBe(output);
  });
});
