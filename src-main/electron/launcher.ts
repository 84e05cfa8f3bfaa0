/**
 * The pieces of `npm start` (src-main/cli/start.ts), in plain Node: find the
 * Electron binary without triggering a download, keep an Electron-ABI build of
 * better-sqlite3 in .electron-native/, and the messages for when either is
 * missing. Never imports electron (whose index.js would try to download).
 */
import { spawnSync } from 'node:child_process'
import { copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, sep } from 'node:path'
import { NATIVE_DIR, NATIVE_FILE, NATIVE_STAMP } from './native-binding'

/** The executable inside an unpacked Electron, as electron's own path.txt names it. */
export function electronExecutableName(platform: NodeJS.Platform): string {
  if (platform === 'win32') return 'electron.exe'
  if (platform === 'darwin') return 'Electron.app/Contents/MacOS/Electron'
  return 'electron'
}

export type LocateResult = { ok: true; path: string; source: 'ELECTRON_OVERRIDE_DIST_PATH' | 'node_modules' } | { ok: false; reason: string }

export interface LocateInput {
  env: Record<string, string | undefined>
  /** node_modules/electron */
  electronPackageDir: string
  platform: NodeJS.Platform
  exists(path: string): boolean
  readText(path: string): string | null
}

/**
 * Mirrors electron/index.js (ELECTRON_OVERRIDE_DIST_PATH, else path.txt and
 * dist/), but reports instead of downloading.
 */
export function locateElectron(input: LocateInput): LocateResult {
  const pathTxt = input.readText(join(input.electronPackageDir, 'path.txt'))?.trim() || null
  const override = input.env.ELECTRON_OVERRIDE_DIST_PATH
  if (override) {
    const exe = join(override, pathTxt ?? electronExecutableName(input.platform))
    return input.exists(exe)
      ? { ok: true, path: exe, source: 'ELECTRON_OVERRIDE_DIST_PATH' }
      : { ok: false, reason: `ELECTRON_OVERRIDE_DIST_PATH is set, but ${exe} does not exist` }
  }
  if (!input.exists(join(input.electronPackageDir, 'package.json'))) {
    return { ok: false, reason: 'the electron package is not installed (run npm install)' }
  }
  if (!pathTxt) return { ok: false, reason: 'the Electron binary was not downloaded during npm install' }
  const exe = join(input.electronPackageDir, 'dist', pathTxt)
  return input.exists(exe) ? { ok: true, path: exe, source: 'node_modules' } : { ok: false, reason: `${exe} is missing` }
}

export function missingElectronMessage(reason: string, electronVersion: string | null, platform: string, arch: string): string {
  const dist = electronVersion ? `electron-v${electronVersion}-${platform}-${arch}` : 'electron-<version>-<platform>-<arch>'
  return [
    `Outpost cannot start the desktop app: ${reason}.`,
    `  - Unpack an Electron build (${dist}.zip) and point ELECTRON_OVERRIDE_DIST_PATH at that folder, then run npm start again.`,
    '  - Or use the same app in your browser, no Electron needed: npm run web',
  ].join('\n')
}

export function readJson<T>(path: string): T | null {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as T
  } catch {
    return null
  }
}

export function packageVersion(packageDir: string): string | null {
  return readJson<{ version?: string }>(join(packageDir, 'package.json'))?.version ?? null
}

// ---------------------------------------------------------------------------
// better-sqlite3 for Electron's ABI, in .electron-native/
// ---------------------------------------------------------------------------

export interface NativeStamp {
  electron: string
  /** Electron's NODE_MODULE_VERSION (node_modules/electron/abi_version), when known. */
  abi: number | null
  betterSqlite3: string
  platform: string
  arch: string
}

export function expectedStamp(electron: string, abi: number | null, betterSqlite3: string, platform: string, arch: string): NativeStamp {
  return { electron, abi, betterSqlite3, platform, arch }
}

/** Electron's module ABI, from the abi_version file the electron package ships. */
export function electronAbi(electronPackageDir: string): number | null {
  try {
    const n = Number.parseInt(readFileSync(join(electronPackageDir, 'abi_version'), 'utf8').trim(), 10)
    return Number.isFinite(n) ? n : null
  } catch {
    return null
  }
}

/** The ABI a native module was compiled for: its `node_register_module_v<N>` export. */
export function bindingAbi(file: string): number | null {
  try {
    const m = /node_register_module_v(\d+)/.exec(readFileSync(file).toString('latin1'))
    return m?.[1] ? Number.parseInt(m[1], 10) : null
  } catch {
    return null
  }
}

/** Whether .electron-native holds a binding built for exactly this Electron, better-sqlite3, OS and CPU. */
export function nativeBindingIsCurrent(repoRoot: string, expected: NativeStamp): boolean {
  const dir = join(repoRoot, NATIVE_DIR)
  if (!existsSync(join(dir, NATIVE_FILE))) return false
  if (expected.abi !== null && bindingAbi(join(dir, NATIVE_FILE)) !== expected.abi) return false
  const stamp = readJson<Partial<NativeStamp>>(join(dir, NATIVE_STAMP))
  return (
    stamp !== null &&
    stamp.abi === expected.abi &&
    stamp.electron === expected.electron &&
    stamp.betterSqlite3 === expected.betterSqlite3 &&
    stamp.platform === expected.platform &&
    stamp.arch === expected.arch
  )
}

export interface BuildNativeOptions {
  repoRoot: string
  stamp: NativeStamp
  env: Record<string, string | undefined>
  log(line: string): void
}

export type BuildNativeResult = { ok: true; file: string } | { ok: false; message: string }

/**
 * The environment for node-gyp: npm passes its config down as npm_config_*
 * (a user's `nodedir`, `target`, …, which would silently build for Node), so
 * those are dropped and Electron's set instead.
 */
export function electronGypEnv(env: Record<string, string | undefined>, stamp: NativeStamp): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {}
  for (const [k, v] of Object.entries(env)) {
    if (/^npm_config_(nodedir|target|runtime|disturl|dist_url|arch|target_arch|build_from_source)$/i.test(k)) continue
    out[k] = v
  }
  out.npm_config_runtime = 'electron'
  out.npm_config_target = stamp.electron
  out.npm_config_arch = stamp.arch
  return out
}

/** The node-gyp arguments for an Electron build; ELECTRON_HEADERS_DIR allows offline builds. */
export function nodeGypArgs(stamp: NativeStamp, env: Record<string, string | undefined>): string[] {
  const args = ['rebuild', '--release', `--target=${stamp.electron}`, `--arch=${stamp.arch}`, '--runtime=electron']
  if (env.ELECTRON_HEADERS_DIR) args.push(`--nodedir=${env.ELECTRON_HEADERS_DIR}`)
  else args.push('--dist-url=https://electronjs.org/headers')
  return args
}

/**
 * Builds better-sqlite3 for Electron on a copy of the package in a temp
 * folder, so node_modules keeps its Node build, then copies the .node file
 * into .electron-native/ with a stamp.
 */
export function buildNativeBinding(options: BuildNativeOptions): BuildNativeResult {
  const { repoRoot, stamp, log } = options
  const source = join(repoRoot, 'node_modules', 'better-sqlite3')
  const gyp = join(repoRoot, 'node_modules', 'node-gyp', 'bin', 'node-gyp.js')
  if (!existsSync(join(source, 'binding.gyp'))) return { ok: false, message: `${source} has no binding.gyp to build from` }
  if (!existsSync(gyp)) return { ok: false, message: 'node-gyp is not installed in node_modules' }

  const work = mkdtempSync(join(tmpdir(), 'outpost-sqlite-electron-'))
  try {
    const copy = join(work, 'better-sqlite3')
    const skip = [join(source, 'build'), join(source, 'node_modules')]
    cpSync(source, copy, { recursive: true, filter: (p) => !skip.some((s) => p === s || p.startsWith(`${s}${sep}`)) })
    log(`Building better-sqlite3 ${stamp.betterSqlite3} for Electron ${stamp.electron} (${stamp.platform}-${stamp.arch}); this happens once…`)
    const env = electronGypEnv(options.env, stamp)
    const r = spawnSync(process.execPath, [gyp, ...nodeGypArgs(stamp, options.env)], { cwd: copy, env, encoding: 'utf8', timeout: 15 * 60_000 })
    const built = join(copy, 'build', 'Release', NATIVE_FILE)
    if (r.status !== 0 || !existsSync(built)) {
      const tail = `${r.stdout ?? ''}\n${r.stderr ?? ''}`
        .split(/\r?\n/)
        .filter((l) => /gyp http GET|gyp ERR! (configure|build) error|gyp ERR! stack (?!at )|\berror:/i.test(l))
        .map((l) => l.replace(/^gyp ERR! stack /, '').trim())
        .slice(-6)
        .join('\n')
      return {
        ok: false,
        message: [
          `Could not build better-sqlite3 for Electron ${stamp.electron} (node-gyp exit ${r.status ?? r.signal ?? 'unknown'}).`,
          '  It needs a C++ toolchain (Python 3, make and a compiler; on Windows the VS Build Tools)',
          '  and the Electron headers from https://electronjs.org/headers, or a local copy named by ELECTRON_HEADERS_DIR.',
          ...(tail ? [`  node-gyp said:\n${tail.replace(/^/gm, '    ')}`] : []),
        ].join('\n'),
      }
    }
    const abi = bindingAbi(built)
    if (stamp.abi !== null && abi !== stamp.abi) {
      return {
        ok: false,
        message: `better-sqlite3 was built for ABI ${abi ?? 'unknown'}, not Electron ${stamp.electron}'s ABI ${stamp.abi}: node-gyp used the wrong headers (check ELECTRON_HEADERS_DIR and npm's nodedir setting).`,
      }
    }
    const dir = join(repoRoot, NATIVE_DIR)
    mkdirSync(dir, { recursive: true })
    copyFileSync(built, join(dir, NATIVE_FILE))
    writeFileSync(join(dir, NATIVE_STAMP), `${JSON.stringify(stamp, null, 2)}\n`)
    return { ok: true, file: join(dir, NATIVE_FILE) }
  } finally {
    rmSync(work, { recursive: true, force: true })
  }
}
