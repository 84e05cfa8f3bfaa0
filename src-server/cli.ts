/**
 * npm run server -- --port P [--host H] [--data-dir DIR | --database-url URL] [--insecure-no-auth]
 * npm run server -- token create --device "Stall 7" | token list | token revoke <id|name>
 */
import { resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { pino } from 'pino'
import { DatabaseUnavailableError, oneLine, type Db } from './db'
import { startFaultProxy, type FaultProxy } from './fault-proxy'
import { SchemaTooNewError } from './migrations'
import { openStore } from './open-store'
import { startServer } from './server'
import { createToken, listDevices, revokeToken } from './tokens'

const USAGE = `Usage:
  npm run server -- [--port 5190] [--host 127.0.0.1] [--data-dir DIR | --database-url URL] [--insecure-no-auth] [--log-level info] [--fail-rate R]
  npm run server -- token create --device "Stall 7" [--data-dir DIR | --database-url URL]
  npm run server -- token list | token revoke <device id or name>`

class UsageError extends Error {}

async function main(argv: string[]): Promise<void> {
  let parsed
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        port: { type: 'string' },
        host: { type: 'string' },
        'data-dir': { type: 'string' },
        'database-url': { type: 'string' },
        'insecure-no-auth': { type: 'boolean' },
        'log-level': { type: 'string' },
        'pool-size': { type: 'string' },
        'fail-rate': { type: 'string' },
        device: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    })
  } catch (err) {
    // parseArgs' own sentence for an unknown flag is a paragraph about positionals.
    const unknown = (err as { code?: unknown }).code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' ? /'(-[^']*)'/.exec(oneLine(err))?.[1] : undefined
    throw new UsageError(unknown ? `unknown flag ${unknown}` : oneLine(err))
  }
  const { values, positionals } = parsed
  if (values.help) {
    process.stdout.write(`${USAGE}\n`)
    return
  }
  const databaseUrl = values['database-url'] ?? process.env.DATABASE_URL ?? null
  if (databaseUrl && values['data-dir']) throw new UsageError('give --data-dir or --database-url, not both')
  const dataDir = resolve(values['data-dir'] ?? './outpost-server-data')
  const poolSize = values['pool-size'] === undefined ? 10 : wholeNumber('--pool-size', values['pool-size'], 1, 500)

  if (positionals[0] === 'token') {
    const [, action, arg] = positionals
    if (action !== 'create' && action !== 'list' && action !== 'revoke') throw new UsageError('token needs create, list or revoke')
    if (action === 'create' && !values.device?.trim()) throw new UsageError('token create needs --device "name"')
    if (action === 'revoke' && !arg) throw new UsageError('token revoke needs a device id or name')
    const db = await openStore({ databaseUrl, dataDir, poolSize: 1 })
    try {
      if (action === 'create') {
        const { device, token } = await createToken(db, values.device ?? '')
        process.stdout.write(`Device ${device.id} "${device.name}". Its token (shown only now, stored only as a hash):\n${token}\n`)
      } else if (action === 'list') {
        for (const d of await listDevices(db)) {
          process.stdout.write(`${d.id}\t${d.name}\tcreated ${d.createdAt}\t${d.revokedAt ? `revoked ${d.revokedAt}` : 'active'}\n`)
        }
      } else {
        const n = await revokeToken(db, arg ?? '')
        if (n === 0) throw new UsageError(`no active device "${arg}"`)
        process.stdout.write(`Revoked ${n} device token(s); requests with them now get 401.\n`)
      }
    } finally {
      await db.close()
    }
    return
  }
  if (positionals.length > 0) throw new UsageError(`unexpected argument "${positionals[0]}"`)

  const port = values.port === undefined ? 5190 : wholeNumber('--port', values.port, 0, 65535)
  const host = values.host ?? '127.0.0.1'
  const level = values['log-level'] ?? 'info'
  if (!['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].includes(level)) throw new UsageError(`--log-level must be one of fatal, error, warn, info, debug, silent`)
  const logger = pino({ level })
  const requireAuth = !values['insecure-no-auth']
  // Development faults (docs/server.md): the fault proxy takes the port, the receiver a free one behind it.
  const failRate = values['fail-rate'] === undefined ? 0 : Number(values['fail-rate'])
  if (!(failRate >= 0 && failRate <= 1) || values['fail-rate']?.trim() === '') throw new UsageError(`--fail-rate must be a number from 0 to 1, got "${values['fail-rate']}"`)
  if (failRate > 0 && host !== '127.0.0.1') throw new UsageError('--fail-rate is for development and only listens on 127.0.0.1')
  const db: Db = await openStore({ databaseUrl, dataDir, poolSize })
  let server
  try {
    server = await startServer({ db, port: failRate > 0 ? 0 : port, host, requireAuth, logger })
  } catch (err) {
    await db.close()
    if ((err as { code?: unknown }).code === 'EADDRINUSE') throw new DatabaseUnavailableError(`port ${port} is already in use`)
    throw err
  }
  if (!requireAuth) process.stderr.write('WARNING: --insecure-no-auth: any client can send events without a token. Development only.\n')
  let proxy: FaultProxy | null = null
  if (failRate > 0) {
    try {
      proxy = await startFaultProxy({ upstream: server.url, failRate, port })
    } catch (err) {
      await server.close()
      await db.close()
      if ((err as { code?: unknown }).code === 'EADDRINUSE') throw new DatabaseUnavailableError(`port ${port} is already in use`)
      throw err
    }
    process.stderr.write(`WARNING: --fail-rate ${failRate}: ${Math.round(failRate * 100)}% of POSTs get an injected fault (503, 429, dropped, applied then dropped). Development only.\n`)
  }
  process.stdout.write(`Outpost server listening on ${proxy?.url ?? server.url} (${db.kind === 'pglite' ? `embedded PostgreSQL in ${dataDir}` : 'PostgreSQL'})\n`)
  let stopping = false
  const stop = (signal: string) => {
    if (stopping) return
    stopping = true
    logger.info({ signal }, 'shutting down: finishing in-flight requests')
    void (proxy?.close() ?? Promise.resolve())
      .then(() => server.close())
      .then(() => db.close())
      .then(() => process.exit(0))
      .catch((err: unknown) => {
        process.stderr.write(`error while stopping: ${oneLine(err)}\n`)
        process.exit(1)
      })
  }
  process.on('SIGINT', () => stop('SIGINT'))
  process.on('SIGTERM', () => stop('SIGTERM'))
}

function wholeNumber(flag: string, raw: string, min: number, max: number): number {
  if (!/^\d+$/.test(raw) || Number(raw) < min || Number(raw) > max) throw new UsageError(`${flag} must be a whole number from ${min} to ${max}, got "${raw}"`)
  return Number(raw)
}

main(process.argv.slice(2)).catch((err: unknown) => {
  if (err instanceof UsageError) {
    process.stderr.write(`outpost-server: ${err.message} (npm run server -- --help for usage)\n`)
    process.exit(2)
  }
  const known = err instanceof DatabaseUnavailableError || err instanceof SchemaTooNewError || err instanceof RangeError
  process.stderr.write(`outpost-server: ${known ? err.message : `unexpected error: ${oneLine(err)}`}\n`)
  process.exit(1)
})
