/**
 * The load runs' request mix against a real API with a worker behind it,
 * as integrators use it: submit small CSVs, poll the status of the jobs
 * they submitted, download the results of the ones that completed, list
 * their jobs. The generator learns that a job completed from a status
 * poll, as a client would, and only downloads those.
 */
import { weightedPick } from './arrivals.ts';
import type { Fire } from './open-loop.ts';

export type RequestKind = 'submit' | 'status' | 'download' | 'list';

/** Share of each kind among arrivals: polling dominates, as it does for real clients. */
export const TRAFFIC_MIX: Record<RequestKind, number> = {
  submit: 0.2,
  status: 0.5,
  download: 0.15,
  list: 0.15,
};

/** Rows per submitted CSV: a small file, one chunk. */
const ROWS_PER_FILE = 20;
/** Jobs a simulated client keeps polling or downloading (the most recent ones). */
const REMEMBERED_JOBS = 200;

/** A small contacts CSV, different per call (no two uploads are byte-identical). */
export function smallCsv(serial: number, rows = ROWS_PER_FILE): string {
  const lines = ['name,email,phone,signed_up'];
  for (let i = 0; i < rows; i++) {
    const n = serial * rows + i;
    lines.push(
      `Person ${n},person.${n}@Example.com ,(415) 555-${String(n % 10_000).padStart(4, '0')},2024-0${(n % 9) + 1}-1${n % 10}`,
    );
  }
  return `${lines.join('\r\n')}\r\n`;
}

/** Keeps the newest `limit` entries. */
function remember(list: string[], id: string, limit: number): void {
  list.push(id);
  if (list.length > limit) list.splice(0, list.length - limit);
}

export interface MixedTraffic {
  fire: Fire;
  /** Jobs submitted, and seen completed, so far. */
  counts(): { submitted: number; completed: number };
}

/**
 * A Fire for runOpenLoop: picks each arrival's kind from TRAFFIC_MIX with
 * `random` (a status poll without a job to poll submits instead; a download
 * without a completed job polls instead) and reports the kind it ran.
 */
export function mixedTraffic(apiUrl: string, random: () => number): MixedTraffic {
  const pending: string[] = [];
  const completed: string[] = [];
  let submitted = 0;
  let completedTotal = 0;
  let serial = 0;
  const any = (list: string[]) => list[Math.floor(random() * list.length)]!;

  /** Reads the body to its end: a download is only done when its last byte is. */
  async function get(path: string, signal: AbortSignal): Promise<Response & { text: string }> {
    const res = await fetch(`${apiUrl}${path}`, { signal });
    return Object.assign(res, { text: await res.text() });
  }

  const run: Record<RequestKind, (signal: AbortSignal) => Promise<boolean>> = {
    async submit(signal) {
      const res = await fetch(`${apiUrl}/v1/jobs?filename=load.csv`, {
        method: 'POST',
        headers: { 'content-type': 'text/csv' },
        body: smallCsv(serial++),
        signal,
      });
      const body = (await res.json()) as { id?: string };
      if (res.status !== 202 || !body.id) return false;
      submitted += 1;
      remember(pending, body.id, REMEMBERED_JOBS);
      return true;
    },
    async status(signal) {
      // Clients poll what they wait for; once none is pending, finished jobs (cached).
      const id = pending.length ? any(pending) : any(completed);
      const res = await get(`/v1/jobs/${id}`, signal);
      if (res.status !== 200) return false;
      const job = JSON.parse(res.text) as { status: string };
      if (job.status === 'completed' && pending.includes(id)) {
        pending.splice(pending.indexOf(id), 1);
        completedTotal += 1;
        remember(completed, id, REMEMBERED_JOBS);
      }
      // A failed job is a wrong answer of the system under test.
      return job.status !== 'failed';
    },
    async download(signal) {
      const res = await get(`/v1/jobs/${any(completed)}/result.csv`, signal);
      return res.status === 200 && res.text.length > 0;
    },
    async list(signal) {
      const res = await get('/v1/jobs?limit=20', signal);
      return res.status === 200;
    },
  };

  const fire: Fire = async (_arrival, signal) => {
    let kind = weightedPick(TRAFFIC_MIX, random);
    if (kind === 'download' && completed.length === 0) kind = 'status';
    if (kind === 'status' && pending.length === 0 && completed.length === 0) kind = 'submit';
    try {
      return { kind, ok: await run[kind](signal) };
    } catch {
      // Refused connection, reset, timeout (aborted): a failed request of its kind.
      return { kind, ok: false };
    }
  };
  return { fire, counts: () => ({ submitted, completed: completedTotal }) };
}
