import type { StoredJobOptions } from '@sluice/contract';

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
