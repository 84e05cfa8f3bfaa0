/**
 * The production receiver's HTTP side (docs/server.md): node:http, stateless,
 * so any number of instances can share one PostgreSQL behind a load balancer.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { pino, type Logger } from 'pino'
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client'
import { orderView, type ServerOrder } from '../src-shared/apply-rules'
import { EventsRequest, MAX_BODY_BYTES, MAX_EVENTS_PER_REQUEST, describeIssues } from '../src-shared/protocol'
import type { Db } from './db'
import { CHANGES_CHANNEL, receiveBatch, retryable } from './receiver'
import { deviceForToken } from './tokens'

export interface ServerOptions {
  db: Db
  port?: number
  host?: string
  /** false only with --insecure-no-auth. */
  requireAuth: boolean
  logger?: Logger
}

export interface ReceiverServer {
  readonly url: string
  readonly port: number
  readonly registry: Registry
  /** Stops taking requests, lets in-flight ones finish (their transactions commit), then returns. Does not close the database. */
  close(): Promise<void>
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message)
  }
}

const MAX_PAGE = 1000
const MAX_WAIT_MS = 30_000

export async function startServer(opts: ServerOptions): Promise<ReceiverServer> {
  const { db } = opts
  const log = opts.logger ?? pino({ level: 'silent' })
  const registry = new Registry()
  collectDefaultMetrics({ register: registry })
  const events = new Counter({ name: 'outpost_events_total', help: 'Events received, by result', labelNames: ['status'], registers: [registry] })
  const latency = new Histogram({
    name: 'outpost_http_request_duration_seconds',
    help: 'HTTP request latency',
    labelNames: ['route', 'status'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  })
  const batchSizes = new Histogram({
    name: 'outpost_batch_size',
    help: 'Events per POST /events',
    buckets: [1, 5, 10, 25, 50, 100, 250, 500, 1000],
    registers: [registry],
  })
  for (const s of ['accepted', 'duplicate', 'rejected']) events.inc({ status: s }, 0)

  // One LISTEN per instance wakes every long-polling /changes reader.
  const waiters = new Set<() => void>()
  const unlisten = await db.listen(CHANGES_CHANNEL, () => {
    for (const w of waiters) w()
  })

  const inFlight = new Set<Promise<void>>()
  let closing = false

  const server: Server = createServer((req, res) => {
    const started = process.hrtime.bigint()
    const p = handle(req, res)
      .catch((err: unknown) => {
        if (err instanceof HttpError) return sendError(res, err.status, err.message)
        log.error({ err }, 'request failed')
        // Overload (no free connection in time, deadlock retries exhausted): the client backs off and resends.
        if (/timeout exceeded when trying to connect/i.test(String((err as Error)?.message)) || retryable(err)) {
          return sendError(res, 503, 'The server is busy; the batch was not applied, send it again', { 'Retry-After': '1' })
        }
        return sendError(res, 500, 'Internal error; the batch was not applied, send it again')
      })
      .then((route) => {
        const seconds = Number(process.hrtime.bigint() - started) / 1e9
        latency.observe({ route: route ?? 'other', status: String(res.statusCode) }, seconds)
        log.info({ method: req.method, url: req.url, status: res.statusCode, ms: Math.round(seconds * 1000) }, 'request')
      })
      .finally(() => inFlight.delete(p))
    inFlight.add(p)
  })
  server.keepAliveTimeout = 5_000

  async function authenticate(req: IncomingMessage): Promise<{ id: string; name: string } | null> {
    if (!opts.requireAuth) return null
    const m = /^Bearer[ ]+(\S+)\s*$/i.exec(req.headers.authorization ?? '')
    if (!m?.[1]) throw new HttpError(401, 'Missing bearer token')
    const device = await deviceForToken(db, m[1])
    if (!device) throw new HttpError(401, 'Invalid or revoked token')
    return device
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<string | undefined> {
    const url = new URL(req.url ?? '/', 'http://localhost')
    const path = url.pathname.replace(/\/+$/, '') || '/'
    if (closing) {
      res.setHeader('Connection', 'close')
      sendError(res, 503, 'The server is shutting down', { 'Retry-After': '1' })
      return 'shutdown'
    }
    if (path === '/health') {
      if (req.method !== 'GET' && req.method !== 'HEAD') throw methodNotAllowed(res, 'GET, HEAD')
      send(res, 200, { ok: true })
      return 'health'
    }
    if (path === '/metrics') {
      const text = await registry.metrics()
      res.writeHead(200, { 'Content-Type': registry.contentType, 'Content-Length': Buffer.byteLength(text) })
      res.end(text)
      return 'metrics'
    }
    if (path === '/events') {
      if (req.method !== 'POST') throw methodNotAllowed(res, 'POST')
      const device = await authenticate(req)
      const body = await readJson(req)
      const count = Array.isArray((body as { events?: unknown })?.events) ? (body as { events: unknown[] }).events.length : 0
      if (count > MAX_EVENTS_PER_REQUEST) throw new HttpError(413, `Too many events: ${count} (at most ${MAX_EVENTS_PER_REQUEST} per request)`)
      const shape = EventsRequest.safeParse(body)
      if (!shape.success) throw new HttpError(400, describeIssues(shape.error.issues, 'Invalid body: '))
      batchSizes.observe(shape.data.events.length)
      const results = await receiveBatch(db, shape.data.events, device?.id ?? null)
      for (const r of results) events.inc({ status: r.status })
      send(res, 200, { results })
      return 'events'
    }
    if (req.method !== 'GET') throw methodNotAllowed(res, 'GET')
    if (path === '/orders') {
      await authenticate(req)
      const after = url.searchParams.get('after') ?? ''
      const limit = pageLimit(url.searchParams.get('limit'))
      const rows = await db.query<OrderRow>(`${ORDER_SELECT} WHERE o.id > $1 ORDER BY o.id LIMIT $2`, [after, limit])
      const orders = rows.map(orderJson)
      send(res, 200, { orders, next: orders.length === limit ? (orders.at(-1)?.id ?? null) : null })
      return 'orders'
    }
    const one = /^\/orders\/([^/]+)$/.exec(path)
    if (one?.[1]) {
      await authenticate(req)
      const rows = await db.query<OrderRow>(`${ORDER_SELECT} WHERE o.id = $1`, [decodeURIComponent(one[1])])
      if (!rows[0]) throw new HttpError(404, 'No such order on the server')
      send(res, 200, orderJson(rows[0]))
      return 'order'
    }
    if (path === '/changes') {
      await authenticate(req)
      const afterRaw = url.searchParams.get('after') ?? '0'
      if (!/^\d{1,15}$/.test(afterRaw)) throw new HttpError(400, 'after must be a position (a whole number) from a previous page')
      const limit = pageLimit(url.searchParams.get('limit'))
      const waitMs = Math.min(MAX_WAIT_MS, Number(url.searchParams.get('wait') ?? 0) || 0)
      const read = () =>
        db.query<ChangeRow>(
          `SELECT c.position::text AS position, event_id, order_id, type, version, order_doc, device_id::text AS device_id, committed_at
           FROM changes c WHERE c.position > $1 ORDER BY c.position LIMIT $2`,
          [afterRaw, limit],
        )
      let rows = await read()
      if (rows.length === 0 && waitMs > 0) {
        await new Promise<void>((resolve) => {
          const done = () => {
            clearTimeout(timer)
            waiters.delete(done)
            resolve()
          }
          const timer = setTimeout(done, waitMs)
          waiters.add(done)
          req.once('close', done)
        })
        rows = await read()
      }
      const changes = rows.map((r) => ({
        position: r.position,
        eventId: r.event_id,
        orderId: r.order_id,
        type: r.type,
        version: r.version,
        order: orderView(r.order_doc),
        deviceId: r.device_id,
        committedAt: new Date(r.committed_at).toISOString(),
      }))
      send(res, 200, { changes, next: changes.at(-1)?.position ?? afterRaw })
      return 'changes'
    }
    throw new HttpError(404, `Not found: ${path}`)
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(opts.port ?? 0, opts.host ?? '127.0.0.1', () => {
      server.off('error', reject)
      resolve()
    })
  })
  const port = (server.address() as AddressInfo).port
  const host = opts.host ?? '127.0.0.1'
  let closed: Promise<void> | null = null
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    port,
    registry,
    close() {
      closed ??= (async () => {
        closing = true
        for (const w of waiters) w()
        const stopped = new Promise<void>((resolve) => server.close(() => resolve()))
        server.closeIdleConnections()
        // In-flight batches run to their COMMIT and get their answer.
        await Promise.allSettled(inFlight)
        server.closeAllConnections()
        await stopped
        await unlisten()
      })()
      return closed
    },
  }
}

interface OrderRow {
  doc: ServerOrder
  device_id: string | null
  device_name: string | null
  updated_at: Date | string
}
interface ChangeRow {
  position: string
  event_id: string
  order_id: string
  type: string
  version: number
  order_doc: ServerOrder
  device_id: string | null
  committed_at: Date | string
}

const ORDER_SELECT = `SELECT o.doc, o.device_id::text AS device_id, d.name AS device_name, o.updated_at FROM orders o LEFT JOIN devices d ON d.id = o.device_id`

function orderJson(r: OrderRow) {
  return { ...orderView(r.doc), device: r.device_id ? { id: r.device_id, name: r.device_name } : null, serverUpdatedAt: new Date(r.updated_at).toISOString() }
}

function pageLimit(raw: string | null): number {
  if (raw === null) return 100
  if (!/^\d{1,4}$/.test(raw) || Number(raw) < 1 || Number(raw) > MAX_PAGE) throw new HttpError(400, `limit must be 1 to ${MAX_PAGE}`)
  return Number(raw)
}

function methodNotAllowed(res: ServerResponse, allow: string): HttpError {
  res.setHeader('Allow', allow)
  return new HttpError(405, 'Method not allowed')
}

function send(res: ServerResponse, status: number, value: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(value)
  res.writeHead(status, { ...headers, 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(text), 'Cache-Control': 'no-store' })
  res.end(text)
}

function sendError(res: ServerResponse, status: number, error: string, headers: Record<string, string> = {}): void {
  if (res.headersSent) {
    res.destroy()
    return
  }
  if (status === 401) headers['WWW-Authenticate'] = 'Bearer'
  send(res, status, { error }, headers)
}

function readJson(req: IncomingMessage): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    let size = 0
    req.on('data', (c: Buffer) => {
      size += c.length
      if (size > MAX_BODY_BYTES) {
        reject(new HttpError(413, `The body is larger than ${MAX_BODY_BYTES} bytes`))
        req.resume()
        return
      }
      chunks.push(c)
    })
    req.on('end', () => {
      if (size > MAX_BODY_BYTES) return
      try {
        resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')))
      } catch {
        reject(new HttpError(400, 'The body is not valid JSON'))
      }
    })
    req.on('error', () => reject(new HttpError(400, 'The request was cut off')))
  })
}
