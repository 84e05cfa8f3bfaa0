/**
 * npm run api -- --port 5180 --db ./reference-api.db [--token T] [--fail-rate 0.2] [--latency-ms 50] [--verbose]
 */
import { resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { UsageError } from '../cli/cli-support'
import { startReferenceApi, type ReferenceApi } from './server'

const USAGE = `Usage: npm run api -- [--port 5180] [--db ./reference-api.db] [--token T] [--fail-rate 0..1] [--latency-ms N] [--base-path /api] [--verbose]`

interface CliOptions {
  port: number
  db: string
  token: string | null
  failRate: number
  latencyMs: number
  basePath: string
  verbose: boolean
}

function parseCli(argv: string[]): CliOptions | 'help' {
  let values
  try {
    ;({ values } = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        port: { type: 'string' },
        db: { type: 'string' },
        token: { type: 'string' },
        'fail-rate': { type: 'string' },
        'latency-ms': { type: 'string' },
        'base-path': { type: 'string' },
        verbose: { type: 'boolean', short: 'v' },
        help: { type: 'boolean', short: 'h' },
      },
    }))
  } catch (err) {
    throw new UsageError(err instanceof Error ? err.message.split('\n')[0] : String(err))
  }
  if (values.help) return 'help'
  const port = values.port === undefined ? 5180 : integer('--port', values.port, 0, 65535)
  const failRate = values['fail-rate'] === undefined ? 0 : decimal('--fail-rate', values['fail-rate'], 0, 1)
  const latencyMs = values['latency-ms'] === undefined ? 0 : integer('--latency-ms', values['latency-ms'], 0, 600_000)
  if (values.db !== undefined && values.db.trim() === '') throw new UsageError('--db must not be empty')
  if (values.token !== undefined && !/^\S+$/.test(values.token)) throw new UsageError('--token must be non-empty and contain no spaces')
  const basePath = values['base-path'] ?? ''
  if (basePath && !/^\/?[A-Za-z0-9._~\-/]*$/.test(basePath)) throw new UsageError(`--base-path is not a valid path: ${basePath}`)
  return {
    port,
    db: resolve(values.db ?? './reference-api.db'),
    token: values.token ?? null,
    failRate,
    latencyMs,
    basePath,
    verbose: values.verbose ?? false,
  }
}

function integer(flag: string, raw: string, min: number, max: number): number {
  if (!/^\d+$/.test(raw.trim())) throw new UsageError(`${flag} must be a whole number, got "${raw}"`)
  const n = Number(raw)
  if (n < min || n > max) throw new UsageError(`${flag} must be between ${min} and ${max}, got ${n}`)
  return n
}

function decimal(flag: string, raw: string, min: number, max: number): number {
  const n = raw.trim() === '' ? Number.NaN : Number(raw)
  if (!Number.isFinite(n) || n < min || n > max) throw new UsageError(`${flag} must be a number between ${min} and ${max}, got "${raw}"`)
  return n
}

async function main(): Promise<void> {
  let opts: CliOptions | 'help'
  try {
    opts = parseCli(process.argv.slice(2))
  } catch (err) {
    if (!(err instanceof UsageError)) throw err
    process.stderr.write(`error: ${err.message}\n${USAGE}\n`)
    process.exit(2)
  }
  if (opts === 'help') {
    process.stdout.write(`${USAGE}\n`)
    return
  }

  let api: ReferenceApi
  try {
    api = await startReferenceApi({
      port: opts.port,
      dbFile: opts.db,
      token: opts.token,
      failRate: opts.failRate,
      latencyMs: opts.latencyMs,
      basePath: opts.basePath,
      ...(opts.verbose ? { log: (line: string) => process.stdout.write(`${line}\n`) } : {}),
    })
  } catch (err) {
    const e = err as NodeJS.ErrnoException
    const message =
      e?.code === 'EADDRINUSE'
        ? `port ${opts.port} is already in use`
        : `could not start: ${(e?.message ?? String(err)).split('\n')[0]}`
    process.stderr.write(`error: ${message}\n`)
    process.exit(1)
  }

  const extras = [
    opts.token ? 'token required' : 'no token',
    opts.failRate > 0 ? `fail rate ${opts.failRate}` : null,
    opts.latencyMs > 0 ? `latency ${opts.latencyMs} ms` : null,
  ].filter(Boolean)
  process.stdout.write(`Outpost reference API listening on ${api.url}\n`)
  process.stdout.write(`  db ${opts.db} (${extras.join(', ')})\n`)

  let stopping = false
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return
    stopping = true
    api
      .close()
      .then(() => {
        process.stdout.write(`Stopped (${signal}).\n`)
        process.exit(0)
      })
      .catch((err: unknown) => {
        process.stderr.write(`error while stopping: ${err instanceof Error ? err.message : String(err)}\n`)
        process.exit(1)
      })
  }
  process.on('SIGINT', stop)
  process.on('SIGTERM', stop)
}

main().catch((err: unknown) => {
  process.stderr.write(`error: ${err instanceof Error ? err.message : String(err)}\n`)
  process.exit(1)
})
