/**
 * @sluice/util: the few helpers every process needs and no package owns: a
 * time limit for a promise, reading errors (their causes and the Node
 * socket codes that mean "could not reach the server"), and which IP
 * addresses are public (tenant-supplied URLs: webhooks). Imports nothing; any
 * package may import it.
 */
export { errorChain, errorCode, SOCKET_ERROR_CODES } from './errors.ts';
export {
  firstNonPublicAddress,
  isPublicAddress,
  literalAddress,
  NonPublicAddressError,
  publicOnlyLookup,
} from './public-address.ts';
export { TimeoutError, withTimeout } from './timeout.ts';
