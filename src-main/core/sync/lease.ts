import { hostname } from 'node:os'
import { randomBytes } from 'node:crypto'
import type { SqliteDatabase } from '../db/native-sqlite'

/**
 * The relay lease: only one process drains a database at a time. The OS-level
 * single-instance lock covers the normal case; this row covers the rest (a
 * browser host and the desktop app on one data folder, a stuck old process).
 *
 * A lease names its owner's host and pid, so after a crash the next process on
 * the same machine can see the owner is gone and take over at once instead of
 * waiting for the lease to expire.
 */
export class RelayLease {
  readonly owner: string
  private readonly select
  private readonly upsert
  private readonly remove
  private heldUntil = 0

  constructor(
    private readonly db: SqliteDatabase,
    private readonly ttlMs: number,
    private readonly now: () => number = Date.now,
  ) {
    this.owner = `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`
    this.select = db.prepare('SELECT owner, expires_at FROM relay_lease WHERE id = 1')
    this.upsert = db.prepare(
      'INSERT INTO relay_lease (id, owner, expires_at) VALUES (1, ?, ?) ON CONFLICT (id) DO UPDATE SET owner = excluded.owner, expires_at = excluded.expires_at',
    )
    this.remove = db.prepare('DELETE FROM relay_lease WHERE id = 1 AND owner = ?')
  }

  /** Take or renew the lease. Cheap when already held with time to spare. */
  acquire(): boolean {
    const now = this.now()
    if (this.heldUntil - now > this.ttlMs / 2) return true
    const got = this.db.transaction(() => {
      const row = this.select.get() as { owner: string; expires_at: number } | undefined
      if (row && row.owner !== this.owner && row.expires_at > now && ownerAlive(row.owner)) return false
      this.upsert.run(this.owner, now + this.ttlMs)
      return true
    }).immediate()
    this.heldUntil = got ? now + this.ttlMs : 0
    return got
  }

  holder(): string | null {
    const row = this.select.get() as { owner: string; expires_at: number } | undefined
    return row && row.expires_at > this.now() ? row.owner : null
  }

  release(): void {
    this.heldUntil = 0
    this.remove.run(this.owner)
  }
}

/** A lease from this machine whose pid no longer exists is stale. Other hosts' leases are trusted until expiry. */
function ownerAlive(owner: string): boolean {
  const [host, pidText] = owner.split(':')
  if (host !== hostname()) return true
  const pid = Number(pidText)
  if (!Number.isInteger(pid) || pid <= 0) return false
  if (pid === process.pid) return true
  try {
    process.kill(pid, 0)
    return true
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM'
  }
}
