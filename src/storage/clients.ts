/** A tenant's OAuth client rows; every statement names the tenant. */
import type { Selectable } from 'kysely';
import type { ClientsTable } from '../db/schema.js';
import type { ClientRecord, ClientRepository } from './contract.js';
import { type Executor, uniquely } from './executor.js';

function toRecord(row: Selectable<ClientsTable>): ClientRecord {
  return {
    tenantId: row.tenant_id,
    clientId: row.client_id,
    name: row.name,
    redirectUris: JSON.parse(row.redirect_uris) as string[],
    postLogoutRedirectUris: JSON.parse(row.post_logout_redirect_uris) as string[],
    allowedScopes: JSON.parse(row.allowed_scopes) as string[],
    tokenEndpointAuthMethod: row.token_endpoint_auth_method as ClientRecord['tokenEndpointAuthMethod'],
    clientType: row.client_type as ClientRecord['clientType'],
    secretHash: row.secret_hash,
    locked: Boolean(row.is_locked),
    signingAlg: row.signing_alg as ClientRecord['signingAlg'],
    flow: row.flow ? (JSON.parse(row.flow) as ClientRecord['flow']) : null,
    logoUri: row.logo_uri,
    clientUri: row.client_uri,
    clientLogoutUri: row.client_logout_uri,
    policyUri: row.policy_uri,
    tosUri: row.tos_uri,
    userAgreementUri: row.user_agreement_uri,
    registerEnabled: Boolean(row.register_enabled),
    tenantName: row.tenant_name,
    consentRequired: Boolean(row.consent_required),
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
  };
}

function toRow(c: ClientRecord): Selectable<ClientsTable> {
  return {
    tenant_id: c.tenantId,
    client_id: c.clientId,
    name: c.name,
    redirect_uris: JSON.stringify(c.redirectUris),
    post_logout_redirect_uris: JSON.stringify(c.postLogoutRedirectUris),
    allowed_scopes: JSON.stringify(c.allowedScopes),
    token_endpoint_auth_method: c.tokenEndpointAuthMethod,
    client_type: c.clientType,
    secret_hash: c.secretHash,
    is_locked: c.locked ? 1 : 0,
    signing_alg: c.signingAlg,
    flow: c.flow ? JSON.stringify(c.flow) : null,
    logo_uri: c.logoUri,
    client_uri: c.clientUri,
    client_logout_uri: c.clientLogoutUri,
    policy_uri: c.policyUri,
    tos_uri: c.tosUri,
    user_agreement_uri: c.userAgreementUri,
    register_enabled: c.registerEnabled ? 1 : 0,
    tenant_name: c.tenantName,
    consent_required: c.consentRequired ? 1 : 0,
    created_at: c.createdAt,
    updated_at: c.updatedAt,
  };
}

export class KyselyClientRepository implements ClientRepository {
  constructor(
    private readonly db: Executor,
    private readonly tenantId: string,
  ) {}

  async find(clientId: string): Promise<ClientRecord | undefined> {
    const row = await this.db.selectFrom('clients').selectAll().where('tenant_id', '=', this.tenantId).where('client_id', '=', clientId).executeTakeFirst();
    return row && toRecord(row);
  }

  async list(offset: number, limit: number): Promise<ClientRecord[]> {
    const rows = await this.db.selectFrom('clients').selectAll().where('tenant_id', '=', this.tenantId).orderBy('created_at').orderBy('client_id').limit(limit).offset(offset).execute();
    return rows.map(toRecord);
  }

  async count(): Promise<number> {
    const row = await this.db.selectFrom('clients').select((eb) => eb.fn.countAll<number>().as('n')).where('tenant_id', '=', this.tenantId).executeTakeFirstOrThrow();
    return Number(row.n);
  }

  async insert(client: ClientRecord): Promise<void> {
    if (client.tenantId !== this.tenantId) throw new Error(`client ${client.clientId} belongs to tenant ${client.tenantId}, not ${this.tenantId}`);
    await uniquely('client', { client_id: 'client_id' }, () => this.db.insertInto('clients').values(toRow(client)).execute());
  }

  async update(client: ClientRecord): Promise<boolean> {
    const { tenant_id: _t, client_id: _c, created_at: _created, ...changes } = toRow(client);
    const result = await this.db.updateTable('clients').set(changes).where('tenant_id', '=', this.tenantId).where('client_id', '=', client.clientId).executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }

  async delete(clientId: string): Promise<boolean> {
    const result = await this.db.deleteFrom('clients').where('tenant_id', '=', this.tenantId).where('client_id', '=', clientId).executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }
}
