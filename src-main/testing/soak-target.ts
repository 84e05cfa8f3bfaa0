/**
 * The server a crash run talks to, and how its state is read back afterwards:
 *
 * - `reference`: the SQLite reference API, with its own fault injection;
 * - `receiver`: the production receiver (src-server) on PGlite in the run's
 *   folder or on a real PostgreSQL (`databaseUrl`), behind the fault proxy,
 *   with a device token made by its token code (auth on, as in production).
 *
 * Effects are counted from each server's storage, never from its answers:
 * the reference API's effect log (`events`), the receiver's own outbox
 * (`changes`, which has no unique constraint on the event id on purpose) and
 * inbox. Orders are read the way a person or a test reads them: the reference
 * API's store, the receiver's `GET /orders` pages.
 */
import { join } from 'node:path'
import type { OrderView } from '../../src-shared/apply-rules'
import { openSqlite } from '../core/db/native-sqlite'
import { startReferenceApi } from '../reference-api/server'
import { startFaultProxy } from '../../src-server/fault-proxy'
import { openStore } from '../../src-server/open-store'
import { startServer } from '../../src-server/server'
import { createToken } from '../../src-server/tokens'
import { fromOrderView, type ComparableOrder } from './soak-compare'
import type { ChangeKind } from './soak-mix'
import { seededRandom, nextSeed } from './seeded-random'

export type SoakServerKind = 'reference' | 'receiver'
export const SOAK_SERVERS: readonly SoakServerKind[] = ['reference', 'receiver']

export interface ServerEffects {
  /** Effect rows (one per application of an event). */
  applied: number
  /** Distinct event ids among them. */
  appliedIds: number
  /** Event ids applied more than once: must be 0. */
  duplicateEffects: number
  /** Applied events per kind. */
  byKind: Record<ChangeKind, number>
  /** Deliveries of events the server already had (answered duplicate). */
  resends: number
  /** Faults injected into POST requests. */
  faults: number
  /** receiver: inbox rows (must equal appliedIds); reference: null. */
  inboxRows: number | null
  /** receiver: orders not attributed to the soak's device (must be 0); reference: null. */
  wrongDevice: number | null
}

export interface SoakTarget {
  readonly kind: SoakServerKind
  readonly engine: 'sqlite' | 'pglite' | 'postgres'
  /** What the app is configured with (the proxy, for the receiver). */
  readonly url: string
  readonly token: string | null
  orders(): Promise<ComparableOrder[]>
  effects(): Promise<ServerEffects>
  close(): Promise<void>
}

const KIND_OF_TYPE: Record<string, ChangeKind> = { OrderCreated: 'create', OrderUpdated: 'update', OrderCancelled: 'cancel' }

function byKind(rows: readonly { type: string; n: number }[]): Record<ChangeKind, number> {
  const out: Record<ChangeKind, number> = { create: 0, update: 0, cancel: 0 }
  for (const r of rows) {
    const k = KIND_OF_TYPE[r.type]
    if (!k) throw new Error(`the server applied an event of unknown type ${r.type}`)
    out[k] += Number(r.n)
  }
  return out
}

export async function startSoakTarget(opts: {
  kind: SoakServerKind
  dir: string
  failRate: number
  random: () => number
  databaseUrl?: string | undefined
}): Promise<SoakTarget> {
  return opts.kind === 'reference' ? startReference(opts) : startReceiver(opts)
}

async function startReference(opts: { dir: string; failRate: number; random: () => number }): Promise<SoakTarget> {
  const dbFile = join(opts.dir, 'reference-api.db')
  const api = await startReferenceApi({ dbFile, failRate: opts.failRate, random: seededRandom(nextSeed(opts.random)), requestLogLimit: 1_000_000 })
  return {
    kind: 'reference',
    engine: 'sqlite',
    url: api.url,
    token: null,
    orders: async () => api.orders().map(fromOrderView),
    async effects() {
      const stats = api.stats()
      const db = openSqlite(dbFile, { readonly: true })
      try {
        const types = db.prepare('SELECT type, count(*) AS n FROM events GROUP BY type').all() as { type: string; n: number }[]
        return {
          applied: stats.applied,
          appliedIds: stats.appliedIds,
          duplicateEffects: stats.duplicateEffects,
          byKind: byKind(types),
          resends: stats.resends,
          faults: api.requestLog.filter((r) => r.fault?.startsWith('injected') ?? false).length,
          inboxRows: null,
          wrongDevice: null,
        }
      } finally {
        db.close()
      }
    },
    close: () => api.close(),
  }
}

const DEVICE = 'Soak laptop'

async function startReceiver(opts: { dir: string; failRate: number; random: () => number; databaseUrl?: string | undefined }): Promise<SoakTarget> {
  const db = await openStore(opts.databaseUrl ? { databaseUrl: opts.databaseUrl } : { dataDir: join(opts.dir, 'receiver-data') })
  const { token } = await createToken(db, DEVICE)
  const server = await startServer({ db, requireAuth: true })
  const proxy = await startFaultProxy({ upstream: server.url, failRate: opts.failRate, random: seededRandom(nextSeed(opts.random)) })
  const auth = { Authorization: `Bearer ${token}` }
  let views: (OrderView & { device: { name: string } | null })[] = []
  const readAll = async () => {
    const all: typeof views = []
    let after = ''
    for (let page = 0; page < 100_000; page++) {
      const res = await fetch(`${server.url}/orders?after=${encodeURIComponent(after)}&limit=1000`, { headers: auth })
      if (res.status !== 200) throw new Error(`GET /orders answered ${res.status}: ${await res.text()}`)
      const body = (await res.json()) as { orders: typeof views; next: string | null }
      all.push(...body.orders)
      if (!body.next) break
      after = body.next
    }
    views = all
    return all
  }
  const int = async (sql: string) => Number((await db.query<{ n: number | string }>(sql))[0]?.n ?? 0)
  return {
    kind: 'receiver',
    engine: db.kind === 'pglite' ? 'pglite' : 'postgres',
    url: proxy.url,
    token,
    orders: async () => (await readAll()).map(fromOrderView),
    async effects() {
      const metrics = await (await fetch(`${server.url}/metrics`)).text()
      const duplicates = /^outpost_events_total\{status="duplicate"\} (\d+)/m.exec(metrics)?.[1]
      const f = proxy.stats().faults
      return {
        applied: await int('SELECT count(*)::int AS n FROM changes'),
        appliedIds: await int('SELECT count(DISTINCT event_id)::int AS n FROM changes'),
        duplicateEffects: await int('SELECT count(*)::int AS n FROM (SELECT event_id FROM changes GROUP BY event_id HAVING count(*) > 1) d'),
        byKind: byKind(await db.query<{ type: string; n: number }>('SELECT type, count(*)::int AS n FROM changes GROUP BY type')),
        resends: Number(duplicates ?? 0),
        faults: f['503'] + f['429'] + f.drop + f.applyThenDrop,
        inboxRows: await int('SELECT count(*)::int AS n FROM inbox'),
        wrongDevice: (views.length > 0 ? views : await readAll()).filter((o) => o.device?.name !== DEVICE).length,
      }
    },
    async close() {
      await proxy.close()
      await server.close()
      await db.close()
    },
  }
}
