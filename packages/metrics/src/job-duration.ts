import { Histogram, type Registry } from 'prom-client';

/**
 * `sluice_job_duration_seconds{type,outcome}`, declared by whichever process
 * moves a job to a final state: a worker for `completed` and `failed`, the
 * API for `cancelled` (a client's cancel is what finishes the job). One
 * definition, so both processes' series share name, help and buckets and
 * add up across the `process` label.
 */
export function createJobDurationHistogram(registry: Registry): Histogram<'type' | 'outcome'> {
  return new Histogram({
    name: 'sluice_job_duration_seconds',
    help: 'Whole job time, submitted (its upload began) to its final state, by type and outcome (completed, failed: by a worker; cancelled: by the API)',
    labelNames: ['type', 'outcome'],
    buckets: [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800, 3600, 7200],
    registers: [registry],
  });
}
