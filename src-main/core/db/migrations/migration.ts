import type { SqliteDatabase } from '../native-sqlite'

/**
 * One schema step, in its own file (NNN-name.ts), appended to the list in
 * index.ts. `up` is SQL, or a function for what SQL alone says badly (a data
 * backfill that parses JSON, say). Either way it runs inside the one
 * migration transaction: it must not open its own, and a throw rolls back
 * every step of that run.
 */
export interface Migration {
  readonly version: number
  readonly name: string
  readonly up: string | ((db: SqliteDatabase) => void)
}
