/**
 * How a tenant's pages look (its branding, src/core/tenants/branding.ts) and how a client is
 * shown on them. Colours become CSS custom properties in a `<style>` block the page's CSP
 * allows by nonce — built only from values that match `#rrggbb` (checked again here), so
 * nothing from a request or a stored string reaches CSS otherwise. A logo is an `<img>` whose
 * origin the page's CSP `img-src` names; a client's logo is shown only when it could load on an
 * https page (https, or http on a loopback host), its other URLs are plain links.
 */
import { embeddableUrlProblem } from '../core/clients/uris.js';
import { COLOR_PATTERN } from '../core/tenants/branding.js';
import type { Tenant } from '../core/tenants/settings.js';
import type { ClientRecord } from '../storage/contract.js';

export interface Theme {
  /** The tenant's name (the product's when no tenant was resolved). */
  tenantName: string;
  logoUrl: string | null;
  /** The custom properties, or null for the built-in look. */
  style: string | null;
  /** Origins the page loads images from (for img-src). */
  imageOrigins: string[];
}

/** The client as a page shows it. */
export interface ClientView {
  name: string;
  logoUrl: string | null;
  homepage: string | null;
  policyUrl: string | null;
  tosUrl: string | null;
}

function embeddable(url: string | null): string | null {
  return url !== null && embeddableUrlProblem(url) === undefined ? url : null;
}

function linkable(url: string | null): string | null {
  if (url === null) return null;
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'https:' || parsed.protocol === 'http:' ? url : null;
  } catch {
    return null;
  }
}

/** WCAG relative luminance of `#rrggbb`. */
function luminance(hex: string): number {
  const channel = (i: number) => {
    const c = parseInt(hex.slice(i, i + 2), 16) / 255;
    return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * channel(1) + 0.7152 * channel(3) + 0.0722 * channel(5);
}

/** Dark text on a light colour, white on a dark one (whichever contrasts more). */
export function textOn(hex: string): string {
  return luminance(hex) > 0.179 ? '#111827' : '#ffffff';
}

export function themeOf(tenant: Tenant | undefined, productName: string): Theme {
  if (!tenant) return { tenantName: productName, logoUrl: null, style: null, imageOrigins: [] };
  const { logoUrl, primaryColor, backgroundColor } = tenant.settings.branding ?? { logoUrl: null, primaryColor: null, backgroundColor: null };
  const properties: string[] = [];
  if (primaryColor && COLOR_PATTERN.test(primaryColor)) properties.push(`--accent:${primaryColor}`, `--accent-text:${textOn(primaryColor)}`);
  if (backgroundColor && COLOR_PATTERN.test(backgroundColor)) properties.push(`--bg:${backgroundColor}`);
  const logo = embeddable(logoUrl);
  return {
    tenantName: tenant.name,
    logoUrl: logo,
    style: properties.length ? `:root{${properties.join(';')}}` : null,
    imageOrigins: logo ? [new URL(logo).origin] : [],
  };
}

export function clientViewOf(client: Pick<ClientRecord, 'clientId' | 'name' | 'logoUri' | 'clientUri' | 'policyUri' | 'tosUri'> | undefined, clientId: string): ClientView {
  if (!client) return { name: clientId, logoUrl: null, homepage: null, policyUrl: null, tosUrl: null };
  return { name: client.name || client.clientId, logoUrl: embeddable(client.logoUri), homepage: linkable(client.clientUri), policyUrl: linkable(client.policyUri), tosUrl: linkable(client.tosUri) };
}

/** The image origins a page showing this client needs, beside the tenant's. */
export function clientImageOrigins(client: ClientView): string[] {
  return client.logoUrl ? [new URL(client.logoUrl).origin] : [];
}
