/**
 * The core's error catalogue. Services throw these; each HTTP dialect renders them in its own
 * shape in one place (FusionAuth fieldErrors/generalErrors, Vault 422 detail[], OAuth error).
 * Field paths are core paths (e.g. `tokens.accessTokenKeyId`); dialects translate them.
 */

/** What is wrong with a field; FusionAuth renders it as `[kind]field`. */
export type ProblemKind =
  | 'blank'
  | 'invalid'
  | 'duplicate'
  | 'missing'
  | 'notFound'
  | 'tooLong'
  | 'tooShort'
  | 'couldNotConvert'
  | 'inUse';

export interface FieldProblem {
  field: string;
  kind: ProblemKind;
  message: string;
  /** Which password rule was broken, when one was (dialects with per-rule codes use it). */
  rule?: string;
}

export interface GeneralProblem {
  code: string;
  message: string;
}

export class ValidationFailed extends Error {
  constructor(
    readonly problems: FieldProblem[],
    readonly general: GeneralProblem[] = [],
  ) {
    super(problems.map((p) => `${p.field}: ${p.message}`).concat(general.map((g) => g.message)).join('; '));
  }
}

export class NotFound extends Error {
  constructor(readonly what: string) {
    super(`${what} not found`);
  }
}

/**
 * A write clashed with a stored record on a unique value (storage translates the driver's
 * unique-violation error into this). `field` names the clashing value when storage knows it;
 * services turn it into the field error their callers expect.
 */
export class Conflict extends Error {
  constructor(
    readonly what: string,
    readonly field: string | undefined,
    options?: { cause?: unknown },
  ) {
    super(`${what} conflicts with a stored one${field ? ` on ${field}` : ''}`, options);
  }
}

/** One refusal by the tenant's plan: which plan detail (seed 002's name), on which plan. */
export interface PlanProblem {
  /** The plan detail that refuses: `max_users`, `custom_password_policy`, `mfa.webauthn`, … */
  limit: string;
  /** The plan it is refused on. */
  plan: string;
  /** The core path of the setting refused, when a setting is (a count limit has none). */
  field?: string;
  /** One sentence naming the limit and the plan. */
  message: string;
}

/**
 * The tenant's subscription plan does not allow this (core/plans): one more user, client or
 * tenant past a limit, or a setting a feature the plan lacks guards. Dialects render it in
 * their shape, naming the limit and the plan (FusionAuth 400, Vault and PlusAuth 403).
 */
export class PlanLimitExceeded extends Error {
  constructor(readonly problems: PlanProblem[]) {
    super(problems.map((p) => p.message).join(' '));
  }
}

/** Something the request needs outside Tessera (an SMTP server, say) failed: 503, not 500. */
export class DependencyUnavailable extends Error {}

/** The caller's credentials do not reach this object (a tenant-locked API key, say). */
export class NotPermitted extends Error {}

export function problem(field: string, kind: ProblemKind, message: string): FieldProblem {
  return { field, kind, message };
}
