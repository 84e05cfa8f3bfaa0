/**
 * `npm run web -- --port P --data-dir DIR [--api-url URL] [--api-token T]`
 *
 * The browser host: the same core and renderer as the desktop app, served to
 * a browser at http://127.0.0.1:P. It is how the app runs (and is tested) on
 * machines without an Electron binary.
 */
import { resolve } from 'node:path'
import { apiEnv } from '../core/config/api-config'
import { createCore } from '../core/create-core'
import { consoleLogger } from '../core/util/console-logger'
import { startWebHost } from '../web/web-host'
import { defaultDataDir, ensureRendererBuilt, fatal, parseCli, parsePort, UsageError } from './cli-support'

async function main(): Promise<void> {
  const values = parseCli(
    { port: { type: 'string' }, 'data-dir': { type: 'string' }, 'api-url': { type: 'string' }, 'api-token': { type: 'string' } },
    'npm run web -- --port P --data-dir DIR [--api-url URL] [--api-token T]',
  )
  if (!values) return
  const port = parsePort(values.port, 5199)
  const dataDir = values['data-dir'] ? resolve(values['data-dir']) : defaultDataDir()
  const staticDir = await ensureRendererBuilt()
  const core = createCore({
    dataDir,
    flags: { apiUrl: values['api-url'], apiToken: values['api-token'] },
    env: apiEnv(),
    log: consoleLogger(),
  })
  let host
  try {
    host = await startWebHost({ core, port, staticDir })
  } catch (err) {
    await core.shutdown()
    if ((err as NodeJS.ErrnoException).code === 'EADDRINUSE') throw new UsageError(`port ${port} is already in use; pick another with --port`)
    throw err
  }
  console.log(`Outpost is running at ${host.url}  (data: ${dataDir})`)
  let stopping = false
  const stop = async () => {
    if (stopping) return
    stopping = true
    const pending = core.status().counts.pending
    await host.close()
    await core.shutdown()
    if (pending > 0) console.log(`${pending} orders are waiting to sync; they will be sent next time Outpost runs.`)
    process.exit(0)
  }
  process.on('SIGINT', () => void stop())
  process.on('SIGTERM', () => void stop())
}

main().catch((err: unknown) => fatal(err, 'outpost web'))
