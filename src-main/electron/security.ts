/**
 * Hardening for every window, in one place. Plain functions over small local
 * interfaces so that each rule is unit-tested without Electron; main.ts hands
 * in the real `app`, `session` and `shell.openExternal`.
 */
import { cspHeader } from '../content-security-policy'

/** What a BrowserWindow gets. Never relaxed anywhere else. */
export interface SecureWebPreferences {
  preload: string
  contextIsolation: true
  sandbox: true
  nodeIntegration: false
  nodeIntegrationInWorker: false
  nodeIntegrationInSubFrames: false
  webSecurity: true
  allowRunningInsecureContent: false
  webviewTag: false
  experimentalFeatures: false
  navigateOnDragDrop: false
  spellcheck: boolean
}

export function secureWebPreferences(preload: string): SecureWebPreferences {
  return {
    preload,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    webviewTag: false,
    experimentalFeatures: false,
    navigateOnDragDrop: false,
    spellcheck: true,
  }
}

const MAX_EXTERNAL_URL_LENGTH = 2048

/**
 * Whether a link may be handed to the OS browser: http or https only, parsed
 * with URL, no user name or password (a classic phishing disguise), a host, and
 * nothing absurdly long.
 */
export function isAllowedExternalUrl(raw: unknown): raw is string {
  if (typeof raw !== 'string' || raw.length === 0 || raw.length > MAX_EXTERNAL_URL_LENGTH) return false
  // Control characters and whitespace have no place in a link we pass to the OS.
  // oxlint-disable-next-line no-control-regex
  if (/[\u0000-\u0020\u007f]/.test(raw)) return false
  let url: URL
  try {
    url = new URL(raw)
  } catch {
    return false
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return false
  if (url.username !== '' || url.password !== '') return false
  if (url.hostname === '') return false
  return true
}

export type OpenExternal = (url: string) => Promise<void> | void

/** Hands a validated link to the OS browser; refuses anything else. Never throws. */
export function openExternalSafely(url: string, openExternal: OpenExternal): boolean {
  if (!isAllowedExternalUrl(url)) return false
  try {
    const pending = openExternal(url)
    if (pending && typeof pending.catch === 'function') pending.catch(() => undefined)
  } catch {
    return false
  }
  return true
}

export interface PreventableEvent {
  preventDefault(): void
}

/** `will-navigate`: the app never navigates away from itself. External web links open in the OS browser. */
export function handleWillNavigate(event: PreventableEvent, url: string, openExternal: OpenExternal): void {
  event.preventDefault()
  openExternalSafely(url, openExternal)
}

/** `setWindowOpenHandler`: no new windows, ever. Web links go to the OS browser. */
export function windowOpenHandler(openExternal: OpenExternal): (details: { url: string }) => { action: 'deny' } {
  return ({ url }) => {
    openExternalSafely(url, openExternal)
    return { action: 'deny' }
  }
}

// ---------------------------------------------------------------------------
// Content-Security-Policy
// ---------------------------------------------------------------------------

export { cspHeader, type CspOptions } from '../content-security-policy'

/**
 * Whether a response belongs to the app's own pages: files under the renderer
 * folder (packaged or `npm start`), or the dev server in `npm run dev`.
 */
export function isAppPageUrl(raw: string, app: { rendererDirUrl?: string | undefined; devServerOrigin?: string | undefined }): boolean {
  let url: URL
  try {
    url = new URL(raw)
  } catch {
    return false
  }
  if (app.devServerOrigin) {
    try {
      if (url.origin === new URL(app.devServerOrigin).origin) return true
    } catch {
      // An unparsable dev origin matches nothing.
    }
  }
  if (url.protocol === 'file:' && app.rendererDirUrl) {
    const base = app.rendererDirUrl.endsWith('/') ? app.rendererDirUrl : `${app.rendererDirUrl}/`
    return `file://${url.host}${url.pathname}`.startsWith(base)
  }
  return false
}

export type ResponseHeaders = Record<string, string | string[]>

/** Response headers with our CSP, replacing any the response carried (header names are case-insensitive). */
export function withCsp(headers: Record<string, string[]> | undefined, csp: string): ResponseHeaders {
  const out: ResponseHeaders = {}
  for (const [name, value] of Object.entries(headers ?? {})) {
    const lower = name.toLowerCase()
    if (lower === 'content-security-policy' || lower === 'content-security-policy-report-only') continue
    out[name] = value
  }
  out['Content-Security-Policy'] = [csp]
  return out
}

// ---------------------------------------------------------------------------
// Wiring over Electron-shaped objects
// ---------------------------------------------------------------------------

export interface WebContentsLike {
  on(event: 'will-navigate', listener: (event: PreventableEvent, url: string) => void): unknown
  on(event: 'will-attach-webview', listener: (event: PreventableEvent) => void): unknown
  setWindowOpenHandler(handler: (details: { url: string }) => { action: 'deny' }): void
}

export interface AppLike {
  on(event: 'web-contents-created', listener: (event: unknown, contents: WebContentsLike) => void): unknown
}

export interface HeadersDetails {
  url: string
  resourceType?: string
  responseHeaders?: Record<string, string[]>
}

export interface SessionLike {
  setPermissionRequestHandler(handler: (webContents: unknown, permission: string, callback: (granted: boolean) => void) => void): void
  setPermissionCheckHandler(handler: (webContents: unknown, permission: string) => boolean): void
  webRequest: {
    onHeadersReceived(
      listener: (details: HeadersDetails, callback: (response: { responseHeaders?: ResponseHeaders }) => void) => void,
    ): void
  }
}

export interface SecurityOptions {
  app: AppLike
  session: SessionLike
  openExternal: OpenExternal
  /** `file://` URL of out/renderer (a folder). */
  rendererDirUrl?: string | undefined
  devServerOrigin?: string | undefined
  /** Told about every refusal, for the log. */
  onRefused?: (what: string, detail: string) => void
}

/** Hardens every web contents the app creates and the session they share. */
export function applySecurity(options: SecurityOptions): void {
  const refused = options.onRefused ?? (() => undefined)
  const openExternal: OpenExternal = (url) => options.openExternal(url)

  options.app.on('web-contents-created', (_event, contents) => {
    contents.on('will-navigate', (event, url) => {
      handleWillNavigate(event, url, openExternal)
      refused('navigation', url)
    })
    contents.setWindowOpenHandler((details) => {
      refused('window.open', details.url)
      return windowOpenHandler(openExternal)(details)
    })
    contents.on('will-attach-webview', (event) => {
      event.preventDefault()
      refused('webview', '<webview>')
    })
  })

  // Every permission (camera, notifications, geolocation, …) is denied: the
  // app needs none of them. Native notifications come from main.
  options.session.setPermissionRequestHandler((_wc, permission, callback) => {
    refused('permission', permission)
    callback(false)
  })
  options.session.setPermissionCheckHandler(() => false)

  const csp = cspHeader({ devServerOrigin: options.devServerOrigin })
  const page = { rendererDirUrl: options.rendererDirUrl, devServerOrigin: options.devServerOrigin }
  options.session.webRequest.onHeadersReceived((details, callback) => {
    if (isAppPageUrl(details.url, page)) {
      callback({ responseHeaders: withCsp(details.responseHeaders, csp) })
    } else {
      callback({})
    }
  })
}
