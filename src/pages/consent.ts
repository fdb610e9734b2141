/**
 * Consent: what the engine's consent prompt asks for (its details name the OpenID scopes, the
 * claims and the API scopes not granted yet), in the page's words, and the Grant that records
 * a yes. The grant is built from the engine's details, read again when the answer arrives —
 * never from the form — so a user can only grant what the authorization asked for. A saved
 * grant is what the engine consults next time: the same scopes are not asked for again while
 * the sign-in session lasts.
 */
import type { Messages } from './i18n/index.js';
import type { Interaction, Provider } from './interaction-support.js';

interface ConsentDetails {
  missingOIDCScope?: string[];
  missingOIDCClaims?: string[];
  missingResourceScopes?: Record<string, string[]>;
}

const detailsOf = (interaction: Interaction) => interaction.prompt.details as ConsentDetails;

/** One line per permission asked for, in the page's language. */
export function describeConsent(t: Messages, interaction: Interaction): string[] {
  const details = detailsOf(interaction);
  const scopes = t.consent.scopes as Record<string, string>;
  const lines = (details.missingOIDCScope ?? []).map((scope) => (Object.hasOwn(scopes, scope) ? scopes[scope]! : t.consent.otherScope(scope)));
  for (const scopesOfResource of Object.values(details.missingResourceScopes ?? {})) {
    for (const scope of scopesOfResource) lines.push(t.consent.apiScope(scope));
  }
  const claims = details.missingOIDCClaims ?? [];
  if (claims.length) lines.push(t.consent.claims(claims.join(', ')));
  return lines;
}

/** Grants what the prompt asks for, on the session's grant for the client (or a new one). */
export async function grantAsked(provider: Provider, interaction: Interaction): Promise<{ consent: { grantId: string } }> {
  const accountId = interaction.session?.accountId;
  if (!accountId) throw new Error('consent without a signed-in account');
  const clientId = String(interaction.params.client_id);
  const existing = interaction.grantId ? await provider.Grant.find(interaction.grantId) : undefined;
  const grant = existing ?? new provider.Grant({ accountId, clientId });
  const details = detailsOf(interaction);
  if (details.missingOIDCScope) grant.addOIDCScope(details.missingOIDCScope.join(' '));
  if (details.missingOIDCClaims) grant.addOIDCClaims(details.missingOIDCClaims);
  for (const [resource, scopes] of Object.entries(details.missingResourceScopes ?? {})) grant.addResourceScope(resource, scopes.join(' '));
  return { consent: { grantId: await grant.save() } };
}
