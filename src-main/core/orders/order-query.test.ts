import { spawn } from 'node:child_process'
import { createReadStream, createWriteStream } from 'node:fs'
import { join } from 'node:path'
import { PassThrough, Writable } from 'node:stream'
import { parse } from 'csv-parse'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { migrations } from '../db/migrations'
import { openDatabase } from '../db/open-database'
import type { SqliteDatabase } from '../db/native-sqlite'
import { OutboxRepo } from '../outbox/outbox-repo'
import { tempDir } from '../../testing/temp-dir'
import { openFindDatabase } from './find-test-db'
import { CSV_COLUMNS, EXPORT_CHUNK, ExportCancelled, exportCsv } from './order-export'
import { OrderQuery, toMatchQuery } from './order-query'
import { OrdersRepo } from './orders-repo'

let dir: ReturnType<typeof tempDir>
let db: SqliteDatabase
let orders: OrdersRepo
let outbox: OutboxRepo
let query: OrderQuery
beforeEach(() => {
  dir = tempDir()
  db = openFindDatabase(dir.path)
  outbox = new OutboxRepo(db)
  orders = new OrdersRepo(db, outbox)
  query = new OrderQuery(db)
})
afterEach(() => {
  if (db.open) db.close()
  dir.remove()
})

let clock = Date.parse('2026-11-30T08:00:00Z')
function create(customer: string, items: [string, number, number][], note: string | null = null, currency = 'EUR') {
  clock += 60_000
  const lineItems = items.map(([name, quantity, unitPriceMinor]) => ({ name, quantity, unitPriceMinor, lineTotalMinor: quantity * unitPriceMinor }))
  return orders.create(
    { customer, note, currency, items: lineItems, totalMinor: lineItems.reduce((s, i) => s + i.lineTotalMinor, 0) },
    new Date(clock),
  )
}
const ids = (q: string, f = {}) => query.pageIds({ q, ...f }, null, 50)

/** The index agrees with the table: one FTS row and one facet per order, and every order found by its own words only. */
function expectIndexMatchesTable(d: SqliteDatabase) {
  const rows = d.prepare('SELECT o.id, o.customer, o.state, f.doc, f.cancelled FROM orders o JOIN order_facets f ON f.order_id = o.id').all() as {
    id: string
    customer: string
    state: string
    doc: number
    cancelled: number
  }[]
  expect(rows.length).toBe(d.prepare('SELECT count(*) FROM orders').pluck().get())
  expect(d.prepare('SELECT count(*) FROM orders_fts').pluck().get()).toBe(rows.length)
  expect(d.prepare("SELECT n FROM order_counters WHERE key = 'all'").pluck().get()).toBe(rows.length)
  expect(d.prepare("SELECT n FROM order_counters WHERE key = 'cancelled'").pluck().get()).toBe(rows.filter((r) => r.state === 'cancelled').length)
  const hit = d.prepare('SELECT count(*) FROM orders_fts WHERE orders_fts MATCH ? AND rowid = ?').pluck()
  for (const r of rows) {
    expect(r.cancelled).toBe(r.state === 'cancelled' ? 1 : 0)
    expect(hit.get(`customer: ${toMatchQuery(r.customer)}`, r.doc)).toBe(1)
  }
}

describe('search', () => {
  it('is case- and accent-insensitive, by prefix, across customer, item names and note', () => {
    const cafe = create('Café Lumière', [['Croissant', 2, 150]]).summary.id
    const tea = create('Zoë', [['Jasmine Tea', 1, 300]], 'deliver to the back door').summary.id
    expect(ids('cafe')).toEqual([cafe])
    expect(ids('CAF')).toEqual([cafe])
    expect(ids('lumiere')).toEqual([cafe])
    expect(ids('zoe')).toEqual([tea])
    expect(ids('jasm')).toEqual([tea])
    expect(ids('back door')).toEqual([tea])
    expect(ids('croissant cafe')).toEqual([cafe])
    expect(ids('croissant zoe')).toEqual([])
  })

  it('finds Traditional Chinese by any part of it, one character or more, in order', () => {
    const wang = create('王小明', [['珍珠奶茶', 2, 6000]], '', 'TWD').summary.id
    const chen = create('陳大文', [['紅茶', 1, 3000]], '送到後門', 'TWD').summary.id
    const mixed = create('林美玲 Bakery', [['Oat 拿鐵', 1, 3000]], null, 'TWD').summary.id
    expect(ids('王小')).toEqual([wang])
    expect(ids('王')).toEqual([wang])
    expect(ids('珍珠')).toEqual([wang])
    expect(ids('小明')).toEqual([wang])
    expect(ids('明')).toEqual([wang])
    expect(ids('奶茶')).toEqual([wang])
    expect(ids('茶')).toEqual([chen, wang])
    expect(ids('後門')).toEqual([chen])
    expect(ids('鐵')).toEqual([mixed])
    expect(ids('美玲 bak')).toEqual([mixed])
    // In order and adjacent: the characters of the name, not anywhere in it.
    expect(ids('明小')).toEqual([])
    expect(ids('王明')).toEqual([])
    expect(ids('小明 陳')).toEqual([])
    expectIndexMatchesTable(db)
  })

  it('an index from before migration 007 is rebuilt: old Chinese orders are found by any part too', () => {
    db.close()
    const old = tempDir()
    try {
      const d5 = openDatabase(old.path, { migrations: migrations.slice(0, 6) })
      new OrdersRepo(d5, new OutboxRepo(d5)).create(
        { customer: '張志強', note: null, currency: 'TWD', items: [{ name: '珍珠奶茶', quantity: 1, unitPriceMinor: 6000, lineTotalMinor: 6000 }], totalMinor: 6000 },
        new Date(),
      )
      const before = d5.prepare('SELECT count(*) FROM orders_fts WHERE orders_fts MATCH ?').pluck()
      expect(before.get('"志強"*')).toBe(0)
      d5.close()
      db = openFindDatabase(old.path)
      query = new OrderQuery(db)
      expect(query.pageIds({ q: '志強' }, null, 10)).toHaveLength(1)
      expect(query.pageIds({ q: '奶' }, null, 10)).toHaveLength(1)
      expectIndexMatchesTable(db)
      db.close()
    } finally {
      old.remove()
    }
  })

  it('treats FTS syntax in the input as text, never as a query error', () => {
    create('A "quoted" NEAR(b) customer*', [['x', 1, 1]])
    for (const q of ['"', 'NEAR(', 'a AND', '*', '-x', 'col:val', ')(', "o'brien"]) expect(() => ids(q)).not.toThrow()
    expect(ids('quoted')).toHaveLength(1)
  })

  it('stays in step with edits, cancels and deletes made directly on the table', () => {
    const a = create('Alpha', [['Bread', 1, 100]]).summary.id
    db.prepare(`UPDATE orders SET customer = 'Omega', items = json('[{"name":"Cheese","quantity":1,"unitPriceMinor":5}]') WHERE id = ?`).run(a)
    expect(ids('alpha')).toEqual([])
    expect(ids('bread')).toEqual([])
    expect(ids('omega')).toEqual([a])
    expect(ids('chee')).toEqual([a])
    db.prepare(`UPDATE orders SET state = 'cancelled' WHERE id = ?`).run(a)
    expect(query.pageIds({ cancelled: 'cancelled' }, null, 10)).toEqual([a])
    expect(query.pageIds({ cancelled: 'open' }, null, 10)).toEqual([])
    expectIndexMatchesTable(db)
  })
})

describe('filters, pages and counts', () => {
  it('filters by sync state as the outbox changes, with counters that follow', () => {
    const a = create('A', [['x', 1, 1]])
    const b = create('B', [['x', 1, 1]])
    const c = create('C', [['x', 1, 1]])
    expect(query.count({ sync: 'waiting' })).toEqual({ n: 3, capped: false })
    outbox.applyOutcomes([
      { id: a.eventId, kind: 'sent', httpStatus: 200, outcome: 'accepted', reply: null },
      { id: b.eventId, kind: 'dead', httpStatus: 422, error: 'Unknown product', reply: null },
    ])
    expect(query.pageIds({ sync: 'sent' }, null, 10)).toEqual([a.summary.id])
    expect(query.pageIds({ sync: 'attention' }, null, 10)).toEqual([b.summary.id])
    expect(query.pageIds({ sync: 'waiting' }, null, 10)).toEqual([c.summary.id])
    outbox.discardDead(b.eventId)
    expect(query.pageIds({ sync: 'discarded' }, null, 10)).toEqual([b.summary.id])
    expect(query.count({ sync: 'attention' }).n).toBe(0)
    expect(query.count({ sync: 'discarded' }).n).toBe(1)
    outbox.pruneSent(new Date(Date.now() + 86_400_000))
    expect(query.pageIds({ sync: 'sent' }, null, 10)).toEqual([a.summary.id])
    const sum = ['waiting', 'sent', 'attention', 'discarded'].map((s) => db.prepare('SELECT n FROM order_counters WHERE key = ?').pluck().get(`sync:${s}`) as number)
    expect(sum.reduce((x, y) => x + y)).toBe(3)
  })

  it('pages by keyset without gaps or repeats, with filters and search combined', () => {
    const made: string[] = []
    for (let i = 0; i < 57; i++) made.push(create(i % 2 ? 'Even Shop' : 'Odd Shop', [['x', 1, 1]]).summary.id)
    const all: string[] = []
    let after: { createdAt: string; id: string } | null = null
    for (;;) {
      const page = query.pageRows({ q: 'odd' }, after, 10)
      if (page.length === 0) break
      all.push(...page.map((r) => r.id))
      const last = page.at(-1)!
      after = { createdAt: last.created_at, id: last.id }
    }
    expect(all).toEqual(made.filter((_, i) => i % 2 === 0).reverse())
    expect(query.count({ q: 'odd' })).toEqual({ n: 29, capped: false })
    expect(query.count({}).n).toBe(57)
    // From the middle of these orders (the shared test clock has moved on by earlier tests).
    const from = db.prepare('SELECT created_at FROM orders WHERE id = ?').pluck().get(made[28]) as string
    expect(query.count({ q: 'shop', from }).n).toBeLessThan(57)
  })

  it('sums a day per currency in integer minor units, without cancelled orders', () => {
    clock = Date.parse('2026-12-01T09:00:00Z')
    create('A', [['x', 3, 333]], null, 'EUR')
    create('B', [['x', 1, 1]], null, 'EUR')
    create('C', [['x', 2, 500]], null, 'TWD')
    const gone = create('D', [['x', 1, 999]], null, 'EUR').summary.id
    db.prepare(`UPDATE orders SET state = 'cancelled' WHERE id = ?`).run(gone)
    const s = query.summary('2026-12-01T00:00:00.000Z', '2026-12-02T00:00:00.000Z')
    expect(s.count).toBe(3)
    expect(s.waiting).toBe(3)
    expect(s.totals).toEqual([
      { currency: 'EUR', totalMinor: 1000, count: 2 },
      { currency: 'TWD', totalMinor: 1000, count: 1 },
    ])
    expect(query.summary('2026-12-02T00:00:00.000Z', '2026-12-03T00:00:00.000Z').count).toBe(0)
  })
})

describe('suggestions', () => {
  it('suggests previous customers and items with their last price, by prefix, case-insensitively', () => {
    create('Café Lumière', [['Croissant', 1, 150]])
    create('Carl', [['Croissant', 1, 175], ['Coffee', 1, 300]])
    expect(query.customers('ca').sort()).toEqual(['Café Lumière', 'Carl'])
    expect(query.customers('CARL')).toEqual(['Carl'])
    expect(query.items('cro')).toEqual([{ name: 'Croissant', unitPriceMinor: 175, currency: 'EUR' }])
    expect(query.items('')).toEqual([])
  })

  it('reads an index range, never the table', () => {
    const plan = db.prepare("EXPLAIN QUERY PLAN SELECT name FROM customer_names WHERE name >= 'a' AND name < 'a' || char(1114111)").all() as { detail: string }[]
    expect(plan.map((p) => p.detail).join(' ')).toMatch(/SEARCH customer_names USING (COVERING )?INDEX/)
  })
})

describe('CSV export', () => {
  it('round-trips through a CSV parser: one row per line item, equal to the database', async () => {
    create('Café "Lumière", Paris', [['Croissant', 2, 150], ['Thé\nvert', 1, 420]], 'line1\r\nline2')
    create('王小明', [['珍珠奶茶', 3, 6000]], null, 'TWD')
    const file = join(dir.path, 'out.csv')
    const out = createWriteStream(file)
    const done = await exportCsv(db, {}, out, () => undefined)
    await new Promise<void>((r) => out.end(r))
    expect(done).toEqual({ orders: 2, rows: 3 })
    const records: string[][] = []
    for await (const rec of createReadStream(file).pipe(parse({ bom: true }))) records.push(rec as string[])
    expect(records[0]).toEqual([...CSV_COLUMNS])
    const dbRows = db
      .prepare(`SELECT o.id, o.created_at, o.customer, o.currency, j.value ->> '$.name' AS name, coalesce(j.value ->> '$.quantityMilli' / 1000.0, j.value ->> '$.quantity') AS q,
                  j.value ->> '$.unitPriceMinor' AS p, o.total_minor AS t, o.note FROM orders o, json_each(o.items) j
                ORDER BY o.created_at DESC, o.id DESC, j.key`)
      .all() as { id: string; created_at: string; customer: string; currency: string; name: string; q: number; p: number; t: number; note: string | null }[]
    const digits = (_c: string) => 100 // EUR and TWD both have 2 ISO digits
    expect(records.slice(1)).toEqual(
      dbRows.map((r) => [
        r.id, r.created_at, r.customer, r.currency, r.name, String(r.q),
        (r.p / digits(r.currency)).toFixed(2), ((r.q * r.p) / digits(r.currency)).toFixed(2), (r.t / digits(r.currency)).toFixed(2),
        'open', 'waiting', r.note ?? '',
      ]),
    )
    const bytes = (await import('node:fs')).readFileSync(file)
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf])
  })

  it('stops when cancelled', async () => {
    db.transaction(() => {
      for (let i = 0; i < EXPORT_CHUNK + 100; i++) create(`C${i}`, [['x', 1, 1]])
    })()
    const ac = new AbortController()
    const sink = new PassThrough()
    sink.resume()
    const seen: number[] = []
    await expect(
      exportCsv(db, {}, sink, (p) => {
        seen.push(p.orders)
        ac.abort()
      }, ac.signal),
    ).rejects.toBeInstanceOf(ExportCancelled)
    expect(seen).toEqual([EXPORT_CHUNK])
  })
})

describe('CSV export to a failing or slow writable', () => {
  it('rejects with the write error (a full disk), not as a cancel', async () => {
    db.transaction(() => {
      for (let i = 0; i < EXPORT_CHUNK * 20; i++) create(`C${i}`, [['x', 1, 1]])
    })()
    const full = new Writable({
      highWaterMark: 1024,
      write(_chunk, _enc, cb) {
        setTimeout(() => cb(Object.assign(new Error('ENOSPC: no space left on device'), { code: 'ENOSPC' })), 1)
      },
    })
    await expect(exportCsv(db, {}, full)).rejects.toMatchObject({ code: 'ENOSPC' })
  })

  it('gives the event loop a turn even when the writable never pushes back', async () => {
    db.transaction(() => {
      for (let i = 0; i < EXPORT_CHUNK * 50; i++) create(`C${i}`, [['x', 1, 1]])
    })()
    const sink = new Writable({ highWaterMark: 1 << 30, write: (_c, _e, cb) => cb() })
    let ticks = 0
    const timer = setInterval(() => ticks++, 1)
    const ac = new AbortController()
    // Cancel from a timer, as a click would: only possible if the export yields.
    setTimeout(() => ac.abort(), 20)
    await expect(exportCsv(db, {}, sink, undefined, ac.signal)).rejects.toBeInstanceOf(ExportCancelled)
    clearInterval(timer)
    expect(ticks).toBeGreaterThan(0)
  })

  it('waits for a slow reader: what it holds unwritten stays bounded', async () => {
    db.transaction(() => {
      for (let i = 0; i < EXPORT_CHUNK * 30; i++) create(`Customer ${i}`, [['Croissant', 1, 150], ['Tea', 2, 300]])
    })()
    let maxHeld = 0
    let bytes = 0
    const slow = new Writable({
      highWaterMark: 16 * 1024,
      write(chunk: Buffer, _enc, cb) {
        bytes += chunk.length
        setImmediate(cb)
      },
    })
    const done = await exportCsv(db, {}, slow, () => (maxHeld = Math.max(maxHeld, slow.writableLength)))
    expect(done.rows).toBe(EXPORT_CHUNK * 60)
    expect(bytes).toBeGreaterThan(EXPORT_CHUNK * 60 * 50)
    // One chunk of text beyond the 256 KiB the export lets wait, never the whole file.
    expect(maxHeld).toBeLessThan(512 * 1024)
    expect(maxHeld).toBeLessThan(bytes / 4)
  })
})

describe('the index after a kill -9 in the middle of a batch', () => {
  it('equals the orders table', async () => {
    db.close()
    const child = spawn(process.execPath, ['--import', 'tsx', join(__dirname, 'find-child.ts'), dir.path], { stdio: ['ignore', 'pipe', 'pipe'] })
    let err = ''
    child.stderr.on('data', (d: Buffer) => (err += d.toString()))
    await new Promise<void>((resolve, reject) => {
      let seen = 0
      child.stdout.on('data', (d: Buffer) => {
        seen += (d.toString().match(/batch/g) ?? []).length
        // Kill a few milliseconds into the next batch, inside its transaction.
        if (seen >= 3) setTimeout(() => child.kill('SIGKILL'), 7)
      })
      child.on('exit', (code, signal) => (signal === 'SIGKILL' ? resolve() : reject(new Error(`child exited ${code}: ${err}`))))
    })
    db = openFindDatabase(dir.path)
    const n = db.prepare('SELECT count(*) FROM orders').pluck().get() as number
    expect(n % 200).toBe(0)
    expect(n).toBeGreaterThanOrEqual(600)
    expectIndexMatchesTable(db)
    expect(db.prepare("SELECT count(*) FROM orders WHERE customer LIKE 'Edited %'").pluck().get()).toBe(n / 5)
    expect(new OrderQuery(db).count({ q: 'edited' })).toEqual({ n: Math.min(n / 5, 10_000), capped: false })
  }, 60_000)
})
