/** Plan catalogues for tests: the shipped one with some details changed. */
import fs from 'node:fs';
import { SHIPPED_PLAN_CATALOGUE } from '../../src/config/config.js';
import { type PlanCatalogue, type PlanMember, type PlanName, parseCatalogue } from '../../src/core/plans/catalogue.js';

export type CatalogueChanges = Partial<Record<PlanName, Partial<Record<PlanMember, unknown>>>>;

/** The shipped catalogue file's JSON with `changes` written over its plans. */
export function catalogueJson(changes: CatalogueChanges = {}): { plans: Record<string, Record<string, unknown>> } {
  const json = JSON.parse(fs.readFileSync(SHIPPED_PLAN_CATALOGUE, 'utf8')) as { plans: Record<string, Record<string, unknown>> };
  for (const [plan, details] of Object.entries(changes)) Object.assign(json.plans[plan]!, details);
  return json;
}

export function catalogueWith(changes: CatalogueChanges): PlanCatalogue {
  return parseCatalogue(catalogueJson(changes));
}
