/**
 * The master key encrypts private key material at rest (AES-256-GCM, the row id as associated
 * data so a ciphertext cannot be moved to another row). It comes from TESSERA_MASTER_KEY —
 * 32 bytes in base64, or a passphrase of 16 characters or more, stretched with scrypt — or
 * from a key file that is created (mode 0600, in a folder created 0700) on first start.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

const FORMAT = 'v1';

/** The shortest passphrase accepted: shorter ones are too easy to guess, even stretched. */
export const MIN_PASSPHRASE_LENGTH = 16;

/** Is the secret 32 bytes in base64 (padding optional), i.e. a key used as it is? */
function rawKey(secret: string): Buffer | undefined {
  const raw = Buffer.from(secret, 'base64');
  return raw.length === 32 && raw.toString('base64').replace(/=+$/, '') === secret.replace(/=+$/, '') ? raw : undefined;
}

/**
 * The format rule for a master key secret (TESSERA_MASTER_KEY or the key file): 32 bytes in
 * base64, or a passphrase of at least 16 characters. Base64 of another length (a key cut short
 * in a copy) is refused rather than taken as a passphrase, and so is surrounding whitespace,
 * which would make the same key open nothing when given without it. Returns what is wrong, or
 * undefined when the secret can be used.
 */
export function masterKeyProblem(secret: string): string | undefined {
  if (rawKey(secret)) return undefined;
  if (secret.trim() !== secret) return 'must not begin or end with whitespace';
  if (/^[A-Za-z0-9+/]+={1,2}$/.test(secret)) return `is base64 of ${Buffer.from(secret, 'base64').length} bytes; a key in base64 must be 32 bytes`;
  if (secret.length < MIN_PASSPHRASE_LENGTH) return `must be 32 bytes in base64 or a passphrase of at least ${MIN_PASSPHRASE_LENGTH} characters`;
  return undefined;
}

export class MasterKey {
  private constructor(private readonly key: Buffer) {}

  static fromSecret(secret: string): MasterKey {
    const raw = rawKey(secret);
    if (raw) return new MasterKey(raw);
    const problem = masterKeyProblem(secret);
    if (problem) throw new Error(`The master key ${problem}`);
    // A passphrase: stretch it. The salt is fixed so the same passphrase opens the same data.
    return new MasterKey(crypto.scryptSync(secret, 'tessera-master-key-v1', 32, { N: 1 << 15, r: 8, p: 1, maxmem: 64 * 1024 * 1024 }));
  }

  /** Reads the key file, creating it with a fresh random key when it does not exist. */
  static fromFile(file: string): MasterKey {
    if (!fs.existsSync(file)) {
      fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
      fs.writeFileSync(file, crypto.randomBytes(32).toString('base64'), { mode: 0o600, flag: 'wx' });
    }
    return MasterKey.fromSecret(fs.readFileSync(file, 'utf8').trim());
  }

  /** A 32-byte key for one purpose (HKDF-SHA256 from the master key), e.g. a tenant's cookie signing key. */
  derive(purpose: string): Buffer {
    return Buffer.from(crypto.hkdfSync('sha256', this.key, Buffer.alloc(0), `tessera:${purpose}`, 32));
  }

  encrypt(plaintext: string, boundTo: string): string {
    const iv = crypto.randomBytes(12);
    const cipher = crypto.createCipheriv('aes-256-gcm', this.key, iv);
    cipher.setAAD(Buffer.from(boundTo));
    const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return [FORMAT, iv.toString('base64url'), cipher.getAuthTag().toString('base64url'), body.toString('base64url')].join('.');
  }

  decrypt(sealed: string, boundTo: string): string {
    const [format, iv, tag, body] = sealed.split('.');
    if (format !== FORMAT || !iv || !tag || body === undefined) throw new Error('Unrecognised ciphertext format');
    const decipher = crypto.createDecipheriv('aes-256-gcm', this.key, Buffer.from(iv, 'base64url'));
    decipher.setAAD(Buffer.from(boundTo));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString('utf8');
  }
}
