/**
 * Test child for order-fixes.test.ts: rounds of create → sent → three edits →
 * the first edit refused → Edit and resend or Discard this change, forever,
 * until its parent SIGKILLs it. Prints "round N" after each. On start it first
 * fixes whatever refused change a killed predecessor left behind.
 */
import { openDatabase } from '../db/open-database'
import { OutboxRepo } from '../outbox/outbox-repo'
import { OrderChanges } from './order-changes'
import { OrderFixes } from './order-fixes'
import { OrdersRepo } from './orders-repo'
import type { ValidOrder } from './validate-order'

const dir = process.argv[2]
if (!dir) throw new Error('usage: order-fixes-child <data-dir>')
const db = openDatabase(dir)
const outbox = new OutboxRepo(db)
const orders = new OrdersRepo(db, outbox)
const changes = new OrderChanges(db, outbox)
const fixes = new OrderFixes(db, outbox)
const versionOf = db.prepare('SELECT version FROM orders WHERE id = ?').pluck()

const order = (customer: string, qty: number): ValidOrder => ({
  customer,
  note: null,
  currency: 'EUR',
  items: [{ name: 'Tea', quantity: qty, unitPriceMinor: 250, lineTotalMinor: 250 * qty }],
  totalMinor: 250 * qty,
})
const sent = (id: string) => outbox.applyOutcomes([{ id, kind: 'sent', httpStatus: 200, outcome: 'accepted', reply: null }])
const refused = (id: string) => outbox.applyOutcomes([{ id, kind: 'dead', httpStatus: 200, error: 'refused', reply: null }])

function fix(eventId: string, orderId: string, n: number): void {
  const version = versionOf.get(orderId) as number
  if (n % 2 === 0) fixes.resend(eventId, version, order(`Fixed ${n}`, 9))
  else fixes.discardChange(eventId, version)
}

for (const d of outbox.listDead()) if (!d.discarded) fix(d.eventId, d.orderId, d.attempts)

for (let n = 1; n <= 100_000; n++) {
  const { summary, eventId } = orders.create(order(`Round ${n}`, 1))
  // Every third order is refused at once (its creation), the others after it arrived.
  if (n % 3 === 0) {
    changes.update(summary.id, 1, order(`Round ${n} b`, 2))
    refused(eventId)
    fix(eventId, summary.id, n)
  } else {
    sent(eventId)
    const v2 = changes.update(summary.id, 1, order(`Round ${n} b`, 2))
    changes.update(summary.id, 2, order(`Round ${n} c`, 3))
    changes.update(summary.id, 3, order(`Round ${n} d`, 4))
    refused(v2.eventId)
    fix(v2.eventId, summary.id, n)
  }
  process.stdout.write(`round ${n}\n`)
}
