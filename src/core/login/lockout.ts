/**
 * The one lockout mechanism: a failure counter per subject (a user, or a client IP) within a
 * window; reaching the limit blocks the subject for initial × 2^(blocks so far), capped at the
 * longest block. FusionAuth and PlusAuth configure a fixed block (first = longest); the Vault
 * service an exponential one. See docs/tenant-model.md, "The lockout mechanism".
 */
import { BlockList, isIP } from 'node:net';
import type { TenantSettings } from '../tenants/settings.js';

export interface LockoutLimits {
  enabled: boolean;
  maxAttempts: number;
  windowSeconds: number;
  initialBlockSeconds: number;
  maxBlockSeconds: number;
}

export function userLimits(settings: TenantSettings): LockoutLimits {
  const l = settings.userLockout;
  return { enabled: l.enabled, maxAttempts: l.maxAttempts, windowSeconds: l.windowSeconds, initialBlockSeconds: l.initialBlockSeconds, maxBlockSeconds: l.maxBlockSeconds };
}

export function ipLimits(settings: TenantSettings): LockoutLimits {
  const b = settings.ipBruteForce;
  return { enabled: b.enabled, maxAttempts: b.maxAttempts, windowSeconds: b.windowSeconds, initialBlockSeconds: b.initialBlockSeconds, maxBlockSeconds: b.maxBlockSeconds };
}

/** Length of the next block after `previousBlocks` blocks without a success in between. */
export function blockSeconds(limits: LockoutLimits, previousBlocks: number): number {
  const doubled = limits.initialBlockSeconds * 2 ** Math.min(previousBlocks, 40);
  return Math.min(doubled, Math.max(limits.maxBlockSeconds, limits.initialBlockSeconds));
}

/** An IPv4 or IPv6 address, or a CIDR range with a prefix its family allows (`10.0.0.0/8`, `2001:db8::/32`). */
export function isIpOrRange(entry: string): boolean {
  const [address, prefix, extra] = entry.split('/');
  const family = isIP(address ?? '');
  if (!family || extra !== undefined) return false;
  return prefix === undefined || (/^\d{1,3}$/.test(prefix) && Number(prefix) <= (family === 6 ? 128 : 32));
}

/** Is this IP exempt (PlusAuth brute_force.white_list: single addresses or CIDR ranges)? */
export function isWhitelisted(ip: string, whiteList: string[]): boolean {
  if (whiteList.length === 0) return false;
  const list = new BlockList();
  for (const entry of whiteList) {
    const [address, prefix] = entry.split('/');
    const family = isIP(address ?? '');
    if (!family || !address) continue;
    const type = family === 6 ? 'ipv6' : 'ipv4';
    if (prefix === undefined) list.addAddress(address, type);
    else list.addSubnet(address, Number(prefix), type);
  }
  const family = isIP(ip);
  if (!family) return false;
  // An IPv4 client seen through a dual-stack socket arrives as ::ffff:a.b.c.d.
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  if (mapped) return list.check(mapped[1]!, 'ipv4') || list.check(ip, 'ipv6');
  return list.check(ip, family === 6 ? 'ipv6' : 'ipv4');
}
