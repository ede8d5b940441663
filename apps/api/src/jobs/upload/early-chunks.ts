import type { StoredJobColumn, StoredJobOptions } from '@sluice/contract';
import { chunkPlan } from '@sluice/db';

/** The columns and options chunks are processed with. */
export interface ReceivingPlan {
  columns: StoredJobColumn[];
  options: StoredJobOptions;
}

/** How an upload hands its chunks to workers while it still arrives. */
export interface EarlyProcessing {
  /** Enqueues standalone chunk jobs (JobProducer.enqueueEarlyChunks). */
  enqueue(jobId: string, seqs: readonly number[]): Promise<void>;
  /** Removes the early chunk jobs no worker has taken (JobProducer.withdrawEarlyChunks). */
  withdraw(jobId: string, seqs: readonly number[]): Promise<void>;
  /** An enqueue or withdrawal failed: only the head start, or some queue churn, is lost. */
  onError(error: unknown, jobId: string): void;
}

/**
 * One upload's chunks processed while it arrives (UPLOAD_EARLY_PROCESSING):
 * once the column profiler's sample is complete there is a plan so far,
 * written to the job with the next chunk stored (and again whenever it
 * changes: a date order decided later); each chunk is enqueued once it is
 * stored and a plan is there. The upload decides the final plan at its end
 * (finishEarlyUpload puts chunks done with another one back to pending).
 */
export class EarlyChunks {
  readonly #jobId: string;
  readonly #processing: EarlyProcessing;
  #written: string | undefined;
  #planned = false;
  /** Chunks stored before there was a plan, enqueued with the first one. */
  #waiting: number[] = [];
  /** Chunks enqueued (or being enqueued), and those enqueues. */
  readonly #enqueued: number[] = [];
  readonly #enqueues: Array<Promise<void>> = [];

  constructor(jobId: string, processing: EarlyProcessing) {
    this.#jobId = jobId;
    this.#processing = processing;
  }

  /** True once a plan went with a stored chunk: the upload ends with finishEarlyUpload. */
  get planned(): boolean {
    return this.#planned;
  }

  /**
   * The plan to write with the next chunk: `current` when it differs from
   * the last one written, else undefined (nothing to write).
   */
  planToWrite(current: ReceivingPlan | undefined): ReceivingPlan | undefined {
    if (current === undefined) return undefined;
    const plan = chunkPlan(current.columns, current.options);
    if (plan === this.#written) return undefined;
    this.#written = plan;
    return current;
  }

  /** A chunk was stored (committed), with a plan written in its transaction or not. */
  stored(seq: number, withPlan: boolean): void {
    if (withPlan) this.#planned = true;
    this.#waiting.push(seq);
    if (!this.#planned) return;
    const seqs = this.#waiting;
    this.#waiting = [];
    this.#enqueued.push(...seqs);
    this.#enqueues.push(
      this.#processing
        .enqueue(this.#jobId, seqs)
        .catch((error: unknown) => this.#processing.onError(error, this.#jobId)),
    );
  }

  /**
   * The upload has ended (its final plan is written): the early chunk jobs
   * no worker has taken yet are removed, since the job's flow will have a
   * child for every chunk (the queue's backlog, which the autoscaler
   * follows, then counts each chunk once). Never throws.
   */
  async withdraw(): Promise<void> {
    await Promise.all(this.#enqueues);
    if (this.#enqueued.length === 0) return;
    await this.#processing
      .withdraw(this.#jobId, this.#enqueued)
      .catch((error: unknown) => this.#processing.onError(error, this.#jobId));
  }
}
