import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { _electron, test as base, type ElectronApplication, type Page } from '@playwright/test'
import { REPO_ROOT } from '../src-main/cli/cli-support'
import { freeLoopbackPort as freePort } from '../src-main/cli/free-port'
import { openSqlite, type SqliteDatabase } from '../src-main/core/db/native-sqlite'
import { startReferenceApi, type ReferenceApi } from '../src-main/reference-api/server'

export type OutpostHost = 'web' | 'electron'

/** The app under test, in either host, with its own fresh data folder. */
export interface AppUnderTest {
  readonly dataDir: string
  readonly dbFile: string
  /** Start (or restart) the app and point `page` at it. */
  start(opts?: { apiUrl?: string; apiToken?: string }): Promise<Page>
  /** SIGKILL: no chance to flush or clean up. */
  kill(): Promise<void>
  /** Read the app's SQLite file directly (read-only), as a user's support engineer would. */
  query<T>(sql: string, ...params: unknown[]): T[]
}

/** The reference API on a port reserved up front, so the app can be pointed at it while it is still down. */
export interface ApiUnderTest {
  readonly url: string
  start(opts?: { token?: string }): Promise<ReferenceApi>
  stop(): Promise<void>
  readonly server: ReferenceApi | null
}

/** Where an Electron binary is, without triggering electron's download-on-require. */
export function electronBinary(): string | null {
  const pathFile = join(REPO_ROOT, 'node_modules', 'electron', 'path.txt')
  const exe = existsSync(pathFile) ? readFileSync(pathFile, 'utf8').trim() : 'electron'
  const override = process.env.ELECTRON_OVERRIDE_DIST_PATH
  const candidate = override ? join(override, exe) : join(REPO_ROOT, 'node_modules', 'electron', 'dist', exe)
  return existsSync(candidate) ? candidate : null
}

export const test = base.extend<{ outpostHost: OutpostHost; app: AppUnderTest; api: ApiUnderTest }>({
  outpostHost: ['web', { option: true }],

  // Playwright reads fixture dependencies from this destructuring: none here.
  // oxlint-disable-next-line no-empty-pattern
  api: async ({}, use, testInfo) => {
    const port = await freePort()
    const dir = mkdtempSync(join(tmpdir(), 'outpost-api-'))
    let server: ReferenceApi | null = null
    await use({
      url: `http://127.0.0.1:${port}`,
      get server() {
        return server
      },
      async start(opts = {}) {
        server = await startReferenceApi({ port, dbFile: join(dir, 'api.db'), token: opts.token ?? null })
        return server
      },
      async stop() {
        await server?.close()
        server = null
      },
    })
    await (server as ReferenceApi | null)?.close()
    if (testInfo.status === testInfo.expectedStatus) rmSync(dir, { recursive: true, force: true })
  },

  app: async ({ outpostHost, browser: _unused, page }, use, testInfo) => {
    void _unused
    const dataDir = mkdtempSync(join(tmpdir(), 'outpost-e2e-'))
    let child: ChildProcess | null = null
    let electronApp: ElectronApplication | null = null
    let current: Page = page

    if (outpostHost === 'electron') {
      const bin = electronBinary()
      // global-setup.ts prints the reason once for the whole run.
      testInfo.skip(!bin, 'No Electron binary (set ELECTRON_OVERRIDE_DIST_PATH)')
    }

    const startWeb = async (opts: { apiUrl?: string; apiToken?: string }): Promise<Page> => {
      // Port 0: the host binds a port the OS picks and prints it. A port picked
      // here and passed on could be taken by a parallel worker in between.
      const args = ['--import', 'tsx', join(REPO_ROOT, 'src-main/cli/web.ts'), '--port', '0', '--data-dir', dataDir]
      if (opts.apiUrl) args.push('--api-url', opts.apiUrl)
      if (opts.apiToken) args.push('--api-token', opts.apiToken)
      const proc = spawn(process.execPath, args, { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, OUTPOST_DATA_DIR: dataDir } })
      child = proc
      let output = ''
      const url = await new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`web host did not start:\n${output}`)), 30_000)
        const onData = (d: Buffer) => {
          output += d.toString()
          const m = /Outpost is running at (http:\/\/127\.0\.0\.1:\d+)/.exec(output)
          if (m?.[1]) {
            clearTimeout(timer)
            resolve(m[1])
          }
        }
        proc.stdout?.on('data', onData)
        proc.stderr?.on('data', (d: Buffer) => (output += d.toString()))
        proc.once('exit', (code) => {
          clearTimeout(timer)
          reject(new Error(`web host exited (${code}):\n${output}`))
        })
      })
      await current.goto(`${url}/`)
      return current
    }

    const startElectron = async (opts: { apiUrl?: string; apiToken?: string }): Promise<Page> => {
      const args = [REPO_ROOT]
      if (opts.apiUrl) args.push(`--api-url=${opts.apiUrl}`)
      if (opts.apiToken) args.push(`--api-token=${opts.apiToken}`)
      electronApp = await _electron.launch({
        executablePath: electronBinary() ?? undefined,
        args,
        // No quit note to dismiss at the end of each test.
        env: { ...process.env, OUTPOST_DATA_DIR: dataDir, OUTPOST_QUIT_NOTE_TIMEOUT_MS: '0' },
      })
      current = await electronApp.firstWindow()
      return current
    }

    const app: AppUnderTest = {
      dataDir,
      dbFile: join(dataDir, 'outpost.db'),
      start: (opts = {}) => (outpostHost === 'electron' ? startElectron(opts) : startWeb(opts)),
      async kill() {
        if (electronApp) {
          electronApp.process().kill('SIGKILL')
          electronApp = null
        }
        const proc = child
        child = null
        if (proc && proc.exitCode === null) {
          await new Promise<void>((resolve) => {
            proc.once('exit', () => resolve())
            proc.kill('SIGKILL')
          })
        }
      },
      query<T>(sql: string, ...params: unknown[]): T[] {
        const db: SqliteDatabase = openSqlite(join(dataDir, 'outpost.db'), { readonly: true })
        try {
          return db.prepare(sql).all(...params) as T[]
        } finally {
          db.close()
        }
      },
    }
    await use(app)
    if (electronApp) await (electronApp as ElectronApplication).close().catch(() => undefined)
    if (child) (child as ChildProcess).kill('SIGTERM')
    if (testInfo.status === testInfo.expectedStatus) rmSync(dataDir, { recursive: true, force: true })
  },
})

export { expect } from '@playwright/test'
