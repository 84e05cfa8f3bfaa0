import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { OutpostError } from '../errors'
import { LATEST_VERSION, migrations, type Migration } from './migrations'
import { openSqlite, type SqliteDatabase } from './native-sqlite'
import { peekUserVersion } from './peek-user-version'

export const DB_FILE_NAME = 'outpost.db'

export interface OpenDatabaseOptions {
  nativeBinding?: string
  /** For tests: the migrations to apply (defaults to all). */
  migrations?: readonly Migration[]
}

/**
 * Opens `<dataDir>/outpost.db` with the pragmas the app's promises rest on and
 * brings its schema up to date.
 */
export function openDatabase(dataDir: string, options: OpenDatabaseOptions = {}): SqliteDatabase {
  mkdirSync(dataDir, { recursive: true })
  const file = join(dataDir, DB_FILE_NAME)
  const list = options.migrations ?? migrations
  // Check before SQLite opens it at all: a connection (even a read-only one)
  // touches -shm, and closing a writable one checkpoints a pending WAL, and
  // a newer app's file must stay byte-for-byte as it was.
  const peeked = peekUserVersion(file)
  if (peeked !== null) throwIfNewer(peeked, list.length)
  const db = openSqlite(file, options.nativeBinding ? { nativeBinding: options.nativeBinding } : {})
  try {
    // Still checked through SQLite, for a file the peek could not read.
    assertNotNewer(db, list.length)
    applyPragmas(db)
    migrate(db, list)
    return db
  } catch (err) {
    db.close()
    throw err
  }
}

export function applyPragmas(db: SqliteDatabase): void {
  // WAL: readers never block the writer, and a commit is one append.
  db.pragma('journal_mode = WAL')
  // FULL: fsync the WAL on every commit, so an order the user was told is
  // saved survives a power cut, not just a process crash.
  db.pragma('synchronous = FULL')
  db.pragma('foreign_keys = ON')
  // Another connection (the reference server in tests, a diagnostics export)
  // may hold the lock briefly; wait rather than fail.
  db.pragma('busy_timeout = 5000')
  // 8 MB of page cache (better-sqlite3 builds SQLite with 16 MB): the working
  // set is the newest orders and the pending outbox rows; the OS page cache
  // holds the rest. Halving it keeps a long drain's memory growth in budget.
  db.pragma('cache_size = -8000')
}

export function schemaVersion(db: SqliteDatabase): number {
  return db.pragma('user_version', { simple: true }) as number
}

/**
 * Applies every migration newer than the file's `user_version`, all in one
 * transaction: a crash mid-way leaves the previous version intact. A file from
 * a newer app is refused and left untouched.
 */
export function migrate(db: SqliteDatabase, list: readonly Migration[] = migrations): void {
  const latest = list.length
  list.forEach((m, i) => {
    if (m.version !== i + 1) throw new Error(`Migration list out of order at ${m.name}`)
  })
  assertNotNewer(db, latest)
  const current = schemaVersion(db)
  if (current === latest) return
  db.transaction(() => {
    for (const m of list.slice(current)) {
      if (typeof m.up === 'string') db.exec(m.up)
      else m.up(db)
    }
    db.pragma(`user_version = ${latest}`)
  }).immediate()
}

function assertNotNewer(db: SqliteDatabase, latest: number): void {
  throwIfNewer(schemaVersion(db), latest)
}

function throwIfNewer(current: number, latest: number): void {
  if (current > latest) {
    throw new OutpostError(
      'database_newer',
      `This data was written by a newer version of Outpost (schema ${current}; this app knows up to ${latest}). ` +
        'Install the newer version to open it. The file was not modified.',
      { params: { found: current, supported: latest } },
    )
  }
}

export { LATEST_VERSION }
