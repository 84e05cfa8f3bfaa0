/**
 * The reference sync API: a small, real HTTP server that implements
 * docs/sync-protocol.md on its own SQLite file, with fault injection for
 * development, tests and benchmarks. Not part of the app.
 */
import { createHash, timingSafeEqual } from 'node:crypto'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { z } from 'zod'
import { EventsRequest, MAX_BODY_BYTES, MAX_EVENTS_PER_REQUEST, describeIssues as describeZodIssues } from '../../src-shared/protocol'
import { ReferenceStore, type EventIdStats, type EventResult, type IncomingEvent, type OrderRecord, type ReferenceStats } from './store'

export type { EventIdStats, EventResult, OrderRecord, ReferenceStats } from './store'
export { BLOCKED_CUSTOMER_MESSAGE, PAYLOAD_NOT_OBJECT_MESSAGE } from './store'

export { MAX_BODY_BYTES, MAX_EVENTS_PER_REQUEST } from '../../src-shared/protocol'
/** Past this, an oversized body is no longer drained: the connection is cut. */
const MAX_DRAIN_BYTES = 64 * 1024 * 1024
const REQUEST_LOG_MAX = 10_000

/**
 * A forced behaviour for one POST /events request (see `setNextResponses`).
 * `delayMs` waits before acting (e.g. to trip a client timeout).
 */
export type ForcedResponse =
  /** Answer this status without applying anything. `body` is sent verbatim (text/plain); else `{"error": error ?? "forced <status>"}`. */
  | { status: number; error?: string; body?: string; retryAfter?: string | number; delayMs?: number }
  /** Destroy the connection before any response, without applying. */
  | { drop: true; delayMs?: number }
  /** Process the request normally (commit), then destroy the connection instead of answering. */
  | { applyThenDrop: true; delayMs?: number }
  /** Process normally, answer 200 but leave out the last event's result. */
  | { omitIds: true; delayMs?: number }

export interface RequestLogEntry {
  /** Epoch ms when the request arrived. */
  at: number
  /** The HTTP status sent, or null when the connection was destroyed without an answer. */
  status: number | null
  /** Events in the body (0 when it did not parse). */
  eventCount: number
  /** Which fault shaped the answer, e.g. `forced:drop`, `injected:503`; null when none. */
  fault: string | null
  accepted: number
  duplicate: number
  rejected: number
  durationMs: number
}

export interface ReferenceApiOptions {
  /** 0 (default) picks a free port. */
  port?: number
  /** The server only ever binds to loopback. */
  host?: '127.0.0.1'
  dbFile: string
  /** When set, every endpoint but health needs `Authorization: Bearer <token>`. */
  token?: string | null
  /** Probability (0..1) that a POST /events request gets an injected fault. */
  failRate?: number
  /** Added delay before answering each POST /events request. */
  latencyMs?: number
  /** Source of randomness for fault injection (tests pass a deterministic one). */
  random?: () => number
  /** Mount point, e.g. `/api` → `POST /api/events`. */
  basePath?: string
  /** How many POST /events entries `requestLog` keeps (default 10,000). */
  requestLogLimit?: number
  /** Called once per request (all endpoints) with a one-line summary: the CLI's `--verbose`. */
  log?: (line: string) => void
}

export interface ReferenceApi {
  /** Base URL to configure in the client, basePath included, no trailing slash. */
  readonly url: string
  readonly port: number
  /** POST /events requests, oldest first, bounded to the last 10,000 (see `requestLogLimit`). */
  readonly requestLog: readonly RequestLogEntry[]
  close(): Promise<void>
  stats(): ReferenceStats
  eventStats(id: string): EventIdStats | null
  orders(): OrderRecord[]
  /**
   * Development switch: marks an order fulfilled on the server, so that its
   * updates and cancellation are refused with `conflict`. False if unknown.
   * Also `POST /orders/<id>/fulfil`.
   */
  markFulfilled(orderId: string): boolean
  /** Replaces the queue of forced behaviours; one is consumed per POST /events request, before auth. */
  setNextResponses(responses: readonly ForcedResponse[]): void
  /** Forced behaviours not consumed yet. */
  pendingForcedResponses(): number
  setToken(token: string | null): void
  setFailRate(rate: number): void
  setLatencyMs(ms: number): void
}

const EventsBody = EventsRequest

type Fault = { source: 'forced' | 'injected'; response: ForcedResponse }

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message)
  }
}

export async function startReferenceApi(opts: ReferenceApiOptions): Promise<ReferenceApi> {
  const port = opts.port ?? 0
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new RangeError(`Invalid port: ${port}`)
  if (opts.host !== undefined && opts.host !== '127.0.0.1') throw new RangeError('The reference API only binds to 127.0.0.1')
  const basePath = normalizeBasePath(opts.basePath ?? '')
  const store = new ReferenceStore(opts.dbFile)
  const impl = new ReferenceApiServer(store, basePath, opts)
  try {
    await impl.listen(port)
  } catch (err) {
    store.close()
    throw err
  }
  return impl
}

function normalizeBasePath(p: string): string {
  const trimmed = p.trim().replace(/\/+$/, '')
  if (trimmed === '') return ''
  if (!/^[A-Za-z0-9._~\-/]+$/.test(trimmed)) throw new RangeError(`Invalid base path: ${p}`)
  return trimmed.startsWith('/') ? trimmed : `/${trimmed}`
}

function checkRate(rate: number): number {
  if (!(rate >= 0 && rate <= 1)) throw new RangeError(`failRate must be between 0 and 1, got ${rate}`)
  return rate
}

function checkLatency(ms: number): number {
  if (!(Number.isFinite(ms) && ms >= 0)) throw new RangeError(`latencyMs must be a number ≥ 0, got ${ms}`)
  return ms
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))

const digest = (s: string) => createHash('sha256').update(s).digest()

class ReferenceApiServer implements ReferenceApi {
  url = ''
  port = 0
  readonly requestLog: RequestLogEntry[] = []
  private readonly server: Server
  private readonly random: () => number
  private readonly logLine: ((line: string) => void) | null
  private readonly requestLogLimit: number
  private tokenDigest: Buffer | null = null
  private failRate: number
  private latencyMs: number
  private forced: ForcedResponse[] = []
  private closed = false
  private closing: Promise<void> | null = null

  constructor(
    private readonly store: ReferenceStore,
    private readonly basePath: string,
    opts: ReferenceApiOptions,
  ) {
    this.setToken(opts.token ?? null)
    this.failRate = checkRate(opts.failRate ?? 0)
    this.latencyMs = checkLatency(opts.latencyMs ?? 0)
    this.random = opts.random ?? Math.random
    this.logLine = opts.log ?? null
    this.requestLogLimit = Math.max(1, Math.floor(opts.requestLogLimit ?? REQUEST_LOG_MAX))
    this.server = createServer((req, res) => {
      this.handle(req, res).catch((err: unknown) => this.fail(res, err))
    })
    this.server.keepAliveTimeout = 5_000
  }

  listen(port: number): Promise<void> {
    return new Promise((resolve, reject) => {
      const onError = (err: Error) => reject(err)
      this.server.once('error', onError)
      this.server.listen(port, '127.0.0.1', () => {
        this.server.off('error', onError)
        this.port = (this.server.address() as AddressInfo).port
        this.url = `http://127.0.0.1:${this.port}${this.basePath}`
        resolve()
      })
    })
  }

  close(): Promise<void> {
    this.closing ??= new Promise<void>((resolve) => {
      this.closed = true
      this.server.close(() => {
        this.store.close()
        // One more turn of the event loop: a fetch() in this same process
        // (tests restarting on the same port) must first read the EOF of its
        // pooled keep-alive socket, or it may write the next request into it.
        setTimeout(resolve, 10)
      })
      // Idle keep-alive and in-flight sockets alike: close() must be prompt so
      // tests can restart on the same port.
      this.server.closeAllConnections()
    })
    return this.closing
  }

  stats(): ReferenceStats {
    return this.store.stats()
  }

  eventStats(id: string): EventIdStats | null {
    return this.store.eventStats(id)
  }

  orders(): OrderRecord[] {
    return this.store.orders()
  }

  markFulfilled(orderId: string): boolean {
    return this.store.markFulfilled(orderId)
  }

  setNextResponses(responses: readonly ForcedResponse[]): void {
    this.forced = [...responses]
  }

  pendingForcedResponses(): number {
    return this.forced.length
  }

  setToken(token: string | null): void {
    this.tokenDigest = token ? digest(token) : null
  }

  setFailRate(rate: number): void {
    this.failRate = checkRate(rate)
  }

  setLatencyMs(ms: number): void {
    this.latencyMs = checkLatency(ms)
  }

  // -------------------------------------------------------------------------

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const started = Date.now()
    const path = (req.url ?? '/').split('?')[0] ?? '/'
    const route = this.route(path)
    if (route === 'events' && req.method === 'POST') {
      await this.handleEvents(req, res, started)
      return
    }
    let status: number
    if (typeof route === 'object' && route !== null) {
      status =
        req.method !== 'POST'
          ? this.send(res, 405, { error: 'Method not allowed' }, { Allow: 'POST' })
          : !this.authorized(req)
            ? this.unauthorized(res, req)
            : this.store.markFulfilled(route.fulfil)
              ? this.send(res, 200, { ok: true })
              : this.send(res, 404, { error: `No order ${route.fulfil} on the server` })
    } else if (route === null) {
      status = this.send(res, 404, { error: `Not found: ${path}` })
    } else if (route === 'health') {
      status =
        req.method === 'GET' || req.method === 'HEAD'
          ? this.send(res, 200, { ok: true })
          : this.send(res, 405, { error: 'Method not allowed' }, { Allow: 'GET, HEAD' })
    } else if (route === 'events') {
      status = this.send(res, 405, { error: 'Method not allowed' }, { Allow: 'POST' })
    } else if (req.method !== 'GET') {
      status = this.send(res, 405, { error: 'Method not allowed' }, { Allow: 'GET' })
    } else if (!this.authorized(req)) {
      status = this.unauthorized(res, req)
    } else if (route === 'orders') {
      status = this.send(res, 200, this.store.orders())
    } else {
      status = this.send(res, 200, this.store.stats())
    }
    this.logLine?.(`${new Date(started).toISOString()} ${req.method} ${path} ${status} ${Date.now() - started}ms`)
  }

  private route(path: string): 'events' | 'health' | 'orders' | 'stats' | { fulfil: string } | null {
    if (this.basePath && !path.startsWith(`${this.basePath}/`)) return null
    const rest = path.slice(this.basePath.length).replace(/\/+$/, '')
    const fulfil = /^\/orders\/([^/]+)\/fulfil$/.exec(rest)
    if (fulfil?.[1]) return { fulfil: decodeURIComponent(fulfil[1]) }
    if (rest === '/events' || rest === '/health' || rest === '/orders' || rest === '/stats') {
      return rest.slice(1) as 'events' | 'health' | 'orders' | 'stats'
    }
    return null
  }

  private async handleEvents(req: IncomingMessage, res: ServerResponse, started: number): Promise<void> {
    const entry: RequestLogEntry = {
      at: started,
      status: null,
      eventCount: 0,
      fault: null,
      accepted: 0,
      duplicate: 0,
      rejected: 0,
      durationMs: 0,
    }
    const body = await readBody(req, MAX_BODY_BYTES)
    if (body === 'gone' || this.closed) {
      req.socket.destroy()
      return
    }
    let parsed: unknown = undefined
    let parseError: string | null = null
    if (body !== 'too-large') {
      try {
        parsed = JSON.parse(body.toString('utf8'))
      } catch {
        parseError = 'The body is not valid JSON'
      }
    }
    const rawEvents = (parsed as { events?: unknown } | null | undefined)?.events
    entry.eventCount = Array.isArray(rawEvents) ? rawEvents.length : 0

    const fault = this.nextFault()
    if (fault) entry.fault = `${fault.source}:${describe(fault.response)}`
    const delay = this.latencyMs + (fault?.response.delayMs ?? 0)
    if (delay > 0) await sleep(delay)
    if (this.closed) {
      req.socket.destroy()
      return
    }

    const finish = (status: number | null) => {
      entry.status = status
      entry.durationMs = Date.now() - started
      this.requestLog.push(entry)
      if (this.requestLog.length > this.requestLogLimit) this.requestLog.splice(0, this.requestLog.length - this.requestLogLimit)
      this.logLine?.(formatEntry(entry))
    }

    const forced = fault?.response
    if (forced && 'drop' in forced) {
      this.store.recordRequest(entry.eventCount)
      finish(null)
      req.socket.destroy()
      return
    }
    if (forced && 'status' in forced) {
      this.store.recordRequest(entry.eventCount)
      finish(this.sendForced(res, forced))
      return
    }

    let status: number
    let results: EventResult[] | null = null
    try {
      if (!this.authorized(req)) throw new HttpError(401, 'Missing or invalid bearer token')
      if (body === 'too-large') throw new HttpError(413, `The body is larger than ${MAX_BODY_BYTES} bytes`)
      if (parseError) throw new HttpError(400, parseError)
      if (entry.eventCount > MAX_EVENTS_PER_REQUEST) {
        throw new HttpError(413, `Too many events: ${entry.eventCount} (at most ${MAX_EVENTS_PER_REQUEST} per request)`)
      }
      const shape = EventsBody.safeParse(parsed)
      if (!shape.success) throw new HttpError(400, describeIssues(shape.error.issues))
      results = this.store.applyBatch(shape.data.events as IncomingEvent[], entry.eventCount)
    } catch (err) {
      if (!(err instanceof HttpError)) throw err
      this.store.recordRequest(entry.eventCount)
      status = err.status
      if (forced && 'applyThenDrop' in forced) {
        finish(null)
        req.socket.destroy()
        return
      }
      finish(status === 401 ? this.unauthorized(res, req) : this.send(res, status, { error: err.message }))
      return
    }
    for (const r of results) entry[r.status]++
    if (forced && 'applyThenDrop' in forced) {
      finish(null)
      req.socket.destroy()
      return
    }
    if (forced && 'omitIds' in forced) results = results.slice(0, -1)
    finish(this.send(res, 200, { results }))
  }

  private nextFault(): Fault | null {
    const forced = this.forced.shift()
    if (forced) return { source: 'forced', response: forced }
    if (this.failRate > 0 && this.random() < this.failRate) {
      const kind = Math.min(3, Math.floor(this.random() * 4))
      const response: ForcedResponse =
        kind === 0
          ? { status: 503, error: 'injected' }
          : kind === 1
            ? { status: 429, error: 'injected', retryAfter: '1' }
            : kind === 2
              ? { drop: true }
              : { applyThenDrop: true }
      return { source: 'injected', response }
    }
    return null
  }

  private authorized(req: IncomingMessage): boolean {
    if (!this.tokenDigest) return true
    const header = req.headers.authorization ?? ''
    const m = /^Bearer[ ]+(\S+)\s*$/i.exec(header)
    if (!m?.[1]) return false
    return timingSafeEqual(digest(m[1]), this.tokenDigest)
  }

  private unauthorized(res: ServerResponse, req: IncomingMessage): number {
    const error = req.headers.authorization ? 'Invalid bearer token' : 'Missing bearer token'
    return this.send(res, 401, { error }, { 'WWW-Authenticate': 'Bearer' })
  }

  private sendForced(res: ServerResponse, f: { status: number; error?: string; body?: string; retryAfter?: string | number }): number {
    const headers: Record<string, string> = {}
    if (f.retryAfter !== undefined) headers['Retry-After'] = String(f.retryAfter)
    if (f.status === 401) headers['WWW-Authenticate'] = 'Bearer'
    if (f.body !== undefined) {
      res.writeHead(f.status, { ...headers, 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': Buffer.byteLength(f.body) })
      res.end(f.body)
      return f.status
    }
    return this.send(res, f.status, { error: f.error ?? `forced ${f.status}` }, headers)
  }

  private send(res: ServerResponse, status: number, value: unknown, headers: Record<string, string> = {}): number {
    const text = JSON.stringify(value)
    res.writeHead(status, {
      ...headers,
      'Content-Type': 'application/json; charset=utf-8',
      'Content-Length': Buffer.byteLength(text),
      'Cache-Control': 'no-store',
    })
    res.end(text)
    return status
  }

  private fail(res: ServerResponse, err: unknown): void {
    if (this.closed || res.headersSent || res.destroyed) {
      res.destroy()
      return
    }
    const message = err instanceof Error ? err.message : String(err)
    this.logLine?.(`internal error: ${message}`)
    try {
      this.send(res, 500, { error: `Internal error: ${message}` })
    } catch {
      res.destroy()
    }
  }
}

/**
 * Reads the whole body. An oversized body is drained (so the client reads the
 * 413 instead of a reset) up to a hard cap, past which the socket is cut.
 */
function readBody(req: IncomingMessage, limit: number): Promise<Buffer | 'too-large' | 'gone'> {
  return new Promise((resolve) => {
    const declared = Number(req.headers['content-length'])
    if (Number.isFinite(declared) && declared > MAX_DRAIN_BYTES) {
      resolve('gone')
      return
    }
    const chunks: Buffer[] = []
    let size = 0
    let tooLarge = Number.isFinite(declared) && declared > limit
    let settled = false
    const settle = (v: Buffer | 'too-large' | 'gone') => {
      if (settled) return
      settled = true
      resolve(v)
    }
    req.on('data', (chunk: Buffer) => {
      size += chunk.length
      if (size > MAX_DRAIN_BYTES) {
        settle('gone')
        return
      }
      if (size > limit) tooLarge = true
      if (!tooLarge) chunks.push(chunk)
    })
    req.on('end', () => settle(tooLarge ? 'too-large' : Buffer.concat(chunks, size)))
    req.on('error', () => settle('gone'))
    req.on('close', () => settle('gone'))
  })
}

function describe(f: ForcedResponse): string {
  if ('drop' in f) return 'drop'
  if ('applyThenDrop' in f) return 'applyThenDrop'
  if ('omitIds' in f) return 'omitIds'
  return String(f.status)
}

function describeIssues(issues: readonly z.core.$ZodIssue[]): string {
  return describeZodIssues(issues, 'Invalid body: ')
}

function formatEntry(e: RequestLogEntry): string {
  const status = e.status === null ? 'dropped' : String(e.status)
  const fault = e.fault ? ` fault=${e.fault}` : ''
  return (
    `${new Date(e.at).toISOString()} POST /events ${status} events=${e.eventCount} ` +
    `accepted=${e.accepted} duplicate=${e.duplicate} rejected=${e.rejected} ${e.durationMs}ms${fault}`
  )
}
