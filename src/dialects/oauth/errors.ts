/**
 * OAuth 2.0 error responses, for the authorization server's endpoints (token, revocation,
 * introspection, userinfo):
 *   {"error": "invalid_request", "error_description": "…"}
 * Statuses as RFC 6749 §5.2 gives them — 400 for every error code except `invalid_client`, which
 * is 401 with a `WWW-Authenticate` challenge — and RFC 6750 §3.1 for bearer-token resources
 * (`invalid_token` 401, `insufficient_scope` 403). Failures that are not OAuth's own map to the
 * nearest code: a refused field is `invalid_request`, missing credentials `invalid_client`, an
 * outage `temporarily_unavailable` (503), a bug `server_error` (500). Error responses are never
 * cached (`Cache-Control: no-store`, as §5.1 requires of token responses).
 */
import type { Rendered } from '../../http/error-scope.js';
import { type Failure, ProtocolError } from '../../http/failure.js';

export type OAuthErrorCode =
  | 'invalid_request'
  | 'invalid_client'
  | 'invalid_grant'
  | 'unauthorized_client'
  | 'unsupported_grant_type'
  | 'invalid_scope'
  | 'access_denied'
  | 'unsupported_response_type'
  | 'server_error'
  | 'temporarily_unavailable'
  | 'invalid_token'
  | 'insufficient_scope';

const STATUS: Record<OAuthErrorCode, number> = {
  invalid_request: 400,
  invalid_client: 401,
  invalid_grant: 400,
  unauthorized_client: 400,
  unsupported_grant_type: 400,
  invalid_scope: 400,
  access_denied: 403,
  unsupported_response_type: 400,
  server_error: 500,
  temporarily_unavailable: 503,
  invalid_token: 401,
  insufficient_scope: 403,
};

const CHALLENGE: Partial<Record<OAuthErrorCode, string>> = {
  invalid_client: 'Basic realm="tessera"',
  invalid_token: 'Bearer error="invalid_token"',
  insufficient_scope: 'Bearer error="insufficient_scope"',
};

/** What an OAuth route throws to answer with one of OAuth's own codes. */
export function oauthError(code: OAuthErrorCode, description: string): ProtocolError {
  return new ProtocolError(code, description);
}

function isOAuthCode(code: string): code is OAuthErrorCode {
  return Object.hasOwn(STATUS, code);
}

function oauth(code: OAuthErrorCode, description: string, status = STATUS[code]): Rendered {
  const headers: Record<string, string> = { 'cache-control': 'no-store', pragma: 'no-cache' };
  const challenge = CHALLENGE[code];
  if (challenge) headers['www-authenticate'] = challenge;
  return { status, headers, body: { error: code, error_description: description } };
}

export function renderOAuthFailure(failure: Failure): Rendered {
  switch (failure.type) {
    case 'protocol':
      return isOAuthCode(failure.code) ? oauth(failure.code, failure.message) : oauth('invalid_request', failure.message);
    case 'unreadableBody':
      return oauth('invalid_request', failure.message, failure.status);
    case 'schema': {
      const first = failure.errors[0];
      const where = first ? `${failure.part}${first.instancePath.replace(/\//g, '.')}` : failure.part;
      return oauth('invalid_request', first ? `${where}: ${first.message ?? 'invalid'}` : `The ${failure.part} is invalid.`);
    }
    case 'invalid': {
      const messages = [...failure.problems.map((p) => `${p.field}: ${p.message}`), ...failure.general.map((g) => g.message)];
      return oauth('invalid_request', messages.join('; ') || 'The request is invalid.');
    }
    case 'notFound':
      return oauth('invalid_request', `The ${failure.what} does not exist.`);
    case 'noRoute':
      return oauth('invalid_request', `No endpoint answers ${failure.method} ${failure.url.split('?')[0]}.`, 404);
    case 'unauthenticated':
      return oauth('invalid_client', 'Client authentication failed.');
    case 'notPermitted':
      return oauth('unauthorized_client', 'The client is not allowed to make this request.');
    case 'planLimit':
      return oauth('access_denied', failure.problems.map((p) => p.message).join(' '));
    case 'unavailable':
      return oauth('temporarily_unavailable', failure.message);
    case 'client':
      return oauth('invalid_request', failure.message, failure.status);
    case 'internal':
      return oauth('server_error', 'The server failed to complete the request.');
  }
}
