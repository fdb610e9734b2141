/**
 * A tenant's branding on its hosted pages — a Tessera extension in the Vault dialect (no seed
 * has one):
 *   GET /tenants/{tenant_id}/branding → {tenant_id, logo_url, primary_color, background_color}
 *   PUT /tenants/{tenant_id}/branding → replace (a field left out or null: the built-in look)
 * The rules are the core's (src/core/tenants/branding.ts): an https logo URL (http only on a
 * loopback host), `#rrggbb` colours. Unknown fields are refused rather than ignored, so a
 * misspelt field cannot quietly reset a colour.
 */
import type { FastifyInstance } from 'fastify';
import { Type, type Static } from 'typebox';
import type { TenantBranding } from '../../core/tenants/branding.js';
import type { Tenant } from '../../core/tenants/settings.js';
import type { TenantService } from '../../core/tenants/tenant-service.js';
import { MAX_URI_LENGTH } from '../../core/clients/uris.js';
import { apiKeyOf, tenantOf } from './context.js';
import { vaultOperation } from './responses.js';
import { VaultTenantParams } from './user-schema.js';

const Color = (description: string) => Type.Union([Type.String({ pattern: '^#[0-9A-Fa-f]{6}$', description: `${description}: #rrggbb` }), Type.Null()]);
const Logo = Type.Union([Type.String({ minLength: 1, maxLength: MAX_URI_LENGTH, description: 'https URL of an image (http only for localhost, 127.0.0.1, [::1])' }), Type.Null()]);

export const VaultBrandingInput = Type.Object(
  {
    logo_url: Type.Optional(Logo),
    primary_color: Type.Optional(Color('Buttons, links and focus rings')),
    background_color: Type.Optional(Color('The page background')),
  },
  { additionalProperties: false, $id: 'VaultBrandingInput', description: 'Left out or null: the built-in look (which follows the reader’s light or dark preference)' },
);
type VaultBrandingInput = Static<typeof VaultBrandingInput>;

const VaultBranding = Type.Object(
  {
    tenant_id: Type.String({ description: "The tenant's slug" }),
    logo_url: Type.Union([Type.String(), Type.Null()]),
    primary_color: Type.Union([Type.String(), Type.Null()]),
    background_color: Type.Union([Type.String(), Type.Null()]),
  },
  { description: "The tenant's branding (Tessera extension); null: the built-in look" },
);

const WIRE: Record<string, string> = { 'branding.logoUrl': 'logo_url', 'branding.primaryColor': 'primary_color', 'branding.backgroundColor': 'background_color' };

function toVault(tenant: Tenant) {
  const b = tenant.settings.branding;
  return { tenant_id: tenant.slug, logo_url: b.logoUrl, primary_color: b.primaryColor, background_color: b.backgroundColor };
}

function fromVault(body: VaultBrandingInput): TenantBranding {
  return { logoUrl: body.logo_url ?? null, primaryColor: body.primary_color ?? null, backgroundColor: body.background_color ?? null };
}

const TAG = 'Vault: Branding';

/** Paths are under the Vault scope's prefix, /tenants. */
export function registerVaultBrandingRoutes(app: FastifyInstance, deps: { tenants: TenantService }): void {
  const config = { errorFields: (field: string) => WIRE[field] ?? field };
  app.get('/:tenant_id/branding', {
    schema: vaultOperation({ summary: "The tenant's hosted-page branding: logo and colours (Tessera extension)", tag: TAG, params: VaultTenantParams, responses: { 200: VaultBranding }, errors: [422] }),
  }, async (request, reply) => reply.send(toVault(tenantOf(request))));

  app.put('/:tenant_id/branding', {
    config,
    schema: vaultOperation({
      summary: "Replace the tenant's hosted-page branding (Tessera extension); left out or null is the built-in look",
      tag: TAG, params: VaultTenantParams, body: VaultBrandingInput, responses: { 200: VaultBranding }, errors: [422],
    }),
  }, async (request, reply) => {
    const tenant = tenantOf(request);
    const apiKey = apiKeyOf(request);
    const updated = await deps.tenants.setBranding({ tenantId: apiKey.tenantId ?? undefined }, tenant.id, fromVault(request.body as VaultBrandingInput));
    return reply.send(toVault(updated));
  });
}
