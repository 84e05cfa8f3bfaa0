import {
  methodNames,
  type AppError,
  type EventName,
  type MethodName,
  type OutpostApi,
} from '../../../src-shared/contract'
import { internalError } from '../internal-error'

/** The slice of EventSource the bridge uses, so tests can pass a fake. */
export interface EventSourceLike {
  readonly readyState: number
  onopen: ((ev: Event) => unknown) | null
  onerror: ((ev: Event) => unknown) | null
  addEventListener(type: string, listener: (ev: MessageEvent) => void): void
  close(): void
}

export interface HttpBridgeDeps {
  fetch: (url: string, init: RequestInit) => Promise<Response>
  /** Absent: events are not delivered (methods still work). */
  EventSource?: new (url: string) => EventSourceLike
  /** Prefix for the host's endpoints; '' for same-origin. */
  baseUrl?: string
  setTimeout?: (fn: () => void, ms: number) => unknown
  /**
   * The browser host's per-run secret (web-host.ts), sent with every /api/*
   * request. Default: read from the page's `<meta name="outpost-session">`.
   */
  sessionSecret?: string | null
  clearTimeout?: (handle: unknown) => void
  /** How long the event stream may stay down before the host counts as stopped. */
  hostGoneMs?: number
}

/** Must match SESSION_META / SESSION_HEADER / SESSION_QUERY in src-main/web/web-host.ts (a web-host test reads the page). */
const SESSION_META = 'outpost-session'
const SESSION_HEADER = 'x-outpost-session'
const SESSION_QUERY = 'session'

export interface DocumentLike {
  querySelector(selector: string): { getAttribute(name: string): string | null } | null
}

/** The secret the browser host put in the page it served, if any. */
export function readSessionSecret(doc: DocumentLike | undefined = (globalThis as { document?: DocumentLike }).document): string | null {
  return doc?.querySelector(`meta[name="${SESSION_META}"]`)?.getAttribute('content') ?? null
}

/** A host restart or a sleep-wake reconnects within a second or two; longer means it is gone. */
const HOST_GONE_MS = 4000

const CLOSED = 2
type Listener = (payload: unknown) => void

function hostUnreachable(message: string): { ok: false; error: AppError } {
  return { ok: false, error: { code: 'host_unreachable', message } }
}

/**
 * Reads a host response. The body is returned as parsed JSON only when it is
 * shaped like a Result (api.ts validates the rest); anything else becomes an
 * `internal` error. A non-2xx with a proper Result body (a host answering 400
 * with field errors) keeps its error, since that is more useful than a blank one.
 */
export async function readResult(response: Response): Promise<unknown> {
  let body: unknown
  try {
    body = await response.json()
  } catch {
    return internalError(`HTTP ${response.status}: response was not JSON`)
  }
  const looksLikeResult = typeof body === 'object' && body !== null && typeof (body as { ok?: unknown }).ok === 'boolean'
  if (looksLikeResult && (response.ok || (body as { ok: boolean }).ok === false)) return body
  return internalError(`HTTP ${response.status}: unexpected response`)
}

/**
 * `window.outpost` for the browser host: each method is a POST to
 * /api/invoke/<name>, events arrive over SSE from /api/events. Values are
 * passed on unvalidated; api.ts parses them like values from the preload.
 */
export function createHttpBridge(deps: HttpBridgeDeps): OutpostApi {
  const base = deps.baseUrl ?? ''
  const later = deps.setTimeout ?? ((fn: () => void, ms: number) => setTimeout(fn, ms))
  const secret = deps.sessionSecret === undefined ? readSessionSecret() : deps.sessionSecret
  const headers: Record<string, string> = { 'content-type': 'application/json' }
  if (secret) headers[SESSION_HEADER] = secret
  const eventsUrl = secret ? `${base}/api/events?${SESSION_QUERY}=${encodeURIComponent(secret)}` : `${base}/api/events`
  const cancel = deps.clearTimeout ?? ((h: unknown) => clearTimeout(h as ReturnType<typeof setTimeout>))
  const hostGoneMs = deps.hostGoneMs ?? HOST_GONE_MS

  // The host's presence: 'up' while the event stream is open, 'stopped' once
  // it has been down for hostGoneMs or a request found nobody listening.
  const hostListeners = new Set<(state: 'up' | 'stopped') => void>()
  let hostState: 'up' | 'stopped' = 'up'
  let goneTimer: unknown = null
  function setHost(state: 'up' | 'stopped'): void {
    if (goneTimer !== null && state === 'up') {
      cancel(goneTimer)
      goneTimer = null
    }
    if (state === hostState) return
    hostState = state
    for (const l of hostListeners) l(state)
  }
  function suspectHostGone(): void {
    if (goneTimer !== null || hostState === 'stopped') return
    goneTimer = later(() => {
      goneTimer = null
      setHost('stopped')
    }, hostGoneMs)
  }

  async function invoke(name: MethodName, input: unknown): Promise<unknown> {
    try {
      const response = await deps.fetch(`${base}/api/invoke/${name}`, {
        method: 'POST',
        headers,
        body: JSON.stringify(input === undefined ? null : input),
      })
      return await readResult(response)
    } catch (e) {
      // fetch rejects only when no HTTP answer came at all: the host is not
      // there, so the request did nothing (a Save did not save).
      setHost('stopped')
      return hostUnreachable(`Network error: ${e instanceof Error ? e.message : String(e)}`)
    }
  }

  const listeners: Record<EventName, Set<Listener>> = { status: new Set(), ordersChanged: new Set() }
  let source: EventSourceLike | null = null
  let lostConnection = false
  let retryMs = 1000

  function emit(name: EventName, payload: unknown): void {
    for (const l of listeners[name]) l(payload)
  }

  function onMessage(name: EventName) {
    return (ev: MessageEvent) => {
      let payload: unknown
      try {
        payload = JSON.parse(String(ev.data))
      } catch {
        return
      }
      emit(name, payload)
    }
  }

  function connect(): void {
    const ES = deps.EventSource
    if (!ES || source) return
    const es = new ES(eventsUrl)
    source = es
    es.addEventListener('status', onMessage('status'))
    es.addEventListener('ordersChanged', onMessage('ordersChanged'))
    es.onopen = () => {
      retryMs = 1000
      setHost('up')
      // Events sent before the stream opened (or while it was down) are gone:
      // take a fresh status snapshot, and after an outage tell the order list
      // to reload what it shows (created: true with no ids means "resync").
      void invoke('getStatus', null).then((r) => {
        const result = r as { ok?: unknown; value?: unknown }
        if (result.ok === true) emit('status', result.value)
      })
      if (lostConnection) emit('ordersChanged', { orderIds: [], created: true })
      lostConnection = false
    }
    es.onerror = () => {
      lostConnection = true
      suspectHostGone()
      // EventSource retries by itself unless the server answered with an
      // error status; then it gives up (CLOSED) and we start over.
      if (es.readyState === CLOSED) {
        es.close()
        source = null
        later(connect, retryMs)
        retryMs = Math.min(retryMs * 2, 30_000)
      }
    }
  }

  function subscribe(name: EventName, listener: Listener): () => void {
    listeners[name].add(listener)
    connect()
    return () => {
      listeners[name].delete(listener)
    }
  }

  const calls = Object.fromEntries(methodNames.map((name) => [name, (input: unknown) => invoke(name, input)]))
  const api = {
    ...calls,
    onStatus: (listener: Listener) => subscribe('status', listener),
    onOrdersChanged: (listener: Listener) => subscribe('ordersChanged', listener),
    onHostState: (listener: (state: 'up' | 'stopped') => void) => {
      hostListeners.add(listener)
      connect()
      return () => {
        hostListeners.delete(listener)
      }
    },
    host: 'web' as const,
  }
  // The typed signatures promise validated values; callers go through api.ts,
  // which treats everything from here as unknown and parses it.
  return api as unknown as OutpostApi
}
