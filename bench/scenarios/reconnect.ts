/**
 * `reconnect`: 100 pending events and the API down for 10 s (a reserved port
 * with nothing listening; the reference API starts on it after 10 s). The
 * core runs with the app's default relay tuning (health probe 1 s, 2 s, 4 s …
 * up to 30 s), so this measures what a user would see.
 *
 * - firstMs / allMs: from the API listening again to the first event the
 *   server accepted / to every event marked sent in the app, with no user
 *   action. Median of 5 runs.
 * - syncNowAllMs: the same, with "Sync now" called right after the API is
 *   back. Median of 5 runs.
 *
 * - longOutageAllMs: like allMs, after a 2-minute outage (the probe has long
 *   reached its longest interval). Really waited: 3 runs, median, started
 *   with the others so they share the wall-clock time.
 *
 * The 10 runs (5 of each) are independent (own data folder, own server, own
 * port) and overlap in time, staggered by 0.5 s so that no two of them reach
 * the moment being timed together: this keeps the scenario at ~20 s instead
 * of ~100 s. Between those moments a run only waits on timers.
 */
import { join } from 'node:path'
import { createCore } from '../../src-main/core/create-core'
import { startReferenceApi, type ReferenceApi } from '../../src-main/reference-api/server'
import type { ScenarioOutcome } from '../lib/report'
import { freePort, median, quietLog, round, seedOrdersFast, sleep, tempDir, withTimeout } from '../lib/util'

export interface ReconnectOptions {
  runs?: number
  pending?: number
  downMs?: number
  staggerMs?: number
  longRuns?: number
  longDownMs?: number
  log?: (line: string) => void
}

interface RunResult {
  mode: 'auto' | 'syncNow' | 'long'
  firstMs: number
  allMs: number
}

export async function runReconnect(opts: ReconnectOptions = {}): Promise<ScenarioOutcome<'reconnect'>> {
  const runs = opts.runs ?? 5
  const pending = opts.pending ?? 100
  const downMs = opts.downMs ?? 10_000
  const stagger = opts.staggerMs ?? 500
  const longRuns = opts.longRuns ?? 3
  const longDownMs = opts.longDownMs ?? 120_000
  const log = opts.log ?? (() => undefined)
  const dir = tempDir('outpost-bench-reconnect-')
  try {
    const plan: { mode: RunResult['mode']; delayMs: number; dataDir: string }[] = []
    for (let i = 0; i < runs; i++) {
      plan.push({ mode: 'auto', delayMs: 2 * i * stagger, dataDir: join(dir.path, `auto-${i}`) })
      plan.push({ mode: 'syncNow', delayMs: (2 * i + 1) * stagger, dataDir: join(dir.path, `sync-${i}`) })
    }
    // The long outages start first and end last, staggered like the rest (offset by a quarter step so no moment is shared).
    for (let i = 0; i < longRuns; i++) {
      plan.push({ mode: 'long', delayMs: 2 * i * stagger + stagger / 2, dataDir: join(dir.path, `long-${i}`) })
    }
    // Seed every folder before any clock starts.
    for (const p of plan) seedOrdersFast(p.dataDir, pending)
    const results = await Promise.all(
      plan.map(async (p) => {
        await sleep(p.delayMs)
        return oneRun(p.mode, p.dataDir, pending, p.mode === 'long' ? longDownMs : downMs)
      }),
    )
    const auto = results.filter((r) => r.mode === 'auto')
    const sync = results.filter((r) => r.mode === 'syncNow')
    const long = results.filter((r) => r.mode === 'long')
    log(`no action: first ${auto.map((r) => r.firstMs).join(', ')} ms; all ${auto.map((r) => r.allMs).join(', ')} ms`)
    log(`sync now:  all ${sync.map((r) => r.allMs).join(', ')} ms`)
    log(`after ${longDownMs / 1000} s down: all ${long.map((r) => r.allMs).join(', ')} ms`)
    return {
      values: {
        firstMs: round(median(auto.map((r) => r.firstMs))),
        allMs: round(median(auto.map((r) => r.allMs))),
        syncNowAllMs: round(median(sync.map((r) => r.allMs))),
        longOutageAllMs: long.length > 0 ? round(median(long.map((r) => r.allMs))) : null,
      },
      details: {
        runs,
        pending,
        downMs,
        firstMsRuns: auto.map((r) => r.firstMs),
        allMsRuns: auto.map((r) => r.allMs),
        syncNowFirstMsRuns: sync.map((r) => r.firstMs),
        syncNowAllMsRuns: sync.map((r) => r.allMs),
        longDownMs,
        longOutageAllMsRuns: long.map((r) => r.allMs),
      },
    }
  } finally {
    dir.remove()
  }
}

async function oneRun(mode: RunResult['mode'], dataDir: string, pending: number, downMs: number): Promise<RunResult> {
  const port = await freePort()
  const core = createCore({ dataDir, flags: { apiUrl: `http://127.0.0.1:${port}` }, log: quietLog })
  const wentDown = Date.now()
  let api: ReferenceApi | null = null
  try {
    if (core.status().counts.pending !== pending) throw new Error('seeding failed')
    let off: () => void = () => undefined
    const delivered = new Promise<number>((resolve) => {
      off = core.on('ordersChanged', () => {
        if (core.status().counts.pending === 0) resolve(Date.now())
      })
    })
    await sleep(wentDown + downMs - Date.now())
    api = await startReferenceApi({ port, dbFile: join(dataDir, 'reference-api.db') })
    const up = Date.now()
    const syncNow = mode === 'syncNow' ? core.handlers.syncNow(undefined) : null
    const doneAt = await withTimeout(delivered, 90_000, `reconnect (${mode}): everything delivered`)
    off()
    if (syncNow) {
      const r = await syncNow
      if (!r.ok || r.value.outcome !== 'synced') throw new Error(`Sync now answered ${JSON.stringify(r)}`)
    }
    const firstAccepted = api.requestLog.find((e) => e.accepted > 0)
    if (!firstAccepted) throw new Error('the server accepted nothing')
    const stats = api.stats()
    if (stats.appliedIds !== pending || stats.duplicateEffects !== 0) throw new Error(`server applied ${stats.appliedIds}/${pending}`)
    return { mode, firstMs: firstAccepted.at + firstAccepted.durationMs - up, allMs: doneAt - up }
  } finally {
    await core.shutdown()
    await api?.close()
  }
}
