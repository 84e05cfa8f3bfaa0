/**
 * `npm run demo [-- --web] [--port P] [--data-dir DIR] [--reference-api | --api-url URL]`
 *
 * The whole cycle for a first-time user: the receiver (`npm run server`, on
 * its embedded PostgreSQL in the demo folder, `--insecure-no-auth`) on a free
 * loopback port, and the app (desktop, or the browser host with --web)
 * pointed at it, with its own demo data folder. Keys in this terminal take the
 * server down and up, so offline, queued and synced orders can be seen
 * without reading docs. `--reference-api` runs the development API instead
 * (which also has the 30% fault switch).
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdirSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createCore } from '../core/create-core'
import { startReferenceApi, type ReferenceApi } from '../reference-api/server'
import { startWebHost } from '../web/web-host'
import { isHttpUrl } from '../core/config/api-config'
import { ensureRendererBuilt, fatal, parseCli, parsePort, REPO_ROOT, UsageError } from './cli-support'
import { freeLoopbackPort } from './free-port'

/** What the keys control: the receiver process or the in-process reference API. */
interface DemoServer {
  readonly url: string
  close(): Promise<void>
}

/**
 * The receiver as its own process, through its real CLI (so its
 * --insecure-no-auth warning is printed as it would be). Resolves once it listens.
 */
async function startReceiverProcess(opts: { port: number; dataDir: string }): Promise<DemoServer> {
  const child: ChildProcess = spawn(
    process.execPath,
    ['--import', 'tsx', join(REPO_ROOT, 'src-server/cli.ts'), '--port', String(opts.port), '--data-dir', opts.dataDir, '--insecure-no-auth', '--log-level', 'warn'],
    { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'inherit'] },
  )
  // The demo going away (even by an uncaught error) must not leave the receiver running.
  const killOnExit = () => child.kill('SIGTERM')
  process.once('exit', killOnExit)
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)))
  let output = ''
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout?.on('data', (d: Buffer) => {
      output += d.toString()
      const m = /listening on (\S+)/.exec(output)
      if (m?.[1]) resolve(m[1])
    })
    void exited.then((code) => reject(new Error(`the receiver stopped (exit ${code}) before it was listening${output ? `: ${output.trim()}` : ''}`)))
  })
  return {
    url,
    async close() {
      process.off('exit', killOnExit)
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM')
      await exited
    },
  }
}

async function main(): Promise<void> {
  const values = parseCli(
    { web: { type: 'boolean' }, port: { type: 'string' }, 'data-dir': { type: 'string' }, 'api-url': { type: 'string' }, 'reference-api': { type: 'boolean' } },
    'npm run demo [-- --web] [--port P] [--data-dir DIR] [--reference-api | --api-url URL]',
  )
  if (!values) return
  // --api-url: a server that is already running (e.g. `npm run server` elsewhere): the keys do not control it.
  const externalApi = values['api-url'] ?? null
  if (externalApi !== null && !isHttpUrl(externalApi)) throw new UsageError(`--api-url must be an http(s) URL, got "${externalApi}"`)
  if (externalApi !== null && values['reference-api']) throw new UsageError('give --reference-api or --api-url, not both')
  const useReference = values['reference-api'] === true
  const demoDir = values['data-dir'] ?? join(tmpdir(), 'outpost-demo')
  mkdirSync(demoDir, { recursive: true })
  const apiPort = await freeLoopbackPort()
  const apiDb = join(demoDir, 'reference-api.db')
  const receiverDir = join(demoDir, 'receiver')
  let reference: ReferenceApi | null = null
  const startOurs = async (failRate = 0): Promise<DemoServer> => {
    if (!useReference) return startReceiverProcess({ port: apiPort, dataDir: receiverDir })
    reference = await startReferenceApi({ port: apiPort, dbFile: apiDb, failRate })
    return reference
  }
  let api: DemoServer | null = externalApi === null ? await startOurs() : null
  const apiUrl = api?.url ?? externalApi ?? ''
  const label = externalApi !== null ? 'Server' : useReference ? 'Reference API' : `Receiver (embedded PostgreSQL in ${receiverDir})`
  console.log(`${label}: ${apiUrl}   (its orders: ${apiUrl}/orders)`)

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
      `\nKeys: [d] take the server down  [u] bring it up  ${useReference ? '[f] toggle 30% faults  ' : ''}[q] quit\n` +
        'Try: press d, create a few orders (they wait, the header says Server unreachable), press u and watch them sync.\n',
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
          console.log('The keys d, u and f control the server the demo started; stop or start yours yourself.')
        } else if (key === 'd' && api) {
          await api.close()
          api = null
          reference = null
          console.log('Server is DOWN. New orders are saved and wait.')
        } else if (key === 'u' && !api) {
          api = await startOurs(faults ? 0.3 : 0)
          console.log('Server is UP. Waiting orders will be sent within a few seconds (or press Sync now).')
        } else if (key === 'f' && !useReference) {
          console.log('Fault injection is in the reference API: run `npm run demo -- --web --reference-api` and press f.')
        } else if (key === 'f') {
          faults = !faults
          reference?.setFailRate(faults ? 0.3 : 0)
          console.log(faults ? '30% of requests now fail; the app retries with backoff.' : 'Faults off.')
        } else help()
      })()
    })
  }
}

main().catch((err: unknown) => fatal(err, 'outpost demo'))
