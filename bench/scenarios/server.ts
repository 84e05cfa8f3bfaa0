/**
 * `server`: 200 simulated devices send 100,000 events in batches of 50
 * through 2 receiver instances (`npm run server`, each its own process) on
 * one throwaway PostgreSQL cluster. Baseline: the same rows (inbox, orders,
 * server outbox) written straight into the same cluster (its own database) as
 * multi-row INSERT … ON CONFLICT DO NOTHING, one transaction per batch of the
 * same size, from one connection. The two alternate in blocks (which side
 * goes first alternates too) after an unmeasured warm-up, so neighbour noise
 * hits both. See bench/README.md.
 *   npx tsx bench/scenarios/server.ts [--events 100000] [--devices 200] [--batch 50] [--blocks 4] [--pool-size 8]
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { createInterface, type Interface } from 'node:readline'
import pg from 'pg'
import { REPO_ROOT } from '../../src-main/cli/cli-support'
import { decide, parseEvent, type ServerOrder } from '../../src-shared/apply-rules'
import { openStore } from '../../src-server/open-store'
import { createDatabase, startPgCluster } from '../../src-server/testing/pg-cluster'
import { createToken } from '../../src-server/tokens'
import type { ScenarioOutcome } from '../lib/report'
import { median, parseFlags, percentile, round, spread } from '../lib/util'
import { blockBatches, WARM_UP, warmUpSpec, type BlockResult, type LoadSpec } from './server-load'

export interface ServerBenchOptions {
  events?: number
  devices?: number
  batch?: number
  blocks?: number
  /** Connections per receiver instance. */
  poolSize?: number
  /** Every Nth batch is also sent to the other instance at the same moment. */
  resendEvery?: number
  /** Where PostgreSQL's versions live (tests point it elsewhere to see the skip). */
  pgRoot?: string
  log?: (line: string) => void
}

const TSX = ['--import', 'tsx']

export async function runServer(opts: ServerBenchOptions = {}): Promise<ScenarioOutcome<'server'>> {
  const devices = opts.devices ?? 200
  const batch = opts.batch ?? 50
  const blocks = Math.max(1, opts.blocks ?? 4)
  const poolSize = opts.poolSize ?? 8
  const resendEvery = opts.resendEvery ?? 50
  const perDevice = Math.max(1, Math.round((opts.events ?? 100_000) / devices / blocks))
  const log = opts.log ?? (() => undefined)
  const skipped = (reason: string): ScenarioOutcome<'server'> => ({ values: nullValues(), skipped: reason })

  let cluster
  try {
    cluster = await startPgCluster(opts.pgRoot ? { pgRoot: opts.pgRoot } : {})
  } catch (err) {
    return skipped(`PostgreSQL did not start: ${(err as Error).message}`)
  }
  if ('skip' in cluster) return skipped(cluster.skip)
  const children: ChildProcess[] = []
  try {
    const receiverUrl = await createDatabase(cluster.url, 'receiver')
    const baselineUrl = await createDatabase(cluster.url, 'baseline')
    // Both schemas from the receiver's own migrations.
    for (const url of [receiverUrl, baselineUrl]) await (await openStore({ databaseUrl: url, poolSize: 1 })).close()
    // A token per device, as in production: every request is authenticated (one lookup) and every row records its device.
    const store = await openStore({ databaseUrl: receiverUrl, poolSize: 1 })
    const tokens: string[] = []
    for (let d = 0; d < devices; d++) tokens.push((await createToken(store, `Bench device ${d + 1}`)).token)
    await store.close()
    const tokensFile = join(cluster.dir, 'bench-tokens.json')
    writeFileSync(tokensFile, JSON.stringify(tokens), { mode: 0o600 })

    const instances = await Promise.all([0, 1].map(() => startInstance(receiverUrl, poolSize, children)))
    const spec: LoadSpec = { devices, perDevice, batch, resendEvery }
    const warmSpec = warmUpSpec(spec)
    const names = Array.from({ length: blocks }, (_, b) => `b${b}`)
    const load = await startLoad(instances.map((i) => i.url), spec, [WARM_UP, ...names], tokensFile, children)

    const client = new pg.Client({ connectionString: baselineUrl })
    await client.connect()
    const baseline = makeBaseline(client)

    // Warm-up (JIT, connections, page cache): one batch per device, not counted.
    await load.run(WARM_UP)
    await baseline.run(baseline.prepare(blockBatches(WARM_UP, warmSpec)))

    const oursMs: number[] = []
    const baseMs: number[] = []
    const latencies: number[] = []
    let doubleAnswers = 0
    let sent = 0
    const cpu0 = cpuNow(instances.map((i) => i.child), load.child)
    for (let b = 0; b < blocks; b++) {
      const name = names[b] ?? ''
      const prepared = baseline.prepare(blockBatches(name, spec))
      const ours = async () => {
        const r = await load.run(name)
        oursMs.push(r.ms)
        latencies.push(...r.latencies)
        doubleAnswers += r.doubleAnswers
        sent += r.accepted
      }
      const base = async () => baseMs.push(await baseline.run(prepared))
      if (b % 2 === 0) {
        await ours()
        await base()
      } else {
        await base()
        await ours()
      }
      log(`block ${b + 1}/${blocks}: receiver ${round((devices * perDevice) / ((oursMs.at(-1) ?? 1) / 1000))}/s, baseline ${round((devices * perDevice) / ((baseMs.at(-1) ?? 1) / 1000))}/s`)
    }
    const cpu = cpuSince(cpu0)
    await client.end()
    await load.stop()
    await Promise.all(instances.map((i) => stopChild(i.child)))

    // Counted from the database, per event id: every event sent must be there exactly once (inbox row,
    // outbox row, its order at version 1), and nothing else may be.
    const sentEvents = [warmSpec, ...names.map(() => spec)].flatMap((sp, k) => blockBatches(k === 0 ? WARM_UP : (names[k - 1] ?? ''), sp).flat().flatMap((b) => b.events))
    const row = await countEffects(receiverUrl, sentEvents)
    const { lost, duplicateEffects } = row

    const events = devices * perDevice * blocks
    const eventsPerSec = events / (oursMs.reduce((a, b) => a + b, 0) / 1000)
    const baselineEventsPerSec = events / (baseMs.reduce((a, b) => a + b, 0) / 1000)
    const ratios = oursMs.map((o, k) => (baseMs[k] ?? 0) / o)
    latencies.sort((a, b) => a - b)
    log(`receiver ${round(eventsPerSec)}/s, baseline ${round(baselineEventsPerSec)}/s; lost ${lost}, duplicate effects ${duplicateEffects}`)
    return {
      values: {
        eventsPerSec: round(eventsPerSec),
        p99BatchMs: round(percentile(latencies, 99), 1),
        lost,
        duplicateEffects,
        baselineEventsPerSec: round(baselineEventsPerSec),
        // The median of the interleaved blocks' own ratios, as in `write`.
        ratio: round(median(ratios), 3),
      },
      details: {
        events,
        devices,
        batch,
        blocks,
        instances: 2,
        poolSizePerInstance: poolSize,
        auth: 'a bearer token per device (one lookup per request)',
        resentBatches: `every ${resendEvery}th batch also sent to the other instance at the same moment`,
        answeredBothOrNeither: doubleAnswers,
        acceptedAnswers: sent,
        p50BatchMs: round(percentile(latencies, 50), 1),
        perBlock: oursMs.map((o, k) => ({ receiverMs: round(o), baselineMs: round(baseMs[k] ?? 0) })),
        ratioOfSums: round(eventsPerSec / baselineEventsPerSec, 3),
        spread: { ratio: spread(ratios) },
        cpuSeconds: cpu,
        counted: { inbox: row.inbox, orders: row.orders, changes: row.changes },
      },
    }
  } finally {
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL')
    await cluster.stop()
  }
}

/**
 * `lost`: events sent without an inbox row, an outbox row or their order.
 * `duplicateEffects`: outbox rows beyond one per event, orders past version 1
 * (each is created once and never updated here), and rows for events nobody sent.
 */
export async function countEffects(databaseUrl: string, sent: readonly { id: string; aggregateId: string }[]) {
  const check = new pg.Client({ connectionString: databaseUrl })
  await check.connect()
  try {
    const row = (
      await check.query<{ lost: number; duplicate_effects: number; inbox: number; orders: number; changes: number }>(
        `WITH sent AS (SELECT * FROM unnest($1::text[], $2::text[]) AS s(event_id, order_id))
         SELECT
           (SELECT count(*)::int FROM sent s WHERE NOT EXISTS (SELECT 1 FROM inbox i WHERE i.event_id = s.event_id)
                                         OR NOT EXISTS (SELECT 1 FROM changes c WHERE c.event_id = s.event_id)
                                         OR NOT EXISTS (SELECT 1 FROM orders o WHERE o.id = s.order_id)) AS lost,
           (SELECT (count(*) - count(DISTINCT event_id))::int FROM changes)
             + (SELECT count(*)::int FROM orders WHERE version <> 1)
             + (SELECT count(*)::int FROM changes c WHERE NOT EXISTS (SELECT 1 FROM sent s WHERE s.event_id = c.event_id))
             + (SELECT count(*)::int FROM orders o WHERE NOT EXISTS (SELECT 1 FROM sent s WHERE s.order_id = o.id)) AS duplicate_effects,
           (SELECT count(*)::int FROM inbox) AS inbox, (SELECT count(*)::int FROM orders) AS orders, (SELECT count(*)::int FROM changes) AS changes`,
        [sent.map((e) => e.id), sent.map((e) => e.aggregateId)],
      )
    ).rows[0]
    if (!row) throw new Error('server bench: no counts')
    const { lost, duplicate_effects: duplicateEffects, ...rows } = row
    return { lost, duplicateEffects, ...rows }
  } finally {
    await check.end()
  }
}

function nullValues(): ScenarioOutcome<'server'>['values'] {
  return { eventsPerSec: null, p99BatchMs: null, lost: null, duplicateEffects: null, baselineEventsPerSec: null, ratio: null }
}

/** One receiver instance: the real CLI in its own process, tokens required. Request logs off (warn): the bench times the write path. */
async function startInstance(databaseUrl: string, poolSize: number, children: ChildProcess[]): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(
    process.execPath,
    [...TSX, join(REPO_ROOT, 'src-server/cli.ts'), '--port', '0', '--database-url', databaseUrl, '--pool-size', String(poolSize), '--log-level', 'warn'],
    { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
  )
  children.push(child)
  let output = ''
  child.stderr?.on('data', (d: Buffer) => (output = (output + d.toString()).slice(-4000)))
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`receiver did not start:\n${output}`)), 60_000)
    child.stdout?.on('data', (d: Buffer) => {
      output += d.toString()
      const m = /listening on (\S+)/.exec(output)
      if (m?.[1]) {
        clearTimeout(timer)
        resolve(m[1])
      }
    })
    child.once('exit', (code) => {
      clearTimeout(timer)
      reject(new Error(`receiver exited (${code}):\n${output}`))
    })
  })
  return { url, child }
}

interface Load {
  child: ChildProcess
  run(block: string): Promise<BlockResult>
  stop(): Promise<void>
}

async function startLoad(urls: string[], spec: LoadSpec, blocks: string[], tokensFile: string, children: ChildProcess[]): Promise<Load> {
  const child = spawn(process.execPath, [...TSX, join(REPO_ROOT, 'bench/scenarios/server-load.ts'), urls.join(','), JSON.stringify(spec), blocks.join(','), tokensFile], {
    cwd: REPO_ROOT,
    stdio: ['pipe', 'pipe', 'pipe'],
  })
  children.push(child)
  let stderr = ''
  child.stderr?.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)))
  const lines: Interface = createInterface({ input: child.stdout as NodeJS.ReadableStream })
  const iterator = lines[Symbol.asyncIterator]()
  const next = async (): Promise<string> => {
    const r = await iterator.next()
    if (r.done) throw new Error(`load generator exited:\n${stderr}`)
    return r.value as string
  }
  if ((await next()) !== 'ready') throw new Error(`load generator: ${stderr}`)
  return {
    child,
    async run(block) {
      child.stdin?.write(`run ${block}\n`)
      return JSON.parse(await next()) as BlockResult
    },
    async stop() {
      child.stdin?.end()
      await stopChild(child)
    },
  }
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  child.kill('SIGTERM')
  let timer: NodeJS.Timeout | undefined
  await Promise.race([exited, new Promise((r) => (timer = setTimeout(r, 10_000)))])
  clearTimeout(timer)
  if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
}

/** The baseline's rows for a block, built before its clock starts (so it times storage only). */
function makeBaseline(client: pg.Client) {
  let position = 0
  const values = (cols: number, rows: number) =>
    Array.from({ length: rows }, (_, k) => `(${Array.from({ length: cols }, (_, c) => `$${k * cols + c + 1}`).join(', ')})`).join(', ')
  type Prepared = { inbox: unknown[]; orders: unknown[]; changes: unknown[]; sql: [string, string, string] }[]
  return {
    prepare(devices: ReturnType<typeof blockBatches>): Prepared {
      const out: Prepared = []
      for (const mine of devices) {
        for (const b of mine) {
          // The receiver's own order document, from the shared rules, so both write the same bytes.
          const docs = b.events.map((e) => {
            const p = parseEvent(e)
            if (!p.ok) throw new Error(`bench event invalid: ${p.error}`)
            const d = decide(p.event, null)
            if (d.kind !== 'apply') throw new Error('bench event refused')
            return JSON.stringify(d.next satisfies ServerOrder)
          })
          const n = b.events.length
          const one = {
            inbox: b.events.flatMap((e) => [e.id, e.aggregateId, e.type]),
            orders: b.events.flatMap((e, k) => [e.aggregateId, 1, 'open', docs[k]]),
            changes: b.events.flatMap((e, k) => [++position, e.id, e.aggregateId, e.type, 1, docs[k]]),
            sql: [
              `INSERT INTO inbox (event_id, order_id, type) VALUES ${values(3, n)} ON CONFLICT DO NOTHING`,
              `INSERT INTO orders (id, version, state, doc) VALUES ${values(4, n)} ON CONFLICT DO NOTHING`,
              `INSERT INTO changes (position, event_id, order_id, type, version, order_doc) VALUES ${values(6, n)} ON CONFLICT DO NOTHING`,
            ] as [string, string, string],
          }
          out.push(one)
          // A batch the receiver gets twice is written twice here too (all conflicts the second time).
          if (b.twice) out.push(one)
        }
      }
      return out
    },
    async run(prepared: Prepared): Promise<number> {
      const t = performance.now()
      for (const b of prepared) {
        await client.query('BEGIN')
        await client.query(b.sql[0], b.inbox)
        await client.query(b.sql[1], b.orders)
        await client.query(b.sql[2], b.changes)
        await client.query('COMMIT')
      }
      return performance.now() - t
    },
  }
}

/** CPU seconds of the receiver instances and the load generator (from /proc), and of the whole machine. */
function cpuNow(instances: ChildProcess[], load: ChildProcess) {
  const proc = (c: ChildProcess) => {
    try {
      const f = readFileSync(`/proc/${c.pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? []
      return (Number(f[11]) + Number(f[12])) / 100
    } catch {
      return Number.NaN
    }
  }
  const machine = () => {
    try {
      const f = (readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '').split(/\s+/).slice(1).map(Number)
      const idle = (f[3] ?? 0) + (f[4] ?? 0)
      return { busy: (f.reduce((a, b) => a + b, 0) - idle) / 100 }
    } catch {
      return { busy: Number.NaN }
    }
  }
  const self = process.cpuUsage()
  return { t: performance.now(), instances: instances.map(proc), load: proc(load), self: (self.user + self.system) / 1e6, machine: machine().busy, read: () => cpuNow(instances, load) }
}

function cpuSince(a: ReturnType<typeof cpuNow>) {
  const b = a.read()
  return {
    wallS: round((b.t - a.t) / 1000, 1),
    instances: b.instances.map((x, k) => round(x - (a.instances[k] ?? 0), 1)),
    loadGenerator: round(b.load - a.load, 1),
    benchProcess: round(b.self - a.self, 1),
    machineBusy: round(b.machine - a.machine, 1),
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { flags } = parseFlags(process.argv.slice(2), ['events', 'devices', 'batch', 'blocks', 'pool-size', 'resend-every'])
  const num = (k: string) => (flags.has(k) ? Number(flags.get(k)) : undefined)
  const r = await runServer({
    ...(num('events') !== undefined ? { events: num('events') } : {}),
    ...(num('devices') !== undefined ? { devices: num('devices') } : {}),
    ...(num('batch') !== undefined ? { batch: num('batch') } : {}),
    ...(num('blocks') !== undefined ? { blocks: num('blocks') } : {}),
    ...(num('pool-size') !== undefined ? { poolSize: num('pool-size') } : {}),
    ...(num('resend-every') !== undefined ? { resendEvery: num('resend-every') } : {}),
    log: (l) => console.log(`  ${l}`),
  })
  console.log(JSON.stringify(r, null, 2))
}
