import crypto from 'node:crypto';

/** SHA-256 hex of a high-entropy secret (API keys): fast is fine, the secret is not guessable. */
export function sha256Hex(value: string): string {
  return crypto.createHash('sha256').update(value, 'utf8').digest('hex');
}

/** A new API key value: 32 random bytes, URL-safe. */
export function newApiKeyValue(): string {
  return crypto.randomBytes(32).toString('base64url');
}
