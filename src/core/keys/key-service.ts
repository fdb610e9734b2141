/**
 * Signing keys: generated here, private half sealed with the master key before it is stored,
 * and never returned by any API. Tenants reference keys by id; a referenced key cannot be deleted.
 */
import crypto from 'node:crypto';
import { calculateJwkThumbprint, type JWK } from 'jose';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.js';
import type { MasterKey } from '../../crypto/master-key.js';
import { type Executor, isUniqueViolation } from '../../storage/executor.js';
import { type KeyRow, keyStore } from '../../storage/keys.js';
import { tenantStore } from '../../storage/tenants.js';
import { NotFound, ValidationFailed, problem } from '../errors.js';
import { type KeyAlgorithm, type KeyType, RSA_LENGTHS, generateMaterial, joseAlgorithm, keyTypeOf } from './algorithms.js';

export interface SigningKey {
  id: string;
  tenantId: string | null;
  name: string;
  algorithm: KeyAlgorithm;
  type: KeyType;
  kid: string;
  length: number | null;
  issuer: string | null;
  publicKey: string | null;
  certificate: string | null;
  publicJwk: JWK | null;
  hasPrivateKey: boolean;
  insertInstant: number;
  expirationInstant: number | null;
  rotatedInstant: number | null;
  revokedInstant: number | null;
}

export interface KeyRequest {
  id?: string;
  name: string;
  algorithm: KeyAlgorithm;
  length?: number;
  issuer?: string | null;
  tenantId?: string | null;
}

function toSigningKey(row: KeyRow): SigningKey {
  return {
    id: row.id,
    tenantId: row.tenant_id,
    name: row.name,
    algorithm: row.algorithm as KeyAlgorithm,
    type: row.type as KeyType,
    kid: row.kid,
    length: row.length,
    issuer: row.issuer,
    publicKey: row.public_key,
    certificate: row.certificate,
    publicJwk: row.public_jwk ? (JSON.parse(row.public_jwk) as JWK) : null,
    hasPrivateKey: row.secret_encrypted !== null,
    insertInstant: Number(row.insert_instant),
    expirationInstant: row.expiration_instant === null ? null : Number(row.expiration_instant),
    rotatedInstant: row.rotated_instant === null ? null : Number(row.rotated_instant),
    revokedInstant: row.revoked_instant === null ? null : Number(row.revoked_instant),
  };
}

export class KeyService {
  constructor(
    private readonly deps: { db: Kysely<Database>; masterKey: MasterKey; now: () => number },
  ) {}

  /** Generates the material (slow, async) without touching the database. */
  async prepare(request: KeyRequest): Promise<KeyRow> {
    const problems = [];
    if (!request.name.trim()) problems.push(problem('name', 'blank', 'The key name is required.'));
    const type = keyTypeOf(request.algorithm);
    if (type === 'RSA' && request.length !== undefined && !(RSA_LENGTHS as readonly number[]).includes(request.length)) {
      problems.push(problem('length', 'invalid', `An RSA key length must be one of ${RSA_LENGTHS.join(', ')}.`));
    }
    if (problems.length) throw new ValidationFailed(problems);
    const id = request.id ?? crypto.randomUUID();
    const material = await generateMaterial(request.algorithm, type === 'RSA' ? request.length : undefined);
    const jwk = material.publicJwk ? ({ ...material.publicJwk } as JWK) : null;
    const kid = jwk ? await calculateJwkThumbprint(jwk) : crypto.randomBytes(16).toString('base64url');
    if (jwk) Object.assign(jwk, { kid, alg: joseAlgorithm(request.algorithm), use: 'sig' });
    return {
      id,
      tenant_id: request.tenantId ?? null,
      name: request.name.trim(),
      algorithm: request.algorithm,
      type,
      kid,
      length: material.length,
      issuer: request.issuer ?? null,
      public_key: material.publicKeyPem,
      certificate: null,
      public_jwk: jwk ? JSON.stringify(jwk) : null,
      secret_encrypted: this.deps.masterKey.encrypt(material.secret, id),
      insert_instant: this.deps.now(),
      expiration_instant: null,
      rotated_instant: null,
      revoked_instant: null,
    };
  }

  /** Stores prepared keys inside the caller's transaction; name and id clashes are field errors. */
  async store(db: Executor, rows: KeyRow[]): Promise<void> {
    for (const row of rows) {
      if (await keyStore.find(db, row.id)) throw new ValidationFailed([problem('id', 'duplicate', 'A key with this id already exists.')]);
      const clash = await db.selectFrom('keys').select('id').where('name', '=', row.name).executeTakeFirst();
      if (clash) throw new ValidationFailed([problem('name', 'duplicate', 'A key with this name already exists.')]);
      try {
        await keyStore.insert(db, row);
      } catch (error) {
        if (isUniqueViolation(error)) throw new ValidationFailed([problem('name', 'duplicate', 'A key with this name or id already exists.')]);
        throw error;
      }
    }
  }

  async generate(request: KeyRequest): Promise<SigningKey> {
    const row = await this.prepare(request);
    await this.store(this.deps.db, [row]);
    return toSigningKey(row);
  }

  async get(id: string, db: Executor = this.deps.db): Promise<SigningKey> {
    const row = await keyStore.find(db, id);
    if (!row) throw new NotFound('key');
    return toSigningKey(row);
  }

  async list(tenantId?: string): Promise<SigningKey[]> {
    return (await keyStore.list(this.deps.db, tenantId)).map(toSigningKey);
  }

  async existing(db: Executor, ids: string[]): Promise<Set<string>> {
    return new Set((await keyStore.findMany(db, ids)).map((row) => row.id));
  }

  async delete(id: string): Promise<void> {
    await this.deps.db.transaction().execute(async (trx) => {
      if (!(await keyStore.find(trx, id))) throw new NotFound('key');
      const users = await tenantStore.tenantsUsingKey(trx, id);
      if (users.length) {
        throw new ValidationFailed([], [{ code: '[inUse]keyId', message: `The key is used by ${users.length} tenant(s) and cannot be deleted.` }]);
      }
      await keyStore.delete(trx, id);
    });
  }

  /** The private key (PKCS#8 PEM) or HMAC secret, for signing inside this process only. */
  async secretOf(id: string): Promise<string> {
    const row = await keyStore.find(this.deps.db, id);
    if (!row?.secret_encrypted) throw new NotFound('key');
    return this.deps.masterKey.decrypt(row.secret_encrypted, row.id);
  }
}
