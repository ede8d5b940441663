import type { JobType } from '@sluice/contract';
import {
  acceptJobs,
  acceptNonImportJobs,
  type Database,
  insertWholeUploads,
  type JobView,
  type WholeUpload,
} from '@sluice/db';
import type { JobProducer } from '@sluice/queue';
import type { Kysely } from 'kysely';
import { coalesce } from './coalesce.ts';

/**
 * The round trips of a submission (POST /v1/jobs) that concurrent
 * submissions share: storing a small upload whole, enqueueing a flow and
 * accepting a job each go out as one statement or one Redis transaction for
 * every submission waiting at that moment (coalesce.ts). Each submission
 * still takes its own steps in its own order (store, enqueue, accept) and
 * gets its own outcome.
 */
export interface Intake {
  /** Job row, chunk and totals of an upload that fits in one chunk (insertWholeUploads). */
  storeWhole(upload: WholeUpload): Promise<void>;
  /** The job's flow, every chunk a child (JobProducer.enqueueJobs). */
  enqueue(jobId: string, chunkCount: number): Promise<void>;
  /**
   * receiving -> queued, the job as the 202 shows it; undefined when no
   * longer receiving. An import's acceptance also creates its stage, in one
   * transaction; any other job's is one UPDATE (acceptNonImportJobs).
   */
  accept(jobId: string, type: JobType): Promise<JobView | undefined>;
}

/** Batches in flight at once per step, and the most submissions in one. */
const MAX_IN_FLIGHT = 2;
const MAX_BATCH = 64;
/**
 * Larger chunks (up to CHUNK_BYTES) are stored alone: a batch's statement
 * carries at most MAX_BATCH x this many bytes of data.
 */
const MAX_BATCHED_CHUNK_BYTES = 64 * 1024;

export function createIntake(db: Kysely<Database>, producer: JobProducer): Intake {
  const limits = { maxInFlight: MAX_IN_FLIGHT, maxBatch: MAX_BATCH };
  const storeOne = (upload: WholeUpload) => insertWholeUploads(db, [upload]);
  const storeBatched = coalesce<WholeUpload, void>({
    ...limits,
    many: async (uploads) => {
      await insertWholeUploads(db, uploads);
      return uploads.map(() => undefined);
    },
    one: storeOne,
  });
  type Flow = { jobId: string; chunkCount: number };
  const enqueue = coalesce<Flow, void>({
    ...limits,
    many: async (flows) => {
      await producer.enqueueJobs(flows);
      return flows.map(() => undefined);
    },
    one: (flow) => producer.enqueueJobs([flow]),
  });
  // Imports and other jobs are accepted in batches of their own, so that a
  // failed batch was wholly not accepted (each of its jobs is then tried alone).
  const acceptWith = (acceptMany: typeof acceptJobs) =>
    coalesce<string, JobView | undefined>({
      ...limits,
      many: async (jobIds) => {
        const accepted = await acceptMany(db, jobIds);
        return jobIds.map((id) => accepted.get(id));
      },
      one: async (jobId) => (await acceptMany(db, [jobId])).get(jobId),
    });
  const acceptImport = acceptWith(acceptJobs);
  const acceptOther = acceptWith(acceptNonImportJobs);
  return {
    storeWhole: (upload) =>
      upload.chunk.data.byteLength <= MAX_BATCHED_CHUNK_BYTES
        ? storeBatched(upload)
        : storeOne(upload),
    enqueue: (jobId, chunkCount) => enqueue({ jobId, chunkCount }),
    accept: (jobId, type) => (type === 'import' ? acceptImport(jobId) : acceptOther(jobId)),
  };
}
