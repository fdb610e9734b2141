import type { Kysely } from 'kysely';

/**
 * Subscription plans are enforced from this release on (core/plans). Until now no API could
 * choose a plan: every stored tenant carries the placeholder `free` the defaults gave it, and
 * was in practice unlimited. Kept as `free`, each would suddenly be held to the free plan's
 * limits; so every tenant from before goes on `on-premise` (the plan without limits), which is
 * what it had. An operator who wants another plan for one sets it with PUT
 * /tenants/{tenant_id}/subscription. Tenants are rewritten one by one (the plan lives in the
 * settings JSON); nothing else of them changes.
 */
export async function up(db: Kysely<any>): Promise<void> {
  const rows: Array<{ id: string; settings: string }> = await db.selectFrom('tenants').select(['id', 'settings']).execute();
  for (const row of rows) {
    const settings = JSON.parse(row.settings) as { subscription?: { plan?: unknown } };
    settings.subscription = { ...(settings.subscription ?? {}), plan: 'on-premise' };
    await db.updateTable('tenants').set({ settings: JSON.stringify(settings) }).where('id', '=', row.id).execute();
  }
}

/** The plans stay as they are: before 015 they were stored and not enforced. */
export async function down(): Promise<void> {}
