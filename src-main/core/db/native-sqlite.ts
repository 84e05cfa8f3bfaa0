import { createRequire } from 'node:module'
import type BetterSqlite3 from 'better-sqlite3'

export type SqliteDatabase = BetterSqlite3.Database

// Not named `require`: electron-vite's ESM shim declares that name in the bundle.
const nodeRequire = createRequire(import.meta.url)

/**
 * The only place that loads better-sqlite3.
 *
 * Electron and Node need the native module built for different ABIs. Rather
 * than rebuilding node_modules in place (which breaks whichever runtime did not
 * ask for it), the Electron shell passes `nativeBinding`: the path of a
 * separately built `.node` file. Tests and the browser host pass nothing and get
 * the Node build that `npm ci` compiled.
 */
export function openSqlite(
  file: string,
  options: { nativeBinding?: string; readonly?: boolean } = {},
): SqliteDatabase {
  const Database = nodeRequire('better-sqlite3') as typeof BetterSqlite3
  const opts: BetterSqlite3.Options = { readonly: options.readonly ?? false }
  if (options.nativeBinding) opts.nativeBinding = options.nativeBinding
  return new Database(file, opts)
}
