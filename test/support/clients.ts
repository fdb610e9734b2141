/** A stored OAuth client for tests that put one in storage directly (the Vault API is tested on its own). */
import crypto from 'node:crypto';
import type { ClientRecord } from '../../src/storage/contract.js';

/** A confidential client with the secret's SHA-256 stored, as the client service stores it. */
export function clientRecord(tenantId: string, clientId: string, secret: string, overrides: Partial<ClientRecord> = {}): ClientRecord {
  const now = Date.now();
  return {
    tenantId,
    clientId,
    name: `Client ${clientId}`,
    redirectUris: ['https://rp.example/cb'],
    postLogoutRedirectUris: [],
    allowedScopes: ['openid'],
    tokenEndpointAuthMethod: 'client_secret_basic',
    clientType: 'confidential',
    secretHash: crypto.createHash('sha256').update(secret).digest('hex'),
    locked: false,
    signingAlg: 'RS256',
    flow: null,
    logoUri: null,
    clientUri: null,
    clientLogoutUri: null,
    policyUri: null,
    tosUri: null,
    userAgreementUri: null,
    registerEnabled: false,
    tenantName: null,
    consentRequired: false,
    createdAt: now,
    updatedAt: now,
    ...overrides,
  };
}
