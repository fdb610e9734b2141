/**
 * The tenant's secure generators (FusionAuth externalIdentifierConfiguration …Generator):
 * randomBytes (length bytes, base64url), randomAlpha, randomAlphaNumeric, randomDigits
 * (length characters, each drawn uniformly with crypto.randomInt).
 */
import crypto from 'node:crypto';
import type { SecureGenerator } from '../tenants/settings.js';

const ALPHABETS = {
  randomAlpha: 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz',
  randomAlphaNumeric: 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789',
  randomDigits: '0123456789',
} as const;

export function generateId(generator: SecureGenerator): string {
  if (generator.type === 'randomBytes') return crypto.randomBytes(generator.length).toString('base64url');
  const alphabet = ALPHABETS[generator.type];
  let out = '';
  for (let i = 0; i < generator.length; i++) out += alphabet[crypto.randomInt(alphabet.length)];
  return out;
}
