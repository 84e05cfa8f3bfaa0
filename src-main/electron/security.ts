/**
 * Hardening for every window, in one place. Plain functions over the parts of
 * Electron's own types they use, so that each rule is unit-tested with
 * stand-ins; main.ts hands in the real `app`, `session` and
 * `shell.openExternal`. "Is this our page" is `isAppPageUrl` (app-protocol.ts).
 */
import type { App, Session } from 'electron'
import { cspHeader } from '../content-security-policy'
import { isAppPageUrl, type AppPages } from './app-protocol'

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
  /** Middle-click (auxclick) could open links in a new window; nothing in the app uses it. */
  disableBlinkFeatures: 'Auxclick'
  spellcheck: boolean
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

/** What `will-navigate`, `will-redirect` and `will-frame-navigate` hand their listener. */
export interface NavigationDetails extends PreventableEvent {
  url: string
}

export type NavigationKind = 'will-navigate' | 'will-redirect' | 'will-frame-navigate'

/**
 * Every navigation, redirect and frame navigation is refused unless it goes
 * to one of our pages (`isAppPageUrl`). A refused `will-navigate` (a link the
 * user clicked) opens in the OS browser if it is a safe web link; redirects
 * and frame navigations are only refused (`will-frame-navigate` also fires for
 * the main frame, so opening there too would open the link twice). Returns
 * whether it was refused.
 */
export function guardNavigation(kind: NavigationKind, details: NavigationDetails, pages: AppPages, openExternal: OpenExternal): boolean {
  if (isAppPageUrl(details.url, pages)) return false
  details.preventDefault()
  if (kind === 'will-navigate') openExternalSafely(details.url, openExternal)
  return true
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

export type SecurityApp = Pick<App, 'on'>
export type SecuritySession = Pick<Session, 'setPermissionRequestHandler' | 'setPermissionCheckHandler'> & {
  webRequest: Pick<Session['webRequest'], 'onHeadersReceived'>
}

export interface SecurityOptions extends AppPages {
  app: SecurityApp
  session: SecuritySession
  openExternal: OpenExternal
  /** Told about every refusal, for the log. */
  onRefused?: (what: string, detail: string) => void
}

/** Hardens every web contents the app creates and the session they share. */
export function applySecurity(options: SecurityOptions): void {
  const refused = options.onRefused ?? (() => undefined)
  const openExternal: OpenExternal = (url) => options.openExternal(url)

  const pages: AppPages = { devServerUrl: options.devServerUrl }

  options.app.on('web-contents-created', (_event, contents) => {
    const guard = (kind: NavigationKind) => (details: NavigationDetails) => {
      if (guardNavigation(kind, details, pages, openExternal)) refused(kind, details.url)
    }
    contents.on('will-navigate', guard('will-navigate'))
    contents.on('will-redirect', guard('will-redirect'))
    contents.on('will-frame-navigate', guard('will-frame-navigate'))
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

  // app:// responses carry the CSP from the protocol handler already; this
  // covers the dev server's pages and is harmless for ours.
  const csp = cspHeader({ devServerOrigin: options.devServerUrl })
  options.session.webRequest.onHeadersReceived((details, callback) => {
    if (isAppPageUrl(details.url, pages)) {
      callback({ responseHeaders: withCsp(details.responseHeaders, csp) })
    } else {
      callback({})
    }
  })
}
