import { mkdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
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
    const unlock = lockDataDir(dir)
    try {
      const pglite = await openPglite(dir)
      db = { ...pglite, close: () => pglite.close().finally(unlock) }
    } catch (err) {
      unlock()
      throw err
    }
  }
  try {
    await migrate(db)
  } catch (err) {
    await db.close().catch(() => undefined)
    throw err
  }
  return db
}

/**
 * PGlite is one process's database: a second process (a `token create` next
 * to a running server, a second server on the same folder) would corrupt it.
 * A lock file holding the owner's pid refuses that; a lock left by a process
 * that is gone (killed) is taken over.
 */
function lockDataDir(dir: string): () => void {
  const file = join(dir, 'outpost-server.lock')
  const mine = String(process.pid)
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      writeFileSync(file, mine, { flag: 'wx' })
      return () => {
        try {
          if (readFileSync(file, 'utf8') === mine) unlinkSync(file)
        } catch {
          // Already gone: nothing to release.
        }
      }
    } catch (err) {
      if ((err as { code?: unknown }).code !== 'EEXIST') throw new DatabaseUnavailableError(`cannot use ${dir} as the data folder: ${oneLine(err)}`)
    }
    let owner = Number.NaN
    try {
      owner = Number(readFileSync(file, 'utf8').trim())
    } catch {
      continue // removed meanwhile: try again
    }
    if (Number.isInteger(owner) && owner > 0 && alive(owner)) {
      throw new DatabaseUnavailableError(
        `the data folder ${dir} is in use by process ${owner} (a running server?): stop it first, or use --database-url to share one database between processes`,
      )
    }
    try {
      unlinkSync(file)
    } catch {
      // Another process took it over first; the next attempt sees its pid.
    }
  }
  throw new DatabaseUnavailableError(`cannot lock the data folder ${dir}`)
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (err) {
    return (err as { code?: unknown }).code === 'EPERM'
  }
}
