import type { DeadEvent, DeliveryAttempt, OutboxEventView } from '../../../src-shared/contract'
import type { SqliteDatabase } from '../db/native-sqlite'

/** An outbox row as the relay sends it. */
export interface OutboxEvent {
  seq: number
  id: string
  aggregateId: string
  type: string
  payload: string
  createdAt: string
  attempts: number
}

/** What one delivery attempt did to one event. Applied in a single transaction per batch. */
export type EventOutcome =
  | { id: string; kind: 'sent'; httpStatus: number; outcome: 'accepted' | 'duplicate'; reply: string | null }
  | { id: string; kind: 'dead'; httpStatus: number | null; error: string; reply: string | null }
  | {
      id: string
      kind: 'retry'
      httpStatus: number | null
      error: string
      nextAttemptAt: number
      /** false for pauses that are not the event's fault (401, 413): no attempt is used up. */
      countsAsAttempt: boolean
    }

/** A `next` row, in its SELECT's column order. */
type EventTuple = [seq: number, id: string, aggregateId: string, type: string, payload: string, createdAt: string, attempts: number]

/** An outbox row as fixing a refused change reads it. `tries`: its outbox_attempts rows. */
export interface FixRow {
  seq: number
  id: string
  aggregate_id: string
  type: string
  payload: string
  status: 'pending' | 'sent' | 'dead'
  attempts: number
  discarded_at: string | null
  tries: number
}

export interface OutboxCounts {
  pending: number
  dead: number
  sentToday: number
}

export class OutboxRepo {
  private readonly stmts

  constructor(private readonly db: SqliteDatabase) {
    this.stmts = {
      insert: db.prepare(
        `INSERT INTO outbox (id, aggregate_id, type, payload, created_at, status, attempts)
         VALUES (?, ?, ?, ?, ?, 'pending', 0)`,
      ),
      // The first unsent event of each aggregate only: a later event never
      // overtakes an earlier pending or dead one of the same order.
      next: db.prepare(
        `SELECT o.seq, o.id, o.aggregate_id, o.type, o.payload, o.created_at, o.attempts
         FROM outbox o
         WHERE o.status = 'pending'
           AND (@ignoreBackoff = 1 OR o.next_attempt_at IS NULL OR o.next_attempt_at <= @now)
           AND o.seq > @afterSeq
           AND NOT EXISTS (
             SELECT 1 FROM outbox p
             WHERE p.aggregate_id = o.aggregate_id AND p.seq < o.seq AND p.status IN ('pending', 'dead'))
         ORDER BY o.seq LIMIT @limit`,
      ).raw(true), // rows as arrays: a third cheaper than objects, on the relay's hot path
      sent: db.prepare(
        `UPDATE outbox SET status = 'sent', sent_at = ?, last_http_status = ?, server_reply = ?,
           attempts = attempts + 1, next_attempt_at = NULL, last_error = NULL
         WHERE id = ? AND status = 'pending'`,
      ),
      dead: db.prepare(
        `UPDATE outbox SET status = 'dead', last_error = ?, last_http_status = ?, server_reply = ?,
           attempts = attempts + 1, next_attempt_at = NULL
         WHERE id = ? AND status = 'pending'`,
      ),
      retry: db.prepare(
        `UPDATE outbox SET last_error = ?, last_http_status = ?, next_attempt_at = ?, attempts = attempts + ?
         WHERE id = ? AND status = 'pending'`,
      ),
      attempt: db.prepare('INSERT INTO outbox_attempts (event_id, at, http_status, outcome, error) VALUES (?, ?, ?, ?, ?)'),
      // The sent_at questions name the partial index on sent rows: left to
      // itself the planner walks outbox_by_status and reads every sent row
      // from the table (~35 ms at 100,000 sent, on every status update),
      // where the covering index answers in ~1 ms (count) or O(log n) (max).
      counts: db.prepare(
        `SELECT
           (SELECT count(*) FROM outbox WHERE status = 'pending') AS pending,
           (SELECT count(*) FROM outbox WHERE status = 'dead' AND discarded_at IS NULL) AS dead,
           (SELECT count(*) FROM outbox INDEXED BY outbox_sent_at WHERE status = 'sent' AND sent_at >= ?) AS sentToday`,
      ),
      // For the status model: discarded orders are not synced (the header must not say "All synced"),
      // and a database with no orders at all is "empty", not "synced". Both answer from an index.
      presence: db.prepare(
        `SELECT
           (SELECT count(*) FROM outbox WHERE status = 'dead' AND discarded_at IS NOT NULL) AS discarded,
           EXISTS (SELECT 1 FROM orders) AS hasOrders`,
      ),
      oldestPending: db.prepare(`SELECT created_at FROM outbox WHERE status = 'pending' ORDER BY seq LIMIT 1`).pluck(),
      // Over the deliverable events only (the first unsent of each order, as in
      // `next`), due or not: an event blocked behind a dead one needs the
      // user, not a timer, and one already due must still wake the relay.
      nextDue: db.prepare(
        `SELECT min(coalesce(o.next_attempt_at, 0)) FROM outbox o
         WHERE o.status = 'pending'
           AND NOT EXISTS (
             SELECT 1 FROM outbox p
             WHERE p.aggregate_id = o.aggregate_id AND p.seq < o.seq AND p.status IN ('pending', 'dead'))`,
      ).pluck(),
      pendingCount: db.prepare(`SELECT count(*) FROM outbox WHERE status = 'pending'`).pluck(),
      lastSent: db.prepare(`SELECT max(sent_at) FROM outbox INDEXED BY outbox_sent_at WHERE status = 'sent'`).pluck(),
      deadList: db.prepare(
        `SELECT e.id AS eventId, e.aggregate_id AS orderId, o.customer, o.total_minor AS totalMinor, o.currency,
                e.last_error AS reason, e.attempts, e.last_http_status AS lastHttpStatus, e.server_reply AS lastResponse,
                (SELECT max(at) FROM outbox_attempts a WHERE a.event_id = e.id) AS failedAt, e.discarded_at AS discardedAt
         FROM outbox e JOIN orders o ON o.id = e.aggregate_id
         WHERE e.status = 'dead' ORDER BY e.discarded_at IS NOT NULL, e.seq DESC LIMIT 1000`,
      ),
      retryDead: db.prepare(
        `UPDATE outbox SET status = 'pending', next_attempt_at = NULL, discarded_at = NULL WHERE id = ? AND status = 'dead'`,
      ),
      discard: db.prepare(`UPDATE outbox SET discarded_at = ? WHERE id = ? AND status = 'dead'`),
      status: db.prepare('SELECT status, aggregate_id FROM outbox WHERE id = ?'),
      prune: db.prepare(`DELETE FROM outbox WHERE status = 'sent' AND sent_at < ?`),
      eventsOf: db.prepare(
        `SELECT id, type, status, attempts, next_attempt_at, last_error, last_http_status, sent_at, discarded_at, created_at
         FROM outbox WHERE aggregate_id = ? ORDER BY seq`,
      ),
      historyOf: db.prepare(
        'SELECT at, http_status AS httpStatus, outcome, error FROM outbox_attempts WHERE event_id = ? ORDER BY id DESC LIMIT 100',
      ),
      aggregates: db.prepare('SELECT DISTINCT aggregate_id FROM outbox WHERE id IN (SELECT value FROM json_each(?))').pluck(),
    }
    this.fixStmts = {
      one: db.prepare(
        `SELECT seq, id, aggregate_id, type, payload, status, attempts, discarded_at,
                (SELECT count(*) FROM outbox_attempts a WHERE a.event_id = outbox.id) AS tries
         FROM outbox WHERE id = ?`,
      ),
      behind: db.prepare(
        `SELECT seq, id, aggregate_id, type, payload, status, attempts, discarded_at,
                (SELECT count(*) FROM outbox_attempts a WHERE a.event_id = outbox.id) AS tries
         FROM outbox WHERE aggregate_id = ? AND seq > ? ORDER BY seq`,
      ),
      waiting: db.prepare(
        `SELECT d.id, (SELECT count(*) FROM outbox w WHERE w.aggregate_id = d.aggregate_id AND w.seq > d.seq AND w.status = 'pending') AS n
         FROM outbox d WHERE d.id IN (SELECT value FROM json_each(?))`,
      ),
      archive: db.prepare(
        `INSERT INTO outbox_settled (id, seq, aggregate_id, type, payload, created_at, status, attempts, last_error, last_http_status,
                                     server_reply, history, settled_at, settled_as, replaced_by)
         SELECT id, seq, aggregate_id, type, payload, created_at, status, attempts, last_error, last_http_status, server_reply,
                (SELECT coalesce(json_group_array(json_object('at', a.at, 'httpStatus', a.http_status, 'outcome', a.outcome, 'error', a.error)), '[]')
                 FROM (SELECT * FROM outbox_attempts WHERE event_id = outbox.id ORDER BY id DESC LIMIT 100) a),
                @at, @as, @replacedBy
         FROM outbox WHERE id = @id AND status IN ('pending', 'dead')`,
      ),
      remove: db.prepare(`DELETE FROM outbox WHERE id = ? AND status IN ('pending', 'dead')`),
      markDiscarded: db.prepare(`UPDATE outbox SET discarded_at = coalesce(discarded_at, ?) WHERE id = ? AND status = 'dead'`),
      settledOf: db.prepare(
        `SELECT id, type, status, attempts, last_error, last_http_status, created_at, history, settled_at, settled_as
         FROM outbox_settled WHERE aggregate_id = ? ORDER BY seq`,
      ),
    }
  }

  private readonly fixStmts

  /** One event with what fixing a refused change needs to know (additive, issue 11). */
  fixRow(eventId: string): FixRow | null {
    return (this.fixStmts.one.get(eventId) as FixRow | undefined) ?? null
  }

  /** The order's events after `seq`, oldest first: the changes waiting behind a refused one. */
  eventsBehind(aggregateId: string, seq: number): FixRow[] {
    return this.fixStmts.behind.all(aggregateId, seq) as FixRow[]
  }

  /** How many changes of its order wait behind each of these (dead) events. */
  waitingBehind(eventIds: readonly string[]): Map<string, number> {
    const rows = this.fixStmts.waiting.all(JSON.stringify(eventIds)) as { id: string; n: number }[]
    return new Map(rows.map((r) => [r.id, r.n]))
  }

  /**
   * Moves an unsent (pending or dead) event out of the outbox into
   * outbox_settled, with its delivery history: it can never be sent again and
   * no longer holds its order back. Call inside the transaction of the fix.
   */
  settle(eventId: string, as: 'replaced' | 'discarded', at: Date, replacedBy: string | null = null): void {
    const archived = this.fixStmts.archive.run({ id: eventId, at: at.toISOString(), as, replacedBy }).changes
    if (archived !== 1) throw new Error(`Event ${eventId} is not unsent; it cannot be settled`)
    this.fixStmts.remove.run(eventId)
  }

  /** A dead event the user gave up on (keeps the first time it was discarded). */
  markDiscarded(eventId: string, at: Date): void {
    this.fixStmts.markDiscarded.run(at.toISOString(), eventId)
  }

  /** The settled events of an order, as the detail shows them (status as they were; `settled` says how it ended). */
  settledOf(orderId: string): OutboxEventView[] {
    const rows = this.fixStmts.settledOf.all(orderId) as {
      id: string
      type: string
      status: 'pending' | 'dead'
      attempts: number
      last_error: string | null
      last_http_status: number | null
      created_at: string
      history: string
      settled_at: string
      settled_as: 'replaced' | 'discarded'
    }[]
    return rows.map((r) => ({
      id: r.id,
      type: r.type,
      status: r.status,
      attempts: r.attempts,
      nextAttemptAt: null,
      lastError: r.last_error,
      lastHttpStatus: r.last_http_status,
      sentAt: null,
      discardedAt: r.settled_at,
      createdAt: r.created_at,
      history: JSON.parse(r.history) as DeliveryAttempt[],
      settled: r.settled_as,
    }))
  }

  /** Record an event to deliver later. Call inside the transaction that changes the aggregate. */
  enqueue(event: { id: string; aggregateId: string; type: string; payload: string; createdAt: string }): void {
    this.stmts.insert.run(event.id, event.aggregateId, event.type, event.payload, event.createdAt)
  }

  /**
   * Up to `limit` deliverable events after `afterSeq`, oldest first. The relay
   * advances `afterSeq` as it goes, which also keeps in-flight events out of a
   * parallel worker's batch.
   */
  nextBatch(opts: { now: number; limit: number; afterSeq: number; ignoreBackoff: boolean }): OutboxEvent[] {
    const rows = this.stmts.next.all({
      now: opts.now,
      limit: opts.limit,
      afterSeq: opts.afterSeq,
      ignoreBackoff: opts.ignoreBackoff ? 1 : 0,
    }) as EventTuple[]
    return rows.map(([seq, id, aggregateId, type, payload, createdAt, attempts]) => ({ seq, id, aggregateId, type, payload, createdAt, attempts }))
  }

  /** Update the record: every outcome of a batch in one transaction, with its history row. */
  applyOutcomes(outcomes: readonly EventOutcome[], at: Date = new Date()): void {
    const iso = at.toISOString()
    const s = this.stmts
    this.db.transaction(() => {
      for (const o of outcomes) {
        switch (o.kind) {
          // The history row only for a row still in the outbox and pending:
          // an event a fix settled meanwhile (another process) has no outbox
          // row, and its attempt insert would fail the whole shared commit.
          case 'sent':
            if (s.sent.run(iso, o.httpStatus, o.reply, o.id).changes === 1) s.attempt.run(o.id, iso, o.httpStatus, o.outcome, null)
            break
          case 'dead':
            if (s.dead.run(o.error, o.httpStatus, o.reply, o.id).changes === 1) s.attempt.run(o.id, iso, o.httpStatus, 'rejected', o.error)
            break
          case 'retry':
            if (s.retry.run(o.error, o.httpStatus, o.nextAttemptAt, o.countsAsAttempt ? 1 : 0, o.id).changes === 1) {
              s.attempt.run(o.id, iso, o.httpStatus, o.countsAsAttempt ? 'retry' : 'paused', o.error)
            }
            break
        }
      }
    }).immediate()
  }

  counts(now: Date = new Date()): OutboxCounts {
    const startOfDay = new Date(now)
    startOfDay.setHours(0, 0, 0, 0)
    return this.stmts.counts.get(startOfDay.toISOString()) as OutboxCounts
  }

  /** How many refused events were discarded, and whether any order exists. */
  presence(): { discarded: number; hasOrders: boolean } {
    const row = this.stmts.presence.get() as { discarded: number; hasOrders: number }
    return { discarded: row.discarded, hasOrders: row.hasOrders === 1 }
  }

  oldestPendingAt(): string | null {
    return (this.stmts.oldestPending.get() as string | undefined) ?? null
  }

  /**
   * When the earliest deliverable event may go, in epoch ms (0 or a past time:
   * now), or null when nothing is deliverable.
   */
  nextDueAt(): number | null {
    return (this.stmts.nextDue.get() as number | null) ?? null
  }

  pendingCount(): number {
    return this.stmts.pendingCount.get() as number
  }

  lastSentAt(): string | null {
    return (this.stmts.lastSent.get() as string | null) ?? null
  }

  listDead(): DeadEvent[] {
    const rows = this.stmts.deadList.all() as (Omit<DeadEvent, 'discarded'> & { discardedAt: string | null })[]
    return rows.map(({ discardedAt, ...r }) => ({ ...r, discarded: discardedAt !== null }))
  }

  /** Back to pending, now, as the user asked. Returns the order id, or null if it was not dead. */
  retryDead(eventId: string): string | null {
    const row = this.stmts.status.get(eventId) as { status: string; aggregate_id: string } | undefined
    if (!row || row.status !== 'dead') return null
    this.stmts.retryDead.run(eventId)
    return row.aggregate_id
  }

  /** The user gave up on it: it stays dead (and its order "not synced") but leaves the attention list count. */
  discardDead(eventId: string, at: Date = new Date()): string | null {
    const row = this.stmts.status.get(eventId) as { status: string; aggregate_id: string } | undefined
    if (!row || row.status !== 'dead') return null
    this.stmts.discard.run(at.toISOString(), eventId)
    return row.aggregate_id
  }

  eventStatus(eventId: string): string | null {
    const row = this.stmts.status.get(eventId) as { status: string } | undefined
    return row?.status ?? null
  }

  /** Retention: confirmed events older than the cutoff go; orders stay. */
  pruneSent(before: Date): number {
    return this.stmts.prune.run(before.toISOString()).changes
  }

  eventsOf(orderId: string): OutboxEventView[] {
    const rows = this.stmts.eventsOf.all(orderId) as {
      id: string
      type: string
      status: 'pending' | 'sent' | 'dead'
      attempts: number
      next_attempt_at: number | null
      last_error: string | null
      last_http_status: number | null
      sent_at: string | null
      discarded_at: string | null
      created_at: string
    }[]
    return rows.map((r) => ({
      id: r.id,
      type: r.type,
      status: r.status,
      attempts: r.attempts,
      nextAttemptAt: r.next_attempt_at === null ? null : new Date(r.next_attempt_at).toISOString(),
      lastError: r.last_error,
      lastHttpStatus: r.last_http_status,
      sentAt: r.sent_at,
      discardedAt: r.discarded_at,
      createdAt: r.created_at,
      history: this.stmts.historyOf.all(r.id) as DeliveryAttempt[],
    }))
  }

  aggregatesOf(eventIds: readonly string[]): string[] {
    return this.stmts.aggregates.all(JSON.stringify(eventIds)) as string[]
  }
}
