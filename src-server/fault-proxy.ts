/**
 * A development fault proxy: sits in front of any HTTP server on 127.0.0.1
 * (the receiver, the reference API) and, at a given rate with a seeded
 * random, answers a request with one of the faults a flaky network or an
 * overloaded server produces, so the app's relay can be tested against the
 * real receiver, which has no fault injection of its own:
 *
 * - `503`: Service Unavailable, not forwarded;
 * - `429`: Too Many Requests with `Retry-After`, not forwarded;
 * - `drop`: the connection is destroyed before forwarding (nothing applied);
 * - `applyThenDrop`: forwarded, the upstream's whole answer awaited (so it
 *   committed), then the client's connection destroyed: the client cannot
 *   know it was applied and must resend; the server must answer `duplicate`.
 *
 * Optional latency delays every request before it is forwarded. Bodies are
 * buffered (a test tool: simpler and exact about "the upstream answered").
 */
import { createServer, request as httpRequest, Agent, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'

export const FAULT_KINDS = ['503', '429', 'drop', 'applyThenDrop'] as const
export type FaultKind = (typeof FAULT_KINDS)[number]

export interface FaultProxyOptions {
  /** Base URL of the server behind the proxy; loopback only (http://127.0.0.1:PORT). */
  upstream: string
  /** Probability (0..1) that a request which may fault gets a fault. */
  failRate?: number
  /** Random source in [0, 1) (pass a seeded one to replay a run). */
  random?: () => number
  /** Which faults to choose from, uniformly (default all four). */
  kinds?: readonly FaultKind[]
  /** Delay before forwarding each request, ms (default 0). */
  latencyMs?: number
  /** The 429's Retry-After, seconds (default 1). */
  retryAfterSeconds?: number
  /** Which requests may fault; default: every POST (where events go), never a read or a health probe. */
  mayFault?: (method: string, path: string) => boolean
  /** 0 (default) picks a free port. */
  port?: number
}

export interface FaultProxyStats {
  requests: number
  /** Requests handed to the upstream (applyThenDrop included). */
  forwarded: number
  faults: Record<FaultKind, number>
}

export interface FaultProxy {
  readonly url: string
  readonly port: number
  stats(): FaultProxyStats
  setFailRate(rate: number): void
  close(): Promise<void>
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]'])
/** Past this the request is refused (413) rather than buffered. */
const MAX_BODY = 64 * 1024 * 1024
// Hop-by-hop headers are the proxy's own business (RFC 9110 §7.6.1).
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'te', 'trailer', 'upgrade', 'host', 'content-length'])

function checkRate(rate: number): number {
  if (!(rate >= 0 && rate <= 1)) throw new RangeError(`failRate must be between 0 and 1, got ${rate}`)
  return rate
}

export async function startFaultProxy(opts: FaultProxyOptions): Promise<FaultProxy> {
  const upstream = new URL(opts.upstream)
  if (upstream.protocol !== 'http:' || !LOOPBACK.has(upstream.hostname)) {
    throw new RangeError(`the fault proxy only forwards to http on loopback (127.0.0.1), got ${opts.upstream}`)
  }
  const kinds = opts.kinds ?? FAULT_KINDS
  if (kinds.length === 0 || kinds.some((k) => !FAULT_KINDS.includes(k))) throw new RangeError(`kinds must be some of ${FAULT_KINDS.join(', ')}`)
  const latencyMs = opts.latencyMs ?? 0
  if (!(Number.isFinite(latencyMs) && latencyMs >= 0)) throw new RangeError(`latencyMs must be a number ≥ 0, got ${latencyMs}`)
  const random = opts.random ?? Math.random
  const mayFault = opts.mayFault ?? ((method: string) => method === 'POST')
  const retryAfter = String(opts.retryAfterSeconds ?? 1)
  const basePath = upstream.pathname.replace(/\/+$/, '')
  let failRate = checkRate(opts.failRate ?? 0)
  const stats: FaultProxyStats = { requests: 0, forwarded: 0, faults: { '503': 0, '429': 0, drop: 0, applyThenDrop: 0 } }
  const agent = new Agent({ keepAlive: true })

  const forward = (req: IncomingMessage, body: Buffer) =>
    new Promise<{ status: number; headers: IncomingHttpHeaders; body: Buffer }>((resolve, reject) => {
      const headers: Record<string, string | string[]> = {}
      for (const [k, v] of Object.entries(req.headers)) if (v !== undefined && !HOP_BY_HOP.has(k)) headers[k] = v
      headers['content-length'] = String(body.length)
      const up = httpRequest(
        { host: upstream.hostname.replace(/^\[|\]$/g, ''), port: upstream.port || 80, method: req.method, path: basePath + (req.url ?? '/'), headers, agent },
        (res) => {
          const chunks: Buffer[] = []
          res.on('data', (c: Buffer) => chunks.push(c))
          res.on('end', () => resolve({ status: res.statusCode ?? 502, headers: res.headers, body: Buffer.concat(chunks) }))
          res.on('error', reject)
        },
      )
      up.on('error', reject)
      up.end(body)
    })

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    stats.requests++
    const body = await readBody(req)
    if (body === null) {
      res.writeHead(413, { 'Content-Type': 'application/json', Connection: 'close' }).end(JSON.stringify({ error: 'body too large for the fault proxy' }))
      return
    }
    if (latencyMs > 0) await new Promise((r) => setTimeout(r, latencyMs))
    const path = (req.url ?? '/').split('?')[0] ?? '/'
    let fault: FaultKind | null = null
    if (failRate > 0 && mayFault(req.method ?? 'GET', path) && random() < failRate) {
      fault = kinds[Math.min(kinds.length - 1, Math.floor(random() * kinds.length))] ?? null
    }
    if (fault) stats.faults[fault]++
    if (fault === '503' || fault === '429') {
      const text = JSON.stringify({ error: `injected ${fault} (fault proxy)` })
      const headers: Record<string, string> = { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': String(Buffer.byteLength(text)) }
      if (fault === '429') headers['Retry-After'] = retryAfter
      res.writeHead(Number(fault), headers).end(text)
      return
    }
    if (fault === 'drop') {
      req.socket.destroy()
      return
    }
    stats.forwarded++
    let answer
    try {
      answer = await forward(req, body)
    } catch (err) {
      const text = JSON.stringify({ error: `the fault proxy could not reach the upstream: ${(err as Error).message}` })
      res.writeHead(502, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': String(Buffer.byteLength(text)) }).end(text)
      return
    }
    if (fault === 'applyThenDrop') {
      req.socket.destroy()
      return
    }
    const headers: Record<string, string | string[]> = {}
    for (const [k, v] of Object.entries(answer.headers)) if (v !== undefined && !HOP_BY_HOP.has(k)) headers[k] = v
    headers['content-length'] = String(answer.body.length)
    res.writeHead(answer.status, headers).end(answer.body)
  }

  const server: Server = createServer((req, res) => {
    handle(req, res).catch(() => req.socket.destroy())
  })
  server.keepAliveTimeout = 5_000
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(opts.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject)
      resolve()
    })
  })
  const port = (server.address() as AddressInfo).port
  let closed: Promise<void> | null = null
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    stats: () => ({ ...stats, faults: { ...stats.faults } }),
    setFailRate(rate) {
      failRate = checkRate(rate)
    },
    close() {
      closed ??= new Promise<void>((resolve) => {
        server.close(() => resolve())
        server.closeAllConnections()
        agent.destroy()
      })
      return closed
    },
  }
}

function readBody(req: IncomingMessage): Promise<Buffer | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    let size = 0
    req.on('data', (c: Buffer) => {
      size += c.length
      if (size <= MAX_BODY) chunks.push(c)
    })
    req.on('end', () => resolve(size > MAX_BODY ? null : Buffer.concat(chunks)))
    req.on('error', reject)
  })
}
