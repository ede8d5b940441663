import { afterAll } from 'vitest';
import { installResponseContract, takeContractViolations } from '../support/response-contract.ts';

/**
 * e2e setup file: holds every answer a test file gets from the Sluice APIs
 * it starts to the OpenAPI document they serve (support/response-contract.ts)
 * and fails the file, listing each answer that does not fit (method, path,
 * status, what is wrong, and the test that received it).
 */
installResponseContract();

afterAll(async () => {
  const violations = [...new Set(await takeContractViolations())];
  if (violations.length === 0) return;
  const shown = violations.slice(0, 40);
  throw new Error(
    `${violations.length} answer(s) do not fit the API's OpenAPI document:\n  ${shown.join('\n  ')}${
      violations.length > shown.length ? `\n  … and ${violations.length - shown.length} more` : ''
    }`,
  );
});
