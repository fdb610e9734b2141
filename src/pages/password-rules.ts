/**
 * The tenant's password rules in the page's language: the list the form shows up front, and the
 * message for each rule a chosen password broke (from the core's per-rule ValidationFailed).
 */
import type { FieldProblem } from '../core/errors.js';
import type { TenantSettings } from '../core/tenants/settings.js';
import type { Messages } from './i18n/index.js';

type Policy = TenantSettings['passwordPolicy'];

/** What the form lists before anything is typed. */
export function describeRules(t: Messages, policy: Policy): string[] {
  const out: string[] = [];
  if (policy.minLength > 0) out.push(t.rules.minLength(policy.minLength));
  if (policy.minUpperCase > 0) out.push(t.rules.upperCase(policy.minUpperCase));
  if (policy.minLowerCase > 0) out.push(t.rules.lowerCase(policy.minLowerCase));
  if (policy.minDigits > 0) out.push(t.rules.number(policy.minDigits));
  if (policy.requireNonAlpha) out.push(t.rules.nonAlpha());
  if (policy.customChars) out.push(t.rules.customChars(policy.customChars));
  if (policy.breachDetection.enabled) out.push(t.rules.breached());
  if (policy.history.enabled) out.push(t.rules.previous(policy.history.count));
  return out;
}

/** One message per broken rule. */
export function describeProblems(t: Messages, policy: Policy, problems: readonly FieldProblem[]): string[] {
  return problems.map((problem) => {
    switch (problem.rule) {
      case 'minLength':
        return t.broken.minLength(policy.minLength);
      case 'maxLength':
        return t.broken.maxLength(policy.maxLength);
      case 'upperCase':
        return t.broken.upperCase(policy.minUpperCase);
      case 'lowerCase':
        return t.broken.lowerCase(policy.minLowerCase);
      case 'number':
        return t.broken.number(policy.minDigits);
      case 'nonAlpha':
        return t.broken.nonAlpha();
      case 'customChars':
        return t.broken.customChars(policy.customChars ?? '');
      case 'breached':
        return t.broken.breached();
      case 'previous':
        return t.broken.previous(policy.history.count);
      default:
        return t.broken.other();
    }
  });
}
