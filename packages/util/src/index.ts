/**
 * @sluice/util: the few helpers every process needs and no package owns: a
 * time limit for a promise, and reading errors (their causes and the Node
 * socket codes that mean "could not reach the server"). Imports nothing; any
 * package may import it.
 */
export { errorChain, errorCode, SOCKET_ERROR_CODES } from './errors.ts';
export { TimeoutError, withTimeout } from './timeout.ts';
