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
  const dev = options.devServerOrigin ? new URL(options.devServerOrigin) : null
  const devWs = dev ? `${dev.protocol === 'https:' ? 'wss' : 'ws'}://${dev.host}` : null
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
