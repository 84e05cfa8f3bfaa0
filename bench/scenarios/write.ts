/**
 * `write`: createOrder through the core's handler (validation, ids, the order
 * + outbox transaction) against raw better-sqlite3 inserting the same rows,
 * one transaction per order, same pragmas (WAL, synchronous=FULL), same schema.
 * The two run in alternating blocks so that disk and neighbour noise hits both.
 */
import { join } from 'node:path'
import { createCore } from '../../src-main/core/create-core'
import { applyPragmas, DB_FILE_NAME, migrate } from '../../src-main/core/db/open-database'
import { openSqlite } from '../../src-main/core/db/native-sqlite'
import { uuidv7 } from '../../src-main/core/ids'
import { ORDER_CREATED, type OrderPayload } from '../../src-main/core/orders/orders-repo'
import { validateOrder } from '../../src-main/core/orders/validate-order'
import { median, orderInput, percentile, quietLog, round, spread, tempDir } from '../lib/util'
import type { ScenarioOutcome } from '../lib/report'

export interface WriteOptions {
  orders?: number
  blocks?: number
  warmup?: number
  log?: (line: string) => void
}

interface RawRow {
  order: { id: string; customer: string; note: string | null; currency: string; items: string; totalMinor: number; createdAt: string }
  event: { id: string; aggregateId: string; type: string; payload: string; createdAt: string }
}

export async function runWrite(opts: WriteOptions = {}): Promise<ScenarioOutcome<'write'>> {
  const total = opts.orders ?? 10_000
  const blocks = Math.max(1, Math.min(opts.blocks ?? 10, total))
  const warmup = opts.warmup ?? 200
  const log = opts.log ?? (() => undefined)
  const dir = tempDir('outpost-bench-write-')
  const core = createCore({ dataDir: join(dir.path, 'core'), startRelay: false, log: quietLog })

  // The baseline: its own file, the app's pragmas and migrated schema.
  const db = openSqlite(join(dir.path, DB_FILE_NAME))
  applyPragmas(db)
  migrate(db)
  const insertOrder = db.prepare(
    `INSERT INTO orders (id, customer, note, currency, items, total_minor, created_at)
     VALUES (@id, @customer, @note, @currency, @items, @totalMinor, @createdAt)`,
  )
  const insertEvent = db.prepare(
    `INSERT INTO outbox (id, aggregate_id, type, payload, created_at, status, attempts)
     VALUES (?, ?, ?, ?, ?, 'pending', 0)`,
  )
  const rawTx = db.transaction((row: RawRow) => {
    insertOrder.run(row.order)
    insertEvent.run(row.event.id, row.event.aggregateId, row.event.type, row.event.payload, row.event.createdAt)
  })
  /** The same rows the app writes, built before the clock starts: the baseline times storage only. */
  const rawRows = (from: number, count: number): RawRow[] =>
    Array.from({ length: count }, (_, k) => {
      const v = validateOrder(orderInput(from + k), 'USD')
      const now = Date.now()
      const id = uuidv7(now)
      const createdAt = new Date(now).toISOString()
      const items = v.items.map(({ name, quantity, unitPriceMinor }) => ({ name, quantity, unitPriceMinor }))
      const payload: OrderPayload = { id, version: 1, customer: v.customer, note: v.note, currency: v.currency, items, totalMinor: v.totalMinor, createdAt }
      return {
        order: { id, customer: v.customer, note: v.note, currency: v.currency, items: JSON.stringify(items.map(({ name, quantity, unitPriceMinor }) => ({ name, quantityMilli: quantity * 1000, unitPriceMinor }))), totalMinor: v.totalMinor, createdAt },
        event: { id: uuidv7(now), aggregateId: id, type: ORDER_CREATED, payload: JSON.stringify(payload), createdAt },
      }
    })

  const nextTask = () => new Promise<void>((resolve) => setImmediate(resolve))
  const ours = async (from: number, count: number, latencies: number[] | null): Promise<number> => {
    const inputs = Array.from({ length: count }, (_, k) => orderInput(from + k))
    const started = performance.now()
    for (const input of inputs) {
      const t = performance.now()
      const r = await core.handlers.createOrder(input)
      if (latencies) latencies.push(performance.now() - t)
      if (!r.ok) throw new Error(`createOrder failed: ${r.error.message}`)
      // Each IPC call is its own task: let timers (the status throttle) run
      // between orders, as they do in the app. The baseline yields the same way.
      await nextTask()
    }
    return performance.now() - started
  }
  const baseline = async (from: number, count: number): Promise<number> => {
    const rows = rawRows(from, count)
    const started = performance.now()
    for (const row of rows) {
      rawTx.immediate(row)
      await nextTask()
    }
    return performance.now() - started
  }

  try {
    // Warm-up (JIT, page cache, WAL file creation): not counted.
    await ours(0, warmup, null)
    await baseline(0, warmup)

    const latencies: number[] = []
    let oursMs = 0
    let baseMs = 0
    const perBlock: { ours: number; baseline: number }[] = []
    const blockRatios: number[] = []
    let done = 0
    for (let b = 0; b < blocks; b++) {
      const count = Math.floor((total * (b + 1)) / blocks) - done
      const from = warmup + done
      // Alternate which side goes first.
      let o: number
      let r: number
      if (b % 2 === 0) {
        o = await ours(from, count, latencies)
        r = await baseline(from, count)
      } else {
        r = await baseline(from, count)
        o = await ours(from, count, latencies)
      }
      oursMs += o
      baseMs += r
      perBlock.push({ ours: round((count / o) * 1000), baseline: round((count / r) * 1000) })
      blockRatios.push(r / o)
      done += count
    }
    const orderCount = core.status().counts.pending
    if (orderCount !== total + warmup) throw new Error(`expected ${total + warmup} pending events, found ${orderCount}`)
    latencies.sort((a, b) => a - b)
    const ordersPerSec = (total / oursMs) * 1000
    const baselineOrdersPerSec = (total / baseMs) * 1000
    log(`write: ours ${round(ordersPerSec)}/s, baseline ${round(baselineOrdersPerSec)}/s`)
    return {
      values: {
        ordersPerSec: round(ordersPerSec),
        p50Us: round(percentile(latencies, 50) * 1000),
        p99Us: round(percentile(latencies, 99) * 1000),
        baselineOrdersPerSec: round(baselineOrdersPerSec),
        // The median of the interleaved blocks' own ratios: one block hit by a
        // slow fsync or a busy neighbour does not move it (the sums did).
        ratio: round(median(blockRatios), 3),
      },
      details: {
        orders: total,
        itemsPerOrder: 3,
        blocks,
        warmup,
        perBlockOrdersPerSec: perBlock,
        ratioOfSums: round(ordersPerSec / baselineOrdersPerSec, 3),
        spread: { ratio: spread(blockRatios) },
      },
    }
  } finally {
    await core.shutdown()
    db.close()
    dir.remove()
  }
}
