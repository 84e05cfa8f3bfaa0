import { existsSync, readdirSync, statSync } from 'node:fs'
import { homedir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs, type ParseArgsConfig } from 'node:util'

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..')
export const RENDERER_OUT = join(REPO_ROOT, 'out', 'renderer')

/** A user error: printed as one line, no stack trace, exit code 2. */
export class UsageError extends Error {}

export function fatal(err: unknown, prefix = 'outpost'): never {
  if (err instanceof UsageError) {
    console.error(`${prefix}: ${err.message}`)
    process.exit(2)
  }
  const e = err as { code?: unknown; message?: unknown }
  if (typeof e?.code === 'string' && typeof e.message === 'string') {
    // OutpostError and system errors (EADDRINUSE…) carry a readable message.
    console.error(`${prefix}: ${e.message}`)
    process.exit(1)
  }
  console.error(`${prefix}: unexpected error`, err)
  process.exit(1)
}

type CliOptions = NonNullable<ParseArgsConfig['options']>

/**
 * Every CLI's flags through `node:util` parseArgs (strict), with one usage
 * line: an unknown or malformed flag is a `UsageError` (exit 2 via `fatal`),
 * `--help` prints the usage and returns null so the caller exits 0.
 */
export function parseCli<O extends CliOptions>(options: O, usage: string, args: string[] = process.argv.slice(2)): CliValues<O> | null {
  let values: Record<string, unknown>
  try {
    values = parseArgs({ args, options: { ...options, help: { type: 'boolean' } }, strict: true, allowPositionals: false }).values
  } catch (err) {
    throw new UsageError(`${(err as Error).message}\nUsage: ${usage}`)
  }
  if (values.help === true) {
    console.log(`Usage: ${usage}`)
    return null
  }
  return values as CliValues<O>
}

/**
 * parseCli for a launcher that hands the rest of its command line to another
 * program (`npm start` → Electron): its own flags are parsed by parseArgs and
 * checked (`--dev=yes` is a UsageError, `--help` prints the usage), and every
 * other argument goes on untouched and in order, unknown flags included,
 * since they are the app's or Chromium's (`--api-url URL`, `--no-sandbox`).
 * parseArgs runs with `strict: false` for that, and its tokens say which
 * arguments were ours. A `--` ends the launcher's own flags: what follows
 * goes on as it is (without the `--`), even a flag of the launcher's name.
 */
export function parseLauncherCli<O extends CliOptions>(
  options: O,
  usage: string,
  args: string[] = process.argv.slice(2),
): { values: CliValues<O>; rest: string[] } | null {
  const own: CliOptions = { ...options, help: { type: 'boolean' } }
  const { tokens } = parseArgs({ args, options: own, strict: false, allowPositionals: true, tokens: true })
  const values: Record<string, unknown> = {}
  const taken = new Set<number>()
  for (const t of tokens) {
    if (t.kind === 'option-terminator') {
      taken.add(t.index)
      break
    }
    if (t.kind !== 'option' || !Object.hasOwn(own, t.name)) continue
    if (own[t.name]?.type === 'boolean') {
      if (t.inlineValue) throw new UsageError(`Option '--${t.name}' does not take a value\nUsage: ${usage}`)
      values[t.name] = true
      taken.add(t.index)
    } else {
      if (t.value === undefined) throw new UsageError(`Option '--${t.name} <value>' needs a value\nUsage: ${usage}`)
      values[t.name] = t.value
      taken.add(t.index)
      if (!t.inlineValue) taken.add(t.index + 1)
    }
  }
  if (values.help === true) {
    console.log(`Usage: ${usage}`)
    return null
  }
  return { values: values as CliValues<O>, rest: args.filter((_, i) => !taken.has(i)) }
}

type CliValues<O extends CliOptions> = { [K in keyof O]?: O[K]['type'] extends 'boolean' ? boolean : string }

export function parsePort(value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback
  const n = /^\d{1,5}$/.test(value) ? Number(value) : NaN
  if (!Number.isInteger(n) || n > 65535) throw new UsageError(`--port must be a number from 0 to 65535 (got "${value}")`)
  return n
}

/** Same place the desktop app keeps its data (Electron's userData for "Outpost"). */
export function defaultDataDir(): string {
  if (process.env.OUTPOST_DATA_DIR) return resolve(process.env.OUTPOST_DATA_DIR)
  const home = homedir()
  if (process.platform === 'win32') return join(process.env.APPDATA ?? join(home, 'AppData', 'Roaming'), 'Outpost')
  if (process.platform === 'darwin') return join(home, 'Library', 'Application Support', 'Outpost')
  return join(process.env.XDG_CONFIG_HOME ?? join(home, '.config'), 'Outpost')
}

function newestMtime(dir: string): number {
  let newest = 0
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name.startsWith('.')) continue
    const p = join(dir, entry.name)
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(p) : statSync(p).mtimeMs)
  }
  return newest
}

/** Builds out/renderer when it is missing or older than its sources, so a fresh clone just works. */
export async function ensureRendererBuilt(log: (line: string) => void = console.log): Promise<string> {
  const index = join(RENDERER_OUT, 'index.html')
  // The renderer bundles src-shared/ (contract, money, throttle) too.
  const sources = Math.max(newestMtime(join(REPO_ROOT, 'src-renderer')), newestMtime(join(REPO_ROOT, 'src-shared')))
  if (existsSync(index) && statSync(index).mtimeMs >= sources) return RENDERER_OUT
  log('Building the renderer…')
  const { build } = await import('vite')
  const config = (await import('../../electron.vite.config')).default as { renderer?: Record<string, unknown> }
  if (!config.renderer) throw new Error('electron.vite.config.ts has no renderer section')
  await build({ ...config.renderer, configFile: false, logLevel: 'warn' })
  return RENDERER_OUT
}
