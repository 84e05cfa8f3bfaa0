/**
 * `npm run soak [-- --server reference|receiver [--database-url URL] --orders N --kills K --fail-rate R --seed S --out FILE]`
 * (defaults: the reference API, 2,000 orders, 30 kills, fail rate 0.3, a
 * random seed, bench/results/soak.json or soak-receiver.json)
 *
 * A child process runs the core and makes a seeded mix of changes through its
 * handlers (60% creates, 30% edits, 10% cancellations) until it holds N
 * orders, while faults are injected (503, 429, dropped connections, and
 * "applied, then the connection dropped"): by the reference API itself, or by
 * the fault proxy in front of the production receiver (on PGlite, or on a
 * real PostgreSQL with `--database-url`: an empty database). The child is
 * SIGKILLed and restarted K times at random moments; then everything drains
 * and every order on the server is compared with the app's.
 *
 * Exits 1 when a change was lost, applied twice or acknowledged and then
 * missing, or any order differs between the server and the app; 2 on bad
 * arguments or when the run itself failed.
 */
import { mkdirSync, writeFileSync } from 'node:fs'
import { cpus } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { runCrashSoak, type CrashRunResult } from '../src-main/testing/crash-harness'
import { SOAK_SERVERS, type SoakServerKind } from '../src-main/testing/soak-target'
import { UsageError } from '../src-main/cli/cli-support'
import { parseFlags, REPO_ROOT, tempDir } from './lib/util'

const USAGE = 'Usage: npm run soak [-- --server reference|receiver [--database-url URL] --orders N --kills K --fail-rate R --seed S --out FILE]'

export interface SoakOptions {
  server: SoakServerKind
  orders: number
  kills: number
  failRate: number
  seed: number | null
  /** receiver only: a real PostgreSQL instead of PGlite. */
  databaseUrl: string | null
  out: string
}

export function parseSoakArgs(argv: readonly string[]): SoakOptions | 'help' {
  const { flags, positionals } = parseFlags(argv, ['server', 'database-url', 'orders', 'kills', 'fail-rate', 'seed', 'out'])
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
  const server = flags.get('server') ?? 'reference'
  if (!(SOAK_SERVERS as readonly string[]).includes(server)) throw new UsageError(`--server must be ${SOAK_SERVERS.join(' or ')}, got "${server}"`)
  const out = flags.get('out')
  if (out === 'true' || out === '') throw new UsageError('--out needs a file name')
  const seed = flags.has('seed') ? int('seed', 0, 0, 2 ** 32 - 1) : null
  const databaseUrl = flags.get('database-url') ?? null
  if (databaseUrl !== null && server !== 'receiver') throw new UsageError('--database-url is for --server receiver')
  if (databaseUrl !== null && !/^postgres(ql)?:\/\//.test(databaseUrl)) throw new UsageError(`--database-url must be a postgres:// URL, got "${databaseUrl}"`)
  return {
    server: server as SoakServerKind,
    orders: int('orders', 2000, 1, 1_000_000),
    kills: int('kills', 30, 0, 10_000),
    failRate,
    seed,
    databaseUrl,
    out: resolve(out ?? join(REPO_ROOT, server === 'reference' ? 'bench/results/soak.json' : `bench/results/soak-${server}.json`)),
  }
}

/** What the soak reports: the keys first. */
export function soakReport(r: CrashRunResult, opts: SoakOptions, now = new Date()) {
  const failures: string[] = []
  if (r.lost > 0) failures.push(`${r.lost} orders lost`)
  if (r.duplicateEffects > 0) failures.push(`${r.duplicateEffects} orders applied more than once`)
  if (r.acknowledgedMissing > 0) failures.push(`${r.acknowledgedMissing} acknowledged orders missing from the app`)
  if (r.serverOnly > 0) failures.push(`${r.serverOnly} orders on the server that the app does not have`)
  if (r.clientOnly > 0) failures.push(`${r.clientOnly} orders in the app that the server does not have`)
  if (r.mismatched > 0) failures.push(`${r.mismatched} orders differ between the server and the app (${r.mismatchExamples.join('; ')})`)
  if (r.dead > 0) failures.push(`${r.dead} changes refused by the server`)
  if (r.clientPending > 0) failures.push(`${r.clientPending} changes still waiting to be sent`)
  for (const k of ['create', 'update', 'cancel'] as const) {
    if (r.kinds[k] !== r.serverKinds[k]) failures.push(`${k}: the app made ${r.kinds[k]}, the server applied ${r.serverKinds[k]}`)
  }
  const e = r.serverEffects
  if (e.applied !== e.appliedIds) failures.push(`${e.applied - e.appliedIds} extra effects in the server's storage`)
  if (e.inboxRows !== null && e.inboxRows !== e.appliedIds) failures.push(`the receiver's inbox holds ${e.inboxRows} ids but ${e.appliedIds} were applied`)
  if (e.wrongDevice !== null && e.wrongDevice > 0) failures.push(`${e.wrongDevice} orders not attributed to the soak's device`)
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
    server: r.server,
    engine: r.engine,
    seed: r.seed,
    mismatched: r.mismatched,
    kinds: r.kinds,
    serverKinds: r.serverKinds,
    options: { server: opts.server, orders: opts.orders, kills: opts.kills, failRate: opts.failRate, seed: opts.seed },
    details: {
      acknowledged: r.acknowledged,
      acknowledgedMissing: r.acknowledgedMissing,
      kills: r.kills,
      clientSent: r.clientSent,
      clientPending: r.clientPending,
      serverOnly: r.serverOnly,
      clientOnly: r.clientOnly,
      mismatchExamples: r.mismatchExamples,
      cancelledOrders: r.cancelledOrders,
      serverEffects: r.serverEffects,
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
  console.log(`soak: ${opts.server}, ${opts.orders} orders, ${opts.kills} kills, fail rate ${opts.failRate}`)
  const dir = tempDir('outpost-soak-')
  let result: CrashRunResult
  try {
    result = await runCrashSoak({
      dir: dir.path,
      server: opts.server,
      ...(opts.seed === null ? {} : { seed: opts.seed }),
      ...(opts.databaseUrl === null ? {} : { databaseUrl: opts.databaseUrl }),
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
  const keys = ['created', 'deliveredUnique', 'lost', 'duplicateEffects', 'resends', 'dead', 'mismatched', 'elapsedS'] as const
  for (const k of keys) console.log(`  ${k.padEnd(17)} ${report[k]}`)
  const kinds = (c: Record<string, number>) => `${c.create} creates, ${c.update} edits, ${c.cancel} cancellations`
  console.log(`  app made          ${kinds(result.kinds)}`)
  console.log(`  server applied    ${kinds(result.serverKinds)} (${result.engine}, seed ${result.seed})`)
  console.log(`  (acknowledged ${result.acknowledged} changes, missing after restart ${result.acknowledgedMissing}; JSON: ${opts.out})`)
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
