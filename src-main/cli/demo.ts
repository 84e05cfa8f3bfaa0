/**
 * `npm run demo [-- --web] [--port P]`
 *
 * The whole cycle for a first-time user: the reference API on a free loopback
 * port, and the app (desktop, or the browser host with --web) pointed at it,
 * with its own demo data folder. Keys in this terminal take the API down and
 * up, so offline, queued and synced orders can be seen without reading docs.
 */
import { spawn } from 'node:child_process'
import { mkdirSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createCore } from '../core/create-core'
import { startReferenceApi, type ReferenceApi } from '../reference-api/server'
import { startWebHost } from '../web/web-host'
import { isHttpUrl } from '../core/config/api-config'
import { ensureRendererBuilt, fatal, parseCli, parsePort, REPO_ROOT, UsageError } from './cli-support'
import { freeLoopbackPort } from './free-port'

async function main(): Promise<void> {
  const values = parseCli(
    { web: { type: 'boolean' }, port: { type: 'string' }, 'data-dir': { type: 'string' }, 'api-url': { type: 'string' } },
    'npm run demo [-- --web] [--port P] [--data-dir DIR] [--api-url URL]',
  )
  if (!values) return
  // --api-url: a receiver that is already running (e.g. `npm run server -- --insecure-no-auth`) instead of the reference API.
  const externalApi = values['api-url'] ?? null
  if (externalApi !== null && !isHttpUrl(externalApi)) throw new UsageError(`--api-url must be an http(s) URL, got "${externalApi}"`)
  const demoDir = values['data-dir'] ?? join(tmpdir(), 'outpost-demo')
  mkdirSync(demoDir, { recursive: true })
  const apiPort = await freeLoopbackPort()
  const apiDb = join(demoDir, 'reference-api.db')
  let api: ReferenceApi | null = externalApi === null ? await startReferenceApi({ port: apiPort, dbFile: apiDb }) : null
  const apiUrl = api?.url ?? externalApi ?? ''
  console.log(`${api ? 'Reference API' : 'Receiver'}: ${apiUrl}   (its orders: ${apiUrl}/orders)`)

  let stopApp: () => Promise<void>
  if (values.web) {
    const staticDir = await ensureRendererBuilt()
    const core = createCore({ dataDir: join(demoDir, 'app'), flags: { apiUrl } })
    const host = await startWebHost({ core, port: parsePort(values.port, 5199), staticDir })
    console.log(`Outpost (browser host): open ${host.url}`)
    stopApp = async () => {
      await host.close()
      await core.shutdown()
    }
  } else {
    const child = spawn(process.execPath, ['--import', 'tsx', join(REPO_ROOT, 'src-main/cli/start.ts'), `--api-url=${apiUrl}`], {
      stdio: 'inherit',
      env: { ...process.env, OUTPOST_DATA_DIR: join(demoDir, 'app') },
    })
    child.on('exit', (code) => {
      if (code !== 0) console.log('The desktop app did not start; try `npm run demo -- --web` for the browser host.')
      void shutdown(code ?? 0)
    })
    stopApp = async () => {
      child.kill('SIGTERM')
    }
  }

  const help = () =>
    console.log(
      '\nKeys: [d] take the API down  [u] bring it up  [f] toggle 30% faults  [q] quit\n' +
        'Try: press d, create a few orders (they wait, the header says Offline), press u and watch them sync.\n',
    )
  help()
  let faults = false
  let stopping = false
  const shutdown = async (code = 0) => {
    if (stopping) return
    stopping = true
    await stopApp()
    await api?.close()
    process.exit(code)
  }
  process.on('SIGINT', () => void shutdown())
  process.on('SIGTERM', () => void shutdown())
  if (process.stdin.isTTY) {
    process.stdin.setRawMode(true)
    process.stdin.resume()
    process.stdin.on('data', (buf: Buffer) => {
      const key = buf.toString()
      void (async () => {
        if (key === 'q' || key === '\u0003') return shutdown()
        if (externalApi !== null && (key === 'd' || key === 'u' || key === 'f')) {
          console.log('The keys d, u and f control the built-in reference API; stop or start your receiver yourself.')
        } else if (key === 'd' && api) {
          await api.close()
          api = null
          console.log('API is DOWN. New orders are saved and wait.')
        } else if (key === 'u' && !api) {
          api = await startReferenceApi({ port: apiPort, dbFile: apiDb, failRate: faults ? 0.3 : 0 })
          console.log('API is UP. Waiting orders will be sent within a few seconds (or press Sync now).')
        } else if (key === 'f') {
          faults = !faults
          api?.setFailRate(faults ? 0.3 : 0)
          console.log(faults ? '30% of requests now fail; the app retries with backoff.' : 'Faults off.')
        } else help()
      })()
    })
  }
}

main().catch((err: unknown) => fatal(err, 'outpost demo'))
