/**
 * The Content-Security-Policy for the app's own pages, one definition for both
 * shells: the Electron shell sets it by response header, the browser host
 * sends it with every page, and src-renderer/index.html carries the same
 * policy as a meta tag (a test keeps them equal).
 */
export interface CspOptions {
  /**
   * electron-vite's dev server origin (ELECTRON_RENDERER_URL). Vite's dev
   * client needs its websocket and React refresh needs one inline preamble, so
   * development gets exactly those two relaxations and nothing else.
   */
  devServerOrigin?: string | undefined
}

/**
 * The policy for the app's own pages. The renderer needs no remote origin: the
 * main process does all HTTP, so `connect-src` stays `'self'`.
 */
export function cspHeader(options: CspOptions = {}): string {
  const dev = options.devServerOrigin ?? null
  const devWs = dev ? devWebSocketOrigin(dev) : null
  const directives: Array<[string, string[]]> = [
    ['default-src', ["'self'"]],
    ['script-src', dev ? ["'self'", "'unsafe-inline'"] : ["'self'"]],
    ['style-src', dev ? ["'self'", "'unsafe-inline'"] : ["'self'"]],
    ['img-src', ["'self'", 'data:']],
    ['connect-src', devWs ? ["'self'", devWs] : ["'self'"]],
    ['font-src', ["'self'"]],
    ['object-src', ["'none'"]],
    ['base-uri', ["'none'"]],
    ['form-action', ["'none'"]],
    ['frame-ancestors', ["'none'"]],
  ]
  return directives.map(([name, values]) => `${name} ${values.join(' ')}`).join('; ')
}

/** `http://localhost:5173` → `ws://localhost:5173`; a `*` port (any dev server) is kept. */
function devWebSocketOrigin(origin: string): string {
  const m = /^(https?):\/\/([^/?#]+)/.exec(origin)
  if (!m) throw new Error(`Not an http(s) dev server origin: ${origin}`)
  return `${m[1] === 'https' ? 'wss' : 'ws'}://${m[2]}`
}

/**
 * For electron.vite.config.ts's dev plugin: the page's meta policy replaced by
 * the dev policy above (the same two relaxations the Electron shell's header
 * makes), so development is relaxed in one place. `frame-ancestors` is left
 * out: a meta tag cannot carry it.
 */
export function withDevCspMeta(html: string, devServerOrigin = 'http://localhost:*'): string {
  const policy = cspHeader({ devServerOrigin })
    .split('; ')
    .filter((d) => !d.startsWith('frame-ancestors'))
    .join('; ')
  return html.replace(/(http-equiv="Content-Security-Policy"\s+content=")[^"]*(")/, `$1${policy}$2`)
}
