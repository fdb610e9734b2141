/**
 * The plan catalogue: what each subscription plan (seed 002's `subscription.plan`: free, basic,
 * pro, enterprise, on-premise) allows, as its `plan_details`. The members and their types are
 * seed 002's, under seed 002's names — flat keys, dotted ones included (`mfa.webauthn`,
 * `connections.ldap`), exactly as the seed lists them beside `mfa` and the other members.
 *
 * Values: an `integer` member is a count (−1: no limit); a `boolean` member switches a feature;
 * a `boolean | integer` member is false (not included), true (included, no count limit) or a
 * count n ≥ 0 (included up to n). `active_user` may also be an object (the seed allows one and
 * says nothing of its members: carried as given).
 *
 * The catalogue is a JSON file (`plans/catalogue.json` in the repository; an operator's own
 * with TESSERA_PLANS): `{"plans": {"free": {…every member…}, …every plan…}}`. Every plan and
 * every member must be there, and nothing else, so a typo is a start-up error rather than a
 * limit silently missing. Which members Tessera enforces is core/plans/plan-policy.ts's.
 */
import type { TenantSettings } from '../tenants/settings.js';

export type PlanName = TenantSettings['subscription']['plan'];

export const PLAN_NAMES = ['free', 'basic', 'pro', 'enterprise', 'on-premise'] as const satisfies readonly PlanName[];
// Every stored plan name is in the list (a compile error otherwise).
const _everyPlanListed: PlanName extends (typeof PLAN_NAMES)[number] ? true : never = true;
void _everyPlanListed;

export function isPlanName(value: unknown): value is PlanName {
  return typeof value === 'string' && (PLAN_NAMES as readonly string[]).includes(value);
}

export type MemberType = 'integer' | 'boolean' | 'boolean|integer' | 'boolean|integer|object';

/** Seed 002's `plan_details` members, each with the type the seed gives it. */
export const PLAN_MEMBERS = {
  active_user: 'boolean|integer|object',
  administrators: 'boolean|integer',
  ciba: 'boolean',
  'connections.e_devlet': 'boolean|integer',
  'connections.ldap': 'boolean|integer',
  'connections.passwordless': 'boolean|integer',
  'connections.saml': 'boolean|integer',
  custom_algorithm: 'boolean',
  custom_domain: 'boolean|integer',
  custom_password_policy: 'boolean',
  custom_token_ttl: 'boolean',
  fapi: 'boolean',
  hooks: 'boolean|integer',
  log_retention: 'integer',
  log_shipping: 'boolean',
  log_signing: 'boolean',
  max_clients: 'integer',
  max_resources: 'integer',
  max_tenants: 'integer',
  max_users: 'integer',
  mfa: 'boolean|integer',
  'mfa.e-sign': 'boolean',
  'mfa.email': 'boolean',
  'mfa.fv': 'boolean',
  'mfa.otp': 'boolean',
  'mfa.push': 'boolean',
  'mfa.sms': 'boolean',
  'mfa.webauthn': 'boolean',
  password_history: 'boolean',
  rbac_management: 'boolean',
  user_management: 'boolean',
} as const satisfies Record<string, MemberType>;

export type PlanMember = keyof typeof PLAN_MEMBERS;

type ValueOf<T extends MemberType> = T extends 'integer' ? number : T extends 'boolean' ? boolean : T extends 'boolean|integer' ? boolean | number : boolean | number | Record<string, unknown>;

/** One plan's `plan_details`. */
export type PlanDetails = { readonly [M in PlanMember]: ValueOf<(typeof PLAN_MEMBERS)[M]> };

export type PlanCatalogue = Readonly<Record<PlanName, PlanDetails>>;

/** An integer member's "no limit". */
export const UNLIMITED = -1;

/** The largest count a catalogue may state (beyond it, a count is no longer a limit). */
const MAX_COUNT = 2 ** 31 - 1;

/** Why a catalogue is refused: one line naming the place in the file. */
export class CatalogueInvalid extends Error {}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A value as an error message shows it: JSON, cut to 60 characters. */
function shown(value: unknown): string {
  const json = JSON.stringify(value) ?? String(value);
  return json.length > 60 ? `${json.slice(0, 60)}…` : json;
}

const isCount = (value: unknown, min: number) => typeof value === 'number' && Number.isInteger(value) && value >= min && value <= MAX_COUNT;

function checkMember(plan: string, member: PlanMember, value: unknown): void {
  const where = `plans.${plan}.${member}`;
  switch (PLAN_MEMBERS[member]) {
    case 'integer':
      if (!isCount(value, UNLIMITED)) throw new CatalogueInvalid(`${where} must be an integer from -1 (no limit) to ${MAX_COUNT}, got ${shown(value)}`);
      return;
    case 'boolean':
      if (typeof value !== 'boolean') throw new CatalogueInvalid(`${where} must be true or false, got ${shown(value)}`);
      return;
    case 'boolean|integer':
      if (typeof value !== 'boolean' && !isCount(value, 0)) throw new CatalogueInvalid(`${where} must be true, false or an integer from 0 to ${MAX_COUNT}, got ${shown(value)}`);
      return;
    case 'boolean|integer|object':
      if (typeof value !== 'boolean' && !isCount(value, UNLIMITED) && !isObject(value)) {
        throw new CatalogueInvalid(`${where} must be true, false, an integer from -1 (no limit) to ${MAX_COUNT} or an object, got ${shown(value)}`);
      }
  }
}

/** Checks a parsed catalogue file; the first problem throws CatalogueInvalid. */
export function parseCatalogue(json: unknown): PlanCatalogue {
  if (!isObject(json) || !isObject(json.plans)) throw new CatalogueInvalid('must be a JSON object with a "plans" object');
  const extra = Object.keys(json).filter((key) => key !== 'plans' && key !== '$comment');
  if (extra.length) throw new CatalogueInvalid(`has an unknown member "${extra[0]}" (only "plans" and "$comment")`);
  const plans = json.plans;
  for (const name of Object.keys(plans)) {
    if (!isPlanName(name)) throw new CatalogueInvalid(`plans.${name} is not a plan (the plans are ${PLAN_NAMES.join(', ')})`);
  }
  const catalogue: Partial<Record<PlanName, PlanDetails>> = {};
  for (const name of PLAN_NAMES) {
    const details = plans[name];
    if (details === undefined) throw new CatalogueInvalid(`plans.${name} is missing (every plan must be defined: ${PLAN_NAMES.join(', ')})`);
    if (!isObject(details)) throw new CatalogueInvalid(`plans.${name} must be an object of plan details`);
    for (const member of Object.keys(details)) {
      if (!Object.hasOwn(PLAN_MEMBERS, member)) throw new CatalogueInvalid(`plans.${name}.${member} is not a plan detail (seed 002 lists ${Object.keys(PLAN_MEMBERS).join(', ')})`);
    }
    for (const member of Object.keys(PLAN_MEMBERS) as PlanMember[]) {
      if (!Object.hasOwn(details, member)) throw new CatalogueInvalid(`plans.${name}.${member} is missing (every plan states every detail)`);
      checkMember(name, member, details[member]);
    }
    catalogue[name] = deepFreeze(structuredClone(details) as PlanDetails);
  }
  return Object.freeze(catalogue as Record<PlanName, PlanDetails>);
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
}

/** An integer member as a limit: undefined when there is none (−1). */
export function countLimit(details: PlanDetails, member: 'max_users' | 'max_clients' | 'max_tenants' | 'max_resources'): number | undefined {
  const value = details[member];
  return value === UNLIMITED ? undefined : value;
}

/** Is a feature member on? A `boolean | integer` member is on when true or a count above 0. */
export function includes(details: PlanDetails, member: PlanMember): boolean {
  const value = details[member];
  return value === true || (typeof value === 'number' && value !== 0);
}
