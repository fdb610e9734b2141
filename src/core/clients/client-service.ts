/**
 * A tenant's OAuth 2.0 / OpenID Connect clients (the Vault client API, seed 004): create, read,
 * list, replace and delete, each change published as a `client.*` event inside its
 * transaction so the provider pool can rebuild that tenant's provider.
 *
 * Secrets: a confidential client gets 32 random bytes (base64url) unless the caller gives one
 * of at least 32 characters; only the SHA-256 is stored, and the secret is shown once, in the
 * create answer. A replace keeps the stored secret unless a new one is given (the caller then
 * knows it: nothing is generated on replace, so nothing new needs showing). A public client has
 * no secret and authenticates with `none`; a confidential one with `client_secret_post` (the
 * seed's default) or `client_secret_basic` (RFC 6749 §2.3.1).
 */
import crypto from 'node:crypto';
import { sha256Hex } from '../../crypto/secrets.js';
import type { ClientRecord, Storage } from '../../storage/contract.js';
import { Conflict, type FieldProblem, NotFound, ValidationFailed, problem } from '../errors.js';
import type { ChangeBus } from '../events/change-bus.js';
import type { KeystoreService } from '../keys/keystore-service.js';
import type { PlanPolicy } from '../plans/plan-policy.js';
import type { Tenant } from '../tenants/settings.js';
import { MAX_URI_LENGTH, redirectUriProblem, webUrlProblem } from './uris.js';

export type TokenEndpointAuthMethod = ClientRecord['tokenEndpointAuthMethod'];
export type ClientType = ClientRecord['clientType'];
export type SigningAlg = ClientRecord['signingAlg'];

/** A client as the core hands it out: everything but the secret's hash. */
export type Client = Omit<ClientRecord, 'secretHash'> & { hasSecret: boolean };

/** The create answer: the client and, for a confidential one, its secret (shown this once). */
export interface CreatedClient extends Client {
  secret: string | null;
}

/** What a caller gives; what it leaves out takes its default (see CLIENT_DEFAULTS). */
export interface ClientInput {
  clientId: string;
  name: string;
  redirectUris?: string[];
  postLogoutRedirectUris?: string[];
  allowedScopes?: string[];
  /** Default: `none` for a public client, `client_secret_post` for a confidential one. */
  tokenEndpointAuthMethod?: TokenEndpointAuthMethod;
  clientType?: ClientType;
  /** A confidential client's secret; generated on create when left out. */
  secret?: string;
  locked?: boolean;
  signingAlg?: SigningAlg;
  flow?: { type: string; issuer: string | null } | null;
  logoUri?: string | null;
  clientUri?: string | null;
  clientLogoutUri?: string | null;
  policyUri?: string | null;
  tosUri?: string | null;
  userAgreementUri?: string | null;
  registerEnabled?: boolean;
  tenantName?: string | null;
  /** Tessera extension: a third-party client asks the user's consent (default false: first-party). */
  consentRequired?: boolean;
}

/**
 * The seed's defaults. `allowedScopes` is not given a default by the seed: `openid` alone, the
 * scope every OpenID Connect request carries (Core §3.1.2.1); others are granted explicitly.
 */
export const CLIENT_DEFAULTS = {
  clientType: 'confidential' as ClientType,
  signingAlg: 'EdDSA' as SigningAlg,
  allowedScopes: ['openid'],
  locked: false,
  registerEnabled: false,
  consentRequired: false,
};

/** RFC 3986 unreserved characters: safe in a path, a query and a Basic credential alike. */
export const CLIENT_ID_PATTERN = /^[A-Za-z0-9._~-]+$/;
export const MAX_CLIENT_ID_LENGTH = 255;
export const MAX_NAME_LENGTH = 255;
export const MIN_SECRET_LENGTH = 32;
export const MAX_SECRET_LENGTH = 512;
export const MAX_URIS = 100;
export const MAX_SCOPES = 100;
export const MAX_SCOPE_LENGTH = 128;
/** RFC 6749 §3.3 scope-token: printable ASCII but space, `"` and `\`. */
const SCOPE_TOKEN = /^[\x21\x23-\x5b\x5d-\x7e]+$/;
const FLOW_TYPE = /^[A-Za-z0-9._-]{1,64}$/;

const DISPLAY_URLS = ['logoUri', 'clientUri', 'clientLogoutUri', 'policyUri', 'tosUri', 'userAgreementUri'] as const;

/** A new client secret: 32 random bytes, base64url (43 characters). */
export function newClientSecret(): string {
  return crypto.randomBytes(32).toString('base64url');
}

/**
 * Does `presented` match the client's stored secret? The hashes are compared in constant time;
 * a client without a secret (a public one) matches nothing.
 */
export function verifySecret(client: Pick<ClientRecord, 'secretHash'>, presented: string): boolean {
  const presentedHash = Buffer.from(sha256Hex(presented), 'hex');
  const stored = client.secretHash && /^[0-9a-f]{64}$/.test(client.secretHash) ? Buffer.from(client.secretHash, 'hex') : undefined;
  const equal = crypto.timingSafeEqual(presentedHash, stored ?? Buffer.alloc(presentedHash.length));
  return stored !== undefined && equal;
}

function toClient(record: ClientRecord): Client {
  const { secretHash, ...client } = record;
  return { ...client, hasSecret: secretHash !== null };
}

/** Every refusal of `input`, field by field (core names; `redirectUris[2]` for an item). */
function problemsOf(input: ClientInput, clientType: ClientType, method: TokenEndpointAuthMethod): FieldProblem[] {
  const problems: FieldProblem[] = [];
  if (!CLIENT_ID_PATTERN.test(input.clientId)) problems.push(problem('clientId', 'invalid', 'A client id is letters, digits and . _ ~ - only.'));
  if (input.clientId.length > MAX_CLIENT_ID_LENGTH) problems.push(problem('clientId', 'tooLong', `A client id is at most ${MAX_CLIENT_ID_LENGTH} characters.`));
  if (!input.name.trim()) problems.push(problem('name', 'blank', 'A client needs a name.'));
  if (input.name.length > MAX_NAME_LENGTH) problems.push(problem('name', 'tooLong', `A name is at most ${MAX_NAME_LENGTH} characters.`));
  for (const field of ['redirectUris', 'postLogoutRedirectUris'] as const) {
    const uris = input[field] ?? [];
    if (uris.length > MAX_URIS) problems.push(problem(field, 'tooLong', `At most ${MAX_URIS} URIs.`));
    uris.forEach((uri, i) => {
      const why = redirectUriProblem(uri);
      if (why) problems.push(problem(`${field}[${i}]`, uri.length > MAX_URI_LENGTH ? 'tooLong' : 'invalid', `The URI ${why}.`));
    });
  }
  const scopes = input.allowedScopes ?? [];
  if (scopes.length > MAX_SCOPES) problems.push(problem('allowedScopes', 'tooLong', `At most ${MAX_SCOPES} scopes.`));
  scopes.forEach((scope, i) => {
    if (!SCOPE_TOKEN.test(scope) || scope.length > MAX_SCOPE_LENGTH) problems.push(problem(`allowedScopes[${i}]`, 'invalid', `A scope is 1–${MAX_SCOPE_LENGTH} printable characters without spaces, quotes or backslashes (RFC 6749 §3.3).`));
  });
  if (clientType === 'public') {
    if (method !== 'none') problems.push(problem('tokenEndpointAuthMethod', 'invalid', 'A public client has no secret: its token endpoint auth method is none.'));
    if (input.secret !== undefined) problems.push(problem('secret', 'invalid', 'A public client has no secret.'));
  } else {
    if (method === 'none') problems.push(problem('tokenEndpointAuthMethod', 'invalid', 'A confidential client authenticates with client_secret_post or client_secret_basic.'));
    if (input.secret !== undefined && input.secret.length < MIN_SECRET_LENGTH) problems.push(problem('secret', 'tooShort', `A client secret is at least ${MIN_SECRET_LENGTH} characters.`));
    if (input.secret !== undefined && input.secret.length > MAX_SECRET_LENGTH) problems.push(problem('secret', 'tooLong', `A client secret is at most ${MAX_SECRET_LENGTH} characters.`));
  }
  for (const field of DISPLAY_URLS) {
    const url = input[field];
    const why = url != null ? webUrlProblem(url) : undefined;
    if (why) problems.push(problem(field, url!.length > MAX_URI_LENGTH ? 'tooLong' : 'invalid', `The URL ${why}.`));
  }
  if (input.flow) {
    if (!FLOW_TYPE.test(input.flow.type)) problems.push(problem('flow.type', 'invalid', 'A flow type is 1–64 letters, digits and . _ -.'));
    const why = input.flow.issuer != null ? webUrlProblem(input.flow.issuer) : undefined;
    if (why) problems.push(problem('flow.issuer', 'invalid', `The issuer ${why}.`));
  }
  if (input.tenantName != null && input.tenantName.length > MAX_NAME_LENGTH) problems.push(problem('tenantName', 'tooLong', `A tenant name is at most ${MAX_NAME_LENGTH} characters.`));
  return problems;
}

export class ClientService {
  /** `plans` holds a tenant to its plan's `max_clients` (checked again inside the creating transaction). */
  constructor(private readonly deps: { storage: Storage; changes: ChangeBus; keystore: Pick<KeystoreService, 'addAlgorithm'>; plans: PlanPolicy; now: () => number }) {}

  /** A client that signs its ID tokens with EdDSA needs the tenant's keystore to have an Ed25519 family. */
  private async keysFor(tenant: Tenant, signingAlg: SigningAlg): Promise<void> {
    if (signingAlg === 'EdDSA') await this.deps.keystore.addAlgorithm(tenant, 'Ed25519');
  }

  async create(tenant: Tenant, input: ClientInput): Promise<CreatedClient> {
    const clientType = input.clientType ?? CLIENT_DEFAULTS.clientType;
    const method = input.tokenEndpointAuthMethod ?? (clientType === 'public' ? 'none' : 'client_secret_post');
    const problems = problemsOf(input, clientType, method);
    if (problems.length) throw new ValidationFailed(problems);
    const secret = clientType === 'public' ? null : (input.secret ?? newClientSecret());
    const now = this.deps.now();
    const record: ClientRecord = { ...this.fields(tenant, input, clientType, method), secretHash: secret === null ? null : sha256Hex(secret), createdAt: now, updatedAt: now };
    await this.deps.plans.checkClientRoom(tenant, this.deps.storage, { lock: false });
    await this.keysFor(tenant, record.signingAlg);
    try {
      await this.deps.changes.transaction(async (tx, emit) => {
        await this.deps.plans.checkClientRoom(tenant, tx, { lock: true });
        await tx.forTenant(tenant.id).clients.insert(record);
        await emit({ type: 'client.created', clientId: record.clientId, tenantId: tenant.id });
      });
    } catch (error) {
      if (error instanceof Conflict) throw new ValidationFailed([problem('clientId', 'duplicate', 'A client with this id already exists in the tenant.')]);
      throw error;
    }
    return { ...toClient(record), secret };
  }

  async get(tenant: Tenant, clientId: string): Promise<Client> {
    const record = await this.deps.storage.forTenant(tenant.id).clients.find(clientId);
    if (!record) throw new NotFound('client');
    return toClient(record);
  }

  /** A page of the tenant's clients, oldest first. */
  async list(tenant: Tenant, page: { offset: number; limit: number }): Promise<Client[]> {
    return (await this.deps.storage.forTenant(tenant.id).clients.list(page.offset, page.limit)).map(toClient);
  }

  /**
   * Replaces every field (left out: the default again), but the secret: it stays unless one is
   * given. A client that becomes public loses its secret; one that becomes confidential must be
   * given one (a replace shows no secret, so none is generated).
   */
  async replace(tenant: Tenant, clientId: string, input: ClientInput): Promise<Client> {
    const clientType = input.clientType ?? CLIENT_DEFAULTS.clientType;
    const method = input.tokenEndpointAuthMethod ?? (clientType === 'public' ? 'none' : 'client_secret_post');
    const problems = problemsOf({ ...input, clientId }, clientType, method);
    if (problems.length) throw new ValidationFailed(problems);
    await this.keysFor(tenant, input.signingAlg ?? CLIENT_DEFAULTS.signingAlg);
    const updated = await this.deps.changes.transaction(async (tx, emit) => {
      const clients = tx.forTenant(tenant.id).clients;
      const stored = await clients.find(clientId);
      if (!stored) throw new NotFound('client');
      const secretHash = clientType === 'public' ? null : input.secret !== undefined ? sha256Hex(input.secret) : stored.secretHash;
      if (secretHash === null && clientType === 'confidential') throw new ValidationFailed([problem('secret', 'blank', 'A client that becomes confidential needs a client secret.')]);
      const record: ClientRecord = { ...this.fields(tenant, { ...input, clientId }, clientType, method), secretHash, createdAt: stored.createdAt, updatedAt: this.deps.now() };
      if (!(await clients.update(record))) throw new NotFound('client');
      await emit({ type: 'client.updated', clientId, tenantId: tenant.id });
      return record;
    });
    return toClient(updated);
  }

  async delete(tenant: Tenant, clientId: string): Promise<void> {
    const deleted = await this.deps.changes.transaction(async (tx, emit) => {
      if (!(await tx.forTenant(tenant.id).clients.delete(clientId))) return false;
      await emit({ type: 'client.deleted', clientId, tenantId: tenant.id });
      return true;
    });
    if (!deleted) throw new NotFound('client');
  }

  /** The client when `presented` is its secret; undefined otherwise (unknown, public or wrong). */
  async authenticate(tenant: Tenant, clientId: string, presented: string): Promise<Client | undefined> {
    const record = await this.deps.storage.forTenant(tenant.id).clients.find(clientId);
    return record && verifySecret(record, presented) ? toClient(record) : undefined;
  }

  private fields(tenant: Tenant, input: ClientInput, clientType: ClientType, method: TokenEndpointAuthMethod): Omit<ClientRecord, 'secretHash' | 'createdAt' | 'updatedAt'> {
    return {
      tenantId: tenant.id,
      clientId: input.clientId,
      name: input.name,
      redirectUris: input.redirectUris ?? [],
      postLogoutRedirectUris: input.postLogoutRedirectUris ?? [],
      allowedScopes: input.allowedScopes ?? CLIENT_DEFAULTS.allowedScopes,
      tokenEndpointAuthMethod: method,
      clientType,
      locked: input.locked ?? CLIENT_DEFAULTS.locked,
      signingAlg: input.signingAlg ?? CLIENT_DEFAULTS.signingAlg,
      flow: input.flow ?? null,
      logoUri: input.logoUri ?? null,
      clientUri: input.clientUri ?? null,
      clientLogoutUri: input.clientLogoutUri ?? null,
      policyUri: input.policyUri ?? null,
      tosUri: input.tosUri ?? null,
      userAgreementUri: input.userAgreementUri ?? null,
      registerEnabled: input.registerEnabled ?? CLIENT_DEFAULTS.registerEnabled,
      tenantName: input.tenantName ?? null,
      consentRequired: input.consentRequired ?? CLIENT_DEFAULTS.consentRequired,
    };
  }
}
