import type { Migration, MigrationProvider } from 'kysely';
import type { DatabaseKind } from '../connect.js';
import * as m001 from './001_initial.js';
import * as m002 from './002_users.js';
import * as m003 from './003_login_failures.js';
import * as m004 from './004_one_time_ids_and_templates.js';
import * as m005 from './005_user_counts_and_sort_indexes.js';
import * as m006 from './006_change_feed_and_history_tenant.js';
import * as m007 from './007_clients.js';
import * as m008 from './008_keystore.js';
import * as m010 from './010_oidc_models.js';
import * as m011 from './011_oidc_accounts.js';
import * as m012 from './012_sessions.js';
import * as m013 from './013_hosted_pages.js';
import * as m014 from './014_creators.js';
import * as m015 from './015_subscription_plans.js';

/** Migrations are compiled in (no directory scanning), so `dist/` runs anywhere. */
export function migrationProvider(kind: DatabaseKind): MigrationProvider {
  return {
    async getMigrations(): Promise<Record<string, Migration>> {
      return {
        '001_initial': m001,
        '002_users': { up: m002.up(kind), down: m002.down },
        '003_login_failures': m003,
        '004_one_time_ids_and_templates': m004,
        '005_user_counts_and_sort_indexes': m005,
        '006_change_feed_and_history_tenant': { up: m006.up(kind), down: m006.down },
        '007_clients': m007,
        '008_keystore': m008,
        '010_oidc_models': m010,
        '011_oidc_accounts': m011,
        '012_sessions': m012,
        '013_hosted_pages': m013,
        '014_creators': m014,
        '015_subscription_plans': m015,
      };
    },
  };
}
