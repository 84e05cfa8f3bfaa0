/**
 * The measured process of the `memory` scenario: nothing but the app's core
 * on a data folder full of pending events. It samples its own RSS and heap
 * every 20 ms, first idle with the database open (the baseline), then while
 * the relay drains everything ("Sync now"), and prints one `result {json}` line.
 *
 *   node --expose-gc --import tsx bench/scenarios/memory-child.ts --data-dir DIR --api-url URL
 *
 * --expose-gc only makes `gc()` callable; it is called once, after the peak
 * has been recorded, to show how much of the growth was garbage.
 */
import { parseArgs } from 'node:util'
import { createCore } from '../../src-main/core/create-core'
import { quietLog } from '../lib/util'

export interface MemoryChildResult {
  baselineRssMb: number
  baselineHeapMb: number
  peakRssMb: number
  peakSampledRssMb: number
  peakHeapMb: number
  /** After the drain and a full GC (the child runs with --expose-gc): what is really retained. */
  heapAfterGcMb: number | null
  rssAfterGcMb: number | null
  samples: number
  drainMs: number
  pendingAfter: number
  outcome: string
}

const { values } = parseArgs({ options: { 'data-dir': { type: 'string' }, 'api-url': { type: 'string' }, 'idle-ms': { type: 'string' } } })
const dataDir = values['data-dir']
const apiUrl = values['api-url']
if (!dataDir || !apiUrl) throw new Error('--data-dir and --api-url are required')
const idleMs = Number(values['idle-ms'] ?? 1500)
const MB = 1024 * 1024

let rss: number[] = []
let heap: number[] = []
const sample = () => {
  const m = process.memoryUsage()
  rss.push(m.rss)
  heap.push(m.heapUsed)
}
const sampler = setInterval(sample, 20)

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0
const max = (xs: number[]) => xs.reduce((a, b) => Math.max(a, b), 0)

async function main(): Promise<MemoryChildResult> {
  // The relay is not started: the core sits idle with the database open.
  const core = createCore({ dataDir: dataDir ?? '', flags: { apiUrl }, startRelay: false, log: quietLog })
  const status = core.status()
  await new Promise((r) => setTimeout(r, idleMs))
  sample()
  // The second half of the idle window: startup has settled.
  const idleRss = rss.slice(Math.floor(rss.length / 2))
  const idleHeap = heap.slice(Math.floor(heap.length / 2))
  const baselineRss = median(idleRss)
  const baselineHeap = median(idleHeap)

  rss = []
  heap = []
  // The kernel's high-water mark catches a spike between two samples.
  const maxRssBefore = process.resourceUsage().maxRSS * 1024
  const started = performance.now()
  sample()
  const r = await core.handlers.syncNow(undefined)
  sample()
  const drainMs = performance.now() - started
  clearInterval(sampler)
  const maxRssAfter = process.resourceUsage().maxRSS * 1024
  const sampledPeak = max(rss)
  const peakRss = Math.max(sampledPeak, maxRssAfter > maxRssBefore ? maxRssAfter : 0)
  const pendingAfter = core.status().counts.pending
  const gc = (globalThis as { gc?: () => void }).gc
  let heapAfterGc: number | null = null
  let rssAfterGc: number | null = null
  if (gc) {
    gc()
    const m = process.memoryUsage()
    heapAfterGc = m.heapUsed
    rssAfterGc = m.rss
  }
  await core.shutdown()
  return {
    baselineRssMb: baselineRss / MB,
    baselineHeapMb: baselineHeap / MB,
    peakRssMb: peakRss / MB,
    peakSampledRssMb: sampledPeak / MB,
    peakHeapMb: max(heap) / MB,
    heapAfterGcMb: heapAfterGc === null ? null : heapAfterGc / MB,
    rssAfterGcMb: rssAfterGc === null ? null : rssAfterGc / MB,
    samples: rss.length,
    drainMs,
    pendingAfter: r.ok ? pendingAfter : status.counts.pending,
    outcome: r.ok ? r.value.outcome : r.error.message,
  }
}

main().then(
  (result) => {
    process.stdout.write(`result ${JSON.stringify(result)}\n`)
    process.exit(0)
  },
  (err: unknown) => {
    console.error(err)
    process.exit(1)
  },
)
