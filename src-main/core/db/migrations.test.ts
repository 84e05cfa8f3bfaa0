import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { tempDir } from '../../testing/temp-dir'
import { DB_FILE_NAME, LATEST_VERSION, migrate, openDatabase, schemaVersion } from './open-database'
import { migrations } from './migrations'
import { openSqlite, type SqliteDatabase } from './native-sqlite'
import { peekUserVersion } from './peek-user-version'

let dir: ReturnType<typeof tempDir>
beforeEach(() => {
  dir = tempDir()
})
afterEach(() => dir.remove())

function columns(db: SqliteDatabase, table: string): string[] {
  return (db.prepare(`SELECT name FROM pragma_table_info(?)`).all(table) as { name: string }[]).map((c) => c.name)
}
function tables(db: SqliteDatabase): string[] {
  return (db.prepare(`SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name`).all() as { name: string }[]).map(
    (t) => t.name,
  )
}

/**
 * `<dir>/outpost.db` at `version`, with that change still in a pending WAL (and
 * its -shm): written by one connection, copied while it is open, so no
 * checkpoint ever ran on the copy, as after a crash.
 */
function withPendingWal(version: number): string {
  const scratch = join(dir.path, 'writer')
  mkdirSync(scratch, { recursive: true })
  const writer = openSqlite(join(scratch, DB_FILE_NAME))
  writer.pragma('journal_mode = WAL')
  writer.pragma('wal_autocheckpoint = 0')
  writer.exec('CREATE TABLE future (x INTEGER); INSERT INTO future VALUES (1)')
  writer.pragma(`user_version = ${version}`)
  const file = join(dir.path, DB_FILE_NAME)
  for (const suffix of ['', '-wal', '-shm']) copyFileSync(join(scratch, DB_FILE_NAME) + suffix, file + suffix)
  writer.close()
  return file
}

/** Opens a raw file with only the first `n` migrations applied. */
function databaseAt(n: number): SqliteDatabase {
  const db = openDatabase(dir.path, { migrations: migrations.slice(0, n) })
  expect(schemaVersion(db)).toBe(n)
  return db
}

describe('opening the database', () => {
  it('creates <dataDir>/outpost.db with WAL, synchronous=FULL, foreign keys, a busy timeout and an 8 MB cache', () => {
    const db = openDatabase(dir.path)
    expect(db.name).toBe(join(dir.path, DB_FILE_NAME))
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal')
    expect(db.pragma('synchronous', { simple: true })).toBe(2) // FULL
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1)
    expect(db.pragma('busy_timeout', { simple: true })).toBe(5000)
    expect(db.pragma('cache_size', { simple: true })).toBe(-8000)
    expect(schemaVersion(db)).toBe(LATEST_VERSION)
    db.close()
  })

  it('is idempotent: reopening an up-to-date file changes nothing', () => {
    openDatabase(dir.path).close()
    const db = openDatabase(dir.path)
    expect(schemaVersion(db)).toBe(LATEST_VERSION)
    db.close()
  })

  it('refuses a database written by a newer app, and leaves the file byte-for-byte unchanged', () => {
    const file = join(dir.path, DB_FILE_NAME)
    const raw = openSqlite(file)
    raw.exec('CREATE TABLE future (x INTEGER)')
    raw.pragma(`user_version = ${LATEST_VERSION + 5}`)
    raw.close()
    const before = readFileSync(file)
    expect(() => openDatabase(dir.path)).toThrowError(/newer version of Outpost/)
    try {
      openDatabase(dir.path)
    } catch (err) {
      expect((err as { code: string }).code).toBe('database_newer')
    }
    expect(readFileSync(file).equals(before)).toBe(true)
  })

  it('refuses a newer database with a pending WAL, leaving the db, -wal and -shm bytes unchanged (issue 9 bug 6)', () => {
    const file = withPendingWal(LATEST_VERSION + 96)
    const snapshot = () => ['', '-wal', '-shm'].map((s) => (existsSync(file + s) ? readFileSync(file + s).toString('base64') : 'missing'))
    const before = snapshot()
    expect(before.every((b) => b !== 'missing')).toBe(true)
    expect(() => openDatabase(dir.path)).toThrowError(new RegExp(`newer version of Outpost \\(schema ${LATEST_VERSION + 96}`))
    expect(snapshot()).toEqual(before)
  })

  it('reads the version from the bytes as SQLite does: the main file, or the newest commit in the WAL', () => {
    const file = join(dir.path, DB_FILE_NAME)
    expect(peekUserVersion(file)).toBe(0)
    writeFileSync(file, 'not a database, just text that is long enough to fill a header '.repeat(3))
    expect(peekUserVersion(file)).toBeNull()
    rmSync(file)
    const plain = openSqlite(file)
    plain.pragma('user_version = 7')
    plain.close()
    expect(peekUserVersion(file)).toBe(7)
    rmSync(file)
    withPendingWal(42)
    expect(peekUserVersion(file)).toBe(42)
    const check = openSqlite(file)
    expect(schemaVersion(check)).toBe(42)
    check.close()
  })

  it('applies all pending migrations in one transaction: a failing step leaves the old version intact', () => {
    databaseAt(1).close()
    const broken = [...migrations.slice(0, 2), { version: 3, name: 'broken', up: 'CREATE TABLE ok_table (x); SELECT no_such_function();' }]
    expect(() => openDatabase(dir.path, { migrations: broken })).toThrow()
    const db = openSqlite(join(dir.path, DB_FILE_NAME))
    expect(schemaVersion(db)).toBe(1)
    expect(tables(db)).not.toContain('settings') // migration 2 rolled back with 3
    expect(tables(db)).not.toContain('ok_table')
    db.close()
  })

  it('a migration may be a function (a data backfill), run in the same transaction as the SQL ones', () => {
    databaseAt(3).close()
    const seed = openSqlite(join(dir.path, DB_FILE_NAME))
    seed.prepare(`INSERT INTO orders VALUES ('o1', ' Bo ', NULL, 'USD', '[]', 0, '2026-01-01T00:00:00.000Z')`).run()
    seed.close()
    const backfill = {
      version: 4,
      name: 'trim customers',
      up: (db: SqliteDatabase) => {
        for (const row of db.prepare('SELECT id, customer FROM orders').all() as { id: string; customer: string }[]) {
          db.prepare('UPDATE orders SET customer = ? WHERE id = ?').run(row.customer.trim(), row.id)
        }
      },
    }
    const failing = { version: 5, name: 'fails', up: () => {
      throw new Error('backfill failed')
    } }
    expect(() => openDatabase(dir.path, { migrations: [...migrations.slice(0, 3), backfill, failing] })).toThrow('backfill failed')
    let db = openSqlite(join(dir.path, DB_FILE_NAME))
    expect([schemaVersion(db), db.prepare('SELECT customer FROM orders').pluck().get()]).toEqual([3, ' Bo '])
    db.close()
    db = openDatabase(dir.path, { migrations: [...migrations.slice(0, 3), backfill] })
    expect([schemaVersion(db), db.prepare('SELECT customer FROM orders').pluck().get()]).toEqual([4, 'Bo'])
    db.close()
  })

  it('rejects a migration list that is out of order', () => {
    const db = openSqlite(join(dir.path, DB_FILE_NAME))
    expect(() => migrate(db, [migrations[1]!, migrations[0]!])).toThrow(/out of order/)
    db.close()
  })
})

describe('migration 001: orders and outbox', () => {
  it('from empty: creates orders and outbox with the outbox columns the relay needs', () => {
    const db = databaseAt(1)
    expect(tables(db)).toEqual(['orders', 'outbox'])
    expect(columns(db, 'outbox')).toEqual(
      expect.arrayContaining(['id', 'aggregate_id', 'type', 'payload', 'created_at', 'status', 'attempts', 'next_attempt_at', 'last_error', 'sent_at']),
    )
    // status is constrained to the three states
    db.prepare(`INSERT INTO orders VALUES ('o1', 'c', NULL, 'USD', '[]', 0, '2026-01-01T00:00:00.000Z')`).run()
    expect(() =>
      db.prepare(`INSERT INTO outbox (id, aggregate_id, type, payload, created_at, status) VALUES ('e1', 'o1', 'OrderCreated', '{}', 'now', 'lost')`).run(),
    ).toThrow(/CHECK/)
    // an outbox row must point at an existing order
    expect(() =>
      db.prepare(`INSERT INTO outbox (id, aggregate_id, type, payload, created_at) VALUES ('e2', 'nope', 'OrderCreated', '{}', 'now')`).run(),
    ).toThrow(/FOREIGN KEY/)
    db.close()
  })
})

describe('migration 002: settings and relay lease', () => {
  it('from empty', () => {
    const db = databaseAt(2)
    expect(tables(db)).toEqual(['orders', 'outbox', 'relay_lease', 'settings'])
    expect(() => db.prepare(`INSERT INTO relay_lease VALUES (2, 'x', 0)`).run()).toThrow(/CHECK/)
    db.close()
  })

  it('from version 1, keeping existing rows', () => {
    const v1 = databaseAt(1)
    v1.prepare(`INSERT INTO orders VALUES ('o1', 'c', NULL, 'USD', '[]', 0, '2026-01-01T00:00:00.000Z')`).run()
    v1.close()
    const db = databaseAt(2)
    expect(db.prepare('SELECT count(*) FROM orders').pluck().get()).toBe(1)
    expect(tables(db)).toContain('settings')
    db.close()
  })
})

describe('migration 003: delivery history', () => {
  it('from empty', () => {
    const db = databaseAt(3)
    expect(tables(db)).toContain('outbox_attempts')
    expect(columns(db, 'outbox')).toEqual(expect.arrayContaining(['last_http_status', 'server_reply', 'discarded_at']))
    db.close()
  })

  for (const from of [1, 2]) {
    it(`from version ${from}, keeping pending events pending`, () => {
      const old = databaseAt(from)
      old.prepare(`INSERT INTO orders VALUES ('o1', 'c', NULL, 'USD', '[]', 0, '2026-01-01T00:00:00.000Z')`).run()
      old.prepare(`INSERT INTO outbox (id, aggregate_id, type, payload, created_at) VALUES ('e1', 'o1', 'OrderCreated', '{}', '2026-01-01')`).run()
      old.close()
      const db = databaseAt(3)
      const row = db.prepare('SELECT status, attempts, discarded_at FROM outbox WHERE id = ?').get('e1')
      expect(row).toEqual({ status: 'pending', attempts: 0, discarded_at: null })
      // deleting a pruned event removes its history with it
      db.prepare(`INSERT INTO outbox_attempts (event_id, at, outcome) VALUES ('e1', 'now', 'retry')`).run()
      db.prepare(`DELETE FROM outbox WHERE id = 'e1'`).run()
      expect(db.prepare('SELECT count(*) FROM outbox_attempts').pluck().get()).toBe(0)
      db.close()
    })
  }

})

describe('migration 004: order lifecycle', () => {
  it('from empty: version, state, times and reason on orders; a version table', () => {
    const db = databaseAt(4)
    expect(columns(db, 'orders')).toEqual(expect.arrayContaining(['version', 'state', 'updated_at', 'cancelled_at', 'cancel_reason']))
    expect(tables(db)).toContain('order_versions')
    db.prepare(`INSERT INTO orders (id, customer, note, currency, items, total_minor, created_at) VALUES ('o1', 'c', NULL, 'USD', '[]', 0, 'now')`).run()
    expect(db.prepare(`SELECT version, state FROM orders`).get()).toEqual({ version: 1, state: 'open' })
    expect(() => db.prepare(`UPDATE orders SET state = 'gone'`).run()).toThrow(/CHECK/)
    // one live row per version; a discarded one frees its number
    const add = db.prepare(`INSERT INTO order_versions (order_id, version, kind, snapshot, at, discarded_at) VALUES ('o1', 2, 'updated', '{}', 'now', ?)`)
    add.run('then')
    add.run(null)
    expect(() => add.run(null)).toThrow(/UNIQUE/)
    db.close()
  })

  for (const from of [1, 3]) {
    it(`from version ${from}: quantities become exact thousandths, in order, and every order gets its version 1`, () => {
      const old = databaseAt(from)
      const items = JSON.stringify([
        { name: 'Tea', quantity: 3, unitPriceMinor: 250 },
        { name: '烏龍', quantity: 1, unitPriceMinor: 1000 },
      ])
      old.prepare(`INSERT INTO orders VALUES ('o1', 'Ann', 'n', 'EUR', ?, 1750, '2026-01-01T00:00:00.000Z')`).run(items)
      old.prepare(`INSERT INTO orders VALUES ('o2', 'Bo', NULL, 'USD', '[]', 0, '2026-01-02T00:00:00.000Z')`).run()
      old.prepare(`INSERT INTO outbox (id, aggregate_id, type, payload, created_at) VALUES ('e1', 'o1', 'OrderCreated', '{}', '2026-01-01')`).run()
      old.close()
      const db = databaseAt(4)
      const row = db.prepare(`SELECT items, version, state, cancelled_at FROM orders WHERE id = 'o1'`).get() as { items: string }
      expect(row).toMatchObject({ version: 1, state: 'open', cancelled_at: null })
      expect(JSON.parse(row.items)).toEqual([
        { name: 'Tea', quantityMilli: 3000, unitPriceMinor: 250 },
        { name: '烏龍', quantityMilli: 1000, unitPriceMinor: 1000 },
      ])
      const versions = db.prepare(`SELECT order_id, version, kind, event_id, at, snapshot FROM order_versions ORDER BY order_id`).all() as {
        snapshot: string
      }[]
      expect(versions.map(({ snapshot: _s, ...v }) => v)).toEqual([
        { order_id: 'o1', version: 1, kind: 'created', event_id: 'e1', at: '2026-01-01T00:00:00.000Z' },
        // o2's event was pruned long ago: its version exists all the same
        { order_id: 'o2', version: 1, kind: 'created', event_id: null, at: '2026-01-02T00:00:00.000Z' },
      ])
      expect(JSON.parse(versions[0]!.snapshot)).toMatchObject({ customer: 'Ann', note: 'n', totalMinor: 1750, state: 'open', items: [{ quantityMilli: 3000 }, {}] })
      db.close()
    })
  }

  it('every migration has a test in this file', () => {
    expect(migrations.map((m) => m.version)).toEqual([1, 2, 3, 4, 5, 6, 7, 8])
  })
})

describe('migration 005: search, filters, counters and suggestions', () => {
  it('from version 4: indexes existing orders, derives their sync state and counts, remembers names and last prices', () => {
    const old = databaseAt(4)
    const items = (price: number) => JSON.stringify([{ name: 'Café au lait', quantityMilli: 1000, unitPriceMinor: price }])
    old.prepare(`INSERT INTO orders (id, customer, note, currency, items, total_minor, created_at) VALUES ('o1', 'Zoë', NULL, 'EUR', ?, 300, '2026-01-01T00:00:00.000Z')`).run(items(300))
    old.prepare(`INSERT INTO orders (id, customer, note, currency, items, total_minor, created_at, state) VALUES ('o2', '王小明', 'back door', 'EUR', ?, 350, '2026-01-02T00:00:00.000Z', 'cancelled')`).run(items(350))
    old.prepare(`INSERT INTO outbox (id, aggregate_id, type, payload, created_at, status) VALUES ('e1', 'o1', 'OrderCreated', '{}', '2026-01-01', 'dead')`).run()
    old.close()
    const db = databaseAt(5)
    expect(db.prepare('SELECT order_id, sync, cancelled FROM order_facets ORDER BY doc').all()).toEqual([
      { order_id: 'o1', sync: 'attention', cancelled: 0 },
      { order_id: 'o2', sync: 'sent', cancelled: 1 },
    ])
    const match = (q: string) => db.prepare('SELECT f.order_id FROM orders_fts JOIN order_facets f ON f.doc = orders_fts.rowid WHERE orders_fts MATCH ?').pluck().all(q)
    expect(match('"zoe"*')).toEqual(['o1'])
    expect(match('"王小"*')).toEqual(['o2'])
    expect(match('"cafe"*')).toEqual(['o1', 'o2'])
    expect(Object.fromEntries((db.prepare('SELECT key, n FROM order_counters').all() as { key: string; n: number }[]).map((r) => [r.key, r.n]))).toEqual({
      all: 2, cancelled: 1, 'sync:waiting': 0, 'sync:sent': 1, 'sync:attention': 1, 'sync:discarded': 0,
    })
    expect(db.prepare('SELECT name, unit_price_minor FROM item_names').all()).toEqual([{ name: 'Café au lait', unit_price_minor: 350 }])
    expect(db.prepare('SELECT name FROM customer_names ORDER BY name').pluck().all()).toEqual(['Zoë', '王小明'])
    db.close()
  })
})

describe('migration 007: CJK text searchable by any part', () => {
  it('from version 6: rebuilds the text index with one token per CJK character; Latin text, suggestions and triggers as before', () => {
    const old = databaseAt(6)
    const items = JSON.stringify([{ name: '珍珠奶茶', quantity: 1, unitPriceMinor: 6000 }, { name: 'Café au lait', quantity: 1, unitPriceMinor: 300 }])
    old.prepare(`INSERT INTO orders (id, customer, note, currency, items, total_minor, created_at) VALUES ('o1', '王小明', '送到後門', 'TWD', ?, 6300, '2026-01-01T00:00:00.000Z')`).run(items)
    old.prepare(`INSERT INTO orders (id, customer, note, currency, items, total_minor, created_at) VALUES ('o2', 'Zoë Müller', NULL, 'EUR', '[]', 0, '2026-01-02T00:00:00.000Z')`).run()
    const before = old.prepare('SELECT count(*) FROM orders_fts WHERE orders_fts MATCH ?').pluck()
    expect(before.get('"小明"*')).toBe(0)
    old.close()
    const db = databaseAt(7)
    const match = (q: string) => db.prepare('SELECT f.order_id FROM orders_fts JOIN order_facets f ON f.doc = orders_fts.rowid WHERE orders_fts MATCH ?').pluck().all(q)
    expect(match('"小 明"*')).toEqual(['o1'])
    expect(match('customer: "明"*')).toEqual(['o1'])
    expect(match('items: "奶 茶"*')).toEqual(['o1'])
    expect(match('note: "後 門"*')).toEqual(['o1'])
    expect(match('"cafe"*')).toEqual(['o1'])
    expect(match('"muller"*')).toEqual(['o2'])
    expect(match('"明 小"*')).toEqual([])
    // The rebuilt triggers index new and edited orders the same way, and still remember names.
    db.prepare(`INSERT INTO orders (id, customer, note, currency, items, total_minor, created_at) VALUES ('o3', '陳大文', NULL, 'TWD', '[{"name":"紅茶","quantity":1,"unitPriceMinor":3000}]', 3000, '2026-01-03T00:00:00.000Z')`).run()
    expect(match('"大 文"*')).toEqual(['o3'])
    db.prepare(`UPDATE orders SET customer = '林美玲' WHERE id = 'o3'`).run()
    expect(match('"大 文"*')).toEqual([])
    expect(match('"美 玲"*')).toEqual(['o3'])
    expect(db.prepare('SELECT count(*) FROM orders_fts').pluck().get()).toBe(3)
    expect(db.prepare('SELECT name FROM customer_names ORDER BY name').pluck().all()).toEqual(['Zoë Müller', '林美玲', '王小明', '陳大文'])
    expect(db.prepare("SELECT unit_price_minor FROM item_names WHERE name = '紅茶'").pluck().get()).toBe(3000)
    db.prepare(`DELETE FROM orders WHERE id = 'o3'`).run()
    expect(match('"美 玲"*')).toEqual([])
    db.close()
  })
})

describe('migration 008: one facets update per outbox status change', () => {
  it('from version 7: every status change keeps facets and counters equal to a recount from the outbox', () => {
    const old = databaseAt(7)
    const order = old.prepare(`INSERT INTO orders (id, customer, note, currency, items, total_minor, created_at) VALUES (?, 'Ann', NULL, 'EUR', '[]', 0, ?)`)
    for (const id of ['o1', 'o2', 'o3']) order.run(id, `2026-01-0${id.slice(1)}T00:00:00.000Z`)
    const event = old.prepare(`INSERT INTO outbox (id, aggregate_id, type, payload, created_at, status) VALUES (?, ?, 'OrderCreated', '{}', '2026-01-01', ?)`)
    event.run('e1', 'o1', 'pending')
    event.run('e2', 'o1', 'pending')
    event.run('e3', 'o2', 'dead')
    old.close()
    const db = databaseAt(8)
    const recount = () =>
      db
        .prepare(
          `SELECT f.order_id,
             (SELECT count(*) FROM outbox WHERE aggregate_id = f.order_id AND status = 'pending') AS pending,
             (SELECT count(*) FROM outbox WHERE aggregate_id = f.order_id AND status = 'dead') AS dead,
             (SELECT count(*) FROM outbox WHERE aggregate_id = f.order_id AND status = 'dead' AND discarded_at IS NULL) AS live_dead
           FROM order_facets f ORDER BY f.order_id`,
        )
        .all() as { order_id: string; pending: number; dead: number; live_dead: number }[]
    const syncOf = (r: { pending: number; dead: number; live_dead: number }) =>
      r.dead > 0 ? (r.live_dead > 0 ? 'attention' : 'discarded') : r.pending > 0 ? 'waiting' : 'sent'
    const check = (step: string) => {
      const truth = recount().map((r) => ({ ...r, sync: syncOf(r) }))
      expect(db.prepare('SELECT order_id, pending, dead, live_dead, sync FROM order_facets ORDER BY order_id').all(), step).toEqual(truth)
      const counters = Object.fromEntries((db.prepare('SELECT key, n FROM order_counters').all() as { key: string; n: number }[]).map((r) => [r.key, r.n]))
      for (const s of ['waiting', 'sent', 'attention', 'discarded']) {
        expect(counters[`sync:${s}`], `${step}: sync:${s}`).toBe(truth.filter((r) => r.sync === s).length)
      }
    }
    check('after the upgrade')
    const steps: [string, string][] = [
      ['first of two sent: still waiting', `UPDATE outbox SET status = 'sent' WHERE id = 'e1'`],
      ['an update that changes no status', `UPDATE outbox SET status = 'pending', attempts = attempts + 1 WHERE id = 'e2'`],
      ['refused: needs attention', `UPDATE outbox SET status = 'dead' WHERE id = 'e2'`],
      ['discarded', `UPDATE outbox SET discarded_at = '2026-01-05' WHERE id = 'e2'`],
      ['retried: waiting again', `UPDATE outbox SET status = 'pending', discarded_at = NULL WHERE id = 'e2'`],
      ['a batch marked sent in one statement', `UPDATE outbox SET status = 'sent' WHERE id IN ('e2', 'e3')`],
      ['an event moved to another order', `UPDATE outbox SET aggregate_id = 'o3', status = 'dead' WHERE id = 'e1'`],
    ]
    for (const [step, sql] of steps) {
      db.exec(sql)
      check(step)
    }
    expect(db.prepare("SELECT sync FROM order_facets WHERE order_id = 'o3'").pluck().get()).toBe('attention')
    db.close()
  })
})
