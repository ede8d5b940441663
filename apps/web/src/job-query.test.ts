import type { DatasetBody } from '@sluice/contract';
import { describe, expect, it } from 'vitest';
import type { PreviewBody } from './api.ts';
import {
  type ColumnChoice,
  defaultMapping,
  jobQuery,
  mappingProblem,
  NO_OPTIONS,
  toColumnName,
} from './job-query.ts';

type PreviewColumn = PreviewBody['columns'][number];
const column = (name: string, type: string, required = false): PreviewColumn =>
  ({
    name,
    outputName: name,
    type,
    source: 'values',
    confidence: 1,
    notes: [],
    required,
  }) as PreviewColumn;
const keep = (type: string, required = false): ColumnChoice => ({
  type,
  required,
  rename: '',
  drop: false,
});

const PEOPLE = {
  name: 'people',
  columns: [
    { name: 'email', type: 'email', required: false },
    { name: 'full_name', type: 'name', required: true },
    { name: 'city', type: 'text', required: false },
  ],
  key: ['email'],
} as DatasetBody;

const columnsOf = (query: URLSearchParams) => JSON.parse(query.get('columns') ?? 'null');

describe('jobQuery', () => {
  it('sends only what the user changed of a normalize job, and the options given', () => {
    const detected = [column('Name', 'name'), column('Mobile', 'phone'), column('Notes', 'text')];
    const query = jobQuery(
      {
        type: 'normalize',
        columns: detected,
        choices: [
          keep('name'),
          { ...keep('phone', true), rename: ' phone ' },
          { ...keep('text'), drop: true },
        ],
      },
      { ...NO_OPTIONS, phoneRegion: 'GB', dateOrder: 'DMY', timeZone: ' ' },
    );
    expect(query.get('phoneRegion')).toBe('GB');
    expect(query.get('dateOrder')).toBe('DMY');
    expect(query.has('timeZone')).toBe(false);
    expect(query.has('type')).toBe(false);
    expect(columnsOf(query)).toEqual({
      Mobile: { type: 'phone', required: true, rename: 'phone' },
      Notes: { drop: true },
    });
    // Nothing changed: no columns option at all.
    const plain = jobQuery(
      { type: 'normalize', columns: detected, choices: detected.map((c) => keep(c.type)) },
      NO_OPTIONS,
    );
    expect(plain.toString()).toBe('');
  });

  it('renames each mapped header to its dataset column, and drops one left out that would match by name', () => {
    const header = ['E-mail', 'Full Name', 'City', 'Notes'];
    const query = jobQuery(
      { type: 'import', header, dataset: PEOPLE, mapping: ['email', 'full_name', null, null] },
      NO_OPTIONS,
    );
    expect(query.get('type')).toBe('import');
    expect(query.get('dataset')).toBe('people');
    expect(columnsOf(query)).toEqual({
      'E-mail': { rename: 'email' },
      'Full Name': { rename: 'full_name' },
      City: { drop: true },
    });
    // No mapping: the API's own (no columns sent).
    const defaults = jobQuery(
      { type: 'import', header, dataset: PEOPLE, mapping: null },
      NO_OPTIONS,
    );
    expect(defaults.has('columns')).toBe(false);
  });
});

describe('the default mapping and its problems', () => {
  it('matches headers by name as the API does, each dataset column once', () => {
    expect(toColumnName(' First  Name ')).toBe('first_name');
    expect(toColumnName('Café-Owner')).toBe('cafe_owner');
    expect(defaultMapping(['Email', 'EMAIL', 'Full Name', 'Phone'], PEOPLE)).toEqual([
      'email',
      null,
      'full_name',
      null,
    ]);
  });

  it('names every unmapped key and required column, and a column filled twice', () => {
    const header = ['Email', 'Name', 'Town'];
    expect(mappingProblem(header, PEOPLE, [null, null, 'city'])).toBe(
      'Map a file column to email (key), full_name (required): dataset people needs them in every row.',
    );
    expect(mappingProblem(header, PEOPLE, ['email', null, null])).toBe(
      'Map a file column to full_name (required): dataset people needs it in every row.',
    );
    expect(mappingProblem(header, PEOPLE, ['email', 'full_name', 'full_name'])).toBe(
      'File columns Name and Town both go to dataset column full_name: choose one.',
    );
    expect(mappingProblem(header, PEOPLE, ['email', 'full_name', null])).toBeNull();
  });
});
