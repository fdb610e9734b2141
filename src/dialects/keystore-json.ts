/**
 * A tenant keystore's entries as the snake_case dialects show them (seed 000 `keystore[]`):
 * the public JWK, the key's state, `created_at` and — once they happened — `rotated_at` and
 * `revoked_at` (epoch milliseconds), and whether it is `published` now. The Vault's
 * GET /tenants/{tenant_id}/keys and PlusAuth's GET /users/{user_id}/tenants both answer these,
 * so the two show the same keys, states and times.
 */
import { Type } from 'typebox';
import type { Keystore } from '../core/keys/keystore-service.js';

export function keystoreEntriesJson(keystore: Keystore): Array<Record<string, unknown>> {
  return keystore.entries.map((e) => ({
    key: e.key,
    state: e.state,
    created_at: e.createdAt,
    ...(e.rotatedAt !== null ? { rotated_at: e.rotatedAt } : {}),
    ...(e.revokedAt !== null ? { revoked_at: e.revokedAt } : {}),
    published: e.published,
  }));
}

/** A public JWK as a keystore publishes it (RFC 7517; x5c/x5t from the key's self-signed certificate). */
export const PublicJwk = Type.Object(
  {
    kty: Type.String({ description: 'RSA, EC or OKP' }),
    kid: Type.String(),
    alg: Type.String(),
    use: Type.String({ description: 'sig' }),
    key_ops: Type.Array(Type.String()),
    n: Type.Optional(Type.String()),
    e: Type.Optional(Type.String()),
    crv: Type.Optional(Type.String()),
    x: Type.Optional(Type.String()),
    y: Type.Optional(Type.String()),
    x5c: Type.Optional(Type.Array(Type.String(), { description: 'The self-signed certificate, base64 DER' })),
    x5t: Type.Optional(Type.String({ description: 'SHA-1 of the certificate DER, base64url' })),
    'x5t#S256': Type.Optional(Type.String({ description: 'SHA-256 of the certificate DER, base64url' })),
  },
  { additionalProperties: true },
);

const Epoch = (description: string) => Type.Integer({ description: `${description}, milliseconds since the epoch` });

/** One key of a keystore, as seed 000's `keystore[]` has it, plus its state. */
export const KeystoreEntry = Type.Object({
  key: PublicJwk,
  state: Type.Union([Type.Literal('next'), Type.Literal('current'), Type.Literal('previous'), Type.Literal('revoked')]),
  created_at: Epoch('Created'),
  rotated_at: Type.Optional(Epoch('Left the current state (rotated out or revoked while current)')),
  revoked_at: Type.Optional(Epoch('Revoked')),
  published: Type.Boolean({ description: 'In the JWKS now: next and current keys, previous keys within the grace period' }),
});
