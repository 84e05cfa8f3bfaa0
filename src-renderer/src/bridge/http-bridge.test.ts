import { describe, expect, it, vi } from 'vitest'
import { createHttpBridge, readSessionSecret, type DocumentLike, type EventSourceLike } from './http-bridge'

const json = (body: unknown, status = 200) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } })

function bridgeWith(fetchImpl: (url: string, init: RequestInit) => Promise<Response>) {
  const fetch = vi.fn(fetchImpl)
  return { fetch, api: createHttpBridge({ fetch }) }
}

describe('http bridge: methods', () => {
  it('POSTs the input as JSON to /api/invoke/<name> and returns the Result body', async () => {
    const value = { items: [], total: 0, offset: 0 }
    const { fetch, api } = bridgeWith(async () => json({ ok: true, value }))
    await expect(api.listOrders({ offset: 0, limit: 100 })).resolves.toEqual({ ok: true, value })
    const [url, init] = fetch.mock.calls[0] ?? []
    expect(url).toBe('/api/invoke/listOrders')
    expect(init?.method).toBe('POST')
    expect(new Headers(init?.headers).get('content-type')).toBe('application/json')
    expect(init?.body).toBe('{"offset":0,"limit":100}')
  })

  it('sends null for an undefined input', async () => {
    const { fetch, api } = bridgeWith(async () => json({ ok: true, value: {} }))
    await api.getStatus(undefined)
    expect(fetch.mock.calls[0]?.[1]?.body).toBe('null')
  })

  it('passes an error Result through', async () => {
    const error = { code: 'validation_failed', message: 'x', fields: [{ field: 'customer', code: 'required', message: 'r' }] }
    const { api } = bridgeWith(async () => json({ ok: false, error }))
    await expect(api.createOrder({ customer: '', items: [] })).resolves.toEqual({ ok: false, error })
  })

  it('keeps an error Result even on a non-2xx status', async () => {
    const error = { code: 'invalid_type', message: 'Send JSON' }
    const { api } = bridgeWith(async () => json({ ok: false, error }, 415))
    await expect(api.getSettings(undefined)).resolves.toEqual({ ok: false, error })
  })

  it.each([
    ['a non-JSON body', async () => new Response('<html>oops</html>', { status: 200 })],
    ['a 500 with a non-Result body', async () => json({ error: 'boom' }, 500)],
    ['a success Result on a non-2xx status', async () => json({ ok: true, value: 1 }, 500)],
    ['a JSON body that is not a Result', async () => json([1, 2, 3])],
    ['a network failure', async () => Promise.reject(new TypeError('Failed to fetch'))],
  ])('turns %s into an internal error', async (_name, impl) => {
    const { api } = bridgeWith(impl)
    const r = (await api.getStatus(undefined)) as { ok: boolean; error?: { code: string } }
    expect(r.ok).toBe(false)
    expect(r.error?.code).toBe('internal')
  })

  it('says it is the web host', () => {
    expect(bridgeWith(async () => json({})).api.host).toBe('web')
  })
})

class FakeEventSource implements EventSourceLike {
  static instances: FakeEventSource[] = []
  readyState = 0
  onopen: ((ev: Event) => unknown) | null = null
  onerror: ((ev: Event) => unknown) | null = null
  readonly listeners = new Map<string, ((ev: MessageEvent) => void)[]>()
  closed = false
  constructor(readonly url: string) {
    FakeEventSource.instances.push(this)
  }
  addEventListener(type: string, listener: (ev: MessageEvent) => void) {
    this.listeners.set(type, [...(this.listeners.get(type) ?? []), listener])
  }
  close() {
    this.closed = true
    this.readyState = 2
  }
  emit(type: string, data: string) {
    for (const l of this.listeners.get(type) ?? []) l(new MessageEvent(type, { data }))
  }
  open() {
    this.readyState = 1
    this.onopen?.(new Event('open'))
  }
  fail(closed: boolean) {
    this.readyState = closed ? 2 : 0
    this.onerror?.(new Event('error'))
  }
}

describe('http bridge: events', () => {
  const statusValue = { phase: 'idle' }

  function setup() {
    FakeEventSource.instances = []
    const timers: (() => void)[] = []
    const fetch = vi.fn(async () => json({ ok: true, value: statusValue }))
    const api = createHttpBridge({
      fetch,
      EventSource: FakeEventSource,
      setTimeout: (fn) => {
        timers.push(fn)
      },
    })
    return { api, fetch, timers }
  }

  it('opens one stream at /api/events and delivers parsed events to subscribers', () => {
    const { api } = setup()
    const statuses: unknown[] = []
    const changes: unknown[] = []
    api.onStatus((s) => statuses.push(s))
    api.onOrdersChanged((c) => changes.push(c))
    expect(FakeEventSource.instances).toHaveLength(1)
    const es = FakeEventSource.instances[0]!
    expect(es.url).toBe('/api/events')
    es.emit('status', '{"a":1}')
    es.emit('ordersChanged', '{"orderIds":["x"],"created":true}')
    es.emit('status', 'not json')
    expect(statuses).toEqual([{ a: 1 }])
    expect(changes).toEqual([{ orderIds: ['x'], created: true }])
  })

  it('stops delivering after unsubscribe', () => {
    const { api } = setup()
    const got: unknown[] = []
    const off = api.onStatus((s) => got.push(s))
    off()
    FakeEventSource.instances[0]!.emit('status', '{}')
    expect(got).toEqual([])
  })

  it('re-fetches the status snapshot when the stream (re)opens, and asks for a resync after an outage', async () => {
    const { api, fetch } = setup()
    const statuses: unknown[] = []
    const changes: unknown[] = []
    api.onStatus((s) => statuses.push(s))
    api.onOrdersChanged((c) => changes.push(c))
    const es = FakeEventSource.instances[0]!
    es.open()
    await vi.waitFor(() => expect(statuses).toEqual([statusValue]))
    expect(changes).toEqual([])
    es.fail(false) // EventSource reconnects by itself
    es.open()
    await vi.waitFor(() => expect(statuses).toEqual([statusValue, statusValue]))
    expect(changes).toEqual([{ orderIds: [], created: true }])
    expect(fetch.mock.calls.map((c) => (c as unknown[])[0])).toEqual(['/api/invoke/getStatus', '/api/invoke/getStatus'])
  })

  it('starts a new stream when the browser gives up on one', () => {
    const { api, timers } = setup()
    api.onStatus(() => {})
    FakeEventSource.instances[0]!.fail(true)
    expect(FakeEventSource.instances[0]!.closed).toBe(true)
    expect(timers).toHaveLength(1)
    timers[0]!()
    expect(FakeEventSource.instances).toHaveLength(2)
  })
})

describe('http bridge: the browser host session secret', () => {
  it('sends it as a header on every invoke and as a query parameter on the event stream', async () => {
    FakeEventSource.instances = []
    const fetch = vi.fn(async (_url: string, _init: RequestInit) => json({ ok: true, value: {} }))
    const api = createHttpBridge({ fetch, EventSource: FakeEventSource, sessionSecret: 'a b+c', setTimeout: () => undefined })
    await api.getSettings(undefined)
    expect(new Headers(fetch.mock.calls[0]?.[1]?.headers).get('x-outpost-session')).toBe('a b+c')
    api.onStatus(() => undefined)
    expect(FakeEventSource.instances[0]?.url).toBe('/api/events?session=a%20b%2Bc')
  })

  it('reads it from the page’s meta tag', () => {
    const doc = { querySelector: (sel: string) => (sel === 'meta[name="outpost-session"]' ? { getAttribute: (n: string) => (n === 'content' ? 's3' : null) } : null) }
    expect(readSessionSecret(doc as DocumentLike)).toBe('s3')
    expect(readSessionSecret({ querySelector: () => null })).toBeNull()
    expect(readSessionSecret(undefined)).toBeNull()
  })
})
