/**
 * Judging the tenant fuzz's answers: the exact status each case expects, FusionAuth's error
 * shape for a 400 (shared with the route fuzz, judge.ts), and the field the mutation broke.
 */
import { faShapeProblem } from './judge.js';
import type { FuzzCase } from './tenant-cases.js';

export interface Outcome {
  index: number;
  c: FuzzCase;
  status: number;
  text: string;
  body: unknown;
  error?: string;
}


/** Why this outcome fails the test; undefined if it passes. */
export function judgeTenantCase(o: Outcome): string | undefined {
  if (o.error) return `request failed: ${o.error}`;
  if (o.status < 400 || o.status >= 500) return `status ${o.status} (must be 4xx)`;
  if (o.status !== o.c.status) return `status ${o.status}, expected ${o.c.status}`;
  if (o.status !== 400) return undefined;
  const shape = faShapeProblem(o.body);
  if (shape) return `400 not in FusionAuth's error shape: ${shape}`;
  if (o.c.field) {
    const fieldErrors = (o.body as { fieldErrors?: Record<string, unknown> }).fieldErrors ?? {};
    if (!(o.c.field in fieldErrors)) return `no fieldErrors entry for ${o.c.field}`;
  }
  return undefined;
}

export function clip(text: string, max = 600): string {
  return text.length > max ? `${text.slice(0, max)}… (${text.length} characters in all)` : text;
}

export function describeFailure(o: Outcome, why: string): string {
  const sent = o.c.rawBody !== undefined ? o.c.rawBody : JSON.stringify(o.c.body);
  return [
    `#${o.index} ${o.c.method} ${o.c.path} — ${o.c.label}`,
    `  why:      ${why}`,
    `  body:     ${clip(sent ?? '')}`,
    `  response: ${o.status} ${clip(o.text)}`,
  ].join('\n');
}


export function report(group: string, count: number, failures: string[], seed: { text: string; value: number }): string {
  return [
    `${failures.length} of ${count} invalid ${group} requests were not refused as expected (seed ${seed.text}; reproduce with TENANT_FUZZ_SEED=${seed.value}):`,
    ...failures.slice(0, 40),
    ...(failures.length > 40 ? [`… and ${failures.length - 40} more`] : []),
  ].join('\n');
}
