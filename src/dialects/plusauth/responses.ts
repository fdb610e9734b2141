/**
 * PlusAuth response bodies as TypeBox schemas, for the OpenAPI document, and `plusAuthOperation`,
 * which gives a PlusAuth route its summary, tag and responses (errors in PlusAuth's shape,
 * src/dialects/plusauth/errors.ts).
 */
import { Type } from 'typebox';
import { type Operation, operationSchema } from '../../http/operation.js';
import { KeystoreEntry } from '../keystore-json.js';
import { PlusAuthSettingsSchema } from './settings-schema.js';

const FieldError = Type.Object({ field: Type.String({ description: 'The field, in PlusAuth names (policies.password.max)' }), code: Type.String(), message: Type.String() });
const error = (description: string, withDetails = false) =>
  Type.Object(
    { error: Type.String(), error_description: Type.String(), ...(withDetails ? { details: Type.Optional(Type.Array(FieldError)) } : {}) },
    { description },
  );

const ERROR_BODIES: Record<number, object> = {
  400: error('The request was refused: `details` names each field at fault', true),
  401: error('No API key, or a wrong one'),
  403: error('These credentials may not do this, or not for this tenant or account'),
  404: error('The tenant does not exist'),
  413: error('The body is larger than the limit'),
  415: error('The body is not application/json'),
  500: error('The server failed'),
  503: error('A service the call needs is unavailable'),
};

/** Every PlusAuth route authenticates (401, 403) and names a tenant or an account (404). */
export function plusAuthOperation(op: Omit<Operation, 'errors'> & { errors?: number[] }) {
  return operationSchema({ ...op, errors: [401, 403, 404, ...(op.errors ?? [])] }, (status) => ERROR_BODIES[status] ?? error(`Error ${status}`));
}

const Iso = (description: string) => Type.String({ format: 'date-time', description });

/** Seed 002 `subscription`: the plan as stored; `plan_details` once the plan catalogue provides them. */
export const PlusAuthSubscription = Type.Object(
  {
    plan: Type.Union(['free', 'basic', 'pro', 'enterprise', 'on-premise'].map((p) => Type.Literal(p))),
    plan_details: Type.Optional(Type.Record(Type.String(), Type.Unknown(), { description: 'The plan’s limits and features (from the plan catalogue)' })),
  },
  { additionalProperties: true },
);

/** One tenant as seeds 000 and 002 describe it. */
export const PlusAuthTenant = Type.Object(
  {
    tenant_id: Type.String({ description: "The tenant's identifier (its slug)" }),
    region: Type.String(),
    created_at: Iso('Created (ISO 8601, UTC)'),
    updated_at: Iso('Last changed (ISO 8601, UTC)'),
    keystore: Type.Array(KeystoreEntry, { description: 'The tenant keystore, oldest first: the same entries as GET /tenants/{tenant_id}/keys' }),
    settings: PlusAuthSettingsSchema,
    subscription: PlusAuthSubscription,
  },
  { $id: 'PlusAuthTenant', description: 'The tenant' },
);

export const PlusAuthTenantList = Type.Object(
  { results: Type.Array(PlusAuthTenant), total: Type.Integer() },
  { description: 'The tenants the account created, oldest first' },
);
