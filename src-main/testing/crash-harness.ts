import { spawn } from 'node:child_process'
import { join } from 'node:path'
import { REPO_ROOT } from '../cli/cli-support'
import { openSqlite } from '../core/db/native-sqlite'
import { waitFor } from './scripted-api'
import { compareOrders, type ComparableOrder } from './soak-compare'
import { DEFAULT_MIX, formatMix, type ChangeKind, type Mix } from './soak-mix'
import { startSoakTarget, type ServerEffects, type SoakServerKind } from './soak-target'
import { nextSeed, seededRandom } from './seeded-random'

export type { SoakServerKind } from './soak-target'

export interface CrashRunOptions {
  dir: string
  orders: number
  kills: number
  failRate: number
  /** Which server receives the events (default the reference API). */
  server?: SoakServerKind
  /** receiver only: a real PostgreSQL instead of PGlite in `dir`. */
  databaseUrl?: string
  /** Weights of creates, edits and cancellations (default 0.6, 0.3, 0.1). */
  mix?: Mix
  /** Upper bound for the random time a child runs before it is killed. */
  maxLifeMs?: number
  /** Seeds every random choice of the run (kill times, faults, the child's changes); random when absent, and reported. */
  seed?: number
  log?: (line: string) => void
  /** How long to wait for everything to drain after the last kill. */
  settleTimeoutMs?: number
}

export type KindCounts = Record<ChangeKind, number>

export interface CrashRunResult {
  server: SoakServerKind
  engine: 'sqlite' | 'pglite' | 'postgres'
  seed: number
  /** Orders in the app at the end. */
  created: number
  /** Changes acknowledged to the user (`ack` lines: creates, edits, cancellations). */
  acknowledged: number
  /** Orders with an acknowledged change the app does not have afterwards (missing, or its version below the acknowledged one): must be 0. */
  acknowledgedMissing: number
  /** Orders on the server. */
  deliveredUnique: number
  /** Versions the app holds that the server never applied: must be 0. */
  lost: number
  /** Events applied more than once, counted from the server's storage: must be 0. */
  duplicateEffects: number
  resends: number
  dead: number
  clientSent: number
  clientPending: number
  kills: number
  /** Order ids on the server but not in the client, or the reverse: must both be 0. */
  serverOnly: number
  clientOnly: number
  /** Orders on both sides whose version, state or content differ: must be 0. */
  mismatched: number
  mismatchExamples: string[]
  /** The app's changes per kind (its live versions), and the events the server applied per kind: must be equal. */
  kinds: KindCounts
  serverKinds: KindCounts
  /** Orders cancelled in the app at the end. */
  cancelledOrders: number
  serverEffects: ServerEffects
  elapsedS: number
}

interface ClientState {
  orders: ComparableOrder[]
  kinds: KindCounts
  pending: number
  sent: number
  dead: number
}

function readClient(file: string): ClientState {
  const db = openSqlite(file, { readonly: true })
  try {
    db.pragma('busy_timeout = 2000')
    const rows = db
      .prepare(
        `SELECT id, version, state, customer, note, currency, items, total_minor AS totalMinor, created_at AS createdAt,
                cancelled_at AS cancelledAt, cancel_reason AS cancelReason FROM orders`,
      )
      .all() as (Omit<ComparableOrder, 'items'> & { items: string })[]
    const kinds: KindCounts = { create: 0, update: 0, cancel: 0 }
    const KIND = { created: 'create', updated: 'update', cancelled: 'cancel' } as const
    for (const r of db.prepare('SELECT kind, count(*) AS n FROM order_versions WHERE discarded_at IS NULL GROUP BY kind').all() as { kind: keyof typeof KIND; n: number }[]) {
      kinds[KIND[r.kind]] += r.n
    }
    const c = db
      .prepare(
        `SELECT (SELECT count(*) FROM outbox WHERE status = 'pending') AS pending,
                (SELECT count(*) FROM outbox WHERE status = 'sent') AS sent,
                (SELECT count(*) FROM outbox WHERE status = 'dead') AS dead`,
      )
      .get() as { pending: number; sent: number; dead: number }
    return { orders: rows.map((r) => ({ ...r, items: JSON.parse(r.items) as ComparableOrder['items'] })), kinds, ...c }
  } finally {
    db.close()
  }
}

function pendingCount(file: string): number {
  const db = openSqlite(file, { readonly: true })
  try {
    db.pragma('busy_timeout = 2000')
    return db.prepare(`SELECT count(*) FROM outbox WHERE status = 'pending'`).pluck().get() as number
  } finally {
    db.close()
  }
}

/**
 * Runs the core in a child process that makes a seeded mix of creates, edits
 * and cancellations, against the reference API or the production receiver,
 * with injected faults (including "applied, then the connection dropped"),
 * SIGKILLs it at random moments, restarts it each time, lets it finish and
 * drain, then compares every order on the server with the app's final state.
 */
export async function runCrashSoak(opts: CrashRunOptions): Promise<CrashRunResult> {
  const seed = opts.seed ?? nextSeed(Math.random)
  const random = seededRandom(seed)
  const log = opts.log ?? (() => undefined)
  const maxLife = opts.maxLifeMs ?? 700
  const started = Date.now()
  const target = await startSoakTarget({ kind: opts.server ?? 'reference', dir: opts.dir, failRate: opts.failRate, random, databaseUrl: opts.databaseUrl })
  const dataDir = join(opts.dir, 'client')
  const clientFile = join(dataDir, 'outpost.db')
  /** order id → the highest version acknowledged to the user. */
  const acked = new Map<string, number>()
  let ackLines = 0

  const launch = () => {
    const args = [
      '--import', 'tsx', join(REPO_ROOT, 'src-main/testing/relay-child.ts'),
      '--data-dir', dataDir, '--api-url', target.url, '--orders', String(opts.orders),
      '--seed', String(nextSeed(random)), '--mix', formatMix(opts.mix ?? DEFAULT_MIX),
      ...(target.token ? ['--api-token', target.token] : []),
    ]
    const child = spawn(process.execPath, args, { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] })
    let buffer = ''
    let ready = false
    let killing = false
    let done = false
    let stderr = ''
    let diedOnItsOwn: string | null = null
    child.stderr.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-8000)))
    const readyPromise = new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (d: Buffer) => {
        buffer += d.toString()
        let nl: number
        while ((nl = buffer.indexOf('\n')) >= 0) {
          const line = buffer.slice(0, nl)
          buffer = buffer.slice(nl + 1)
          if (line === 'ready' && !ready) {
            ready = true
            resolve()
          } else if (line === 'created') done = true
          else if (line.startsWith('ack ')) {
            const [, id, v] = line.split(' ')
            if (!id || !/^\d+$/.test(v ?? '')) {
              diedOnItsOwn ??= `the child printed a malformed line: ${line}`
              continue
            }
            ackLines++
            acked.set(id, Math.max(acked.get(id) ?? 0, Number(v)))
          }
        }
      })
      child.once('exit', (code, signal) => {
        if (!killing) diedOnItsOwn = `the child exited on its own (${code ?? signal}): ${stderr.trim()}`
        if (!ready) reject(new Error(diedOnItsOwn ?? `child exited before ready (${code ?? signal})`))
      })
    })
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
    return {
      readyPromise,
      exited,
      kill(signal: NodeJS.Signals) {
        killing = true
        child.kill(signal)
      },
      /** Throws if the child stopped without being killed: a refused change (stale version…) or a crash. */
      check() {
        if (diedOnItsOwn) throw new Error(diedOnItsOwn)
      },
      isDone: () => done,
    }
  }

  try {
    for (let k = 0; k < opts.kills; k++) {
      const run = launch()
      await run.readyPromise
      await new Promise((r) => setTimeout(r, 30 + random() * maxLife))
      run.check()
      run.kill('SIGKILL')
      await run.exited
      log(`kill ${k + 1}/${opts.kills}: ${acked.size} orders, ${ackLines} changes acknowledged so far`)
    }
    const final = launch()
    await final.readyPromise
    await waitFor(
      () => {
        final.check()
        return final.isDone() && pendingCount(clientFile) === 0
      },
      opts.settleTimeoutMs ?? 120_000,
      'the child to finish its changes and the outbox to drain',
    )
    final.kill('SIGTERM')
    await final.exited

    const client = readClient(clientFile)
    const serverOrders = await target.orders()
    const effects = await target.effects()
    const cmp = compareOrders(client.orders, serverOrders)
    const version = new Map(client.orders.map((o) => [o.id, o.version]))
    const ids = new Map<string, number>()
    for (const o of serverOrders) ids.set(o.id, (ids.get(o.id) ?? 0) + 1)
    return {
      server: target.kind,
      engine: target.engine,
      seed,
      created: client.orders.length,
      acknowledged: ackLines,
      acknowledgedMissing: [...acked].filter(([id, v]) => (version.get(id) ?? 0) < v).length,
      deliveredUnique: ids.size,
      lost: cmp.lostVersions,
      duplicateEffects: effects.duplicateEffects + [...ids.values()].filter((n) => n > 1).length,
      resends: effects.resends,
      dead: client.dead,
      clientSent: client.sent,
      clientPending: client.pending,
      kills: opts.kills,
      serverOnly: cmp.serverOnly,
      clientOnly: cmp.clientOnly,
      mismatched: cmp.mismatched,
      mismatchExamples: cmp.examples,
      kinds: client.kinds,
      serverKinds: effects.byKind,
      cancelledOrders: client.orders.filter((o) => o.state === 'cancelled').length,
      serverEffects: effects,
      elapsedS: Math.round((Date.now() - started) / 100) / 10,
    }
  } finally {
    await target.close()
  }
}
