import { EventEmitter } from 'node:events'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it, vi } from 'vitest'
import { APP_INDEX_URL } from './app-protocol'
import {
  applySecurity,
  cspHeader,
  guardNavigation,
  isAllowedExternalUrl,
  windowOpenHandler,
  withCsp,
  type NavigationKind,
  type PreventableEvent,
  type ResponseHeaders,
  type SecurityApp,
  type SecuritySession,
} from './security'

const STRICT_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"

function preventable(): PreventableEvent & { prevented: boolean } {
  const e = {
    prevented: false,
    preventDefault() {
      e.prevented = true
    },
  }
  return e
}

describe('the BrowserWindow webPreferences', () => {
  it('are written out at the new BrowserWindow call (legible to electronegativity): isolation, sandbox, web security on; Node and <webview> off', () => {
    // tsc holds the literal to SecureWebPreferences (literal types) with
    // `satisfies`; this checks the call really uses that literal, and what it says.
    const source = readFileSync(join(import.meta.dirname, 'main-window.ts'), 'utf8')
    const literal = /new BrowserWindow\(\{[\s\S]*?webPreferences: \{([\s\S]*?)\} satisfies SecureWebPreferences/.exec(source)?.[1]
    expect(literal).toBeDefined()
    const written = Object.fromEntries(
      (literal ?? '')
        .split(',')
        .map((l) => l.trim())
        .filter(Boolean)
        .map((l) => {
          const [key, value] = l.split(':').map((x) => x.trim())
          return [key, value === undefined ? 'preload' : value]
        }),
    )
    expect(written).toEqual({
      preload: 'preload',
      contextIsolation: 'true',
      sandbox: 'true',
      nodeIntegration: 'false',
      nodeIntegrationInWorker: 'false',
      nodeIntegrationInSubFrames: 'false',
      webSecurity: 'true',
      allowRunningInsecureContent: 'false',
      webviewTag: 'false',
      experimentalFeatures: 'false',
      navigateOnDragDrop: 'false',
      disableBlinkFeatures: "'Auxclick'",
      spellcheck: 'true',
    })
  })
})

describe('isAllowedExternalUrl', () => {
  it.each(['https://example.com', 'http://example.com/path?q=1#x', 'https://sub.example.org:8443/a'])('allows %s', (url) => {
    expect(isAllowedExternalUrl(url)).toBe(true)
  })
  it.each([
    'file:///etc/passwd',
    'javascript:alert(1)',
    'data:text/html,<script>1</script>',
    'mailto:a@b.c',
    'smb://server/share',
    'ms-settings:privacy',
    'vbscript:x',
    'chrome://settings',
    'https://user:pass@example.com',
    'https://user@example.com',
    'not a url',
    '',
    'https://exa mple.com',
    'https://example.com/\u0000',
    `https://example.com/${'a'.repeat(3000)}`,
  ])('refuses %s', (url) => {
    expect(isAllowedExternalUrl(url)).toBe(false)
  })
  it('refuses non-strings', () => {
    expect(isAllowedExternalUrl(undefined)).toBe(false)
    expect(isAllowedExternalUrl({ href: 'https://example.com' })).toBe(false)
  })
})

function nav(url: string) {
  const e = preventable()
  return Object.assign(e, { url })
}

describe('navigation guards', () => {
  const kinds: NavigationKind[] = ['will-navigate', 'will-redirect', 'will-frame-navigate']
  it.each(kinds)('%s lets our own pages through', (kind) => {
    for (const url of [APP_INDEX_URL, 'app://outpost/index.html#/orders']) {
      const open = vi.fn()
      const e = nav(url)
      expect(guardNavigation(kind, e, {}, open)).toBe(false)
      expect(e.prevented).toBe(false)
      expect(open).not.toHaveBeenCalled()
    }
    const dev = nav('http://localhost:5173/')
    expect(guardNavigation(kind, dev, { devServerUrl: 'http://localhost:5173' }, vi.fn())).toBe(false)
    expect(dev.prevented).toBe(false)
  })
  it.each(kinds)('%s refuses everything else', (kind) => {
    for (const url of [
      'https://example.com/help',
      'file:///etc/passwd',
      'javascript:alert(1)',
      'app://evil/index.html',
      'http://localhost:5173/',
      'about:blank',
      'outpost://x',
    ]) {
      const e = nav(url)
      expect(guardNavigation(kind, e, {}, vi.fn())).toBe(true)
      expect(e.prevented).toBe(true)
    }
  })
  it('opens a refused web link in the OS browser from will-navigate only, never from a redirect or a frame', () => {
    const open = vi.fn()
    guardNavigation('will-navigate', nav('https://example.com/help'), {}, open)
    guardNavigation('will-redirect', nav('https://example.com/redirected'), {}, open)
    guardNavigation('will-frame-navigate', nav('https://example.com/frame'), {}, open)
    guardNavigation('will-navigate', nav('https://a:b@evil.example'), {}, open)
    guardNavigation('will-navigate', nav('file:///etc/passwd'), {}, open)
    expect(open.mock.calls).toEqual([['https://example.com/help']])
  })
  it('survives an openExternal that throws or rejects', () => {
    expect(() =>
      guardNavigation('will-navigate', nav('https://example.com'), {}, () => {
        throw new Error('no browser')
      }),
    ).not.toThrow()
    expect(() => guardNavigation('will-navigate', nav('https://example.com'), {}, () => Promise.reject(new Error('x')))).not.toThrow()
  })
})

describe('setWindowOpenHandler', () => {
  it('denies every window and sends web links to the OS browser', () => {
    const open = vi.fn()
    const handler = windowOpenHandler(open)
    expect(handler({ url: 'https://example.com' })).toEqual({ action: 'deny' })
    expect(handler({ url: 'file:///etc/hosts' })).toEqual({ action: 'deny' })
    expect(handler({ url: 'about:blank' })).toEqual({ action: 'deny' })
    expect(open).toHaveBeenCalledTimes(1)
    expect(open).toHaveBeenCalledWith('https://example.com')
  })
})

describe('CSP', () => {
  it('is strict in production: no inline script, no remote origin', () => {
    expect(cspHeader()).toBe(STRICT_CSP)
    expect(cspHeader()).not.toContain('unsafe')
    expect(cspHeader()).not.toMatch(/https?:/)
  })
  it('allows only the dev server websocket and inline preamble in development', () => {
    const dev = cspHeader({ devServerOrigin: 'http://localhost:5173' })
    expect(dev).toContain("connect-src 'self' ws://localhost:5173")
    expect(dev).toContain("script-src 'self' 'unsafe-inline'")
    expect(dev).toContain("object-src 'none'")
  })
  it('replaces any CSP header the response had, case-insensitively', () => {
    const headers = withCsp({ 'content-security-policy': ["default-src *"], 'X-Other': ['1'] }, STRICT_CSP)
    expect(headers).toEqual({ 'X-Other': ['1'], 'Content-Security-Policy': [STRICT_CSP] })
  })
})

describe('applySecurity', () => {
  type HeadersListener = (
    details: { url: string; resourceType?: string; responseHeaders?: Record<string, string[]> },
    callback: (response: { responseHeaders?: ResponseHeaders }) => void,
  ) => void
  // Stand-ins for Electron's app, session and webContents: event emitters with the methods security.ts calls.
  function fakes() {
    const app = new EventEmitter()
    let requestHandler: ((wc: unknown, permission: string, callback: (granted: boolean) => void) => void) | null = null
    let checkHandler: ((wc: unknown, permission: string) => boolean) | null = null
    let headersListener: HeadersListener | null = null
    const session = {
      setPermissionRequestHandler: (h: typeof requestHandler) => {
        requestHandler = h
      },
      setPermissionCheckHandler: (h: typeof checkHandler) => {
        checkHandler = h
      },
      webRequest: {
        onHeadersReceived: (l: HeadersListener) => {
          headersListener = l
        },
      },
    }
    let openHandler: ((d: { url: string }) => { action: 'deny' }) | null = null
    const contents = Object.assign(new EventEmitter(), {
      setWindowOpenHandler(h: typeof openHandler) {
        openHandler = h
      },
    })
    return {
      app: app as unknown as SecurityApp,
      session: session as unknown as SecuritySession,
      createContents: () => app.emit('web-contents-created', {}, contents),
      emit: (event: string, ...args: unknown[]) => contents.emit(event, ...args),
      listeners: (event: string) => contents.listenerCount(event),
      get openHandler() {
        return openHandler
      },
      get requestHandler() {
        return requestHandler
      },
      get checkHandler() {
        return checkHandler
      },
      get headersListener() {
        return headersListener
      },
    }
  }

  it('hardens every web contents: navigation, window.open and <webview> are refused', () => {
    const f = fakes()
    const open = vi.fn()
    const refused = vi.fn()
    applySecurity({ app: f.app, session: f.session, openExternal: open, onRefused: refused })
    f.createContents()
    for (const event of ['will-navigate', 'will-redirect', 'will-frame-navigate']) expect(f.listeners(event), event).toBe(1)

    const away = nav('https://example.com/docs')
    f.emit('will-navigate', away, away.url)
    expect(away.prevented).toBe(true)
    expect(open).toHaveBeenCalledWith('https://example.com/docs')

    const navFile = nav('file:///etc/passwd')
    f.emit('will-navigate', navFile, navFile.url)
    expect(navFile.prevented).toBe(true)
    expect(open).toHaveBeenCalledTimes(1)

    const redirect = nav('https://evil.example/')
    f.emit('will-redirect', redirect, redirect.url)
    expect(redirect.prevented).toBe(true)
    const frame = nav('https://evil.example/frame')
    f.emit('will-frame-navigate', frame)
    expect(frame.prevented).toBe(true)
    expect(refused).toHaveBeenCalledWith('will-redirect', 'https://evil.example/')
    expect(refused).toHaveBeenCalledWith('will-frame-navigate', 'https://evil.example/frame')

    const ours = nav(APP_INDEX_URL)
    f.emit('will-frame-navigate', ours)
    expect(ours.prevented).toBe(false)
    expect(open).toHaveBeenCalledTimes(1)

    expect(f.openHandler?.({ url: 'https://example.com/new' })).toEqual({ action: 'deny' })
    expect(f.openHandler?.({ url: 'javascript:alert(1)' })).toEqual({ action: 'deny' })
    expect(open).toHaveBeenCalledTimes(2)

    const webview = preventable()
    f.emit('will-attach-webview', webview)
    expect(webview.prevented).toBe(true)
    expect(refused).toHaveBeenCalledWith('webview', '<webview>')
  })

  it('denies every permission request and check', () => {
    const f = fakes()
    applySecurity({ app: f.app, session: f.session, openExternal: vi.fn() })
    for (const permission of ['media', 'geolocation', 'notifications', 'clipboard-read', 'openExternal', 'unknown']) {
      const cb = vi.fn()
      f.requestHandler?.({}, permission, cb)
      expect(cb).toHaveBeenCalledWith(false)
      expect(f.checkHandler?.({}, permission)).toBe(false)
    }
  })

  it('sets the CSP header on app pages and leaves other responses alone', () => {
    const f = fakes()
    applySecurity({ app: f.app, session: f.session, openExternal: vi.fn() })
    const appResponse = vi.fn()
    f.headersListener?.({ url: APP_INDEX_URL, resourceType: 'mainFrame', responseHeaders: {} }, appResponse)
    expect(appResponse).toHaveBeenCalledWith({ responseHeaders: { 'Content-Security-Policy': [STRICT_CSP] } })

    const other = vi.fn()
    f.headersListener?.({ url: 'https://example.com/', responseHeaders: { a: ['b'] } }, other)
    expect(other).toHaveBeenCalledWith({})
  })
})
