/**
 * The master key encrypts private key material at rest (AES-256-GCM, the row id as associated
 * data so a ciphertext cannot be moved to another row). It comes from TESSERA_MASTER_KEY —
 * 32 bytes in base64, or any passphrase, stretched with scrypt — or from a key file that is
 * created (mode 0600) on first start.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

const FORMAT = 'v1';

export class MasterKey {
  private constructor(private readonly key: Buffer) {}

  static fromSecret(secret: string): MasterKey {
    const raw = Buffer.from(secret, 'base64');
    if (raw.length === 32 && raw.toString('base64').replace(/=+$/, '') === secret.replace(/=+$/, '')) {
      return new MasterKey(raw);
    }
    // A passphrase: stretch it. The salt is fixed so the same passphrase opens the same data.
    return new MasterKey(crypto.scryptSync(secret, 'tessera-master-key-v1', 32, { N: 1 << 15, r: 8, p: 1, maxmem: 64 * 1024 * 1024 }));
  }

  /** Reads the key file, creating it with a fresh random key when it does not exist. */
  static fromFile(file: string): MasterKey {
    if (!fs.existsSync(file)) {
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, crypto.randomBytes(32).toString('base64'), { mode: 0o600, flag: 'wx' });
    }
    return MasterKey.fromSecret(fs.readFileSync(file, 'utf8').trim());
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
