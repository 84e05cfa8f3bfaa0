import { openDatabase } from '../db/open-database'
import { migrations } from '../db/migrations'
import type { Migration } from '../db/migrations/migration'
import type { SqliteDatabase } from '../db/native-sqlite'

/** The migrations find's tests and the history bench open with: all of them (kept as one seam for the bench's upgrade path). */
export const findMigrations: readonly Migration[] = migrations

export function openFindDatabase(dir: string): SqliteDatabase {
  return openDatabase(dir, { migrations: findMigrations })
}
