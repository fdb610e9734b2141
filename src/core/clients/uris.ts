/**
 * The URL rules of a client. Redirect URIs are compared by exact string match when a client
 * uses them (RFC 6749 §3.1.2.3, OpenID Connect Core §3.1.2.1), so they are stored as given and
 * refused here when they could be matched or read in more than one way, or send a code where
 * it should not go:
 *
 * - absolute, printable ASCII only (no spaces, no `\`, nothing the WHATWG parser would quietly
 *   strip or rewrite: percent-encode anything else), at most MAX_URI_LENGTH characters;
 * - no fragment (RFC 6749 §3.1.2), no wildcard `*`, no userinfo (`user:pass@host`);
 * - `https`, or `http` only for a loopback host — `localhost`, `127.0.0.1`, `[::1]` — for
 *   native and development apps (RFC 8252 §7.3, §8.3);
 * - or a private-use scheme for a native app, which must be a reverse-DNS name (it contains a
 *   period, RFC 8252 §7.1 and §8.4) followed by `:/` — `com.example.app:/callback`. No other
 *   scheme: `javascript:`, `data:`, `file:`, `vbscript:` … have no period and are refused.
 *
 * The display URLs (logo, policy, terms, client home and logout pages) are shown as links on
 * the tenant's pages, so they must be absolute `https` or `http` URLs (no `javascript:`).
 *
 * An image a page embeds (a tenant's logo; a client's logo, when it qualifies) must load on a page
 * served over https: `https`, or `http` only on a loopback host (a developer's machine).
 */

export const MAX_URI_LENGTH = 2048;

const PRINTABLE_ASCII = /^[\x21-\x7e]+$/;
const SCHEME = /^([A-Za-z][A-Za-z0-9+.-]*):/;
const LOOPBACK_HOSTS: ReadonlySet<string> = new Set(['localhost', '127.0.0.1', '[::1]']);

/** Why a redirect URI is refused; undefined when it is acceptable. */
export function redirectUriProblem(value: string): string | undefined {
  if (value.length > MAX_URI_LENGTH) return `must be at most ${MAX_URI_LENGTH} characters`;
  if (!PRINTABLE_ASCII.test(value) || value.includes('\\')) return 'must be printable ASCII without spaces or backslashes (percent-encode the rest)';
  if (value.includes('#')) return 'must not contain a fragment (RFC 6749 §3.1.2)';
  if (value.includes('*')) return 'must not contain a wildcard: redirect URIs match exactly';
  const scheme = SCHEME.exec(value)?.[1]?.toLowerCase();
  if (!scheme || !URL.canParse(value)) return 'must be an absolute URL';
  const url = new URL(value);
  if (scheme === 'https' || scheme === 'http') {
    if (!value.slice(scheme.length).startsWith('://')) return 'must be an absolute URL';
    if (url.username || url.password || /^[^/?#]*@/.test(value.slice(scheme.length + 3))) return 'must not contain user information';
    if (scheme === 'http' && !LOOPBACK_HOSTS.has(url.hostname)) return 'must use https (http only for localhost, 127.0.0.1 or [::1])';
    return undefined;
  }
  if (!scheme.includes('.')) return `uses the scheme "${scheme}:", which is not allowed: use https, or a reverse-DNS private-use scheme for native apps (RFC 8252 §7.1)`;
  if (!value.slice(scheme.length).startsWith(':/')) return 'a private-use scheme must be followed by ":/" (RFC 8252 §7.1)';
  if (url.username || url.password) return 'must not contain user information';
  return undefined;
}

/** Why a display URL is refused; undefined when it is acceptable. */
export function webUrlProblem(value: string): string | undefined {
  if (value.length > MAX_URI_LENGTH) return `must be at most ${MAX_URI_LENGTH} characters`;
  if (!PRINTABLE_ASCII.test(value) || value.includes('\\')) return 'must be printable ASCII without spaces or backslashes (percent-encode the rest)';
  const scheme = SCHEME.exec(value)?.[1]?.toLowerCase();
  if ((scheme !== 'https' && scheme !== 'http') || !value.slice(scheme.length).startsWith('://') || !URL.canParse(value)) return 'must be an absolute https or http URL';
  const url = new URL(value);
  if (url.username || url.password) return 'must not contain user information';
  return undefined;
}

/** Why a URL may not be embedded (an <img> on the pages); undefined when it may. */
export function embeddableUrlProblem(value: string): string | undefined {
  const why = webUrlProblem(value);
  if (why) return why;
  const url = new URL(value);
  if (url.protocol === 'http:' && !LOOPBACK_HOSTS.has(url.hostname)) return 'must use https (http only for localhost, 127.0.0.1 or [::1])';
  return undefined;
}
