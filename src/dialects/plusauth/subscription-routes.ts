/**
 * A tenant's subscription in PlusAuth's words (seed 002's `subscription`: `plan` and
 * `plan_details`), under the Vault's /tenants prefix with PlusAuth's error shape:
 *   GET /tenants/{tenant_id}/subscription  → {plan, plan_details}
 *   PUT /tenants/{tenant_id}/subscription  {plan} → {plan, plan_details}
 * The superuser API key only (core/plans/subscription-service.ts): any other key is 403, no or
 * a wrong key 401. An unknown plan is 400 naming `plan`. `expires_at` and `issued_at` are left
 * out: Tessera bills nothing, so a plan neither starts nor ends.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import type { ApiKey, ApiKeyService } from '../../core/apikeys/api-key-service.js';
import { PLAN_MEMBERS, PLAN_NAMES, type PlanMember, type PlanName } from '../../core/plans/catalogue.js';
import type { Subscription } from '../../core/plans/plan-policy.js';
import type { SubscriptionService } from '../../core/plans/subscription-service.js';
import { presentedKey } from '../../http/api-key-auth.js';
import { renderErrorsWith } from '../../http/error-scope.js';
import { Unauthenticated } from '../../http/failure.js';
import { type Operation, operationSchema } from '../../http/operation.js';
import { renderPlusAuthFailure } from './errors.js';

const FieldError = Type.Object({ field: Type.String(), code: Type.String(), message: Type.String() });
const error = (description: string) =>
  Type.Object({ error: Type.String(), error_description: Type.String(), details: Type.Optional(Type.Array(FieldError)) }, { description });

const ERROR_BODIES: Record<number, object> = {
  400: error('The request was refused: `details` names each field at fault (an unknown plan: `plan`)'),
  401: error('No API key, or a wrong one'),
  403: error('The key is not the superuser key (a tenant-locked or endpoint-limited key may not see or change plans)'),
  404: error('The tenant does not exist'),
  413: error('The body is larger than the limit'),
  415: error('The body is not application/json'),
  500: error('The server failed'),
  503: error('A service the call needs is unavailable'),
};

function subscriptionOperation(op: Omit<Operation, 'errors'> & { errors?: number[] }) {
  return operationSchema({ ...op, errors: [401, 403, 404, ...(op.errors ?? [])] }, (status) => ERROR_BODIES[status] ?? error(`Error ${status}`));
}

const PlanSchema = Type.Union(PLAN_NAMES.map((plan) => Type.Literal(plan)), { description: 'The plan' });

const MEMBER_SCHEMAS = {
  integer: () => Type.Integer({ minimum: -1, description: 'A count; -1: no limit' }),
  boolean: () => Type.Boolean({ description: 'Is the feature included' }),
  'boolean|integer': () => Type.Union([Type.Boolean(), Type.Integer({ minimum: 0 })], { description: 'false: not included; true: included; n: included up to n' }),
  'boolean|integer|object': () => Type.Union([Type.Boolean(), Type.Integer({ minimum: -1 }), Type.Object({}, { additionalProperties: true })]),
};

const PlanDetailsSchema = Type.Object(
  Object.fromEntries((Object.keys(PLAN_MEMBERS) as PlanMember[]).map((member) => [member, MEMBER_SCHEMAS[PLAN_MEMBERS[member]]()])),
  { description: "What the plan allows, from the plan catalogue (TESSERA_PLANS); members under PlusAuth's names" },
);

export const PlusAuthSubscriptionSchema = Type.Object({ plan: PlanSchema, plan_details: PlanDetailsSchema }, { $id: 'PlusAuthSubscription', description: "The tenant's plan and what it allows" });

const Params = Type.Object({ tenant_id: Type.String({ description: "The tenant's identifier: its slug (or its UUID)" }) });
const ChangeBody = Type.Object({ plan: PlanSchema }, { additionalProperties: false });

const TAG = 'PlusAuth: Subscription';

function toPlusAuth(subscription: Subscription) {
  return { plan: subscription.plan, plan_details: subscription.details };
}

/**
 * Registers the two routes in a scope of their own (errors in PlusAuth's shape) inside `app`,
 * whose prefix is /tenants. The Vault's not-found handler keeps answering unknown URLs there.
 */
export async function registerPlusAuthSubscriptionRoutes(app: FastifyInstance, deps: { apiKeys: ApiKeyService; subscriptions: SubscriptionService }): Promise<void> {
  await app.register(async (scope) => {
    renderErrorsWith(scope, renderPlusAuthFailure, { notFound: false });
    const callers = new WeakMap<FastifyRequest, ApiKey>();
    // onRequest: a caller without a key is refused before its body is read.
    scope.addHook('onRequest', async (request) => {
      const value = presentedKey(request);
      const apiKey = value ? await deps.apiKeys.authenticate(value) : undefined;
      if (!apiKey) throw new Unauthenticated();
      callers.set(request, apiKey);
    });
    const callerOf = (request: FastifyRequest): ApiKey => {
      const apiKey = callers.get(request);
      if (!apiKey) throw new Error('subscription route reached without an authenticated API key');
      return apiKey;
    };

    scope.get<{ Params: { tenant_id: string } }>(
      '/:tenant_id/subscription',
      { schema: subscriptionOperation({ summary: "The tenant's subscription: its plan and the plan's details (superuser key only)", tag: TAG, params: Params, responses: { 200: PlusAuthSubscriptionSchema } }) },
      async (request, reply) => reply.send(toPlusAuth(await deps.subscriptions.get(callerOf(request), request.params.tenant_id))),
    );

    scope.put<{ Params: { tenant_id: string }; Body: { plan: PlanName } }>(
      '/:tenant_id/subscription',
      {
        schema: subscriptionOperation({
          summary: 'Put the tenant on another plan (superuser key only); a plan below its usage is accepted, and only further growth is refused',
          tag: TAG,
          params: Params,
          body: ChangeBody,
          responses: { 200: PlusAuthSubscriptionSchema },
          errors: [400],
        }),
      },
      async (request, reply) => reply.send(toPlusAuth(await deps.subscriptions.change(callerOf(request), request.params.tenant_id, request.body.plan))),
    );
  });
}
