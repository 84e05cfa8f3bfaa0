/**
 * `npm start` (and `npm run dev` = `--dev`): the desktop app from a fresh clone.
 *
 *   1. Find the Electron binary without downloading (ELECTRON_OVERRIDE_DIST_PATH,
 *      else node_modules/electron/path.txt + dist/). If there is none, say how
 *      to get one, or to use `npm run web`, and exit 1.
 *   2. Make sure .electron-native/better_sqlite3.node is built for this
 *      Electron (stamped), from a copy of node_modules/better-sqlite3, so
 *      node_modules keeps the Node build that tests and the browser host use.
 *   3. `electron-vite build` and run Electron on the repo, or `electron-vite dev`
 *      with --dev (hot reload).
 *
 * `--prepare-only` stops after 2 and the build (CI uses it before the Electron
 * e2e run). Other arguments go to the app, e.g. `npm start -- --api-url URL`,
 * as they are (parseLauncherCli); `--help` prints the usage.
 */
import { spawn, spawnSync } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import {
  buildNativeBinding,
  electronAbi,
  expectedStamp,
  locateElectron,
  missingElectronMessage,
  nativeBindingIsCurrent,
  packageVersion,
} from '../electron/launcher'
import { parseShellFlags } from '../electron/args'
import { apiEnv, checkApiValues } from '../core/config/api-config'
import { fatal, parseLauncherCli, UsageError } from './cli-support'

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..')
// A seam for tests: which electron package to look in (default node_modules/electron).
const electronPackageDir = process.env.OUTPOST_ELECTRON_PACKAGE_DIR ?? join(repoRoot, 'node_modules', 'electron')

function fail(message: string): never {
  process.stderr.write(`${message}\n`)
  process.exit(1)
}

const USAGE = 'npm start -- [--dev] [--prepare-only] [app arguments…]  (npm run dev is --dev; e.g. npm start -- --api-url URL)'

function main(): void {
  // Not strict: every argument that is not start's own goes to the app
  // (electron-vite dev passes it on through ELECTRON_CLI_ARGS), Electron's and
  // Chromium's switches included; `--` ends start's flags (cli-support.ts).
  const parsed = parseLauncherCli({ dev: { type: 'boolean' }, 'prepare-only': { type: 'boolean' } }, USAGE)
  if (!parsed) return
  const dev = parsed.values.dev === true
  const prepareOnly = parsed.values['prepare-only'] === true
  const appArgs = parsed.rest
  // The same checks the app makes at start, here before a build: a bad
  // --api-url or token is one clear line, not an error dialog later.
  try {
    checkApiValues(parseShellFlags(appArgs), apiEnv())
  } catch (err) {
    fail(`outpost: ${err instanceof Error ? err.message : String(err)}`)
  }
  const electronVersion = packageVersion(electronPackageDir) ?? packageVersion(join(repoRoot, 'node_modules', 'electron'))

  const located = locateElectron({
    env: process.env,
    electronPackageDir,
    platform: process.platform,
    exists: existsSync,
    readText: (p) => (existsSync(p) ? readFileSync(p, 'utf8') : null),
  })
  if (!located.ok && !prepareOnly) fail(missingElectronMessage(located.reason, electronVersion, process.platform, process.arch))
  if (!electronVersion) fail('Outpost cannot find the electron package version in node_modules/electron; run npm install.')

  // better-sqlite3 for Electron's ABI (an override path skips this entirely).
  if (!process.env.OUTPOST_SQLITE_BINDING) {
    const sqliteVersion = packageVersion(join(repoRoot, 'node_modules', 'better-sqlite3')) ?? 'unknown'
    const stamp = expectedStamp(electronVersion, electronAbi(electronPackageDir), sqliteVersion, process.platform, process.arch)
    if (!nativeBindingIsCurrent(repoRoot, stamp)) {
      const built = buildNativeBinding({ repoRoot, stamp, env: process.env, log: (l) => process.stdout.write(`${l}\n`) })
      if (!built.ok) {
        fail(
          `${built.message}\nWithout it the desktop app cannot open its database. Alternatives: set OUTPOST_SQLITE_BINDING to a better_sqlite3.node built for Electron ${electronVersion}, or run npm run web.`,
        )
      }
      process.stdout.write(`Built ${built.file}\n`)
    }
  }

  const viteCli = join(repoRoot, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js')
  const electronEnv: NodeJS.ProcessEnv = { ...process.env }
  delete electronEnv.ELECTRON_RUN_AS_NODE

  if (process.platform === 'linux' && process.getuid?.() === 0 && !appArgs.includes('--no-sandbox')) {
    process.stderr.write('Note: Chromium refuses to run as root without --no-sandbox. If Electron exits at once, run as a normal user.\n')
  }

  if (dev && !prepareOnly) {
    if (!located.ok) return
    // electron-vite starts Electron itself: tell it which binary and which app arguments.
    electronEnv.ELECTRON_EXEC_PATH = located.path
    electronEnv.ELECTRON_CLI_ARGS = JSON.stringify(appArgs)
    forward(spawn(process.execPath, [viteCli, 'dev'], { cwd: repoRoot, env: electronEnv, stdio: 'inherit' }))
    return
  }

  const build = spawnSync(process.execPath, [viteCli, 'build'], { cwd: repoRoot, stdio: 'inherit' })
  if (build.status !== 0) fail(`electron-vite build failed (exit ${build.status ?? build.signal ?? 'unknown'}).`)
  if (prepareOnly) {
    process.stdout.write(
      located.ok ? `Ready: ${located.path}\n` : `Built out/ and the SQLite binding; no Electron binary yet (${located.reason}).\n`,
    )
    return
  }
  if (!located.ok) return
  forward(spawn(located.path, [repoRoot, ...appArgs], { cwd: repoRoot, env: electronEnv, stdio: 'inherit' }))
}

/**
 * Runs the child to completion, passing termination through, and exits with
 * its code. Not SIGINT: Ctrl+C in a terminal already reaches the whole process
 * group, and a second SIGINT would cut Electron's graceful shutdown short
 * (before the database is closed).
 */
function forward(child: ReturnType<typeof spawn>): void {
  process.on('SIGINT', () => undefined) // wait for the child to finish quitting
  for (const signal of ['SIGTERM', 'SIGHUP'] as const) {
    process.on(signal, () => {
      if (child.exitCode === null) child.kill(signal)
    })
  }
  child.on('error', (err) => fail(`Could not start Electron: ${err.message}`))
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)))
}

try {
  main()
} catch (err) {
  // A clear line, never a stack trace; a bad flag is a usage error (exit 2), like every CLI.
  if (err instanceof UsageError) fatal(err)
  fail(`npm start failed: ${err instanceof Error ? err.message : String(err)}`)
}
