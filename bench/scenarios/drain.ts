/**
 * `drain`: 10,000 pending events delivered by the real relay to the reference
 * API (its own process, fresh database, no faults), timed from the first POST
 * until the last batch is marked sent. Baseline: the same events, the same
 * batch size and the same number of requests in flight (the relay's defaults),
 * POSTed with fetch straight from memory: no SQLite on the client side. Each
 * run gets a fresh server database so that deduplication favours neither.
 *
 * The naive loop ("every 5 s take the 10 oldest and send them one by one") is
 * measured in its own 30 s run.
 */
import { join } from 'node:path'
import { createCore } from '../../src-main/core/create-core'
import { DB_FILE_NAME, openDatabase } from '../../src-main/core/db/open-database'
import { openSqlite } from '../../src-main/core/db/native-sqlite'
import { DEFAULT_TUNING } from '../../src-main/core/sync/relay'
import type { FetchLike, WireEvent } from '../../src-main/core/sync/api-client'
import { createNodeHttpFetch } from '../../src-main/core/sync/node-http-fetch'
import { createUndiciPoolFetch } from '../lib/undici-fetch'
import type { ScenarioOutcome } from '../lib/report'
import { copyDir, median, orderInput, quietLog, round, seedOrdersFast, sleep, spread, startApiProcess, tempDir, type ApiProcess } from '../lib/util'

export interface DrainOptions {
  events?: number
  rounds?: number
  log?: (line: string) => void
  /** A naive run already started (see run.ts), awaited before the measured rounds; when absent one runs after them. */
  naive?: Promise<NaiveResult>
  naiveDurationMs?: number
}

export interface NaiveResult {
  eventsPerSec: number
  delivered: number
  windowS: number
}

export async function runDrain(opts: DrainOptions = {}): Promise<ScenarioOutcome<'drain'>> {
  const events = opts.events ?? 10_000
  // 8 rounds (there were 6): a median of more paired ratios is steadier from run to run.
  const rounds = opts.rounds ?? 8
  const log = opts.log ?? (() => undefined)
  const dir = tempDir('outpost-bench-drain-')
  try {
    // Seed through the core itself (relay off): the events are exactly the app's.
    const template = join(dir.path, 'template')
    const seeder = createCore({ dataDir: template, startRelay: false, log: quietLog })
    for (let i = 0; i < events; i++) {
      const r = await seeder.handlers.createOrder(orderInput(i))
      if (!r.ok) throw new Error(r.error.message)
    }
    await seeder.shutdown()
    const wire = loadWireEvents(template)
    log(`seeded ${wire.length} pending events`)
    // A naive run started earlier (alongside reconnect) finishes before any
    // measured run starts; otherwise it runs on its own after them.
    let naive = opts.naive ? await opts.naive : null

    const oursRuns: { ms: number; requests: number }[] = []
    const baseRuns: { ms: number; requests: number }[] = []
    for (let r = 0; r < rounds; r++) {
      // ours, baseline, baseline, ours, …: drift hits both sides alike.
      const order = r % 2 === 0 ? (['ours', 'baseline'] as const) : (['baseline', 'ours'] as const)
      for (const side of order) {
        const run = join(dir.path, `${side}-${r}`)
        if (side === 'ours') {
          copyDir(template, join(run, 'client'))
          oursRuns.push(await drainWithRelay(join(run, 'client'), join(run, 'api.db'), events))
        } else {
          baseRuns.push(await drainWithFetch(wire, join(run, 'api.db')))
        }
      }
      log(`round ${r + 1}: ours ${round(oursRuns.at(-1)?.ms ?? 0)} ms, baseline ${round(baseRuns.at(-1)?.ms ?? 0)} ms`)
    }
    // Medians: one run that hits a slow fsync on this shared disk must not decide the ratio.
    const rate = (runs: { ms: number }[]) => (events / median(runs.map((x) => x.ms))) * 1000
    const eventsPerSec = rate(oursRuns)
    const baselineEventsPerSec = rate(baseRuns)
    // Each round's own ratio (its two runs sat side by side in time); the median of those.
    const roundRatios = oursRuns.map((o, i) => (baseRuns[i]?.ms ?? Number.NaN) / o.ms)

    naive ??= await startNaiveRun({ log, ...(opts.naiveDurationMs ? { durationMs: opts.naiveDurationMs } : {}) })
    return {
      values: {
        eventsPerSec: round(eventsPerSec),
        baselineEventsPerSec: round(baselineEventsPerSec),
        ratio: round(median(roundRatios), 3),
        naiveEventsPerSec: round(naive.eventsPerSec, 2),
      },
      details: {
        events,
        rounds,
        client: DRAIN_CLIENT,
        ratioOfMedians: round(eventsPerSec / baselineEventsPerSec, 3),
        spread: { ratio: spread(roundRatios) },
        batchSize: DEFAULT_TUNING.batchSize,
        concurrency: DEFAULT_TUNING.concurrency,
        oursMs: oursRuns.map((x) => round(x.ms)),
        baselineMs: baseRuns.map((x) => round(x.ms)),
        requestsPerRun: { ours: oursRuns.map((x) => x.requests), baseline: baseRuns.map((x) => x.requests) },
        naive,
      },
    }
  } finally {
    dir.remove()
  }
}

/** The seeded events as the relay puts them on the wire. */
function loadWireEvents(dataDir: string): WireEvent[] {
  const db = openSqlite(join(dataDir, DB_FILE_NAME), { readonly: true })
  try {
    const rows = db
      .prepare(`SELECT id, aggregate_id, type, payload, created_at FROM outbox WHERE status = 'pending' ORDER BY seq`)
      .all() as { id: string; aggregate_id: string; type: string; payload: string; created_at: string }[]
    return rows.map((r) => ({ id: r.id, type: r.type, aggregateId: r.aggregate_id, occurredAt: r.created_at, payload: JSON.parse(r.payload) as unknown }))
  } finally {
    db.close()
  }
}

async function verifyServer(api: ApiProcess, events: number): Promise<number> {
  const stats = await api.stats()
  if (stats.appliedIds !== events || stats.duplicateEffects !== 0) {
    throw new Error(`the server applied ${stats.appliedIds} distinct events (expected ${events}), ${stats.duplicateEffects} more than once`)
  }
  return stats.requests
}

/** Ours: a core on the copied data folder, "Sync now", timed from the first POST /events to the last batch marked sent. */
async function drainWithRelay(dataDir: string, apiDb: string, events: number): Promise<{ ms: number; requests: number }> {
  const api = await startApiProcess(apiDb)
  let firstSend: number | null = null
  let lastMarked = 0
  const client = makeClient()
  const core = createCore({
    dataDir,
    flags: { apiUrl: api.url },
    startRelay: false,
    log: quietLog,
    fetch: (input, init) => {
      if (firstSend === null && input.endsWith('/events')) firstSend = performance.now()
      return client.fetch(input, init)
    },
  })
  try {
    // The relay reports each batch it marked sent as an ordersChanged event.
    core.on('ordersChanged', () => {
      lastMarked = performance.now()
    })
    const r = await core.handlers.syncNow(undefined)
    if (!r.ok || r.value.outcome !== 'synced' || r.value.pending !== 0) throw new Error(`drain did not finish: ${JSON.stringify(r)}`)
    if (firstSend === null) throw new Error('nothing was sent')
    const requests = await verifyServer(api, events)
    return { ms: lastMarked - firstSend, requests }
  } finally {
    await core.shutdown()
    await client.close()
    await api.close()
  }
}

/**
 * The relay's HTTP client in the measured runs: by default the one the app
 * uses under Node (node-http-fetch.ts). OUTPOST_BENCH_CLIENT=undici-pool or
 * =fetch measures the alternatives (bench/README.md "HTTP client").
 */
export const DRAIN_CLIENT = (process.env.OUTPOST_BENCH_CLIENT ?? 'node-http') as 'node-http' | 'undici-pool' | 'fetch'
function makeClient(): { fetch: FetchLike; close: () => Promise<void> | void } {
  if (DRAIN_CLIENT === 'undici-pool') {
    const f = createUndiciPoolFetch()
    return { fetch: f, close: () => f.close() }
  }
  if (DRAIN_CLIENT === 'fetch') return { fetch: (input, init) => fetch(input, init), close: () => undefined }
  const f = createNodeHttpFetch()
  return { fetch: f, close: () => f.close() }
}

/** Baseline: the same events, in batches of the relay's size, with as many requests in flight, from memory. */
async function drainWithFetch(wire: readonly WireEvent[], apiDb: string): Promise<{ ms: number; requests: number }> {
  const api = await startApiProcess(apiDb)
  try {
    const url = `${api.url}/events`
    const size = DEFAULT_TUNING.batchSize
    let next = 0
    const worker = async () => {
      while (next < wire.length) {
        const batch = wire.slice(next, next + size)
        next += size
        const res = await fetch(url, {
          method: 'POST',
          headers: { Accept: 'application/json', 'Content-Type': 'application/json' },
          body: JSON.stringify({ events: batch }),
        })
        const body = JSON.parse(await res.text()) as { results?: unknown[] }
        if (res.status !== 200 || body.results?.length !== batch.length) throw new Error(`baseline POST failed: HTTP ${res.status}`)
      }
    }
    const started = performance.now()
    await Promise.all(Array.from({ length: DEFAULT_TUNING.concurrency }, () => worker()))
    const ms = performance.now() - started
    return { ms, requests: await verifyServer(api, wire.length) }
  } finally {
    await api.close()
  }
}

/**
 * The textbook outbox poller: every 5 s, take the 10 oldest pending events and
 * send them one by one, marking each sent after its answer. Runs for
 * `durationMs` (≥ 30 s) against its own server and counts what it delivered.
 */
export function startNaiveRun(opts: { log?: (line: string) => void; durationMs?: number } = {}): Promise<NaiveResult> {
  const durationMs = opts.durationMs ?? 30_000
  const intervalMs = 5_000
  const take = 10
  return (async () => {
    const dir = tempDir('outpost-bench-naive-')
    const client = join(dir.path, 'client')
    // More than the loop can send in the window, so it never runs dry.
    const ticks = Math.ceil(durationMs / intervalMs)
    seedOrdersFast(client, take * (ticks + 2))
    const api = await startApiProcess(join(dir.path, 'api.db'))
    const db = openDatabase(client)
    try {
      const oldest = db.prepare(
        `SELECT id, aggregate_id, type, payload, created_at FROM outbox WHERE status = 'pending' ORDER BY seq LIMIT ?`,
      )
      const markSent = db.prepare(`UPDATE outbox SET status = 'sent', sent_at = ?, attempts = attempts + 1 WHERE id = ?`)
      let delivered = 0
      const started = performance.now()
      const end = started + durationMs
      for (let tick = 0; ; tick++) {
        const due = started + tick * intervalMs
        if (due >= end) break
        await sleep(Math.max(0, due - performance.now()))
        const rows = oldest.all(take) as { id: string; aggregate_id: string; type: string; payload: string; created_at: string }[]
        for (const r of rows) {
          const wire: WireEvent = { id: r.id, type: r.type, aggregateId: r.aggregate_id, occurredAt: r.created_at, payload: JSON.parse(r.payload) as unknown }
          const res = await fetch(`${api.url}/events`, {
            method: 'POST',
            headers: { Accept: 'application/json', 'Content-Type': 'application/json' },
            body: JSON.stringify({ events: [wire] }),
          })
          const body = (await res.json()) as { results?: { status: string }[] }
          if (res.ok && body.results?.[0]?.status !== 'rejected' && performance.now() < end) {
            markSent.run(new Date().toISOString(), r.id)
            delivered++
          }
        }
      }
      await sleep(Math.max(0, end - performance.now()))
      const windowS = (performance.now() - started) / 1000
      const result = { eventsPerSec: delivered / windowS, delivered, windowS: round(windowS, 2) }
      opts.log?.(`naive loop: ${delivered} events in ${round(windowS, 1)} s`)
      return result
    } finally {
      db.close()
      await api.close()
      dir.remove()
    }
  })()
}
