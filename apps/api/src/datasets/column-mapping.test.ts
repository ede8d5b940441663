import type { DatasetView } from '@sluice/db';
import { describe, expect, it } from 'vitest';
import { HttpProblem } from '../http/problem.ts';
import { mapToDataset, toColumnName } from './column-mapping.ts';

const dataset: DatasetView = {
  tenantId: '00000000-0000-4000-8000-000000000001',
  name: 'people',
  tableName: 'people_0123456789abcdef',
  columns: [
    { name: 'email', type: 'email', required: true },
    { name: 'first_name', type: 'name', required: false },
    { name: 'joined', type: 'date', required: true },
    { name: 'score', type: 'integer', required: false },
  ],
  key: ['email'],
  createdAt: new Date(0),
};

function problemOf(fn: () => unknown): HttpProblem {
  try {
    fn();
  } catch (error) {
    if (error instanceof HttpProblem) return error;
    throw error;
  }
  throw new Error('expected an HttpProblem');
}

describe('toColumnName', () => {
  it.each([
    ['First Name', 'first_name'],
    ['  E-Mail ', 'e_mail'],
    ['Zip/Postal Code', 'zip_postal_code'],
    ['Straße', 'stra_e'],
    ['Café', 'cafe'],
    ['__id__', 'id'],
  ])('%j -> %j', (header, name) => expect(toColumnName(header)).toBe(name));
});

describe('mapToDataset', () => {
  it('matches headers by name and gives mapped columns the dataset type and required flag', () => {
    const m = mapToDataset(['Email', 'First Name', 'Joined', 'Notes'], {}, dataset);
    expect(m.targets).toEqual(['email', 'first_name', 'joined', undefined]);
    expect(m.requests).toEqual({
      Email: { type: 'email', required: true, rename: 'email' },
      'First Name': { type: 'name', required: false, rename: 'first_name' },
      Joined: { type: 'date', required: true, rename: 'joined' },
    });
  });

  it('follows explicit renames (case-insensitively) and keeps requests for unmapped columns', () => {
    const m = mapToDataset(
      ['Mail', 'Since', 'Notes'],
      {
        mail: { rename: 'email' },
        SINCE: { rename: 'joined' },
        Notes: { type: 'text', required: true },
      },
      dataset,
    );
    expect(m.targets).toEqual(['email', 'joined', undefined]);
    expect(m.requests.Notes).toEqual({ type: 'text', required: true });
  });

  it("maps a split name's parts to the dataset columns named like them, required ones noted", () => {
    const people: DatasetView = {
      ...dataset,
      columns: [
        { name: 'email', type: 'email', required: true },
        { name: 'person', type: 'name', required: false },
        { name: 'person_first', type: 'text', required: false },
        { name: 'person_last', type: 'text', required: true },
      ],
    };
    const m = mapToDataset(
      ['Email', 'Who'],
      { Who: { type: 'name', split: true, rename: 'person' } },
      people,
    );
    expect(m.targets).toEqual(['email', 'person']);
    expect(m.requests.Who).toMatchObject({ type: 'name', split: true, rename: 'person' });
    expect(m.partTargets).toEqual([undefined, { first: 'person_first', last: 'person_last' }]);
    expect(m.requiredParts).toEqual([undefined, ['last']]);
    // A required dataset column filled by a part is filled.
    const onlyParts = mapToDataset(
      ['Email', 'Person'],
      { Person: { type: 'name', split: true } },
      {
        ...people,
        columns: people.columns.filter((c) => c.name !== 'person'),
      },
    );
    expect(onlyParts.targets).toEqual(['email', undefined]);
    expect(onlyParts.partTargets[1]).toEqual({ first: 'person_first', last: 'person_last' });
    // A split of a column the dataset types otherwise is a conflict.
    expect(
      problemOf(() =>
        mapToDataset(['email', 'joined'], { joined: { type: 'name', split: true } }, dataset),
      ).code,
    ).toBe('type_conflict');
  });

  it('passes requests for absent headers through so the profiler reports them', () => {
    const m = mapToDataset(['email', 'joined'], { Phantom: { type: 'text' } }, dataset);
    expect(m.requests.Phantom).toEqual({ type: 'text' });
  });

  it('maps a dropped column to nothing, even one named like a dataset column', () => {
    const m = mapToDataset(
      ['Email', 'Joined', 'Score', 'Notes'],
      { score: { drop: true }, NOTES: { drop: true } },
      dataset,
    );
    expect(m.targets).toEqual(['email', 'joined', undefined, undefined]);
    expect(m.requests.Score).toEqual({ drop: true });
    expect(m.requests.Notes).toEqual({ drop: true });
    // A dropped duplicate leaves its dataset column to the other header.
    const d = mapToDataset(
      ['email', 'E-mail', 'joined'],
      { 'e-mail': { drop: true }, Email: { type: 'email' } },
      dataset,
    );
    expect(d.targets).toEqual(['email', undefined, 'joined']);
  });

  it('refuses dropping a key or required column, naming the dropped header', () => {
    const key = problemOf(() =>
      mapToDataset(['Email', 'Joined'], { EMAIL: { drop: true } }, dataset),
    );
    expect(key.code).toBe('missing_dataset_column');
    expect(key.status).toBe(400);
    expect(key.message).toMatch(
      /Column "Email" is dropped, but dataset people needs it for its key column email/,
    );
    expect(key.extra).toMatchObject({ missing: ['email'], dataset: 'people', dropped: ['Email'] });
    const required = problemOf(() =>
      mapToDataset(['Email', 'Joined'], { joined: { drop: true } }, dataset),
    );
    expect(required.message).toMatch(/needs it for its required column joined/);
    // Another header renamed onto the column makes the drop harmless.
    const m = mapToDataset(
      ['Email', 'Mail'],
      { Email: { drop: true }, Mail: { rename: 'email' } },
      { ...dataset, columns: dataset.columns.filter((c) => c.name !== 'joined') },
    );
    expect(m.targets).toEqual([undefined, 'email']);
  });

  it('refuses files without the key or a required column, naming them', () => {
    const p = problemOf(() => mapToDataset(['First Name', 'score'], {}, dataset));
    expect(p.code).toBe('missing_dataset_column');
    expect(p.extra.missing).toEqual(['email', 'joined']);
  });

  it('refuses two headers for one column, renames to unknown columns and type conflicts', () => {
    expect(
      problemOf(() =>
        mapToDataset(['email', 'E-mail', 'joined'], { 'E-mail': { rename: 'email' } }, dataset),
      ).code,
    ).toBe('duplicate_dataset_column');
    expect(
      problemOf(() => mapToDataset(['email', 'x'], { x: { rename: 'nope' } }, dataset)).code,
    ).toBe('unknown_dataset_column');
    expect(
      problemOf(() => mapToDataset(['email', 'joined'], { joined: { type: 'text' } }, dataset))
        .code,
    ).toBe('type_conflict');
  });
});
