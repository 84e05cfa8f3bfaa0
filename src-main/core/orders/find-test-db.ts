import { openDatabase } from '../db/open-database'
import { migrations } from '../db/migrations'
import type { Migration } from '../db/migrations/migration'
import { migration005 } from '../db/migrations/005-search'
import type { SqliteDatabase } from '../db/native-sqlite'

/**
 * Until the lifecycle branch's migration 004 is merged, tests of migration
 * 005 run on a stand-in with the columns 004 is pinned to add. Once the real
 * list reaches 005 it is used as is.
 */
const standIn004: Migration = {
  version: 4,
  name: 'stand-in for lifecycle columns',
  up: `
    ALTER TABLE orders ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
    ALTER TABLE orders ADD COLUMN state TEXT NOT NULL DEFAULT 'open' CHECK (state IN ('open', 'cancelled'));
    ALTER TABLE orders ADD COLUMN updated_at TEXT;
    ALTER TABLE orders ADD COLUMN cancelled_at TEXT;
    ALTER TABLE orders ADD COLUMN cancel_reason TEXT;
  `,
}

export const findMigrations: readonly Migration[] =
  migrations.length >= 5 ? migrations : [...migrations.slice(0, 3), standIn004, migration005]

export function openFindDatabase(dir: string): SqliteDatabase {
  return openDatabase(dir, { migrations: findMigrations })
}
