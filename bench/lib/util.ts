/**
 * Shared helpers for the benchmarks: temp folders, ports, percentiles, the
 * order input every scenario uses, fast seeding, and a reference API running
 * in its own process.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { cpSync, mkdirSync } from 'node:fs'
import { tempDir } from '../../src-main/testing/temp-dir'
import { dirname, join } from 'node:path'
import { parseArgs } from 'node:util'
import { REPO_ROOT, UsageError } from '../../src-main/cli/cli-support'
import type { Logger } from '../../src-main/core/core-types'
import { consoleLogger } from '../../src-main/core/util/console-logger'
import { withTimeout } from '../../src-main/core/util/timeout'
import { openDatabase } from '../../src-main/core/db/open-database'
import { OrdersRepo } from '../../src-main/core/orders/orders-repo'
import { validateOrder } from '../../src-main/core/orders/validate-order'
import { OutboxRepo } from '../../src-main/core/outbox/outbox-repo'
import type { ReferenceStats } from '../../src-main/reference-api/server'

export { REPO_ROOT }

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, Math.max(0, ms)))

export { withTimeout }

/** The core's logger for benchmarks: warnings and errors only. */
export const quietLog: Logger = consoleLogger()

export { tempDir }

/** Copies a closed data folder (its SQLite file has no WAL left once closed). */
export function copyDir(from: string, to: string): void {
  cpSync(from, to, { recursive: true })
}

/** A loopback port that was free a moment ago (for a server that starts later). */
export { freeLoopbackPort as freePort } from '../../src-main/cli/free-port'

/** Nearest-rank percentile of an ascending array. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))
  return sorted[rank] ?? Number.NaN
}

/** The middle value (the mean of the two middle ones for an even count). */
export function median(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b)
  if (s.length === 0) return Number.NaN
  const mid = Math.floor(s.length / 2)
  return s.length % 2 === 1 ? (s[mid] ?? Number.NaN) : ((s[mid - 1] ?? Number.NaN) + (s[mid] ?? Number.NaN)) / 2
}

/** The spread printed beside a ratio: the interquartile range [p25, p75] of the samples (nearest rank). */
export function spread(values: readonly number[]): [number, number] {
  const s = [...values].sort((a, b) => a - b)
  return [round(percentile(s, 25), 3), round(percentile(s, 75), 3)]
}

export const round = (n: number, digits = 0): number => {
  const f = 10 ** digits
  return Math.round(n * f) / f
}

export const mb = (bytes: number): number => bytes / (1024 * 1024)

/** The order every benchmark creates: three line items, as the form would send it. */
export function orderInput(i: number): { customer: string; note?: string; items: { name: string; quantity: string; unitPrice: string }[] } {
  return {
    customer: `Bench customer ${i}`,
    ...(i % 4 === 0 ? { note: 'Deliver to the back door' } : {}),
    items: [
      { name: 'Espresso beans 1 kg', quantity: String(1 + (i % 3)), unitPrice: '18.50' },
      { name: 'Oat milk', quantity: '6', unitPrice: '2.25' },
      { name: 'Paper cups (100)', quantity: '2', unitPrice: '7.90' },
    ],
  }
}

/**
 * Writes `count` pending orders into `dataDir` the way the app does (the same
 * validation, `OrdersRepo.create` and outbox rows), but inside one outer
 * transaction, so 100,000 orders take seconds instead of 100,000 fsyncs. The
 * per-order transactions become savepoints; the rows are identical.
 */
export function seedOrdersFast(dataDir: string, count: number, opts: { startIndex?: number } = {}): void {
  const db = openDatabase(dataDir)
  try {
    const outbox = new OutboxRepo(db)
    const orders = new OrdersRepo(db, outbox)
    const start = opts.startIndex ?? 0
    const base = Date.now() - count
    const chunk = 20_000
    for (let from = 0; from < count; from += chunk) {
      db.transaction(() => {
        for (let i = from; i < Math.min(count, from + chunk); i++) {
          orders.create(validateOrder(orderInput(start + i), 'USD'), new Date(base + i))
        }
      }).immediate()
    }
  } finally {
    db.close()
  }
}

const seeded = new Map<number, { path: string; remove: () => void }>()

/**
 * A data folder holding `count` pending orders (seedOrdersFast), copied into
 * `dataDir`. The first call for a count seeds a template; later calls in the
 * same run (memory and ui both want 100,000) only copy it.
 */
export function seedCopy(dataDir: string, count: number): void {
  let template = seeded.get(count)
  if (!template) {
    template = tempDir(`outpost-bench-seed-${count}-`)
    seedOrdersFast(join(template.path, 'data'), count)
    seeded.set(count, template)
    if (seeded.size === 1) process.once('exit', () => {
      for (const t of seeded.values()) t.remove()
    })
  }
  copyDir(join(template.path, 'data'), dataDir)
}

export interface ApiProcess {
  readonly url: string
  readonly child: ChildProcess
  stats(): Promise<ReferenceStats>
  close(): Promise<void>
}

/**
 * The reference API in its own process (`npm run api`), fault injection off,
 * on a fresh database file: the app process under test shares nothing with it.
 */
export async function startApiProcess(dbFile: string, opts: { port?: number } = {}): Promise<ApiProcess> {
  mkdirSync(dirname(dbFile), { recursive: true })
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', join(REPO_ROOT, 'src-main/reference-api/cli.ts'), '--port', String(opts.port ?? 0), '--db', dbFile],
    { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
  )
  let output = ''
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`reference API did not start:\n${output}`)), 30_000)
    child.stdout.on('data', (d: Buffer) => {
      output += d.toString()
      const m = /listening on (\S+)/.exec(output)
      if (m?.[1]) {
        clearTimeout(timer)
        resolve(m[1])
      }
    })
    child.stderr.on('data', (d: Buffer) => (output += d.toString()))
    child.once('exit', (code) => {
      clearTimeout(timer)
      reject(new Error(`reference API exited (${code}):\n${output}`))
    })
  })
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  return {
    url,
    child,
    async stats() {
      const res = await fetch(`${url}/stats`)
      return (await res.json()) as ReferenceStats
    },
    async close() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM')
      await exited
    },
  }
}

/**
 * `--name value` flags (the names given, each a string, plus `--help`) and
 * positionals, through node:util parseArgs like every other CLI. An unknown or
 * valueless flag is a UsageError with parseArgs' own words.
 */
export function parseFlags(argv: readonly string[], names: readonly string[]): { flags: Map<string, string>; positionals: string[] } {
  const options: Record<string, { type: 'string' | 'boolean' }> = { help: { type: 'boolean' } }
  for (const n of names) options[n] = { type: 'string' }
  let parsed
  try {
    parsed = parseArgs({ args: [...argv], options, strict: true, allowPositionals: true })
  } catch (err) {
    throw new UsageError((err as Error).message)
  }
  const flags = new Map(Object.entries(parsed.values).map(([k, v]) => [k, String(v)]))
  return { flags, positionals: parsed.positionals }
}
