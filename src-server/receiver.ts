/**
 * The receiver's write path: one batch, one transaction, two round trips to
 * PostgreSQL whatever the batch size (Db.readThenWrite).
 *
 * Read (with BEGIN):
 * 1. inbox: INSERT … ON CONFLICT DO NOTHING RETURNING — ids not returned were
 *    applied before (by any instance; a concurrent insert of the same id waits
 *    for the other transaction and then conflicts) → `duplicate`.
 * 2. orders: the batch's orders, locked (FOR UPDATE, in id order). A statement
 *    of its own, so its snapshot sees what a transaction that step 1 waited
 *    for committed.
 * Then the shared rules (src-shared/apply-rules.ts) decide every event, in memory.
 * Write (with COMMIT):
 * 3. refused events' inbox rows are deleted (the set-based equivalent of a
 *    rolled-back savepoint: a refused event leaves nothing and never undoes
 *    the others), orders are updated and inserted, and the server's outbox
 *    rows are added under an advisory lock held until commit, which makes
 *    `position` commit order. The lock is taken in the last message, so it is
 *    held for the outbox insert and the commit only, never across a round trip.
 *
 * Values are inlined as literals (pg's escaping) because several statements
 * go in one message, which the simple-query protocol allows only without
 * parameters.
 */
import { planBatch, type BatchPlan, type ServerOrder } from '../src-shared/apply-rules'
import type { EventResult, WireEvent } from '../src-shared/protocol'
import { literal, type Db, type WriteStep } from './db'

export const CHANGES_CHANNEL = 'outpost_changes'
/** The advisory lock that orders outbox positions by commit. */
const POSITION_LOCK = 74110002

/** Retryable: another transaction created an order this one thought new, or PostgreSQL chose this one as a deadlock victim. */
export function retryable(err: unknown): boolean {
  const e = err as { code?: unknown; constraint?: unknown }
  return (e?.code === '23505' && e.constraint === 'orders_pkey') || e?.code === '40P01' || e?.code === '40001'
}

export async function receiveBatch(db: Db, events: readonly WireEvent[], deviceId: string | null): Promise<EventResult[]> {
  const read = readSql(events, deviceId)
  for (let attempt = 1; ; attempt++) {
    try {
      return await db.readThenWrite(read, (rows) => decideAndWrite(events, rows, deviceId))
    } catch (err) {
      if (!retryable(err) || attempt >= 5) throw err
    }
  }
}

const json = (value: unknown) => `${literal(JSON.stringify(value))}::jsonb`

function readSql(events: readonly WireEvent[], deviceId: string | null): string {
  // Sorted by id so two transactions inserting overlapping ids lock them in the same order.
  const rows = [...new Map(events.map((e) => [e.id, { id: e.id, order_id: e.aggregateId, type: e.type }])).values()].sort((a, b) =>
    a.id < b.id ? -1 : a.id > b.id ? 1 : 0,
  )
  // Every order of the batch (also those of events that turn out duplicate: a harmless superset).
  const orderIds = [...new Set(events.map((e) => e.aggregateId))].sort()
  return `INSERT INTO inbox (event_id, order_id, type, device_id)
     SELECT r.id, r.order_id, r.type, ${device(deviceId)} FROM jsonb_to_recordset(${json(rows)}) AS r(id text, order_id text, type text)
     ORDER BY r.id
     ON CONFLICT (event_id) DO NOTHING
     RETURNING event_id;
    SELECT id, doc FROM orders WHERE id IN (SELECT jsonb_array_elements_text(${json(orderIds)})) ORDER BY id FOR UPDATE`
}

function device(deviceId: string | null): string {
  if (deviceId === null) return 'NULL::bigint'
  // From our own devices table (bigserial), but checked: it is inlined.
  if (!/^\d{1,19}$/.test(deviceId)) throw new Error(`bad device id ${deviceId}`)
  return `${deviceId}::bigint`
}

function decideAndWrite(events: readonly WireEvent[], rows: Record<string, unknown>[][], deviceId: string | null): WriteStep<EventResult[]> {
  const [inserted = [], found = []] = rows as [{ event_id: string }[]?, { id: string; doc: ServerOrder }[]?]
  const fresh = new Set(inserted.map((r) => r.event_id))
  const current = new Map(found.map((r) => [r.id, r.doc]))
  const plan = planBatch(events, { isApplied: (id) => !fresh.has(id), order: (id) => current.get(id) ?? null })
  return { sql: writeSql(plan, deviceId), value: plan.results }
}

function writeSql(plan: BatchPlan, deviceId: string | null): string | null {
  const statements: string[] = []
  if (plan.rejectedIds.size > 0) {
    statements.push(`DELETE FROM inbox WHERE event_id IN (SELECT jsonb_array_elements_text(${json([...plan.rejectedIds])}))`)
  }
  if (plan.applied.length === 0) return statements.join(';\n') || null
  const updates: { id: string; version: number; state: string; doc: ServerOrder }[] = []
  const inserts: typeof updates = []
  for (const [id, { before, after }] of [...plan.changed].sort(([a], [b]) => (a < b ? -1 : 1))) {
    ;(before ? updates : inserts).push({ id, version: after.version, state: after.state, doc: after })
  }
  if (updates.length > 0) {
    // The rows are locked FOR UPDATE: no other transaction changed them since.
    statements.push(`UPDATE orders o SET version = r.version, state = r.state, doc = r.doc, device_id = ${device(deviceId)}, updated_at = now()
       FROM jsonb_to_recordset(${json(updates)}) AS r(id text, version integer, state text, doc jsonb) WHERE o.id = r.id`)
  }
  if (inserts.length > 0) {
    // No ON CONFLICT: if another instance created one of these orders after
    // our read, the unique violation aborts this message (COMMIT included)
    // and the batch is decided again.
    statements.push(`INSERT INTO orders (id, version, state, doc, device_id)
       SELECT r.id, r.version, r.state, r.doc, ${device(deviceId)} FROM jsonb_to_recordset(${json(inserts)}) AS r(id text, version integer, state text, doc jsonb)
       ORDER BY r.id`)
  }
  const changes = plan.applied.map((a, n) => ({ n, event_id: a.event.id, order_id: a.order.id, type: a.event.type, version: a.order.version, doc: a.order }))
  statements.push(`SELECT pg_advisory_xact_lock(${POSITION_LOCK})`)
  statements.push(`INSERT INTO changes (position, event_id, order_id, type, version, order_doc, device_id)
     SELECT nextval('changes_position'), r.event_id, r.order_id, r.type, r.version, r.doc, ${device(deviceId)}
     FROM jsonb_to_recordset(${json(changes)}) AS r(n integer, event_id text, order_id text, type text, version integer, doc jsonb)
     ORDER BY r.n`)
  statements.push(`SELECT pg_notify('${CHANGES_CHANNEL}', '')`)
  return statements.join(';\n')
}
