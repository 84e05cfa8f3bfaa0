import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { EventsRequest } from '../../../src-shared/protocol'
import { tempDir } from '../../testing/temp-dir'
import { createCore } from '../create-core'
import { openSqlite } from '../db/native-sqlite'
import type { OutboxEvent } from '../outbox/outbox-repo'
import { eventsBody, toWireEvent } from './api-client'

let dir: ReturnType<typeof tempDir>
beforeEach(() => {
  dir = tempDir()
})
afterEach(() => dir.remove())

/** Every outbox row, as the relay reads it. */
function storedEvents(): OutboxEvent[] {
  const db = openSqlite(join(dir.path, 'outpost.db'), { readonly: true })
  try {
    const rows = db.prepare('SELECT seq, id, aggregate_id, type, payload, created_at, attempts FROM outbox ORDER BY seq').all() as {
      seq: number
      id: string
      aggregate_id: string
      type: string
      payload: string
      created_at: string
      attempts: number
    }[]
    return rows.map((r) => ({ seq: r.seq, id: r.id, aggregateId: r.aggregate_id, type: r.type, payload: r.payload, createdAt: r.created_at, attempts: r.attempts }))
  } finally {
    db.close()
  }
}

describe('eventsBody', () => {
  it('is byte for byte the JSON of the wire events, for every event type the app stores', async () => {
    const core = createCore({ dataDir: dir.path, startRelay: false })
    try {
      const created = await core.handlers.createOrder({
        customer: '王小明 "Café" \\ ü',
        note: 'Line one\nline two\t\u2028 and </script>',
        items: [
          { name: 'Tea 🍵', quantity: '1.5', unitPrice: '2.00' },
          { name: 'Oat milk', quantity: '6', unitPrice: '0.99' },
        ],
      })
      if (!created.ok) throw new Error(created.error.message)
      const updated = await core.handlers.updateOrder({
        id: created.value.id,
        version: 1,
        order: { customer: 'Ada', items: [{ name: 'Tea', quantity: '2', unitPrice: '2.00' }] },
      })
      if (!updated.ok) throw new Error(updated.error.message)
      const cancelled = await core.handlers.cancelOrder({ id: created.value.id, version: updated.value.version, reason: 'Customer "changed" mind' })
      if (!cancelled.ok) throw new Error(cancelled.error.message)
    } finally {
      await core.shutdown()
    }
    const events = storedEvents()
    expect(events.map((e) => e.type)).toEqual(['OrderCreated', 'OrderUpdated', 'OrderCancelled'])
    const body = eventsBody(events)
    expect(body).toBe(JSON.stringify({ events: events.map(toWireEvent) }))
    // And it is what a receiver accepts as a request.
    expect(EventsRequest.safeParse(JSON.parse(body)).success).toBe(true)
  })

  it('one event, and ids that need escaping, still make valid JSON', () => {
    const e: OutboxEvent = { seq: 1, id: 'a"b\\c', aggregateId: 'o\n1', type: 'OrderCreated', payload: '{"x":[1,2,{"y":null}]}', createdAt: '2026-12-02T00:00:00.000Z', attempts: 0 }
    expect(JSON.parse(eventsBody([e]))).toEqual({ events: [toWireEvent(e)] })
  })
})
