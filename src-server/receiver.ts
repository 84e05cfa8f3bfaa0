/**
 * The receiver's write path: one batch, one transaction, set-based so that a
 * batch costs a fixed number of round trips whatever its size.
 *
 * 1. inbox: INSERT … ON CONFLICT DO NOTHING RETURNING — ids not returned were
 *    applied before (by any instance; a concurrent insert of the same id waits
 *    for the other transaction and then conflicts) → `duplicate`.
 * 2. orders: the batch's orders, locked (FOR UPDATE, in id order).
 * 3. the shared rules (src-shared/apply-rules.ts) decide every event.
 * 4. refused events' inbox rows are deleted (the set-based equivalent of a
 *    rolled-back savepoint: a refused event leaves nothing and never undoes
 *    the others), orders are written, and the server's outbox rows are added
 *    under an advisory lock held until commit, which makes `position` commit order.
 */
import { planBatch, type BatchPlan, type ServerOrder } from '../src-shared/apply-rules'
import type { EventResult, WireEvent } from '../src-shared/protocol'
import type { Db, Queryable } from './db'

export const CHANGES_CHANNEL = 'outpost_changes'
/** The advisory lock that orders outbox positions by commit. */
const POSITION_LOCK = 74110002

class StaleRead extends Error {}

/** Retryable: another transaction created an order this one thought new, or PostgreSQL chose this one as a deadlock victim. */
function retryable(err: unknown): boolean {
  const code = (err as { code?: unknown })?.code
  return err instanceof StaleRead || code === '40P01' || code === '40001'
}

export async function receiveBatch(db: Db, events: readonly WireEvent[], deviceId: string | null): Promise<EventResult[]> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await db.transaction((tx) => applyInTransaction(tx, events, deviceId))
    } catch (err) {
      if (!retryable(err) || attempt >= 5) throw err
    }
  }
}

async function applyInTransaction(tx: Queryable, events: readonly WireEvent[], deviceId: string | null): Promise<EventResult[]> {
  // Sorted by id so two transactions inserting overlapping ids lock them in the same order.
  const rows = [...new Map(events.map((e) => [e.id, { id: e.id, order_id: e.aggregateId, type: e.type }])).values()].sort((a, b) =>
    a.id < b.id ? -1 : a.id > b.id ? 1 : 0,
  )
  const inserted = await tx.query<{ event_id: string }>(
    `INSERT INTO inbox (event_id, order_id, type, device_id)
     SELECT r.id, r.order_id, r.type, $2::bigint FROM jsonb_to_recordset($1::jsonb) AS r(id text, order_id text, type text)
     ORDER BY r.id
     ON CONFLICT (event_id) DO NOTHING
     RETURNING event_id`,
    [JSON.stringify(rows), deviceId],
  )
  const fresh = new Set(inserted.map((r) => r.event_id))
  const orderIds = [...new Set(events.filter((e) => fresh.has(e.id)).map((e) => e.aggregateId))].sort()
  const current = new Map<string, ServerOrder>()
  if (orderIds.length > 0) {
    const found = await tx.query<{ id: string; doc: ServerOrder }>(
      `SELECT id, doc FROM orders WHERE id IN (SELECT jsonb_array_elements_text($1::jsonb)) ORDER BY id FOR UPDATE`,
      [JSON.stringify(orderIds)],
    )
    for (const r of found) current.set(r.id, r.doc)
  }
  const plan = planBatch(events, { isApplied: (id) => !fresh.has(id), order: (id) => current.get(id) ?? null })
  await write(tx, plan, deviceId)
  return plan.results
}

async function write(tx: Queryable, plan: BatchPlan, deviceId: string | null): Promise<void> {
  if (plan.rejectedIds.size > 0) {
    await tx.query(`DELETE FROM inbox WHERE event_id IN (SELECT jsonb_array_elements_text($1::jsonb))`, [JSON.stringify([...plan.rejectedIds])])
  }
  if (plan.applied.length === 0) return
  const updates: { id: string; version: number; state: string; doc: ServerOrder }[] = []
  const inserts: typeof updates = []
  for (const [id, { before, after }] of [...plan.changed].sort(([a], [b]) => (a < b ? -1 : 1))) {
    ;(before ? updates : inserts).push({ id, version: after.version, state: after.state, doc: after })
  }
  if (updates.length > 0) {
    // The rows are locked FOR UPDATE: no other transaction changed them since.
    await tx.query(
      `UPDATE orders o SET version = r.version, state = r.state, doc = r.doc, device_id = $2::bigint, updated_at = now()
       FROM jsonb_to_recordset($1::jsonb) AS r(id text, version integer, state text, doc jsonb) WHERE o.id = r.id`,
      [JSON.stringify(updates), deviceId],
    )
  }
  if (inserts.length > 0) {
    const created = await tx.query(
      `INSERT INTO orders (id, version, state, doc, device_id)
       SELECT r.id, r.version, r.state, r.doc, $2::bigint FROM jsonb_to_recordset($1::jsonb) AS r(id text, version integer, state text, doc jsonb)
       ORDER BY r.id
       ON CONFLICT (id) DO NOTHING RETURNING id`,
      [JSON.stringify(inserts), deviceId],
    )
    // Another instance created one of these orders after our read: decide the batch again.
    if (created.length !== inserts.length) throw new StaleRead()
  }
  const changes = plan.applied.map((a, n) => ({ n, event_id: a.event.id, order_id: a.order.id, type: a.event.type, version: a.order.version, doc: a.order }))
  await tx.query('SELECT pg_advisory_xact_lock($1)', [POSITION_LOCK])
  await tx.query(
    `INSERT INTO changes (position, event_id, order_id, type, version, order_doc, device_id)
     SELECT nextval('changes_position'), r.event_id, r.order_id, r.type, r.version, r.doc, $2::bigint
     FROM jsonb_to_recordset($1::jsonb) AS r(n integer, event_id text, order_id text, type text, version integer, doc jsonb)
     ORDER BY r.n`,
    [JSON.stringify(changes), deviceId],
  )
  await tx.query(`SELECT pg_notify('${CHANGES_CHANNEL}', '')`)
}
