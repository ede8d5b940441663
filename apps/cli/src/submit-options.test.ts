import { describe, expect, it } from 'vitest';
import { CliError } from './exit-codes.ts';
import { jobQuery, parseColumn } from './submit-options.ts';

const usage = (fn: () => unknown, message: RegExp) => {
  let thrown: unknown;
  try {
    fn();
  } catch (error) {
    thrown = error;
  }
  expect(thrown).toBeInstanceOf(CliError);
  expect((thrown as CliError).exitCode).toBe(2);
  expect((thrown as CliError).message).toMatch(message);
};

describe('--column', () => {
  it('reads HEADER=TYPE with required and rename, in any order', () => {
    expect(parseColumn('Mobile=phone')).toEqual(['Mobile', { type: 'phone' }]);
    expect(parseColumn('E-Mail=required, rename=email ,email')).toEqual([
      'E-Mail',
      { type: 'email', required: true, rename: 'email' },
    ]);
    expect(parseColumn('Notes=rename=remarks')).toEqual(['Notes', { rename: 'remarks' }]);
    expect(parseColumn('Name=name,split')).toEqual(['Name', { type: 'name', split: true }]);
  });

  it('reads HEADER=drop, alone, as {"drop":true}', () => {
    expect(parseColumn('Notes= drop ')).toEqual(['Notes', { drop: true }]);
    usage(() => parseColumn('Notes=text,drop'), /a dropped column takes nothing else/);
    usage(() => parseColumn('Notes=drop,required'), /a dropped column takes nothing else/);
    expect(jobQuery('a.csv', { columns: ['Notes=drop', 'Mobile=phone'], options: [] })).toEqual({
      filename: 'a.csv',
      columns: '{"Notes":{"drop":true},"Mobile":"phone"}',
    });
  });

  it('refuses what is not a column spec (exit 2)', () => {
    usage(() => parseColumn('Mobile'), /HEADER=TYPE/);
    usage(() => parseColumn('=phone'), /HEADER=TYPE/);
    usage(() => parseColumn('Mobile='), /HEADER=TYPE/);
    usage(() => parseColumn('Mobile=telephone'), /"telephone" is not a column type/);
    usage(() => parseColumn('Mobile=phone,email'), /"email" is not/);
    usage(() => parseColumn('Mobile=rename='), /"rename=" is not/);
  });
});

describe("POST /v1/jobs' query", () => {
  it('maps the file name, --dataset, --column and --option onto the API options', () => {
    expect(
      jobQuery('a.csv', {
        dataset: 'contacts',
        columns: ['Mobile=phone', 'DOB=date,required'],
        options: ['phoneRegion=GB', 'timeZone=Europe/Berlin', 'delimiter=;'],
      }),
    ).toEqual({
      filename: 'a.csv',
      type: 'import',
      dataset: 'contacts',
      phoneRegion: 'GB',
      timeZone: 'Europe/Berlin',
      delimiter: ';',
      columns: '{"Mobile":"phone","DOB":{"type":"date","required":true}}',
    });
    expect(jobQuery('b.csv', { columns: [], options: ['columns={"x":"text"}'] })).toEqual({
      filename: 'b.csv',
      columns: '{"x":"text"}',
    });
  });

  it('refuses unknown options and columns given twice (exit 2)', () => {
    usage(() => jobQuery('a.csv', { columns: [], options: ['colour=red'] }), /NAME one of/);
    usage(() => jobQuery('a.csv', { columns: [], options: ['phoneRegion'] }), /NAME=VALUE/);
    usage(() => jobQuery('a.csv', { columns: [], options: ['dataset=x'] }), /NAME one of/);
    usage(
      () => jobQuery('a.csv', { columns: ['a=text'], options: ['columns={}'] }),
      /either as --column/,
    );
  });
});
