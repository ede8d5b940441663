import { describe, expect, it } from 'vitest';
import { createLoginThrottle } from './login-throttle.ts';

/** A throttle on a clock the test moves. */
function throttle(maxClients = 100) {
  const clock = { now: 1_000_000 };
  const t = createLoginThrottle({ maxFailures: 3, windowMs: 60_000, maxClients }, () => clock.now);
  return { t, clock };
}

describe('login throttle', () => {
  it('lets a client fail maxFailures times, then makes it wait for a token', () => {
    const { t, clock } = throttle();
    for (let i = 0; i < 3; i++) {
      expect(t.waitMs('192.0.2.1')).toBe(0);
      t.failed('192.0.2.1');
    }
    expect(t.waitMs('192.0.2.1')).toBe(20_000);
    clock.now += 15_000;
    expect(t.waitMs('192.0.2.1')).toBe(5_000);
    clock.now += 5_000;
    expect(t.waitMs('192.0.2.1')).toBe(0);
    t.failed('192.0.2.1');
    expect(t.waitMs('192.0.2.1')).toBe(20_000);
    // Other clients are not affected.
    expect(t.waitMs('192.0.2.2')).toBe(0);
  });

  it('earns back at most maxFailures', () => {
    const { t, clock } = throttle();
    t.failed('192.0.2.1');
    clock.now += 3_600_000;
    for (let i = 0; i < 3; i++) t.failed('192.0.2.1');
    expect(t.waitMs('192.0.2.1')).toBeGreaterThan(0);
  });

  it('counts an IPv6 /64 as one client', () => {
    const { t } = throttle();
    t.failed('2001:db8:1:2::1');
    t.failed('2001:db8:1:2:ffff::9');
    t.failed('2001:db8:1:2:aaaa:bbbb:cccc:dddd');
    expect(t.waitMs('2001:db8:1:2::42')).toBeGreaterThan(0);
    expect(t.waitMs('2001:db8:1:3::1')).toBe(0);
    // IPv4 addresses, also as IPv4-mapped IPv6, stay one client each.
    t.failed('::ffff:192.0.2.7');
    expect(t.waitMs('::ffff:192.0.2.8')).toBe(0);
  });

  it('forgets the least recently failed clients beyond maxClients', () => {
    const { t } = throttle(2);
    for (let i = 0; i < 3; i++) t.failed('192.0.2.1');
    t.failed('192.0.2.2');
    expect(t.waitMs('192.0.2.1')).toBeGreaterThan(0);
    t.failed('192.0.2.3');
    expect(t.waitMs('192.0.2.1')).toBe(0);
  });
});
