import { pathToFileURL } from 'node:url'
import { describe, expect, it, vi } from 'vitest'
import {
  applySecurity,
  cspHeader,
  handleWillNavigate,
  isAllowedExternalUrl,
  isAppPageUrl,
  secureWebPreferences,
  windowOpenHandler,
  withCsp,
  type HeadersDetails,
  type PreventableEvent,
  type ResponseHeaders,
  type SessionLike,
  type WebContentsLike,
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

describe('secureWebPreferences', () => {
  it('turns on isolation, the sandbox and web security, and turns off Node and <webview>', () => {
    const prefs = secureWebPreferences('/app/out/preload/index.cjs')
    expect(prefs).toMatchObject({
      preload: '/app/out/preload/index.cjs',
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
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

describe('will-navigate', () => {
  it('prevents every navigation and opens web links externally', () => {
    const open = vi.fn()
    const e = preventable()
    handleWillNavigate(e, 'https://example.com/help', open)
    expect(e.prevented).toBe(true)
    expect(open).toHaveBeenCalledWith('https://example.com/help')
  })
  it('prevents navigation to other schemes without opening anything', () => {
    for (const url of ['file:///etc/passwd', 'javascript:alert(1)', 'outpost://x', 'https://a:b@evil.example']) {
      const open = vi.fn()
      const e = preventable()
      handleWillNavigate(e, url, open)
      expect(e.prevented).toBe(true)
      expect(open).not.toHaveBeenCalled()
    }
  })
  it('survives an openExternal that throws or rejects', () => {
    const e = preventable()
    expect(() =>
      handleWillNavigate(e, 'https://example.com', () => {
        throw new Error('no browser')
      }),
    ).not.toThrow()
    expect(() => handleWillNavigate(preventable(), 'https://example.com', () => Promise.reject(new Error('x')))).not.toThrow()
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
  it('recognises the app pages only', () => {
    const rendererDirUrl = pathToFileURL('/opt/Outpost/resources/app.asar/out/renderer').href
    const app = { rendererDirUrl }
    expect(isAppPageUrl(`${rendererDirUrl}/index.html`, app)).toBe(true)
    expect(isAppPageUrl(`${rendererDirUrl}/assets/index-abc.js`, app)).toBe(true)
    expect(isAppPageUrl(`${rendererDirUrl}/../../secret.html`, app)).toBe(false)
    expect(isAppPageUrl('file:///opt/Outpost/resources/app.asar/out/renderer-evil/index.html', app)).toBe(false)
    expect(isAppPageUrl('https://example.com/', app)).toBe(false)
    expect(isAppPageUrl('http://localhost:5173/', { ...app, devServerOrigin: 'http://localhost:5173' })).toBe(true)
    expect(isAppPageUrl('http://localhost:5174/', { ...app, devServerOrigin: 'http://localhost:5173' })).toBe(false)
  })
})

describe('applySecurity', () => {
  type Listener = (...args: unknown[]) => void
  function fakes() {
    const appListeners: Array<(event: unknown, contents: WebContentsLike) => void> = []
    const app = {
      on(_event: 'web-contents-created', listener: (event: unknown, contents: WebContentsLike) => void) {
        appListeners.push(listener)
      },
    }
    let requestHandler: Parameters<SessionLike['setPermissionRequestHandler']>[0] | null = null
    let checkHandler: Parameters<SessionLike['setPermissionCheckHandler']>[0] | null = null
    let headersListener: ((d: HeadersDetails, cb: (r: { responseHeaders?: ResponseHeaders }) => void) => void) | null = null
    const session: SessionLike = {
      setPermissionRequestHandler: (h) => {
        requestHandler = h
      },
      setPermissionCheckHandler: (h) => {
        checkHandler = h
      },
      webRequest: {
        onHeadersReceived: (l) => {
          headersListener = l
        },
      },
    }
    const contentsListeners = new Map<string, Listener>()
    let openHandler: ((d: { url: string }) => { action: 'deny' }) | null = null
    const contents: WebContentsLike = {
      on(event: string, listener: Listener) {
        contentsListeners.set(event, listener)
        return contents
      },
      setWindowOpenHandler(h) {
        openHandler = h
      },
    } as WebContentsLike
    return {
      app,
      session,
      contents,
      createContents: () => {
        for (const l of appListeners) l({}, contents)
      },
      contentsListeners,
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

  const rendererDirUrl = pathToFileURL('/app/out/renderer').href

  it('hardens every web contents: navigation, window.open and <webview> are refused', () => {
    const f = fakes()
    const open = vi.fn()
    const refused = vi.fn()
    applySecurity({ app: f.app, session: f.session, openExternal: open, rendererDirUrl, onRefused: refused })
    f.createContents()

    const nav = preventable()
    f.contentsListeners.get('will-navigate')?.(nav, 'https://example.com/docs')
    expect(nav.prevented).toBe(true)
    expect(open).toHaveBeenCalledWith('https://example.com/docs')

    const navFile = preventable()
    f.contentsListeners.get('will-navigate')?.(navFile, 'file:///etc/passwd')
    expect(navFile.prevented).toBe(true)
    expect(open).toHaveBeenCalledTimes(1)

    expect(f.openHandler?.({ url: 'https://example.com/new' })).toEqual({ action: 'deny' })
    expect(f.openHandler?.({ url: 'javascript:alert(1)' })).toEqual({ action: 'deny' })
    expect(open).toHaveBeenCalledTimes(2)

    const webview = preventable()
    f.contentsListeners.get('will-attach-webview')?.(webview)
    expect(webview.prevented).toBe(true)
    expect(refused).toHaveBeenCalledWith('webview', '<webview>')
  })

  it('denies every permission request and check', () => {
    const f = fakes()
    applySecurity({ app: f.app, session: f.session, openExternal: vi.fn(), rendererDirUrl })
    for (const permission of ['media', 'geolocation', 'notifications', 'clipboard-read', 'openExternal', 'unknown']) {
      const cb = vi.fn()
      f.requestHandler?.({}, permission, cb)
      expect(cb).toHaveBeenCalledWith(false)
      expect(f.checkHandler?.({}, permission)).toBe(false)
    }
  })

  it('sets the CSP header on app pages and leaves other responses alone', () => {
    const f = fakes()
    applySecurity({ app: f.app, session: f.session, openExternal: vi.fn(), rendererDirUrl })
    const appResponse = vi.fn()
    f.headersListener?.({ url: `${rendererDirUrl}/index.html`, resourceType: 'mainFrame', responseHeaders: {} }, appResponse)
    expect(appResponse).toHaveBeenCalledWith({ responseHeaders: { 'Content-Security-Policy': [STRICT_CSP] } })

    const other = vi.fn()
    f.headersListener?.({ url: 'https://example.com/', responseHeaders: { a: ['b'] } }, other)
    expect(other).toHaveBeenCalledWith({})
  })
})
