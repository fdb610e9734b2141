import type { Migration, MigrationProvider } from 'kysely';
import * as m001 from './001_initial.js';

/** Migrations are compiled in (no directory scanning), so `dist/` runs anywhere. */
export const migrationProvider: MigrationProvider = {
  async getMigrations(): Promise<Record<string, Migration>> {
    return { '001_initial': m001 };
  },
};
