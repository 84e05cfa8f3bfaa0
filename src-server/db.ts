/**
 * One small query interface over both engines, so the same SQL and the same
 * migrations run on embedded PGlite (a data folder, nothing to install) and on
 * a real PostgreSQL through `pg`.
 */
import { PGlite } from '@electric-sql/pglite'
import pg from 'pg'

export interface Queryable {
  query<T = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<T[]>
  /** Several statements, no parameters (migrations). */
  exec(sql: string): Promise<void>
}

/** What `readThenWrite` does with the read's rows: the statements to run before COMMIT (null: none), and the value to return. */
export type WriteStep<T> = { sql: string | null; value: T }

export interface Db extends Queryable {
  readonly kind: 'pglite' | 'postgres'
  /** Runs fn in one transaction (READ COMMITTED); rolls back if it throws. */
  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>
  /**
   * One transaction in two round trips to PostgreSQL: `BEGIN` + the `read`
   * statements (no parameters: values are inlined with `literal`; each
   * statement has its own snapshot), then `write` decides from their rows
   * (one array per statement) and its SQL goes with the `COMMIT`. A failing
   * statement skips the rest, COMMIT included; the transaction is rolled back
   * and the error thrown.
   */
  readThenWrite<T>(read: string, write: (rows: Record<string, unknown>[][]) => WriteStep<T>): Promise<T>
  /** Calls onNotify for each NOTIFY on channel; resolves to an unsubscribe function. */
  listen(channel: string, onNotify: () => void): Promise<() => Promise<void>>
  close(): Promise<void>
}

/** The database could not be reached or opened: one line for the CLI. */
export class DatabaseUnavailableError extends Error {}

export async function openPglite(dataDir: string): Promise<Db> {
  let db: PGlite
  try {
    db = new PGlite(dataDir)
    await db.waitReady
  } catch (err) {
    throw new DatabaseUnavailableError(`cannot open the embedded database in ${dataDir}: ${oneLine(err)}`)
  }
  return {
    kind: 'pglite',
    async query<T>(sql: string, params: readonly unknown[] = []) {
      return (await db.query<T>(sql, [...params])).rows
    },
    async exec(sql: string) {
      await db.exec(sql)
    },
    // PGlite has one connection: its transaction() queues callers, which is
    // exactly the serialization a single embedded engine needs.
    transaction<T>(fn: (tx: Queryable) => Promise<T>) {
      return db.transaction(async (tx) =>
        fn({
          async query<R>(sql: string, params: readonly unknown[] = []) {
            return (await tx.query<R>(sql, [...params])).rows
          },
          async exec(sql: string) {
            await tx.exec(sql)
          },
        }),
      )
    },
    readThenWrite<T>(read: string, write: (rows: Record<string, unknown>[][]) => WriteStep<T>) {
      // In-process: round trips are free, and PGlite's transaction() is what serializes callers.
      return db.transaction(async (tx) => {
        const step = write((await tx.exec(read)).map((r) => r.rows as Record<string, unknown>[]))
        if (step.sql) await tx.exec(step.sql)
        return step.value
      })
    },
    async listen(channel, onNotify) {
      const unsub = await db.listen(channel, () => onNotify())
      return async () => unsub()
    },
    async close() {
      if (!db.closed) await db.close()
    },
  }
}

export async function openPostgres(url: string, opts: { max?: number } = {}): Promise<Db> {
  const pool = new pg.Pool({ connectionString: url, max: opts.max ?? 10, connectionTimeoutMillis: 15_000 })
  // An idle client that loses its server must not crash the process.
  pool.on('error', () => undefined)
  try {
    await pool.query('SELECT 1')
  } catch (err) {
    await pool.end().catch(() => undefined)
    throw new DatabaseUnavailableError(`cannot reach the database at ${redactUrl(url)}: ${oneLine(err)}`)
  }
  const listeners: pg.PoolClient[] = []
  return {
    kind: 'postgres',
    async query<T>(sql: string, params: readonly unknown[] = []) {
      return (await pool.query(sql, [...params])).rows as T[]
    },
    async exec(sql: string) {
      await pool.query(sql)
    },
    async transaction<T>(fn: (tx: Queryable) => Promise<T>) {
      const client = await pool.connect()
      try {
        await client.query('BEGIN')
        const result = await fn({
          async query<R>(sql: string, params: readonly unknown[] = []) {
            return (await client.query(sql, [...params])).rows as R[]
          },
          async exec(sql: string) {
            await client.query(sql)
          },
        })
        await client.query('COMMIT')
        return result
      } catch (err) {
        await client.query('ROLLBACK').catch(() => undefined)
        throw err
      } finally {
        client.release()
      }
    },
    async readThenWrite<T>(read: string, write: (rows: Record<string, unknown>[][]) => WriteStep<T>) {
      const client = await pool.connect()
      try {
        // Simple-query protocol: several statements in one message, one answer per statement.
        const first = (await client.query(`BEGIN;\n${read}`)) as unknown as pg.QueryResult[]
        const step = write(first.slice(1).map((r) => r.rows as Record<string, unknown>[]))
        await client.query(step.sql ? `${step.sql};\nCOMMIT` : 'COMMIT')
        return step.value
      } catch (err) {
        await client.query('ROLLBACK').catch(() => undefined)
        throw err
      } finally {
        client.release()
      }
    },
    async listen(channel, onNotify) {
      const client = await pool.connect()
      listeners.push(client)
      client.on('notification', (n) => {
        if (n.channel === channel) onNotify()
      })
      await client.query(`LISTEN ${pg.escapeIdentifier(channel)}`)
      return async () => {
        const i = listeners.indexOf(client)
        if (i < 0) return
        listeners.splice(i, 1)
        await client.query(`UNLISTEN ${pg.escapeIdentifier(channel)}`).catch(() => undefined)
        client.release()
      }
    },
    async close() {
      for (const c of listeners.splice(0)) c.release()
      await pool.end()
    },
  }
}

/**
 * A string as an SQL literal, for statements sent without parameters: pg's
 * escapeLiteral rule (quotes doubled; with a backslash, the E'' form with
 * backslashes doubled, which means the same whatever
 * standard_conforming_strings says), with native replaceAll instead of its
 * per-character loop: the receiver inlines whole batches.
 */
export function literal(value: string): string {
  const quoted = value.replaceAll("'", "''")
  return value.includes('\\') ? ` E'${quoted.replaceAll('\\', '\\\\')}'` : `'${quoted}'`
}

export function oneLine(err: unknown): string {
  const e = err as { message?: unknown; code?: unknown; errors?: { message?: string }[] }
  // AggregateError (e.g. ECONNREFUSED on ::1 and 127.0.0.1) has an empty message.
  const msg = typeof e?.message === 'string' && e.message ? e.message : (e?.errors?.[0]?.message ?? String(e?.code ?? err))
  return msg.split('\n')[0] ?? ''
}

function redactUrl(url: string): string {
  try {
    const u = new URL(url)
    if (u.password) u.password = '***'
    return `${u.host}${u.pathname}`
  } catch {
    return 'the given URL'
  }
}
