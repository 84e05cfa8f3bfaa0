import { randomBytes, timingSafeEqual } from 'node:crypto'
import { createReadStream, existsSync, readFileSync, statSync } from 'node:fs'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { extname, join, normalize, sep } from 'node:path'
import { eventNames, type Result } from '../../src-shared/contract'
import { cspHeader } from '../content-security-policy'
import type { Core } from '../core/core-types'
import { WebExports } from './export-route'

/** The same policy the Electron shell sets: no inline script, no remote origin. */
export const CONTENT_SECURITY_POLICY = cspHeader()

const MAX_BODY_BYTES = 1024 * 1024

/** The page carries the per-run secret here; the HTTP bridge reads it (see http-bridge.ts). */
export const SESSION_META = 'outpost-session'
export const SESSION_HEADER = 'x-outpost-session'
/** EventSource cannot send headers: the event stream takes the secret as this query parameter. */
export const SESSION_QUERY = 'session'

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
}

export interface WebHost {
  readonly url: string
  readonly port: number
  close(): Promise<void>
}

/**
 * The browser host: the same core behind HTTP (one POST per contract method)
 * and Server-Sent Events, serving the built renderer. It binds to 127.0.0.1
 * only, and checks Host and Origin so that neither another web page nor a
 * DNS-rebinding trick can drive it from a browser.
 *
 * Every /api/* request must also carry a per-run secret, made at start (never
 * written to disk) and handed only to the page this host serves, so that a
 * local process cannot drive the core (and, say, point it at its own server)
 * without first loading the app's page.
 */
export async function startWebHost(opts: { core: Core; port: number; staticDir: string }): Promise<WebHost> {
  const { core, staticDir } = opts
  const sse = new Set<ServerResponse>()
  const exports = new WebExports(core)
  let port = opts.port
  const secret = Buffer.from(randomBytes(32).toString('base64url'))
  const hasSecret = (given: string | null | undefined): boolean => {
    if (typeof given !== 'string') return false
    const b = Buffer.from(given)
    return b.length === secret.length && timingSafeEqual(b, secret)
  }

  const allowedHost = (req: IncomingMessage): boolean => {
    const host = req.headers.host ?? ''
    return host === `127.0.0.1:${port}` || host === `localhost:${port}`
  }
  const sameOrigin = (req: IncomingMessage): boolean => {
    const origin = req.headers.origin
    return origin === undefined || origin === `http://127.0.0.1:${port}` || origin === `http://localhost:${port}`
  }

  const server: Server = createServer((req, res) => {
    void handle(req, res).catch((err: unknown) => {
      console.error('[outpost web] request failed', err)
      if (!res.headersSent) sendJson(res, 500, { ok: false, error: { code: 'internal', message: 'Something went wrong.' } })
      else res.destroy()
    })
  })

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    res.setHeader('X-Content-Type-Options', 'nosniff')
    res.setHeader('Referrer-Policy', 'no-referrer')
    if (!allowedHost(req)) {
      sendJson(res, 421, { error: 'Unexpected Host header.' })
      return
    }
    const url = new URL(req.url ?? '/', `http://127.0.0.1:${port}`)
    if (url.pathname.startsWith('/api/')) {
      res.setHeader('Cache-Control', 'no-store')
      if (!sameOrigin(req)) {
        sendJson(res, 403, { error: 'Cross-origin requests are not allowed.' })
        return
      }
      const header = req.headers[SESSION_HEADER]
      // Two requests cannot send a header: the event stream (the secret as a
      // query parameter) and the CSV download (a one-time ticket, see export-route.ts).
      const viaUrl = url.pathname === '/api/events' ? hasSecret(url.searchParams.get(SESSION_QUERY)) : exports.hasTicket(url)
      if (!hasSecret(Array.isArray(header) ? header[0] : header) && !viaUrl) {
        sendJson(res, 401, { error: 'Missing or wrong session secret: reload the page Outpost serves.' })
        return
      }
      if (req.method === 'GET' && url.pathname === '/api/events') return openEventStream(req, res)
      if (await exports.handle(req, res, url)) return
      const m = /^\/api\/invoke\/([A-Za-z]{1,40})$/.exec(url.pathname)
      if (m && req.method === 'POST') return invoke(m[1] ?? '', req, res)
      sendJson(res, 404, { error: 'Not found.' })
      return
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      sendJson(res, 405, { error: 'Method not allowed.' })
      return
    }
    serveStatic(url.pathname, req, res)
  }

  async function invoke(method: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
    // A JSON content type forces a CORS preflight for any cross-site caller,
    // which this server never answers with permission.
    if (!(req.headers['content-type'] ?? '').startsWith('application/json')) {
      sendJson(res, 415, fail('invalid_type', 'Send JSON (Content-Type: application/json).'))
      return
    }
    // Refuse what is declared too large before reading a byte of it, and
    // stop reading a chunked body the moment it passes the limit.
    const declared = Number(req.headers['content-length'] ?? 0)
    const body = declared > MAX_BODY_BYTES ? null : await readBody(req, MAX_BODY_BYTES)
    if (body === null) {
      refuseTooLarge(req, res)
      return
    }
    let input: unknown
    try {
      input = body.length === 0 ? undefined : (JSON.parse(body) as unknown)
    } catch {
      sendJson(res, 400, fail('invalid_type', 'The request body is not valid JSON.'))
      return
    }
    const result = await core.invoke(method, input === null ? undefined : input)
    sendJson(res, 200, result)
  }

  function openEventStream(req: IncomingMessage, res: ServerResponse): void {
    res.writeHead(200, {
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-store',
      Connection: 'keep-alive',
    })
    res.write('retry: 1000\n\n')
    const send = (name: string, data: unknown) => res.write(`event: ${name}\ndata: ${JSON.stringify(data)}\n\n`)
    send('status', core.status())
    const offs = eventNames.map((name) => core.on(name, (payload) => send(name, payload)))
    const keepAlive = setInterval(() => res.write(': keep-alive\n\n'), 15_000)
    sse.add(res)
    req.on('close', () => {
      clearInterval(keepAlive)
      for (const off of offs) off()
      sse.delete(res)
    })
  }

  function serveStatic(pathname: string, req: IncomingMessage, res: ServerResponse): void {
    let rel: string
    try {
      rel = decodeURIComponent(pathname)
    } catch {
      sendJson(res, 400, { error: 'Bad path.' })
      return
    }
    if (rel === '/' || rel === '') rel = '/index.html'
    const file = normalize(join(staticDir, rel))
    if (!file.startsWith(staticDir + sep) || !existsSync(file) || !statSync(file).isFile()) {
      sendJson(res, 404, { error: 'Not found.' })
      return
    }
    const type = MIME[extname(file)] ?? 'application/octet-stream'
    res.writeHead(200, {
      'Content-Type': type,
      'Content-Security-Policy': CONTENT_SECURITY_POLICY,
      'Cache-Control': type.startsWith('text/html') ? 'no-store' : 'public, max-age=3600',
    })
    if (req.method === 'HEAD') {
      res.end()
      return
    }
    if (type.startsWith('text/html')) {
      res.end(withSessionMeta(readFileSync(file, 'utf8'), secret.toString()))
      return
    }
    createReadStream(file).pipe(res)
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(opts.port, '127.0.0.1', () => {
      server.off('error', reject)
      resolve()
    })
  })
  port = (server.address() as AddressInfo).port
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    async close() {
      for (const res of sse) res.end()
      await new Promise<void>((resolve) => {
        server.close(() => resolve())
        server.closeAllConnections()
      })
    },
  }
}

/** The page with the session secret as its first <head> element (the secret is base64url: nothing to escape). */
function withSessionMeta(html: string, secret: string): string {
  const meta = `<meta name="${SESSION_META}" content="${secret}">`
  const head = /<head[^>]*>/i.exec(html)
  if (head) return html.slice(0, head.index + head[0].length) + meta + html.slice(head.index + head[0].length)
  const doctype = /^\s*<!doctype[^>]*>/i.exec(html)
  return doctype ? doctype[0] + meta + html.slice(doctype[0].length) : meta + html
}

function fail(code: 'invalid_type' | 'too_big', message: string): Result<never> {
  return { ok: false, error: { code, message } }
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body)
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(text) })
  res.end(text)
}

/** The body as text, or null as soon as it passes `limit` (the rest is never read). */
function readBody(req: IncomingMessage, limit: number): Promise<string | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    let size = 0
    const onData = (chunk: Buffer) => {
      size += chunk.length
      if (size <= limit) {
        chunks.push(chunk)
        return
      }
      req.off('data', onData)
      req.pause()
      resolve(null)
    }
    req.on('data', onData)
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')))
    req.on('error', reject)
  })
}

/**
 * 413, then close the connection: the rest of the upload is never read. The
 * socket is half-closed once the reply is out (so the client can read it) and
 * destroyed shortly after in case the client keeps sending.
 */
function refuseTooLarge(req: IncomingMessage, res: ServerResponse): void {
  req.pause()
  res.setHeader('Connection', 'close')
  res.on('finish', () => {
    req.socket.end()
    setTimeout(() => req.socket.destroy(), 1000).unref()
  })
  sendJson(res, 413, fail('too_big', 'The request is too large.'))
}
