import { z } from 'zod'
import type { OutboxEvent } from '../outbox/outbox-repo'

/** The wire shape of one event (docs/sync-protocol.md). */
export interface WireEvent {
  id: string
  type: string
  aggregateId: string
  occurredAt: string
  payload: unknown
}

const ResultsBody = z.object({
  results: z.array(
    z.object({
      id: z.string(),
      status: z.enum(['accepted', 'duplicate', 'rejected']),
      error: z.string().optional(),
    }),
  ),
})
export type EventResult = z.infer<typeof ResultsBody>['results'][number]

export type PostOutcome =
  | { kind: 'results'; httpStatus: number; results: Map<string, EventResult> }
  /** 2xx, but not the JSON the protocol promises: treated as "try again". */
  | { kind: 'bad-body'; httpStatus: number; message: string }
  | { kind: 'http'; httpStatus: number; retryAfterMs: number | null; message: string }
  /** No HTTP answer at all: refused, reset, DNS, timeout, dropped mid-response. */
  | { kind: 'network'; message: string; timedOut: boolean }

export type HealthOutcome = { kind: 'ok' } | { kind: 'http'; httpStatus: number } | { kind: 'network'; message: string }

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

/** Joins `path` onto the API URL, keeping any base path (`https://x/api` + `events`). */
export function endpoint(apiUrl: string, path: string): string {
  return `${apiUrl.replace(/\/+$/, '')}/${path}`
}

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

  /** POST {apiUrl}/events with a pre-serialized body (the relay sizes batches by bytes). */
  async postEvents(body: string): Promise<PostOutcome> {
    let res: Response
    let text: string
    try {
      res = await this.fetchImpl(endpoint(this.opts.apiUrl, 'events'), {
        method: 'POST',
        headers: this.headers(true),
        body,
        signal: AbortSignal.timeout(this.timeoutMs),
      })
      // Reading the body is part of the request: a connection dropped after
      // the headers is still "no answer", and the batch is retried.
      text = await res.text()
    } catch (err) {
      return networkOutcome(err)
    }
    if (res.status >= 200 && res.status < 300) {
      let parsed: unknown
      try {
        parsed = JSON.parse(text)
      } catch {
        return { kind: 'bad-body', httpStatus: res.status, message: 'The server answered with something other than JSON.' }
      }
      const r = ResultsBody.safeParse(parsed)
      if (!r.success) return { kind: 'bad-body', httpStatus: res.status, message: 'The server answered without a valid results list.' }
      return { kind: 'results', httpStatus: res.status, results: new Map(r.data.results.map((x) => [x.id, x])) }
    }
    return {
      kind: 'http',
      httpStatus: res.status,
      retryAfterMs: parseRetryAfter(res.headers.get('retry-after'), this.now()),
      message: serverMessage(res.status, text),
    }
  }

  async health(timeoutMs = 5_000): Promise<HealthOutcome> {
    try {
      const res = await this.fetchImpl(endpoint(this.opts.apiUrl, 'health'), {
        method: 'GET',
        headers: this.headers(false),
        signal: AbortSignal.timeout(Math.min(timeoutMs, this.timeoutMs)),
      })
      await res.arrayBuffer().catch(() => undefined)
      return res.ok ? { kind: 'ok' } : { kind: 'http', httpStatus: res.status }
    } catch (err) {
      return { kind: 'network', message: networkOutcome(err).message }
    }
  }
}

function networkOutcome(err: unknown): { kind: 'network'; message: string; timedOut: boolean } {
  const e = err as { name?: string; message?: string; cause?: { code?: string; message?: string } }
  if (e?.name === 'TimeoutError' || e?.name === 'AbortError') {
    return { kind: 'network', message: 'The server did not answer in time.', timedOut: true }
  }
  // undici puts the system error in `cause`; node:http throws it directly.
  const code = e?.cause?.code ?? (err as { code?: string })?.code
  const detail = code ?? e?.cause?.message ?? e?.message ?? 'unknown error'
  return { kind: 'network', message: `Could not reach the server (${detail}).`, timedOut: false }
}

/** A short, single-line message from an error body: `{"error":"..."}`, or its text. */
export function serverMessage(status: number, text: string): string {
  let msg = ''
  try {
    const j = JSON.parse(text) as { error?: unknown; message?: unknown }
    if (typeof j.error === 'string') msg = j.error
    else if (typeof j.message === 'string') msg = j.message
  } catch {
    msg = text
  }
  msg = msg.replace(/\s+/g, ' ').trim().slice(0, 500)
  return msg ? `HTTP ${status}: ${msg}` : `HTTP ${status}`
}

/** Retry-After is either delta-seconds or an HTTP date (RFC 9110 §10.2.3). */
export function parseRetryAfter(value: string | null, now: number): number | null {
  if (value === null) return null
  const v = value.trim()
  if (/^\d+$/.test(v)) return Math.min(Number(v), 24 * 3600) * 1000
  const at = Date.parse(v)
  if (Number.isNaN(at)) return null
  return Math.max(0, at - now)
}
