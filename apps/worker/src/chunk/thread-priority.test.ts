import { readdirSync, readFileSync } from 'node:fs';
import { Piscina } from 'piscina';
import { describe, expect, it } from 'vitest';
import type { ChunkTask, ChunkTaskResult } from './chunk-task.ts';
import type { ThreadData } from './thread-priority.ts';

/** The kernel's nice value of one thread of this process (field 19 of its stat). */
function niceOf(tid: string): number {
  const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
  // Fields after the command name, which is in parentheses and may hold spaces.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(fields[16]);
}

const threadIds = () => new Set(readdirSync('/proc/self/task'));
const ownTid = () => readFileSync('/proc/thread-self/stat', 'utf8').split(' ')[0]!;

const task: ChunkTask = {
  data: new TextEncoder().encode('Ada,ada@example.com\n'),
  firstRecord: 2,
  recordCount: 1,
  columns: [
    { name: 'name', type: 'text', required: false },
    { name: 'email', type: 'email', required: false },
  ],
  options: { phoneRegion: 'US' },
  maxColumns: 10,
  delimiter: ',',
};

describe.runIf(process.platform === 'linux')('piscina threads (normalize-thread.ts)', () => {
  it('lower their own priority to WORKER_THREAD_NICE, and only their own', async () => {
    const callerNice = niceOf(ownTid());
    const before = threadIds();
    const pool = new Piscina<ChunkTask, ChunkTaskResult>({
      filename: new URL('./normalize-thread.ts', import.meta.url).href,
      minThreads: 2,
      maxThreads: 2,
      workerData: { nice: callerNice + 7 } satisfies ThreadData,
    });
    try {
      // Two chunks at once: both threads have loaded the module (and run its
      // priority call) once both answer.
      const results = await Promise.all([pool.run(task), pool.run(task)]);
      expect(results.map((r) => r.rowsAccepted)).toEqual([1, 1]);
      expect(pool.threads).toHaveLength(2);
      const started = [...threadIds()].filter((tid) => !before.has(tid));
      const lowered = started.filter((tid) => niceOf(tid) === callerNice + 7);
      // Each of the pool's two threads is lowered, ...
      expect(lowered).toHaveLength(2);
      // ... and the thread that started them (the worker's event loop) and
      // every other thread of the process keep their priority.
      expect(niceOf(ownTid())).toBe(callerNice);
      const others = [...threadIds()].filter((tid) => !lowered.includes(tid));
      expect(others.map(niceOf).filter((n) => n !== callerNice)).toEqual([]);
    } finally {
      await pool.destroy();
    }
  });
});
