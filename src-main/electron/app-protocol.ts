/**
 * The renderer is served from `app://outpost/…`, a privileged standard scheme,
 * instead of file://: the page gets a real origin (so `'self'` in the CSP and
 * the IPC sender check mean "our files" and nothing else) and none of
 * file://'s extra privileges (the GrantFileProtocolExtraPrivileges fuse is off
 * in electron-builder.yml). This module is plain Node: main.ts registers the
 * scheme before `ready` and hands `createAppProtocolHandler` to
 * `protocol.handle`.
 */
import { readFile, realpath, stat } from 'node:fs/promises'
import { extname, isAbsolute, join, relative, sep } from 'node:path'

export const APP_SCHEME = 'app'
export const APP_HOST = 'outpost'
/** The first page: every window loads this. */
export const APP_INDEX_URL = `${APP_SCHEME}://${APP_HOST}/index.html`

/**
 * For `protocol.registerSchemesAsPrivileged`. `standard` gives the page an
 * origin and relative URLs; `secure` makes it a secure context like https;
 * `supportFetchAPI` lets the page fetch its own assets; `codeCache` keeps V8's
 * cache. Not `bypassCSP` and not `corsEnabled`: the page needs neither.
 */
export const APP_SCHEME_PRIVILEGES = { standard: true, secure: true, supportFetchAPI: true, codeCache: true } as const

export interface AppPages {
  /** electron-vite's dev server (ELECTRON_RENDERER_URL), in `npm run dev` only. */
  devServerUrl?: string | undefined
}

/**
 * THE definition of "this is one of our pages", used by the IPC sender check,
 * by navigation guards and by the CSP header: an `app://outpost/` URL, or a
 * page of the dev server's origin in development. Nothing else: no file://,
 * no other host on our scheme, no user info.
 */
export function isAppPageUrl(raw: string | null | undefined, pages: AppPages = {}): boolean {
  if (!raw) return false
  let url: URL
  try {
    url = new URL(raw)
  } catch {
    return false
  }
  if (url.username !== '' || url.password !== '') return false
  // Node's URL gives non-special schemes the origin "null", so compare the parts.
  if (url.protocol === `${APP_SCHEME}:`) return url.host.toLowerCase() === APP_HOST
  if (pages.devServerUrl && (url.protocol === 'http:' || url.protocol === 'https:')) {
    try {
      return url.origin === new URL(pages.devServerUrl).origin
    } catch {
      return false
    }
  }
  return false
}

/** Content types for what electron-vite emits. Anything else is served as bytes. */
export const MIME_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.otf': 'font/otf',
  '.txt': 'text/plain; charset=utf-8',
  '.wasm': 'application/wasm',
}

export function mimeTypeFor(file: string): string {
  return MIME_TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream'
}

export type AppFileResolution = { ok: true; file: string } | { ok: false; status: 400 | 403 | 404; reason: string }

/**
 * Maps an `app://outpost/…` request URL to a file inside `rendererDir`, or
 * says why not. Purely lexical (no disk access): the handler also checks the
 * real path, so a symlink cannot lead out either.
 */
export function resolveAppFile(rendererDir: string, requestUrl: string): AppFileResolution {
  let url: URL
  try {
    url = new URL(requestUrl)
  } catch {
    return { ok: false, status: 400, reason: 'not a URL' }
  }
  if (url.protocol !== `${APP_SCHEME}:` || url.host.toLowerCase() !== APP_HOST) return { ok: false, status: 404, reason: 'not our host' }
  let path: string
  try {
    path = decodeURIComponent(url.pathname)
  } catch {
    return { ok: false, status: 400, reason: 'bad escape' }
  }
  // A decoded backslash is a separator on Windows, a NUL ends the path in C:
  // neither belongs in a URL path of ours.
  if (path.includes('\0') || path.includes('\\')) return { ok: false, status: 400, reason: 'bad character' }
  const segments = path.split('/').filter((s) => s !== '' && s !== '.')
  if (segments.includes('..')) return { ok: false, status: 403, reason: 'outside the renderer folder' }
  if (segments.length === 0) segments.push('index.html')
  const file = join(rendererDir, ...segments)
  if (!isInside(rendererDir, file)) return { ok: false, status: 403, reason: 'outside the renderer folder' }
  return { ok: true, file }
}

function isInside(dir: string, file: string): boolean {
  const rel = relative(dir, file)
  return rel !== '' && !rel.startsWith(`..${sep}`) && rel !== '..' && !isAbsolute(rel)
}

export interface AppProtocolOptions {
  /** Absolute path of out/renderer. */
  rendererDir: string
  /** The Content-Security-Policy sent with every response. */
  csp: string
  onRefused?: (url: string, reason: string) => void
}

/** The `protocol.handle('app', …)` handler: files from out/renderer, with MIME type and CSP. */
export function createAppProtocolHandler(options: AppProtocolOptions): (request: Request) => Promise<Response> {
  const baseHeaders = {
    'Content-Security-Policy': options.csp,
    'X-Content-Type-Options': 'nosniff',
    'Cache-Control': 'no-cache',
  }
  const refuse = (url: string, status: number, reason: string): Response => {
    options.onRefused?.(url, reason)
    return new Response(null, { status, headers: baseHeaders })
  }
  let realRoot: Promise<string> | null = null
  return async (request) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') return refuse(request.url, 405, `method ${request.method}`)
    const resolved = resolveAppFile(options.rendererDir, request.url)
    if (!resolved.ok) return refuse(request.url, resolved.status, resolved.reason)
    try {
      realRoot ??= realpath(options.rendererDir)
      const [root, real] = await Promise.all([realRoot, realpath(resolved.file)])
      if (!isInside(root, real)) return refuse(request.url, 403, 'link outside the renderer folder')
      if (!(await stat(real)).isFile()) return refuse(request.url, 404, 'not a file')
      const body = request.method === 'HEAD' ? null : await readFile(real)
      return new Response(body, { status: 200, headers: { ...baseHeaders, 'Content-Type': mimeTypeFor(real) } })
    } catch {
      realRoot = null
      return refuse(request.url, 404, 'no such file')
    }
  }
}
