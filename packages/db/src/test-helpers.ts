import type { StoredJobOptions } from '@sluice/contract';
import { DEFAULT_TENANT_ID } from './migrations/0009_tenancy.ts';

/** The tenant db tests store their jobs and datasets under (migration 0009 creates it). */
export const TEST_TENANT = DEFAULT_TENANT_ID;

import type { ErrorLimits } from './error-limits.ts';

/** Options as the API stores them for a plain comma-separated UTF-8 upload (test fixture). */
export const STORED_OPTIONS: StoredJobOptions = {
  phoneRegion: 'US',
  timeZone: 'UTC',
  dialect: {
    encoding: 'utf-8',
    encodingSource: 'request',
    delimiter: ',',
    delimiterSource: 'request',
    delimiterConfidence: 1,
  },
};

/** Error limits that never cut a report nor fail a job (tests of everything else). */
export const UNLIMITED_ERRORS: ErrorLimits = {
  maxStoredPerJob: 1_000_000_000,
  failFast: { minRows: 1, maxRate: 1 },
};
