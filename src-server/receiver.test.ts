/**
 * The receiver suite, run twice: on embedded PGlite and on a real PostgreSQL
 * (a throwaway cluster started for this file, skipped with a printed reason
 * where PostgreSQL is not installed).
 */
import { spawn } from 'node:child_process'
import { existsSync, mkdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { REPO_ROOT } from '../src-main/cli/cli-support'
import { tempDir } from '../src-main/testing/temp-dir'
import type { Db } from './db'
import { SchemaTooNewError } from './migrations'
import { openStore } from './open-store'
import { receiveBatch } from './receiver'
import { startServer, type ReceiverServer } from './server'
import { createDatabase, startPgCluster, type PgCluster } from './testing/pg-cluster'
import { createToken, revokeToken } from './tokens'

interface Engine {
  name: string
  /** A fresh, empty store location; open() may be called again on it (restart). */
  fresh(): Promise<{ open: () => Promise<Db> }>
  multiInstance: boolean
}

let cluster: PgCluster | null = null
let skipReason: string | null = null
const dirs: { remove: () => void }[] = []
let dbCount = 0

beforeAll(async () => {
  const c = await startPgCluster({ fsync: false })
  if ('skip' in c) {
    skipReason = c.skip
    console.warn(`receiver suite: the PostgreSQL half is skipped: ${c.skip}`)
  } else cluster = c
}, 60_000)

afterAll(async () => {
  await cluster?.stop()
  for (const d of dirs.splice(0)) d.remove()
})

const engines: Engine[] = [
  {
    name: 'PGlite',
    multiInstance: false,
    async fresh() {
      const dir = tempDir('outpost-pglite-')
      dirs.push(dir)
      return { open: () => openStore({ dataDir: join(dir.path, 'data') }) }
    },
  },
  {
    name: 'PostgreSQL',
    multiInstance: true,
    async fresh() {
      if (!cluster) throw new Error('no cluster')
      const url = await createDatabase(cluster.url, `t${++dbCount}`)
      return { open: () => openStore({ databaseUrl: url }) }
    },
  },
]

let n = 0
const content = (customer: string) => ({
  customer,
  note: null,
  currency: 'EUR',
  items: [{ name: 'Cheese', quantity: 1.5, unitPriceMinor: 333 }],
  totalMinor: 500,
  createdAt: '2025-01-02T03:04:05.000Z',
})
const created = (customer = 'Ann', orderId = `o-${++n}`) => ({
  id: `c-${++n}`,
  type: 'OrderCreated',
  aggregateId: orderId,
  occurredAt: '2025-01-02T03:04:05.000Z',
  payload: { id: orderId, version: 1, ...content(customer) },
})
const updated = (orderId: string, version: number, customer: string) => ({
  id: `u-${++n}`,
  type: 'OrderUpdated',
  aggregateId: orderId,
  occurredAt: '2025-01-02T04:00:00.000Z',
  payload: { id: orderId, version, ...content(customer), updatedAt: '2025-01-02T04:00:00.000Z' },
})
const cancelled = (orderId: string, version: number) => ({
  id: `x-${++n}`,
  type: 'OrderCancelled',
  aggregateId: orderId,
  occurredAt: '2025-01-02T05:00:00.000Z',
  payload: { id: orderId, version, reason: 'Sold out', cancelledAt: '2025-01-02T05:00:00.000Z' },
})

type Result = { id: string; status: string; code?: string; error?: string }
async function post(url: string, events: unknown[], token?: string): Promise<Result[]> {
  const res = await fetch(`${url}/events`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...(token ? { Authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ events }),
  })
  expect(res.status).toBe(200)
  return ((await res.json()) as { results: Result[] }).results
}

for (const engine of engines) {
  describe(`receiver on ${engine.name}`, () => {
    const open: { server: ReceiverServer; db: Db }[] = []
    afterEach(async () => {
      for (const o of open.splice(0)) {
        await o.server.close()
        await o.db.close()
      }
    })
    const up = async (store: { open: () => Promise<Db> }, requireAuth = false) => {
      const db = await store.open()
      const server = await startServer({ db, requireAuth })
      const entry = { server, db }
      open.push(entry)
      return {
        ...entry,
        down: async () => {
          open.splice(open.indexOf(entry), 1)
          await server.close()
          await db.close()
        },
      }
    }
    const skip = () => {
      if (engine.name === 'PostgreSQL' && !cluster) {
        console.warn(`skipped on PostgreSQL: ${skipReason}`)
        return true
      }
      return false
    }

    it('answers each protocol outcome and keeps the current state, version and device', async () => {
      if (skip()) return
      const store = await engine.fresh()
      const db = await store.open()
      const { token, device } = await createToken(db, 'Stall 7')
      await db.close()
      const { server } = await up(store, true)
      const c = created('Ann')
      const o = c.aggregateId
      const results = await post(
        server.url,
        [
          c,
          c,
          updated(o, 3, 'Gap'),
          updated(o, 2, 'Ann B'),
          updated(o, 2, 'Stale'),
          updated('nope', 2, 'Ghost'),
          { ...created('Bad'), payload: { ...created().payload, totalMinor: 1 } },
          { ...created(), type: 'OrderNoted' },
          cancelled(o, 3),
          updated(o, 4, 'After cancel'),
          created('Twice', o),
        ],
        token,
      )
      expect(results.map((r) => (r.status === 'rejected' ? r.code : r.status))).toEqual([
        'accepted', 'duplicate', 'version_gap', 'accepted', 'conflict', 'not_found', 'invalid', 'invalid', 'accepted', 'conflict', 'conflict',
      ])
      expect(results.every((r) => r.status !== 'rejected' || (r.error ?? '').length > 0)).toBe(true)
      const res = await fetch(`${server.url}/orders/${o}`, { headers: { Authorization: `Bearer ${token}` } })
      expect(await res.json()).toMatchObject({
        id: o, version: 3, state: 'cancelled', customer: 'Ann B', cancelReason: 'Sold out',
        items: [{ name: 'Cheese', quantity: 1.5, unitPriceMinor: 333 }], device: { id: device.id, name: 'Stall 7' },
      })
      const list = (await (await fetch(`${server.url}/orders?limit=10`, { headers: { Authorization: `Bearer ${token}` } })).json()) as { orders: unknown[] }
      expect(list.orders).toHaveLength(1)
      const metrics = await (await fetch(`${server.url}/metrics`)).text()
      expect(metrics).toMatch(/outpost_events_total\{status="accepted"\} 3/)
      expect(metrics).toMatch(/outpost_events_total\{status="rejected"\} 7/)
      expect(metrics).toMatch(/outpost_batch_size_count 1/)
      // Nothing refused left a trace: the inbox holds exactly the applied ids.
      const { db: live } = open[0]!
      expect(await live.query(`SELECT count(*)::int AS n FROM inbox`)).toEqual([{ n: 3 }])
      expect(await live.query(`SELECT count(*)::int AS n FROM changes`)).toEqual([{ n: 3 }])
    })

    it('keeps dedup across a restart, and refuses a newer schema', async () => {
      if (skip()) return
      const store = await engine.fresh()
      const first = await up(store)
      const c = created()
      expect((await post(first.server.url, [c]))[0]?.status).toBe('accepted')
      await first.down()
      const second = await up(store)
      expect((await post(second.server.url, [c, updated(c.aggregateId, 2, 'B')])).map((r) => r.status)).toEqual(['duplicate', 'accepted'])
      await second.db.query('UPDATE outpost_schema SET version = 99')
      await second.down()
      await expect(store.open()).rejects.toThrow(SchemaTooNewError)
    })

    it('two instances (or two requests) with the same events at once: each applied once, accepted by one and duplicate for the other', async () => {
      if (skip()) return
      const store = await engine.fresh()
      const a = await up(store)
      const b = engine.multiInstance ? await up(store) : a
      const events = Array.from({ length: 40 }, () => created())
      const follow = events.map((e) => updated(e.aggregateId, 2, 'Edited'))
      for (let round = 0; round < 3; round++) {
        const batch = round === 0 ? events : round === 1 ? follow : events
        const [ra, rb] = await Promise.all([post(a.server.url, batch), post(b.server.url, [...batch].reverse())])
        for (const e of batch) {
          const statuses = [ra.find((r) => r.id === e.id)?.status, rb.find((r) => r.id === e.id)?.status].sort()
          expect(statuses).toEqual(round === 2 ? ['duplicate', 'duplicate'] : ['accepted', 'duplicate'])
        }
      }
      const counts = await a.db.query<{ n: number; d: number; v: number }>(
        `SELECT (SELECT count(*)::int FROM changes) AS n, (SELECT count(DISTINCT event_id)::int FROM changes) AS d, (SELECT sum(version)::int FROM orders) AS v`,
      )
      expect(counts).toEqual([{ n: 80, d: 80, v: 80 }])
    })

    it('racing writers of one order: a second create with another event id is a conflict, an update racing its create follows it', async () => {
      if (skip()) return
      const store = await engine.fresh()
      const a = await up(store)
      const b = engine.multiInstance ? await up(store) : a
      for (let round = 0; round < 8; round++) {
        const first = created('First')
        const rival = created('Rival', first.aggregateId)
        const [ra, rb] = await Promise.all([post(a.server.url, [first]), post(b.server.url, [rival])])
        expect([ra[0]?.status === 'accepted' ? 'accepted' : ra[0]?.code, rb[0]?.status === 'accepted' ? 'accepted' : rb[0]?.code].sort()).toEqual(['accepted', 'conflict'])
        // The same create resent with its update, racing the create alone: the update must see the order.
        const c = created('Base')
        const [rc, rd] = await Promise.all([post(a.server.url, [c]), post(b.server.url, [c, updated(c.aggregateId, 2, 'Next')])])
        expect([rc[0]?.status, rd[0]?.status].sort()).toEqual(['accepted', 'duplicate'])
        expect(rd[1]?.status).toBe('accepted')
      }
      const counts = await a.db.query<{ n: number; d: number; o: number }>(
        `SELECT (SELECT count(*)::int FROM changes) AS n, (SELECT count(DISTINCT event_id)::int FROM changes) AS d, (SELECT count(*)::int FROM orders) AS o`,
      )
      expect(counts).toEqual([{ n: 24, d: 24, o: 16 }])
    })

    it('a writer holding an order or an event id open: the batch waits, then decides again with what was committed', async () => {
      if (skip() || !engine.multiInstance) return
      const store = await engine.fresh()
      const [dbA, dbB] = [await store.open(), await store.open()]
      try {
        const doc = (id: string) => ({ id, version: 1, state: 'open', customer: 'Held', note: null, currency: 'EUR', items: [], totalMinor: 0, createdAt: '2025-01-02T03:04:05.000Z', updatedAt: null, cancelledAt: null, cancelReason: null })
        // 1. Another transaction has inserted order o (not committed): our create of o plans an insert, meets its
        //    unique key, waits, gets a unique violation once it commits, and is decided again: a conflict.
        const first = created('Held')
        let release = () => undefined as void
        const held = dbA.transaction(async (tx) => {
          await tx.query(`INSERT INTO orders (id, version, state, doc) VALUES ($1, 1, 'open', $2)`, [first.aggregateId, JSON.stringify(doc(first.aggregateId))])
          await new Promise<void>((resolve) => (release = resolve))
        })
        await new Promise((r) => setTimeout(r, 100))
        const rival = created('Rival', first.aggregateId)
        const pending = receiveBatch(dbB, [rival], null)
        await new Promise((r) => setTimeout(r, 300))
        release()
        await held
        expect(await pending).toEqual([expect.objectContaining({ id: rival.id, status: 'rejected', code: 'conflict' })])
        expect(await dbB.query(`SELECT count(*)::int AS n FROM inbox WHERE event_id = $1`, [rival.id])).toEqual([{ n: 0 }])

        // 2. Another transaction holds event id e (and creates its order): our batch [e, update] waits on e's inbox
        //    row; once that commits, e is a duplicate and the update sees the order (its read is a later statement).
        const c = created('Base')
        let release2 = () => undefined as void
        const held2 = dbA.transaction(async (tx) => {
          await tx.query(`INSERT INTO inbox (event_id, order_id, type) VALUES ($1, $2, 'OrderCreated')`, [c.id, c.aggregateId])
          await tx.query(`INSERT INTO orders (id, version, state, doc) VALUES ($1, 1, 'open', $2)`, [c.aggregateId, JSON.stringify(doc(c.aggregateId))])
          await new Promise<void>((resolve) => (release2 = resolve))
        })
        await new Promise((r) => setTimeout(r, 100))
        const pending2 = receiveBatch(dbB, [c, updated(c.aggregateId, 2, 'Next')], null)
        await new Promise((r) => setTimeout(r, 300))
        release2()
        await held2
        expect((await pending2).map((r) => r.status)).toEqual(['duplicate', 'accepted'])
        expect(await dbB.query(`SELECT version FROM orders WHERE id = $1`, [c.aggregateId])).toEqual([{ version: 2 }])
      } finally {
        await dbA.close()
        await dbB.close()
      }
    })

    it('text with quotes, backslashes and symbols is stored exactly (the batch is sent to PostgreSQL as inlined literals)', async () => {
      if (skip()) return
      const store = await engine.fresh()
      const { server } = await up(store)
      const odd = [`O'Brien`, `back\\slash \\' ); DROP TABLE orders; --`, `E'x' $1 $$ \\x00`, '日本語 🧀 "quoted" \u2028 tab\there', `''`]
      const events = odd.map((customer, k) => ({ ...created(customer, `o'${k}\\`), id: `id'${k}\\"` }))
      expect((await post(server.url, events)).map((r) => r.status)).toEqual(odd.map(() => 'accepted'))
      expect((await post(server.url, events)).map((r) => r.status)).toEqual(odd.map(() => 'duplicate'))
      for (const [k, e] of events.entries()) {
        const got = (await (await fetch(`${server.url}/orders/${encodeURIComponent(e.aggregateId)}`)).json()) as { id: string; customer: string }
        expect(got).toMatchObject({ id: e.aggregateId, customer: odd[k] })
      }
      const feed = (await (await fetch(`${server.url}/changes?after=0`)).json()) as { changes: { eventId: string; order: { customer: string } }[] }
      expect(feed.changes.map((c) => [c.eventId, c.order.customer])).toEqual(events.map((e, k) => [e.id, odd[k]]))
    })

    it('an event id PostgreSQL cannot store (NUL) is refused as a bad body, and nothing is written', async () => {
      if (skip()) return
      const store = await engine.fresh()
      const { server, db } = await up(store)
      const ok = created()
      for (const bad of [{ ...created(), id: 'a\u0000b' }, { ...created(), aggregateId: 'o\u0000' }, { ...created(), type: 'Order\u0000' }]) {
        const res = await fetch(`${server.url}/events`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ events: [ok, bad] }) })
        expect(res.status).toBe(400)
        expect(((await res.json()) as { error: string }).error).toMatch(/cannot be stored/)
      }
      expect(await db.query(`SELECT count(*)::int AS n FROM inbox`)).toEqual([{ n: 0 }])
      expect((await post(server.url, [ok]))[0]?.status).toBe('accepted')
    })

    it('a revoked token gets 401 at once; a missing one too; --insecure-no-auth needs none', async () => {
      if (skip()) return
      const store = await engine.fresh()
      const { server, db } = await up(store, true)
      const { token } = await createToken(db, 'Till 2')
      expect((await post(server.url, [created()], token))[0]?.status).toBe('accepted')
      expect(await revokeToken(db, 'Till 2')).toBe(1)
      const res = await fetch(`${server.url}/events`, { method: 'POST', headers: { Authorization: `Bearer ${token}` }, body: JSON.stringify({ events: [created()] }) })
      expect(res.status).toBe(401)
      expect(res.headers.get('www-authenticate')).toBe('Bearer')
      expect((await fetch(`${server.url}/orders`)).status).toBe(401)
      expect((await fetch(`${server.url}/health`)).status).toBe(200)
      const open2 = await startServer({ db, requireAuth: false })
      expect((await post(open2.url, [created()]))[0]?.status).toBe('accepted')
      await open2.close()
    })

    it('the changes feed: a consumer killed and restarted resumes from its cursor and misses nothing', async () => {
      if (skip()) return
      const store = await engine.fresh()
      const { server } = await up(store)
      const state = tempDir('outpost-consumer-')
      dirs.push(state)
      mkdirSync(state.path, { recursive: true })
      const total = 120
      const consumer = () => {
        const p = spawn(process.execPath, ['--import', 'tsx', join(REPO_ROOT, 'src-server/testing/changes-consumer.ts'), server.url, '-', state.path, String(total)], {
          cwd: REPO_ROOT,
          stdio: ['ignore', 'ignore', 'inherit'],
        })
        // Attached at once: a fast consumer may be done before the test awaits it.
        const exited = new Promise<number | null>((resolve) => p.once('exit', (code) => resolve(code)))
        return { kill: () => p.kill('SIGKILL'), exited }
      }
      let child = consumer()
      const sent: string[] = []
      for (let i = 0; i < 12; i++) {
        const batch = Array.from({ length: 10 }, () => created())
        sent.push(...batch.map((e) => e.id))
        await post(server.url, batch)
        if (i === 5) {
          await new Promise((r) => setTimeout(r, 300))
          child.kill()
          await child.exited
          child = consumer()
        }
      }
      expect(await child.exited).toBe(0)
      expect(existsSync(join(state.path, 'seen.log'))).toBe(true)
      const seen = readFileSync(join(state.path, 'seen.log'), 'utf8').split('\n').filter(Boolean)
      expect(new Set(seen)).toEqual(new Set(sent))
      // In commit order: positions are the order the batches were posted (one after another).
      expect([...new Set(seen)]).toEqual(sent)
    }, 60_000)

    it('shutdown lets an in-flight batch commit and answer', async () => {
      if (skip()) return
      const store = await engine.fresh()
      const { server, db } = await up(store)
      const batch = Array.from({ length: 200 }, () => created())
      const pending = post(server.url, batch)
      // Long enough for the request to reach the server (a request still in the client's socket may be refused: the client resends it).
      await new Promise((r) => setTimeout(r, 60))
      const closing = server.close()
      const results = await pending
      await closing
      expect(results.every((r) => r.status === 'accepted')).toBe(true)
      expect(await db.query(`SELECT count(*)::int AS n FROM orders`)).toEqual([{ n: 200 }])
    })
  })
}
