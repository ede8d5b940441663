import { describe, expect, it } from 'vitest';
import { formatEvent, parseLastEventId, planEvents } from './event-stream.ts';

const job = (
  status: 'queued' | 'running' | 'completed' | 'failed' | 'cancelled',
  done: number,
) => ({
  status,
  chunksDone: done,
  chunksTotal: 5,
});

describe('planEvents', () => {
  it('gives a new client the progress so far, its id the chunks done', () => {
    expect(planEvents(job('queued', 0), undefined)).toEqual({
      events: [{ id: 0, kind: 'progress' }],
      cursor: 0,
      end: false,
    });
  });

  it('gives progress only when more chunks are done than the client has seen', () => {
    expect(planEvents(job('running', 2), 2)).toEqual({ events: [], cursor: 2, end: false });
    expect(planEvents(job('running', 1), 2)).toEqual({ events: [], cursor: 2, end: false });
    expect(planEvents(job('running', 4), 2).events).toEqual([{ id: 4, kind: 'progress' }]);
  });

  it('ends with one final event whose id is above every progress id', () => {
    for (const status of ['completed', 'failed', 'cancelled'] as const) {
      expect(planEvents(job(status, 3), 3)).toEqual({
        events: [{ id: 6, kind: 'final' }],
        cursor: 6,
        end: true,
      });
      expect(planEvents(job(status, 5), undefined).events).toEqual([{ id: 6, kind: 'final' }]);
    }
  });

  it('gives nothing to a client that has the final event, and says the stream is over', () => {
    expect(planEvents(job('completed', 5), 6)).toEqual({ events: [], cursor: 6, end: true });
  });

  it('starts over for a client whose last event was the final one of a run since retried', () => {
    expect(planEvents(job('queued', 3), 6)).toEqual({
      events: [{ id: 3, kind: 'progress' }],
      cursor: 3,
      end: false,
    });
  });
});

describe('parseLastEventId', () => {
  it('reads our ids and ignores anything else', () => {
    expect(parseLastEventId('7')).toBe(7);
    expect(parseLastEventId(' 12 ')).toBe(12);
    expect(parseLastEventId(undefined)).toBeUndefined();
    expect(parseLastEventId('')).toBeUndefined();
    expect(parseLastEventId('-1')).toBeUndefined();
    expect(parseLastEventId('1-0')).toBeUndefined();
    expect(parseLastEventId('1e3')).toBeUndefined();
  });
});

describe('formatEvent', () => {
  it('writes id, event and one line of JSON data, ended by a blank line', () => {
    expect(formatEvent({ id: 3, event: 'progress', data: { note: 'a\nb\r\nc' } })).toBe(
      'id: 3\nevent: progress\ndata: {"note":"a\\nb\\r\\nc"}\n\n',
    );
  });
});
