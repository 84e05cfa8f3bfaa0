/**
 * Where the Electron build of better-sqlite3 lives in development.
 *
 * node_modules/better-sqlite3 stays built for Node (tests and the browser host
 * need that). `npm start` builds a second copy for Electron's ABI into
 * `<repo>/.electron-native/` and the shell passes it as `nativeBinding`.
 * A packaged app passes nothing: electron-builder rebuilt node_modules'
 * copy for Electron and unpacked it from the asar.
 */
import { join } from 'node:path'

export const NATIVE_DIR = '.electron-native'
export const NATIVE_FILE = 'better_sqlite3.node'
export const NATIVE_STAMP = 'stamp.json'

export interface NativeBindingInput {
  isPackaged: boolean
  env: Record<string, string | undefined>
  /** The repository root (app.getAppPath() in development). */
  appPath: string
  exists(path: string): boolean
}

export function devNativeBindingPath(repoRoot: string): string {
  return join(repoRoot, NATIVE_DIR, NATIVE_FILE)
}

export function resolveNativeBinding(input: NativeBindingInput): string | undefined {
  const override = input.env.OUTPOST_SQLITE_BINDING
  if (override) return override
  if (input.isPackaged) return undefined
  const candidate = devNativeBindingPath(input.appPath)
  return input.exists(candidate) ? candidate : undefined
}
