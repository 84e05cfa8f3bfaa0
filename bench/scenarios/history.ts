/**
 * `history`: a shop's long history. Seeds 1,000,000 orders over 3 years
 * (95% sent, a few thousand waiting at the newest end, a few dead), also
 * 10,000 and 100,000 so growth is visible, and measures medians of:
 *
 * - openMs: open the database and compute the first sync status;
 * - statusMs: one status computation;
 * - pageMs: list pages (first, middle, last; no filter, sync filters, a date
 *   range), as the listOrders handler builds them (ids, summaries, count);
 * - searchMs: a customer-prefix search page with its count;
 * - todayMs: the day summary;
 * - exportRowsPerSec / exportMemoryMb: a full CSV export to a file, and the
 *   RSS growth while it runs.
 *
 * Seeding writes the rows with prepared statements in one transaction on a
 * schema at version 4, then lets migration 005 build its index in bulk, as an
 * upgrade of an existing shop would. Outbox rows exist only for the last 30
 * days: older confirmed events are pruned by the app's retention.
 *
 * For profiling (the 1M seed takes minutes on a busy machine):
 * - OUTPOST_BENCH_HISTORY_CACHE=/tmp/outpost-history seeds each size once into
 *   that folder (`<size>/outpost.db` and the seed's clock in `<size>/now`) and
 *   reuses it on later runs; it is never removed. The export writes beside it.
 * - OUTPOST_BENCH_HISTORY_ONLY=export measures only the export (with the
 *   cache: `OUTPOST_BENCH_HISTORY_SIZES=1000000 OUTPOST_BENCH_HISTORY_ONLY=export
 *   OUTPOST_BENCH_HISTORY_CACHE=/tmp/outpost-history node --cpu-prof --import tsx bench/run.ts history`).
 */
import { createWriteStream, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { SqliteDatabase } from '../../src-main/core/db/native-sqlite'
import { migrate } from '../../src-main/core/db/open-database'
import { findMigrations, openFindDatabase } from '../../src-main/core/orders/find-test-db'
import { itemsSummary } from '../../src-main/core/orders/items-summary'
import { exportCsv } from '../../src-main/core/orders/order-export'
import { OrderQuery, type OrderFilter } from '../../src-main/core/orders/order-query'
import { OrdersRepo } from '../../src-main/core/orders/orders-repo'
import { OutboxRepo } from '../../src-main/core/outbox/outbox-repo'
import type { RelaySnapshot } from '../../src-main/core/sync/relay'
import { computeStatus } from '../../src-main/core/sync/status-model'
import { openDatabase } from '../../src-main/core/db/open-database'
import type { ScenarioOutcome } from '../lib/report'
import { median, round, tempDir } from '../lib/util'

export interface HistoryOptions {
  sizes?: readonly number[]
  log?: (line: string) => void
}

const DAY = 86_400_000
const FIRST = ['Maria', 'Chen', 'Ahmed', 'Zoë', 'Lucas', 'Aiko', 'Noah', 'Fatima', 'Pierre', 'Olga', 'Ravi', 'Sofia', 'Mateo', 'Yuki', 'Emma', 'Omar']
const LAST = ['Dupont', 'Müller', 'García', 'Rossi', 'Nowak', 'Silva', 'Kowalski', 'Smith', 'Café', 'Bakery', 'Market', 'Kiosk']
const CJK = ['王小明', '陳大文', '林美玲', '張志強', '李家豪']
const ITEMS = ['Espresso beans 1 kg', 'Oat milk', 'Paper cups (100)', 'Croissant', 'Jasmine tea', '珍珠奶茶', 'Baguette', 'Olive oil 1 l', 'Crème brûlée', 'Sugar 1 kg']

const idle: RelaySnapshot = {
  api: 'reachable',
  osOnline: null,
  authPaused: false,
  draining: false,
  sending: 0,
  progress: null,
  lastError: null,
  nextRetryAt: null,
  probing: false,
}
const config = { apiUrl: 'http://127.0.0.1:1', token: null, paused: false }

function seed(dir: string, n: number, now: number): number {
  const t = performance.now()
  const db = openDatabase(dir, { migrations: findMigrations.slice(0, 4) })
  db.pragma('synchronous = OFF')
  const insOrder = db.prepare('INSERT INTO orders (id, customer, note, currency, items, total_minor, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)')
  const insEvent = db.prepare(
    `INSERT INTO outbox (id, aggregate_id, type, payload, created_at, status, attempts, sent_at, last_error)
     VALUES (?, ?, 'OrderCreated', '{}', ?, ?, 1, ?, ?)`,
  )
  const span = 3 * 365 * DAY
  const start = now - span
  const waiting = Math.min(3000, Math.round(n * 0.01))
  const recent = now - 30 * DAY
  db.transaction(() => {
    for (let i = 0; i < n; i++) {
      const at = start + Math.floor((i * span) / n)
      const iso = new Date(at).toISOString()
      const id = `${at.toString(16).padStart(12, '0')}-${i.toString(16).padStart(8, '0')}`
      const customer = i % 17 === 0 ? `${CJK[i % CJK.length]}` : `${FIRST[i % FIRST.length]} ${LAST[(i >> 4) % LAST.length]} ${i % 997}`
      const k = 1 + (i % 3)
      const items = []
      let total = 0
      for (let j = 0; j < k; j++) {
        const price = 150 + ((i + j) % 40) * 25
        const q = 1 + ((i + j) % 4)
        items.push({ name: ITEMS[(i + j * 3) % ITEMS.length], quantity: q, unitPriceMinor: price })
        total += q * price
      }
      const currency = i % 10 === 0 ? 'TWD' : 'EUR'
      insOrder.run(id, customer, i % 9 === 0 ? 'Deliver to the back door' : null, currency, JSON.stringify(items), total, iso)
      if (i >= n - waiting) insEvent.run(`e-${id}`, id, iso, 'pending', null, null)
      else if (i % Math.max(1, Math.floor(n / 20)) === 7) insEvent.run(`e-${id}`, id, iso, 'dead', null, 'Unknown product')
      else if (at >= recent) insEvent.run(`e-${id}`, id, iso, 'sent', new Date(at + 1000).toISOString(), null)
    }
  }).immediate()
  // The upgrade to 005 builds facets, text index, counters and names in bulk.
  migrate(db, findMigrations)
  db.pragma('synchronous = FULL')
  db.exec('ANALYZE')
  db.close()
  return performance.now() - t
}

function timeIt(fn: () => unknown): number {
  const t = performance.now()
  fn()
  return performance.now() - t
}

function medianOf(times: number, fn: () => unknown): number {
  fn() // warm the statement cache
  const xs: number[] = []
  for (let i = 0; i < times; i++) xs.push(timeIt(fn))
  return median(xs)
}

/** What the listOrders handler does for one page. */
function page(db: SqliteDatabase, query: OrderQuery, orders: OrdersRepo, filter: OrderFilter, after: { createdAt: string; id: string } | null): number {
  const ids = query.pageIds(filter, after, 100)
  const rows = orders.summaries(ids)
  const parts = query.itemsOf(ids)
  for (const r of rows) itemsSummary(parts.get(r.id) ?? [])
  void db
  return query.count(filter).n + rows.length
}

/** A seeded folder: fresh (removed afterwards), or reused from OUTPOST_BENCH_HISTORY_CACHE with the clock it was seeded at. */
function seeded(n: number, now: number): { path: string; now: number; seedMs: number | null; remove: () => void } {
  const cache = process.env.OUTPOST_BENCH_HISTORY_CACHE
  if (!cache) {
    const dir = tempDir(`outpost-bench-history-${n}-`)
    try {
      return { path: dir.path, now, seedMs: seed(dir.path, n, now), remove: dir.remove }
    } catch (err) {
      dir.remove()
      throw err
    }
  }
  const path = join(cache, String(n))
  const nowFile = join(path, 'now')
  if (existsSync(nowFile)) return { path, now: Number(readFileSync(nowFile, 'utf8')), seedMs: null, remove: () => undefined }
  rmSync(path, { recursive: true, force: true })
  mkdirSync(path, { recursive: true })
  const seedMs = seed(path, n, now)
  // Written last: a seed cut short is redone on the next run.
  writeFileSync(nowFile, String(now))
  return { path, now, seedMs, remove: () => undefined }
}

/** A full export to a file, with its speed and the RSS growth (high-water mark against the level before it). */
async function measureExport(db: SqliteDatabase, dir: string): Promise<{ exportRowsPerSec: number; exportMemoryMb: number; rows: number }> {
  const file = join(dir, 'export.csv')
  try {
    const rssBefore = process.memoryUsage().rss
    let peak = rssBefore
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20)
    const out = createWriteStream(file)
    const t = performance.now()
    const done = await exportCsv(db, {}, out)
    await new Promise<void>((r) => out.end(r))
    const exportS = (performance.now() - t) / 1000
    clearInterval(sampler)
    peak = Math.max(peak, process.memoryUsage().rss)
    return {
      exportRowsPerSec: Math.round(done.rows / exportS),
      exportMemoryMb: round((peak - rssBefore) / (1024 * 1024), 1),
      rows: done.rows,
    }
  } finally {
    rmSync(file, { force: true })
  }
}

async function measure(n: number, log: (l: string) => void, runNow: number): Promise<Record<string, number>> {
  const dir = seeded(n, runNow)
  const now = dir.now
  try {
    const seedMs = dir.seedMs
    if (seedMs === null) log(`${n.toLocaleString('en-US')} orders reused from ${dir.path}`)
    else log(`${n.toLocaleString('en-US')} orders seeded in ${round(seedMs / 1000, 1)} s`)
    if (process.env.OUTPOST_BENCH_HISTORY_ONLY === 'export') {
      const db = openFindDatabase(dir.path)
      try {
        const e = await measureExport(db, dir.path)
        log(`${n.toLocaleString('en-US')}: export ${e.exportRowsPerSec.toLocaleString('en-US')} rows/s (${e.rows.toLocaleString('en-US')} rows), +${e.exportMemoryMb} MB`)
        return { exportRowsPerSec: e.exportRowsPerSec, exportMemoryMb: e.exportMemoryMb }
      } finally {
        db.close()
      }
    }
    const opens: number[] = []
    for (let i = 0; i < 5; i++) {
      const t = performance.now()
      const d = openFindDatabase(dir.path)
      computeStatus(new OutboxRepo(d), idle, config, new Date(now))
      opens.push(performance.now() - t)
      d.close()
    }
    const db = openFindDatabase(dir.path)
    const outbox = new OutboxRepo(db)
    const orders = new OrdersRepo(db, outbox)
    const query = new OrderQuery(db)
    const statusMs = medianOf(50, () => computeStatus(outbox, idle, config, new Date(now)))

    const cursorAt = (pos: number) => {
      const r = db.prepare('SELECT created_at, order_id FROM order_facets ORDER BY created_at DESC, order_id DESC LIMIT 1 OFFSET ?').get(pos) as
        | { created_at: string; order_id: string }
        | undefined
      return r ? { createdAt: r.created_at, id: r.order_id } : null
    }
    const positions = [null, cursorAt(Math.floor(n / 2)), cursorAt(Math.max(0, n - 101))]
    const month = { from: new Date(now - 400 * DAY).toISOString(), to: new Date(now - 370 * DAY).toISOString() }
    const filters: OrderFilter[] = [{}, { sync: 'waiting' }, { sync: 'sent' }, { sync: 'attention' }, { cancelled: 'open' }, month, { ...month, sync: 'sent' }]
    const pageTimes: number[] = []
    for (const f of filters) for (const p of positions) pageTimes.push(medianOf(7, () => page(db, query, orders, f, p)))
    const pageMs = median(pageTimes)
    const pageMaxMs = Math.max(...pageTimes)

    const searches = ['mar', 'zoe', 'chen dup', '王小', 'cafe']
    const searchTimes = searches.map((q) => medianOf(7, () => page(db, query, orders, { q }, null)))
    const searchMs = median(searchTimes)

    const dayStart = new Date(now)
    dayStart.setHours(0, 0, 0, 0)
    const todayMs = medianOf(20, () => query.summary(dayStart.toISOString(), new Date(dayStart.getTime() + DAY).toISOString()))

    const done = await measureExport(db, dir.path)
    db.close()
    const values = {
      openMs: round(median(opens), 2),
      statusMs: round(statusMs, 3),
      pageMs: round(pageMs, 3),
      searchMs: round(searchMs, 2),
      todayMs: round(todayMs, 3),
      exportRowsPerSec: done.exportRowsPerSec,
      exportMemoryMb: done.exportMemoryMb,
    }
    log(
      `${n.toLocaleString('en-US')}: open ${values.openMs} ms, status ${values.statusMs} ms, page ${values.pageMs} ms (max ${round(pageMaxMs, 2)}), ` +
        `search ${values.searchMs} ms (max ${round(Math.max(...searchTimes), 2)}), today ${values.todayMs} ms, ` +
        `export ${values.exportRowsPerSec.toLocaleString('en-US')} rows/s (${done.rows.toLocaleString('en-US')} rows), +${values.exportMemoryMb} MB`,
    )
    return { ...values, ...(seedMs === null ? {} : { seedS: round(seedMs / 1000, 1) }), pageMaxMs: round(pageMaxMs, 2), searchMaxMs: round(Math.max(...searchTimes), 2) }
  } finally {
    dir.remove()
  }
}

export async function runHistory(opts: HistoryOptions = {}): Promise<ScenarioOutcome<'history'>> {
  const sizes = opts.sizes ?? (process.env.OUTPOST_BENCH_HISTORY_SIZES ?? '10000,100000,1000000').split(',').map(Number)
  const log = opts.log ?? (() => undefined)
  const now = Date.now()
  const bySize: Record<string, Record<string, number>> = {}
  for (const n of sizes) bySize[String(n)] = await measure(n, log, now)
  const largest = bySize[String(Math.max(...sizes))] ?? {}
  const at = (n: number, k: string) => bySize[String(n)]?.[k] ?? null
  return {
    values: {
      openMs: largest.openMs ?? null,
      statusMs: largest.statusMs ?? null,
      pageMs: largest.pageMs ?? null,
      searchMs: largest.searchMs ?? null,
      todayMs: largest.todayMs ?? null,
      exportRowsPerSec: largest.exportRowsPerSec ?? null,
      exportMemoryMb: largest.exportMemoryMb ?? null,
      pageMs10k: at(10_000, 'pageMs'),
      pageMs100k: at(100_000, 'pageMs'),
      searchMs10k: at(10_000, 'searchMs'),
      searchMs100k: at(100_000, 'searchMs'),
      openMs10k: at(10_000, 'openMs'),
      openMs100k: at(100_000, 'openMs'),
    },
    details: { sizes: bySize },
  }
}
