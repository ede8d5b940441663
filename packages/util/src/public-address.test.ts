import { describe, expect, it } from 'vitest';
import { firstNonPublicAddress, isPublicAddress, literalAddress } from './public-address.ts';

describe('isPublicAddress', () => {
  it.each([
    '127.0.0.1',
    '127.255.0.9',
    '10.0.0.1',
    '172.16.5.4',
    '172.31.255.255',
    '192.168.0.1',
    '169.254.169.254',
    '100.64.0.1',
    '0.0.0.0',
    '224.0.0.1',
    '255.255.255.255',
    '::',
    '::1',
    'fc00::1',
    'fd12:3456::1',
    'fe80::1',
    'ff02::1',
    '::ffff:127.0.0.1',
    '::ffff:10.0.0.1',
    '::ffff:7f00:1',
    '64:ff9b::7f00:1',
    '2002:7f00:1::',
    'not an address',
  ])('%s is not public', (address) => {
    expect(isPublicAddress(address)).toBe(false);
  });

  it.each(['93.184.215.14', '8.8.8.8', '172.32.0.1', '2606:4700::1111', '::ffff:8.8.8.8'])(
    '%s is public',
    (address) => {
      expect(isPublicAddress(address)).toBe(true);
    },
  );
});

describe('literalAddress and firstNonPublicAddress', () => {
  it('reads IP hosts of URLs, bracketed IPv6 included', () => {
    expect(literalAddress('[::1]')).toBe('::1');
    expect(literalAddress('127.0.0.1')).toBe('127.0.0.1');
    expect(literalAddress('example.com')).toBeUndefined();
  });

  it('finds the non-public address a host is or resolves to', async () => {
    expect(await firstNonPublicAddress('127.0.0.1')).toBe('127.0.0.1');
    expect(await firstNonPublicAddress('[::1]')).toBe('::1');
    expect(await firstNonPublicAddress('8.8.8.8')).toBeUndefined();
    expect(await firstNonPublicAddress('localhost')).toMatch(/^(127\.0\.0\.1|::1)$/);
  });
});
