import { mkdirSync } from 'node:fs'
import { DatabaseUnavailableError, oneLine, openPglite, openPostgres, type Db } from './db'
import { migrate } from './migrations'

/** PostgreSQL when a URL is given, else embedded PGlite in dataDir; migrated either way. */
export async function openStore(opts: { databaseUrl?: string | null; dataDir?: string; poolSize?: number }): Promise<Db> {
  let db: Db
  if (opts.databaseUrl) db = await openPostgres(opts.databaseUrl, { max: opts.poolSize ?? 10 })
  else {
    const dir = opts.dataDir ?? './outpost-server-data'
    try {
      mkdirSync(dir, { recursive: true })
    } catch (err) {
      throw new DatabaseUnavailableError(`cannot use ${dir} as the data folder: ${oneLine(err)}`)
    }
    db = await openPglite(dir)
  }
  try {
    await migrate(db)
  } catch (err) {
    await db.close().catch(() => undefined)
    throw err
  }
  return db
}
