import type { z } from 'zod'
import { EventsResponse, type WireEvent } from '../../../src-shared/protocol'
import type { OutboxEvent } from '../outbox/outbox-repo'
import { redact } from './redact'
import { clampDelay, MAX_WAIT_MS } from './wake-schedule'

export type { WireEvent } from '../../../src-shared/protocol'

/** One event's answer as the client reads it (src-shared/protocol.ts, the one wire definition). */
export type EventResult = z.infer<typeof EventsResponse>['results'][number]

/** The most read from an answer to POST /events (a results list for 100 events is ~10 KiB). */
export const EVENTS_BODY_LIMIT = 4 * 1024 * 1024
/** The most read from an answer to GET /health. */
export const HEALTH_BODY_LIMIT = 64 * 1024

export type PostOutcome =
  /** The results as listed (duplicates and strangers included: the relay's policy judges them). */
  | { kind: 'results'; httpStatus: number; results: EventResult[] }
  /** An answer that is not the protocol's: not JSON, no results list, too large, or a redirect. Treated as "try again". */
  | { kind: 'bad-body'; httpStatus: number; message: string }
  | { kind: 'http'; httpStatus: number; retryAfterMs: number | null; message: string }
  /** No HTTP answer at all: refused, reset, DNS, timeout, dropped mid-response. */
  | { kind: 'network'; message: string; timedOut: boolean }

export type HealthOutcome =
  | { kind: 'ok' }
  | { kind: 'http'; httpStatus: number }
  | { kind: 'bad-response'; httpStatus: number; message: string }
  | { kind: 'network'; message: string; timedOut: boolean }

export type FetchLike = (input: string, init: RequestInit) => Promise<Response>

export interface ApiClientOptions {
  apiUrl: string
  token: string | null
  fetch?: FetchLike
  timeoutMs?: number
  now?: () => number
}

export function toWireEvent(e: OutboxEvent): WireEvent {
  return { id: e.id, type: e.type, aggregateId: e.aggregateId, occurredAt: e.createdAt, payload: JSON.parse(e.payload) as unknown }
}

/**
 * The POST /events body for a batch: `{"events":[toWireEvent(e), …]}`, with
 * each stored payload spliced in as the text it is. The column can only hold
 * JSON (`CHECK (json_valid(payload))`, written by JSON.stringify), so parsing
 * and re-serialising every payload on every send would only cost CPU on the
 * relay's one thread. Same bytes as `JSON.stringify({ events:
 * events.map(toWireEvent) })` for what the app stores (api-client.test.ts).
 */
export function eventsBody(events: readonly OutboxEvent[]): string {
  const parts = events.map(
    (e) =>
      `{"id":${JSON.stringify(e.id)},"type":${JSON.stringify(e.type)},"aggregateId":${JSON.stringify(e.aggregateId)},` +
      `"occurredAt":${JSON.stringify(e.createdAt)},"payload":${e.payload}}`,
  )
  return `{"events":[${parts.join(',')}]}`
}

/** Joins `path` onto the API URL, keeping any base path (`https://x/api` + `events`). */
export function endpoint(apiUrl: string, path: string): string {
  return `${apiUrl.replace(/\/+$/, '')}/${path}`
}

class BodyTooLarge extends Error {}
class TimedOut extends Error {}

type Read = { kind: 'ok'; res: Response; text: string } | { kind: 'redirect'; res: Response } | { kind: 'too-large'; res: Response }

/**
 * The relay's only way to the API. Whatever `fetch` it is given (node:http,
 * undici, Electron's net.fetch), the rules here hold for all of them:
 * redirects are never followed (the token and the batch go to the configured
 * origin only), an answer is read incrementally and abandoned beyond a size
 * limit, the whole exchange (headers and body) has one deadline, and no error
 * message carries the token.
 */
export class ApiClient {
  private readonly fetchImpl: FetchLike
  private readonly timeoutMs: number
  private readonly now: () => number

  constructor(private readonly opts: ApiClientOptions) {
    this.fetchImpl = opts.fetch ?? ((input, init) => fetch(input, init))
    this.timeoutMs = opts.timeoutMs ?? 15_000
    this.now = opts.now ?? Date.now
  }

  private headers(json: boolean): Record<string, string> {
    const h: Record<string, string> = { Accept: 'application/json' }
    if (json) h['Content-Type'] = 'application/json'
    if (this.opts.token) h.Authorization = `Bearer ${this.opts.token}`
    return h
  }

  /** One request, its body read up to `limit` bytes, within one deadline for headers and body. */
  private async exchange(path: string, init: RequestInit, limit: number, timeoutMs: number): Promise<Read> {
    const controller = new AbortController()
    const timer = setTimeout(() => controller.abort(new TimedOut('timeout')), clampDelay(timeoutMs))
    timer.unref?.()
    try {
      const res = await this.fetchImpl(endpoint(this.opts.apiUrl, path), { ...init, redirect: 'manual', signal: controller.signal })
      // `redirect: 'manual'` gives either the 3xx itself or an opaque redirect (status 0).
      if (res.type === 'opaqueredirect' || (res.status >= 300 && res.status < 400)) {
        await res.body?.cancel().catch(() => undefined)
        return { kind: 'redirect', res }
      }
      try {
        return { kind: 'ok', res, text: await readCapped(res, limit, controller.signal) }
      } catch (err) {
        if (err instanceof BodyTooLarge) return { kind: 'too-large', res }
        throw err
      }
    } catch (err) {
      if (controller.signal.aborted && controller.signal.reason instanceof TimedOut) throw new TimedOut('timeout')
      throw err
    } finally {
      clearTimeout(timer)
      controller.abort() // frees the connection of any answer not read to its end
    }
  }

  /** POST {apiUrl}/events with a pre-serialized body (the relay sizes batches by bytes). */
  async postEvents(body: string): Promise<PostOutcome> {
    let read: Read
    try {
      read = await this.exchange('events', { method: 'POST', headers: this.headers(true), body }, EVENTS_BODY_LIMIT, this.timeoutMs)
    } catch (err) {
      return networkOutcome(err, this.opts.token)
    }
    const { res } = read
    if (read.kind === 'redirect') {
      return { kind: 'bad-body', httpStatus: res.status, message: `The server answered with a redirect (HTTP ${res.status}), which is not followed.` }
    }
    if (read.kind === 'too-large') {
      return { kind: 'bad-body', httpStatus: res.status, message: `The server's answer was larger than ${EVENTS_BODY_LIMIT / 1024 / 1024} MiB.` }
    }
    const text = read.text
    if (res.status >= 200 && res.status < 300) {
      let parsed: unknown
      try {
        parsed = JSON.parse(text)
      } catch {
        return { kind: 'bad-body', httpStatus: res.status, message: 'The server answered with something other than JSON.' }
      }
      const r = EventsResponse.safeParse(parsed)
      if (!r.success) return { kind: 'bad-body', httpStatus: res.status, message: 'The server answered without a valid results list.' }
      return { kind: 'results', httpStatus: res.status, results: r.data.results }
    }
    return {
      kind: 'http',
      httpStatus: res.status,
      retryAfterMs: parseRetryAfter(res.headers.get('retry-after'), this.now()),
      message: redact(serverMessage(res.status, text), this.opts.token),
    }
  }

  async health(timeoutMs = 5_000): Promise<HealthOutcome> {
    try {
      const read = await this.exchange('health', { method: 'GET', headers: this.headers(false) }, HEALTH_BODY_LIMIT, Math.min(timeoutMs, this.timeoutMs))
      if (read.kind === 'redirect') return { kind: 'bad-response', httpStatus: read.res.status, message: `Health check redirected (HTTP ${read.res.status}).` }
      if (read.kind === 'too-large') return { kind: 'bad-response', httpStatus: read.res.status, message: 'Health check answer too large.' }
      return read.res.ok ? { kind: 'ok' } : { kind: 'http', httpStatus: read.res.status }
    } catch (err) {
      const n = networkOutcome(err, this.opts.token)
      return { kind: 'network', message: n.message, timedOut: n.timedOut }
    }
  }
}

/** Reads a body chunk by chunk; beyond `limit` bytes it cancels the stream (the connection goes) and throws. */
async function readCapped(res: Response, limit: number, signal: AbortSignal): Promise<string> {
  if (!res.body) return ''
  const declared = Number(res.headers.get('content-length'))
  if (Number.isFinite(declared) && declared > limit) {
    await res.body.cancel().catch(() => undefined)
    throw new BodyTooLarge()
  }
  const reader = res.body.getReader()
  const onAbort = () => void reader.cancel().catch(() => undefined)
  signal.addEventListener('abort', onAbort, { once: true })
  const chunks: Uint8Array[] = []
  let size = 0
  try {
    for (;;) {
      const { done, value } = await reader.read()
      if (signal.aborted) throw signal.reason instanceof Error ? signal.reason : new TimedOut('timeout')
      if (done) break
      size += value.byteLength
      if (size > limit) {
        await reader.cancel().catch(() => undefined)
        throw new BodyTooLarge()
      }
      chunks.push(value)
    }
  } finally {
    signal.removeEventListener('abort', onAbort)
  }
  return Buffer.concat(chunks, size).toString('utf8')
}

function networkOutcome(err: unknown, token: string | null): { kind: 'network'; message: string; timedOut: boolean } {
  const e = err as { name?: string; message?: string; cause?: { code?: string; message?: string } }
  if (err instanceof TimedOut || e?.name === 'TimeoutError' || e?.name === 'AbortError') {
    return { kind: 'network', message: 'The server did not answer in time.', timedOut: true }
  }
  // undici puts the system error in `cause`; node:http throws it directly.
  // A message may echo a header (an invalid token does): redact before it goes anywhere.
  const code = e?.cause?.code ?? (err as { code?: string })?.code
  const detail = code ?? e?.cause?.message ?? e?.message ?? 'unknown error'
  return { kind: 'network', message: redact(`Could not reach the server (${detail.slice(0, 200)}).`, token), timedOut: false }
}

/** A short, single-line message from an error body: `{"error":"..."}`, or its text. */
export function serverMessage(status: number, text: string): string {
  let msg = ''
  try {
    const j = JSON.parse(text) as { error?: unknown; message?: unknown }
    if (typeof j.error === 'string') msg = j.error
    else if (typeof j.message === 'string') msg = j.message
  } catch {
    msg = text.slice(0, 2000)
  }
  msg = msg.replace(/\s+/g, ' ').trim().slice(0, 500)
  return msg ? `HTTP ${status}: ${msg}` : `HTTP ${status}`
}

/** Retry-After is either delta-seconds or an HTTP date (RFC 9110 §10.2.3); either way capped at a day. */
export function parseRetryAfter(value: string | null, now: number): number | null {
  if (value === null) return null
  const v = value.trim()
  if (/^-?\d+$/.test(v)) return clampDelay(Math.min(Number(v), MAX_WAIT_MS / 1000) * 1000)
  const at = Date.parse(v)
  if (Number.isNaN(at)) return null
  return clampDelay(at - now)
}
