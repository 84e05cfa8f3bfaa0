/**
 * `npm run soak [-- --orders N --kills K --fail-rate R --out FILE]`
 * (defaults 2,000 orders, 30 kills, fail rate 0.3, bench/results/soak.json)
 *
 * Creates N orders through the core in a child process while the reference
 * API injects faults (503, 429, dropped connections, and "applied, then the
 * connection dropped"), SIGKILLs and restarts that process K times at random
 * moments, waits until nothing is pending, then counts what the server holds.
 *
 * Exits 1 when an order was lost, applied twice, or acknowledged and then
 * missing; 2 on bad arguments or when the run itself failed.
 */
import { mkdirSync, writeFileSync } from 'node:fs'
import { cpus } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { runCrashSoak, type CrashRunResult } from '../src-main/testing/crash-harness'
import { UsageError } from '../src-main/cli/cli-support'
import { parseFlags, REPO_ROOT, tempDir } from './lib/util'

const USAGE = 'Usage: npm run soak [-- --orders N --kills K --fail-rate R --out FILE]'


export interface SoakOptions {
  orders: number
  kills: number
  failRate: number
  out: string
}

export function parseSoakArgs(argv: readonly string[]): SoakOptions | 'help' {
  const { flags, positionals } = parseFlags(argv, ['orders', 'kills', 'fail-rate', 'out'])
  if (flags.has('help')) return 'help'
  if (positionals.length > 0) throw new UsageError(`unexpected argument ${positionals[0]}`)
  const int = (name: string, fallback: number, min: number, max: number): number => {
    const raw = flags.get(name)
    if (raw === undefined) return fallback
    if (!/^\d+$/.test(raw)) throw new UsageError(`--${name} must be a whole number, got "${raw}"`)
    const n = Number(raw)
    if (n < min || n > max) throw new UsageError(`--${name} must be between ${min} and ${max}, got ${n}`)
    return n
  }
  const rawRate = flags.get('fail-rate')
  const failRate = rawRate === undefined ? 0.3 : Number(rawRate)
  if (rawRate !== undefined && (rawRate.trim() === '' || !Number.isFinite(failRate) || failRate < 0 || failRate > 1)) {
    throw new UsageError(`--fail-rate must be a number from 0 to 1, got "${rawRate}"`)
  }
  const out = flags.get('out')
  if (out === 'true' || out === '') throw new UsageError('--out needs a file name')
  return {
    orders: int('orders', 2000, 1, 1_000_000),
    kills: int('kills', 30, 0, 10_000),
    failRate,
    out: resolve(out ?? join(REPO_ROOT, 'bench/results/soak.json')),
  }
}

/** What the soak reports: the keys first. */
export function soakReport(r: CrashRunResult, opts: SoakOptions, now = new Date()) {
  const failures: string[] = []
  if (r.lost > 0) failures.push(`${r.lost} orders lost`)
  if (r.duplicateEffects > 0) failures.push(`${r.duplicateEffects} orders applied more than once`)
  if (r.acknowledgedMissing > 0) failures.push(`${r.acknowledgedMissing} acknowledged orders missing from the app`)
  if (r.serverOnly > 0) failures.push(`${r.serverOnly} orders on the server that the app does not have`)
  return {
    created: r.created,
    deliveredUnique: r.deliveredUnique,
    lost: r.lost,
    duplicateEffects: r.duplicateEffects,
    resends: r.resends,
    dead: r.dead,
    elapsedS: r.elapsedS,
    passed: failures.length === 0,
    failures,
    options: { orders: opts.orders, kills: opts.kills, failRate: opts.failRate },
    details: {
      acknowledged: r.acknowledged,
      acknowledgedMissing: r.acknowledgedMissing,
      kills: r.kills,
      clientSent: r.clientSent,
      clientPending: r.clientPending,
      serverOnly: r.serverOnly,
      clientOnly: r.clientOnly,
    },
    meta: { date: now.toISOString(), cores: cpus().length, node: process.version },
  }
}

async function main(): Promise<number> {
  let opts: SoakOptions | 'help'
  try {
    opts = parseSoakArgs(process.argv.slice(2))
  } catch (err) {
    if (!(err instanceof UsageError)) throw err
    console.error(`soak: ${err.message}\n${USAGE}`)
    return 2
  }
  if (opts === 'help') {
    console.log(USAGE)
    return 0
  }
  console.log(`soak: ${opts.orders} orders, ${opts.kills} kills, fail rate ${opts.failRate}`)
  const dir = tempDir('outpost-soak-')
  let result: CrashRunResult
  try {
    result = await runCrashSoak({
      dir: dir.path,
      orders: opts.orders,
      kills: opts.kills,
      failRate: opts.failRate,
      log: (line) => console.log(`  ${line}`),
      // Generous: a slow shared disk must not turn a correct run into a failure.
      settleTimeoutMs: Math.max(120_000, opts.orders * 100),
    })
  } catch (err) {
    console.error(`soak: the run failed (its files are kept in ${dir.path}):`, err)
    return 2
  }
  const report = soakReport(result, opts)
  mkdirSync(dirname(opts.out), { recursive: true })
  writeFileSync(opts.out, `${JSON.stringify(report, null, 2)}\n`)
  const keys = ['created', 'deliveredUnique', 'lost', 'duplicateEffects', 'resends', 'dead', 'elapsedS'] as const
  for (const k of keys) console.log(`  ${k.padEnd(17)} ${report[k]}`)
  console.log(`  (acknowledged ${result.acknowledged}, missing after restart ${result.acknowledgedMissing}; JSON: ${opts.out})`)
  if (!report.passed) {
    console.error(`soak: FAILED: ${report.failures.join('; ')} (files kept in ${dir.path})`)
    return 1
  }
  dir.remove()
  console.log('soak: passed')
  return 0
}

// Run only as a script (bench.test.ts imports the helpers).
if (process.argv[1] && resolve(process.argv[1]) === resolve(REPO_ROOT, 'bench/soak.ts')) {
  main().then(
    (code) => process.exit(code),
    (err: unknown) => {
      console.error('soak failed:', err)
      process.exit(2)
    },
  )
}
