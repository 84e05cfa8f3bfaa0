import { openSqlite, type SqliteDatabase } from '../core/db/native-sqlite'
import { orderView, planBatch, type OrderView, type ServerOrder } from '../../src-shared/apply-rules'
import type { EventResult, EventStatus, WireEvent } from '../../src-shared/protocol'

export type { EventResult, EventStatus } from '../../src-shared/protocol'
export { BLOCKED_CUSTOMER_MESSAGE, PAYLOAD_NOT_OBJECT_MESSAGE } from '../../src-shared/apply-rules'

/** One event as it arrives on the wire (docs/sync-protocol.md). */
export type IncomingEvent = WireEvent

/** An order's current state on the reference server, as `GET /orders` lists it. */
export type OrderRecord = OrderView & {
  /** The id of the event that created it. */
  eventId: string
  /** The id of the last event applied to it. */
  lastEventId: string
  /** When the server applied its first event (ISO 8601). */
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

const SCHEMA_VERSION = 2

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
  private readonly orderStmt
  private readonly insertOrderStmt
  private readonly updateOrderStmt

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
    this.orderStmt = this.db.prepare('SELECT doc FROM orders WHERE id = ?').pluck()
    this.insertOrderStmt = this.db.prepare(
      `INSERT INTO orders (id, version, state, doc, event_id, last_event_id, received_at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
    )
    this.updateOrderStmt = this.db.prepare(`UPDATE orders SET version = ?, state = ?, doc = ?, last_event_id = ? WHERE id = ?`)
    this.applyBatchTx = this.db.transaction((events: readonly IncomingEvent[], eventCount: number, now: string) => {
      this.bumpRequestCounters(eventCount)
      return this.applyEvents(events, now)
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
      CREATE TABLE IF NOT EXISTS orders (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        id TEXT NOT NULL UNIQUE,
        version INTEGER NOT NULL,
        state TEXT NOT NULL,
        doc TEXT NOT NULL,
        event_id TEXT NOT NULL,
        last_event_id TEXT NOT NULL,
        received_at TEXT NOT NULL
      );
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

  /** The shared rules decide; this only reads the state they need and writes what they planned. */
  private applyEvents(events: readonly IncomingEvent[], now: string): EventResult[] {
    const plan = planBatch(
      events,
      {
        isApplied: (id) => ((this.applyCountStmt.get(id) as number | undefined) ?? 0) > 0,
        order: (id) => {
          const doc = this.orderStmt.get(id) as string | undefined
          return doc === undefined ? null : (JSON.parse(doc) as ServerOrder)
        },
      },
      { blockRejectCustomers: true },
    )
    for (const r of plan.results) {
      if (r.status === 'duplicate') this.upsertKeyStmt.run(r.id, 0, 1, 0, now, now, 'duplicate')
      else if (r.status === 'rejected') this.upsertKeyStmt.run(r.id, 0, 0, 1, now, now, 'rejected')
    }
    for (const { event: e, order } of plan.applied) {
      this.insertEventStmt.run(e.id, e.type, e.orderId, e.occurredAt, JSON.stringify(e.payload), now)
      this.upsertKeyStmt.run(e.id, 1, 0, 0, now, now, 'accepted')
      if (e.type === 'OrderCreated') {
        this.insertOrderStmt.run(order.id, order.version, order.state, JSON.stringify(order), e.id, e.id, now)
      } else {
        this.updateOrderStmt.run(order.version, order.state, JSON.stringify(order), e.id, order.id)
      }
    }
    return plan.results
  }

  /** Development switch: the order was fulfilled on the server, so its updates and cancellation get `conflict`. */
  markFulfilled(orderId: string): boolean {
    return this.db.transaction(() => {
      const doc = this.orderStmt.get(orderId) as string | undefined
      if (doc === undefined) return false
      const order = { ...(JSON.parse(doc) as ServerOrder), state: 'fulfilled' as const }
      this.db.prepare('UPDATE orders SET state = ?, doc = ? WHERE id = ?').run('fulfilled', JSON.stringify(order), orderId)
      return true
    }).immediate()
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

  /** Each order's current state, in the order they were created (newest last). */
  orders(): OrderRecord[] {
    const rows = this.db.prepare(`SELECT doc, event_id, last_event_id, received_at FROM orders ORDER BY seq`).all() as {
      doc: string
      event_id: string
      last_event_id: string
      received_at: string
    }[]
    return rows.map((r) => ({
      ...orderView(JSON.parse(r.doc) as ServerOrder),
      eventId: r.event_id,
      lastEventId: r.last_event_id,
      received_at: r.received_at,
    }))
  }

  close(): void {
    if (this.db.open) this.db.close()
  }
}
