/**
 * Signing keys: generated here, private half sealed with the master key before it is stored,
 * and never returned by any API. Tenants reference keys by id; a referenced key cannot be deleted.
 */
import crypto from 'node:crypto';
import { calculateJwkThumbprint, type JWK } from 'jose';
import type { MasterKey } from '../../crypto/master-key.js';
import type { KeyRecord, KeystoreState, Storage } from '../../storage/contract.js';
import { Conflict, NotFound, ValidationFailed, problem } from '../errors.js';
import type { ChangeBus, Emit } from '../events/change-bus.js';
import { type KeyAlgorithm, type KeyType, RSA_LENGTHS, generateMaterial, joseAlgorithm, keyTypeOf } from './algorithms.js';
import { selfSignedCertificate } from './certificate.js';

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
  keystoreState: KeystoreState | null;
}

export interface KeyRequest {
  id?: string;
  name: string;
  algorithm: KeyAlgorithm;
  length?: number;
  issuer?: string | null;
  tenantId?: string | null;
  /** The state in its tenant's keystore (null, the default: outside any keystore). */
  keystoreState?: KeystoreState | null;
}

function toSigningKey(record: KeyRecord): SigningKey {
  const { secretEncrypted, publicJwk, ...rest } = record;
  return {
    ...rest,
    algorithm: record.algorithm as KeyAlgorithm,
    type: record.type as KeyType,
    publicJwk: publicJwk as JWK | null,
    hasPrivateKey: secretEncrypted !== null,
  };
}

export class KeyService {
  constructor(
    private readonly deps: { storage: Storage; changes: ChangeBus; masterKey: MasterKey; now: () => number },
  ) {}

  /** Generates the material (slow, async) without touching the database. */
  async prepare(request: KeyRequest): Promise<KeyRecord> {
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
    const now = this.deps.now();
    // Asymmetric keys get a self-signed certificate: FusionAuth's `certificate`, the JWK's x5c/x5t.
    const certificate = material.publicKeyPem ? await selfSignedCertificate(request.algorithm, material.secret, material.publicKeyPem, kid, now) : undefined;
    if (jwk) Object.assign(jwk, { kid, alg: joseAlgorithm(request.algorithm), use: 'sig', key_ops: ['verify'], ...certificate?.jwk });
    return {
      id,
      tenantId: request.tenantId ?? null,
      name: request.name.trim(),
      algorithm: request.algorithm,
      type,
      kid,
      length: material.length,
      issuer: request.issuer ?? null,
      publicKey: material.publicKeyPem,
      certificate: certificate?.pem ?? null,
      publicJwk: jwk as Record<string, unknown> | null,
      secretEncrypted: this.deps.masterKey.encrypt(material.secret, id),
      insertInstant: now,
      expirationInstant: null,
      rotatedInstant: null,
      revokedInstant: null,
      keystoreState: request.keystoreState ?? null,
    };
  }

  /** Stores prepared keys inside the caller's transaction; name and id clashes are field errors. */
  async store(tx: Storage, emit: Emit, records: KeyRecord[]): Promise<void> {
    for (const record of records) {
      if (await tx.keys.find(record.id)) throw new ValidationFailed([problem('id', 'duplicate', 'A key with this id already exists.')]);
      if (await tx.keys.nameTaken(record.name)) throw new ValidationFailed([problem('name', 'duplicate', 'A key with this name already exists.')]);
      try {
        await tx.keys.insert(record);
      } catch (error) {
        if (error instanceof Conflict) throw new ValidationFailed([problem(error.field ?? 'name', 'duplicate', 'A key with this name or id already exists.')]);
        throw error;
      }
      await emit({ type: 'key.created', keyId: record.id, tenantId: record.tenantId });
    }
  }

  async generate(request: KeyRequest): Promise<SigningKey> {
    const record = await this.prepare(request);
    await this.deps.changes.transaction((tx, emit) => this.store(tx, emit, [record]));
    return toSigningKey(record);
  }

  async get(id: string): Promise<SigningKey> {
    const record = await this.deps.storage.keys.find(id);
    if (!record) throw new NotFound('key');
    return toSigningKey(record);
  }

  async list(tenantId?: string): Promise<SigningKey[]> {
    return (await this.deps.storage.keys.list(tenantId)).map(toSigningKey);
  }

  async existing(storage: Storage, ids: string[]): Promise<Set<string>> {
    return new Set((await storage.keys.findMany(ids)).map((record) => record.id));
  }

  /** Which of these keys are revoked (a tenant may not sign with one). */
  async revoked(storage: Storage, ids: string[]): Promise<Set<string>> {
    return new Set((await storage.keys.findMany(ids)).filter((record) => record.revokedInstant !== null).map((record) => record.id));
  }

  async delete(id: string): Promise<void> {
    await this.deps.changes.transaction(async (tx, emit) => {
      const record = await tx.keys.find(id);
      if (!record) throw new NotFound('key');
      const users = await tx.tenants.usingKey(id);
      if (users.length) {
        throw new ValidationFailed([], [{ code: '[inUse]keyId', message: `The key is used by ${users.length} tenant(s) and cannot be deleted.` }]);
      }
      // A published next key is about to sign: its tenant revokes it instead (which replaces it).
      if (record.keystoreState === 'next') {
        throw new ValidationFailed([], [{ code: '[inUse]keyId', message: "The key is its tenant's next signing key; revoke it through the tenant's keystore instead." }]);
      }
      await tx.keys.delete(id);
      await emit({ type: 'key.deleted', keyId: id, tenantId: record.tenantId });
    });
  }

  /** The private key (PKCS#8 PEM) or HMAC secret of a record already read; null when it has none. */
  openSecret(record: KeyRecord): string | null {
    return record.secretEncrypted === null ? null : this.deps.masterKey.decrypt(record.secretEncrypted, record.id);
  }

  /** The private key (PKCS#8 PEM) or HMAC secret, for signing inside this process only. */
  async secretOf(id: string): Promise<string> {
    const record = await this.deps.storage.keys.find(id);
    if (!record?.secretEncrypted) throw new NotFound('key');
    return this.deps.masterKey.decrypt(record.secretEncrypted, record.id);
  }
}
