import type { Kysely } from 'kysely';

/**
 * The hosted pages:
 * - clients.consent_required (a Tessera extension of the Vault client): a client that must ask
 *   the user's consent on the consent page; 0 for every existing client (first-party, as before).
 * - tenants' settings get the `branding` block (logo and colours of the pages), all null: the
 *   built-in look. Written here, once, so every stored tenant has the complete settings shape.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('clients').addColumn('consent_required', 'integer', (c) => c.notNull().defaultTo(0)).execute();
  const rows: Array<{ id: string; settings: string }> = await db.selectFrom('tenants').select(['id', 'settings']).execute();
  for (const row of rows) {
    let settings: unknown;
    try {
      settings = JSON.parse(row.settings);
    } catch {
      continue;
    }
    if (!settings || typeof settings !== 'object' || Array.isArray(settings) || 'branding' in settings) continue;
    const next = { ...(settings as Record<string, unknown>), branding: { logoUrl: null, primaryColor: null, backgroundColor: null } };
    await db.updateTable('tenants').set({ settings: JSON.stringify(next) }).where('id', '=', row.id).execute();
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('clients').dropColumn('consent_required').execute();
  const rows: Array<{ id: string; settings: string }> = await db.selectFrom('tenants').select(['id', 'settings']).execute();
  for (const row of rows) {
    const settings = JSON.parse(row.settings) as Record<string, unknown>;
    if (!('branding' in settings)) continue;
    const { branding: _branding, ...rest } = settings;
    await db.updateTable('tenants').set({ settings: JSON.stringify(rest) }).where('id', '=', row.id).execute();
  }
}
