/**
 * `memory`: 100,000 pending events drained by the real relay, in a process
 * that holds nothing but the core (the reference API runs in another one), so
 * its RSS is the app's. Baseline: the same process idle with the database
 * open. Target: growth (peak − baseline) ≤ 64 MB: the relay streams batches
 * and never loads the whole outbox.
 */
import { spawn } from 'node:child_process'
import { join } from 'node:path'
import type { ScenarioOutcome } from '../lib/report'
import { REPO_ROOT, round, seedCopy, startApiProcess, tempDir } from '../lib/util'
import type { MemoryChildResult } from './memory-child'

export interface MemoryOptions {
  events?: number
  log?: (line: string) => void
}

export async function runMemory(opts: MemoryOptions = {}): Promise<ScenarioOutcome<'memory'>> {
  const events = opts.events ?? 100_000
  const log = opts.log ?? (() => undefined)
  const dir = tempDir('outpost-bench-memory-')
  try {
    const dataDir = join(dir.path, 'client')
    let t = performance.now()
    seedCopy(dataDir, events)
    log(`${events} pending events seeded in ${round((performance.now() - t) / 1000, 1)} s`)
    const api = await startApiProcess(join(dir.path, 'api.db'))
    try {
      t = performance.now()
      const result = await runChild(dataDir, api.url)
      const stats = await api.stats()
      if (result.pendingAfter !== 0 || stats.appliedIds !== events || stats.duplicateEffects !== 0) {
        throw new Error(`memory: the drain did not complete (${result.outcome}, ${result.pendingAfter} pending, server has ${stats.appliedIds})`)
      }
      log(`drained ${events} events in ${round(result.drainMs / 1000, 1)} s; RSS ${round(result.baselineRssMb, 1)} → ${round(result.peakRssMb, 1)} MB`)
      return {
        values: {
          baselineRssMb: round(result.baselineRssMb, 1),
          peakRssMb: round(result.peakRssMb, 1),
          growthMb: round(result.peakRssMb - result.baselineRssMb, 1),
        },
        details: {
          events,
          drainMs: round(result.drainMs),
          eventsPerSec: round((events / result.drainMs) * 1000),
          baselineHeapMb: round(result.baselineHeapMb, 1),
          peakHeapMb: round(result.peakHeapMb, 1),
          heapGrowthMb: round(result.peakHeapMb - result.baselineHeapMb, 1),
          heapAfterGcMb: result.heapAfterGcMb === null ? null : round(result.heapAfterGcMb, 1),
          rssAfterGcMb: result.rssAfterGcMb === null ? null : round(result.rssAfterGcMb, 1),
          peakSampledRssMb: round(result.peakSampledRssMb, 1),
          samples: result.samples,
          serverRequests: stats.requests,
        },
      }
    } finally {
      await api.close()
    }
  } finally {
    dir.remove()
  }
}

function runChild(dataDir: string, apiUrl: string): Promise<MemoryChildResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--expose-gc', '--import', 'tsx', join(REPO_ROOT, 'bench/scenarios/memory-child.ts'), '--data-dir', dataDir, '--api-url', apiUrl],
      { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
    )
    let out = ''
    let err = ''
    child.stdout.on('data', (d: Buffer) => (out += d.toString()))
    child.stderr.on('data', (d: Buffer) => (err += d.toString()))
    child.once('exit', (code) => {
      const line = out.split('\n').find((l) => l.startsWith('result '))
      if (code !== 0 || !line) {
        reject(new Error(`memory child failed (${code}):\n${err}${out}`))
        return
      }
      resolve(JSON.parse(line.slice('result '.length)) as MemoryChildResult)
    })
  })
}
