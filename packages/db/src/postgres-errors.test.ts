import { describe, expect, it } from 'vitest';
import {
  isPostgresUnavailableError,
  isTransientDatabaseError,
  postgresErrorClass,
} from './postgres-errors.ts';

const pg = (code: string, message = `sqlstate ${code}`) =>
  Object.assign(new Error(message), { code });

describe('postgresErrorClass', () => {
  it.each([
    ['refused', pg('ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:5432')],
    ['reset', pg('ECONNRESET', 'read ECONNRESET')],
    ['host not found', pg('ENOTFOUND', 'getaddrinfo ENOTFOUND postgres')],
    ['connection failure (08006)', pg('08006')],
    ['cannot connect (08001)', pg('08001')],
    ['admin shutdown', pg('57P01', 'terminating connection due to administrator command')],
    ['crash shutdown', pg('57P02')],
    ['starting up', pg('57P03', 'the database system is starting up')],
    ['too many connections', pg('53300')],
    ['socket dropped', new Error('Connection terminated unexpectedly')],
    ['client timeout', new Error('Connection terminated due to connection timeout')],
    ['pool timeout', new Error('timeout exceeded when trying to connect')],
    ['client broken', new Error('Client has encountered a connection error and is not queryable')],
    ['wrapped', new Error('load failed', { cause: pg('57P01') })],
  ])('%s: unavailable', (_, error) => {
    expect(postgresErrorClass(error)).toBe('unavailable');
    expect(isPostgresUnavailableError(error)).toBe(true);
    expect(isTransientDatabaseError(error)).toBe(true);
  });

  it.each([
    ['serialization failure', pg('40001')],
    ['deadlock', pg('40P01')],
    ['lock timeout', pg('55P03')],
  ])('%s: contention (retried, but the server answered)', (_, error) => {
    expect(postgresErrorClass(error)).toBe('contention');
    expect(isPostgresUnavailableError(error)).toBe(false);
    expect(isTransientDatabaseError(error)).toBe(true);
  });

  it('statement timeout: timeout (retried, but not an outage)', () => {
    const error = pg('57014', 'canceling statement due to statement timeout');
    expect(postgresErrorClass(error)).toBe('timeout');
    expect(isPostgresUnavailableError(error)).toBe(false);
    expect(isTransientDatabaseError(error)).toBe(true);
  });

  it.each([
    ['unique violation', pg('23505', 'duplicate key value')],
    ['invalid text representation', pg('22P02')],
    ['undefined table', pg('42P01')],
    ['syntax', pg('42601')],
    ['a plain bug', new TypeError('x is undefined')],
    ['not an error', 'ECONNREFUSED'],
  ])('%s: other', (_, error) => {
    expect(postgresErrorClass(error)).toBe('other');
    expect(isPostgresUnavailableError(error)).toBe(false);
    expect(isTransientDatabaseError(error)).toBe(false);
  });
});
