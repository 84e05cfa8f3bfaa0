import { openSqlite, type SqliteDatabase } from '../core/db/native-sqlite'

/** One event as it arrives on the wire (docs/sync-protocol.md). */
export interface IncomingEvent {
  id: string
  type: string
  aggregateId: string
  occurredAt: string
  payload: unknown
}

export type EventStatus = 'accepted' | 'duplicate' | 'rejected'
export interface EventResult {
  id: string
  status: EventStatus
  error?: string
}

/** An applied `OrderCreated`: its payload plus where it came from. */
export type OrderRecord = Record<string, unknown> & {
  /** The order id (`payload.id`, or the aggregate id if the payload has none). */
  id: unknown
  /** The event id (the idempotency key). */
  eventId: string
  /** When the server applied it (ISO 8601). */
  received_at: string
}

export interface ReferenceStats {
  /** Effects: rows in the applied-events table (one per application). */
  applied: number
  /** Distinct ids among the applied events. */
  appliedIds: number
  /** Events answered `duplicate`. */
  duplicates: number
  /** Events answered `rejected`. */
  rejected: number
  /** POST /events requests received, whatever their outcome (faulted, 4xx…). */
  requests: number
  /** Events found in POST /events bodies that parsed, whatever the outcome (incl. faulted requests). */
  eventsReceived: number
  /** Distinct event ids that reached the idempotency check. */
  distinctIds: number
  /** Times an id reached the idempotency check, duplicates and rejected retries included. */
  deliveries: number
  /** deliveries − distinctIds: how many arrivals were resends. */
  resends: number
  /** Ids applied more than once. A correct server keeps this at 0. */
  duplicateEffects: number
  /** Histogram: times applied → number of ids (e.g. `{"1": 10000}`). */
  applyCounts: Record<string, number>
}

export interface EventIdStats {
  deliveries: number
  applyCount: number
  duplicates: number
  rejections: number
  firstSeenAt: string
  lastSeenAt: string
  lastStatus: EventStatus
}

export const BLOCKED_CUSTOMER_MESSAGE = 'Customer is on the blocked list'
export const PAYLOAD_NOT_OBJECT_MESSAGE = 'payload must be an object'

const SCHEMA_VERSION = 1

/**
 * The reference server's durable state.
 *
 * - `idempotency_keys`: one row per event id ever checked, with how often it
 *   arrived and how often it was applied. Dedup reads this table.
 * - `events`: the effect log, one row per application. It has no unique
 *   constraint on purpose, so a dedup bug would show up as `duplicateEffects`
 *   instead of being hidden by a constraint error.
 * - `counters`: request-level totals.
 *
 * Every batch is one transaction (results, effects and counters together),
 * committed with synchronous=FULL before the response is written.
 */
export class ReferenceStore {
  private readonly db: SqliteDatabase
  private readonly applyCountStmt
  private readonly insertEventStmt
  private readonly upsertKeyStmt
  private readonly bumpCounterStmt
  private readonly applyBatchTx

  constructor(file: string) {
    this.db = openSqlite(file)
    try {
      this.db.pragma('journal_mode = WAL')
      this.db.pragma('synchronous = FULL')
      this.db.pragma('busy_timeout = 5000')
      this.migrate()
    } catch (err) {
      this.db.close()
      throw err
    }
    this.applyCountStmt = this.db.prepare('SELECT apply_count FROM idempotency_keys WHERE id = ?').pluck()
    this.insertEventStmt = this.db.prepare(
      `INSERT INTO events (id, type, aggregate_id, occurred_at, payload, received_at) VALUES (?, ?, ?, ?, ?, ?)`,
    )
    this.upsertKeyStmt = this.db.prepare(
      `INSERT INTO idempotency_keys (id, deliveries, apply_count, duplicates, rejections, first_seen_at, last_seen_at, last_status)
       VALUES (?, 1, ?, ?, ?, ?, ?, ?)
       ON CONFLICT(id) DO UPDATE SET
         deliveries = deliveries + 1,
         apply_count = apply_count + excluded.apply_count,
         duplicates = duplicates + excluded.duplicates,
         rejections = rejections + excluded.rejections,
         last_seen_at = excluded.last_seen_at,
         last_status = excluded.last_status`,
    )
    this.bumpCounterStmt = this.db.prepare(
      `INSERT INTO counters (name, value) VALUES (?, ?) ON CONFLICT(name) DO UPDATE SET value = value + excluded.value`,
    )
    this.applyBatchTx = this.db.transaction((events: readonly IncomingEvent[], eventCount: number, now: string) => {
      this.bumpRequestCounters(eventCount)
      return events.map((e) => this.applyOne(e, now))
    })
  }

  private migrate(): void {
    const version = this.db.pragma('user_version', { simple: true }) as number
    if (version > SCHEMA_VERSION) {
      throw new Error(`The reference API database has schema version ${version}; this server knows ${SCHEMA_VERSION}.`)
    }
    if (version === SCHEMA_VERSION) return
    this.db.exec(`
      BEGIN;
      CREATE TABLE IF NOT EXISTS idempotency_keys (
        id TEXT PRIMARY KEY,
        deliveries INTEGER NOT NULL,
        apply_count INTEGER NOT NULL,
        duplicates INTEGER NOT NULL,
        rejections INTEGER NOT NULL,
        first_seen_at TEXT NOT NULL,
        last_seen_at TEXT NOT NULL,
        last_status TEXT NOT NULL
      ) WITHOUT ROWID;
      CREATE TABLE IF NOT EXISTS events (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        id TEXT NOT NULL,
        type TEXT NOT NULL,
        aggregate_id TEXT NOT NULL,
        occurred_at TEXT NOT NULL,
        payload TEXT NOT NULL,
        received_at TEXT NOT NULL
      );
      CREATE INDEX IF NOT EXISTS events_by_id ON events (id);
      CREATE INDEX IF NOT EXISTS events_by_type ON events (type, seq);
      CREATE TABLE IF NOT EXISTS counters (name TEXT PRIMARY KEY, value INTEGER NOT NULL) WITHOUT ROWID;
      PRAGMA user_version = ${SCHEMA_VERSION};
      COMMIT;
    `)
  }

  private bumpRequestCounters(eventCount: number): void {
    this.bumpCounterStmt.run('requests', 1)
    if (eventCount > 0) this.bumpCounterStmt.run('events_received', eventCount)
  }

  private applyOne(e: IncomingEvent, now: string): EventResult {
    const applyCount = this.applyCountStmt.get(e.id) as number | undefined
    if (applyCount !== undefined && applyCount > 0) {
      this.upsertKeyStmt.run(e.id, 0, 1, 0, now, now, 'duplicate')
      return { id: e.id, status: 'duplicate' }
    }
    const error = rejectionReason(e)
    if (error !== null) {
      this.upsertKeyStmt.run(e.id, 0, 0, 1, now, now, 'rejected')
      return { id: e.id, status: 'rejected', error }
    }
    this.insertEventStmt.run(e.id, e.type, e.aggregateId, e.occurredAt, JSON.stringify(e.payload), now)
    this.upsertKeyStmt.run(e.id, 1, 0, 0, now, now, 'accepted')
    return { id: e.id, status: 'accepted' }
  }

  /** Applies a batch in one transaction and counts the request; results are in input order. */
  applyBatch(events: readonly IncomingEvent[], eventCount: number, now: Date = new Date()): EventResult[] {
    return this.applyBatchTx.immediate(events, eventCount, now.toISOString())
  }

  /** Counts a POST /events request that was not processed (fault, 4xx). */
  recordRequest(eventCount: number): void {
    this.db.transaction(() => this.bumpRequestCounters(eventCount)).immediate()
  }

  stats(): ReferenceStats {
    const counters = new Map(
      (this.db.prepare('SELECT name, value FROM counters').all() as { name: string; value: number }[]).map((r) => [r.name, r.value]),
    )
    const keys = this.db
      .prepare(
        `SELECT count(*) AS distinctIds, coalesce(sum(deliveries), 0) AS deliveries,
                coalesce(sum(duplicates), 0) AS duplicates, coalesce(sum(rejections), 0) AS rejected
         FROM idempotency_keys`,
      )
      .get() as { distinctIds: number; deliveries: number; duplicates: number; rejected: number }
    const histogram = this.db
      .prepare('SELECT n, count(*) AS ids FROM (SELECT count(*) AS n FROM events GROUP BY id) GROUP BY n ORDER BY n')
      .all() as { n: number; ids: number }[]
    const applyCounts: Record<string, number> = {}
    let applied = 0
    let appliedIds = 0
    let duplicateEffects = 0
    for (const { n, ids } of histogram) {
      applyCounts[String(n)] = ids
      applied += n * ids
      appliedIds += ids
      if (n > 1) duplicateEffects += ids
    }
    return {
      applied,
      appliedIds,
      duplicates: keys.duplicates,
      rejected: keys.rejected,
      requests: counters.get('requests') ?? 0,
      eventsReceived: counters.get('events_received') ?? 0,
      distinctIds: keys.distinctIds,
      deliveries: keys.deliveries,
      resends: keys.deliveries - keys.distinctIds,
      duplicateEffects,
      applyCounts,
    }
  }

  /** Per-id accounting, or null if the id never reached the idempotency check. */
  eventStats(id: string): EventIdStats | null {
    const row = this.db
      .prepare(
        `SELECT deliveries, apply_count AS applyCount, duplicates, rejections, first_seen_at AS firstSeenAt,
                last_seen_at AS lastSeenAt, last_status AS lastStatus
         FROM idempotency_keys WHERE id = ?`,
      )
      .get(id) as EventIdStats | undefined
    return row ?? null
  }

  /** Applied `OrderCreated` payloads, oldest first (newest last). */
  orders(): OrderRecord[] {
    const rows = this.db
      .prepare(`SELECT id, aggregate_id, payload, received_at FROM events WHERE type = 'OrderCreated' ORDER BY seq`)
      .all() as { id: string; aggregate_id: string; payload: string; received_at: string }[]
    return rows.map((r) => {
      const payload = JSON.parse(r.payload) as Record<string, unknown>
      return { ...payload, id: payload.id ?? r.aggregate_id, eventId: r.id, received_at: r.received_at }
    })
  }

  close(): void {
    if (this.db.open) this.db.close()
  }
}

/** The reference server's business rules: the reason to reject an event, or null. */
export function rejectionReason(e: IncomingEvent): string | null {
  const p = e.payload
  if (typeof p !== 'object' || p === null || Array.isArray(p)) return PAYLOAD_NOT_OBJECT_MESSAGE
  if (e.type === 'OrderCreated') {
    const customer = (p as Record<string, unknown>).customer
    if (typeof customer === 'string' && customer.includes('REJECT')) return BLOCKED_CUSTOMER_MESSAGE
  }
  return null
}
