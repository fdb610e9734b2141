import crypto from 'node:crypto';

/** Decodes a stored digest written in base64 (standard or URL-safe) or hex. */
export function decodeDigest(encoded: string): Buffer {
  if (/^[0-9a-f]+$/i.test(encoded) && encoded.length % 2 === 0 && encoded.length >= 32) return Buffer.from(encoded, 'hex');
  return Buffer.from(encoded.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
}

/** Constant-time comparison of a computed digest with a stored one. */
export function equalDigests(computed: Buffer, stored: string): boolean {
  const expected = decodeDigest(stored);
  // Compare equal-length buffers only; a length mismatch still costs one comparison.
  if (expected.length !== computed.length) {
    crypto.timingSafeEqual(computed, computed);
    return false;
  }
  return crypto.timingSafeEqual(computed, expected);
}
