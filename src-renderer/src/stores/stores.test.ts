import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { fakeOutpost, order } from './test-outpost'

// Stores are module singletons: each test gets fresh modules and a fresh fake.
async function load(orderCount = 0) {
  vi.resetModules()
  const fake = fakeOutpost(orderCount)
  vi.stubGlobal('window', { outpost: fake.api })
  const api = await import('../api')
  const orders = await import('./orders-store')
  const status = await import('./status-store')
  const ui = await import('./ui-store')
  return { fake, api, orders, status, ui }
}

beforeEach(() => {
  vi.useFakeTimers()
  // api.ts logs what it drops; that noise is expected here.
  vi.spyOn(console, 'error').mockImplementation(() => {})
})
afterEach(() => {
  vi.useRealTimers()
  vi.unstubAllGlobals()
  vi.restoreAllMocks()
})

describe('api.call', () => {
  it('returns a value that matches the contract', async () => {
    const { api, fake } = await load()
    fake.answers.syncNow = () => ({ ok: true, value: { outcome: 'synced', pending: 0 } })
    await expect(api.call('syncNow', undefined)).resolves.toEqual({ ok: true, value: { outcome: 'synced', pending: 0 } })
  })
  it('turns a value that does not match into an internal error', async () => {
    const { api, fake } = await load()
    fake.answers.syncNow = () => ({ ok: true, value: { outcome: 'exploded' } })
    const r = await api.call('syncNow', undefined)
    expect(r.ok).toBe(false)
    if (!r.ok) expect(r.error.code).toBe('internal')
  })
  it('turns a throw into an internal error', async () => {
    const { api, fake } = await load()
    fake.answers.getSettings = () => {
      throw new Error('ipc broke')
    }
    const r = await api.call('getSettings', undefined)
    expect(r).toMatchObject({ ok: false, error: { code: 'internal' } })
  })
  it('passes error Results through', async () => {
    const { api, fake } = await load()
    fake.answers.getOrder = () => ({ ok: false, error: { code: 'not_found', message: 'no' } })
    await expect(api.call('getOrder', { id: 'x' })).resolves.toEqual({ ok: false, error: { code: 'not_found', message: 'no' } })
  })
  it('drops malformed events', async () => {
    const { api, fake } = await load()
    const got: unknown[] = []
    api.on('ordersChanged', (c) => got.push(c))
    fake.emit('ordersChanged', { orderIds: 'nope' })
    fake.emit('ordersChanged', { orderIds: ['a'], created: false })
    expect(got).toEqual([{ orderIds: ['a'], created: false }])
  })
})

describe('orders store', () => {
  it('loads the first page and the total on start', async () => {
    const { orders } = await load(250)
    orders.useOrders.getState().start()
    await vi.runAllTimersAsync()
    const s = orders.useOrders.getState()
    expect(s.total).toBe(250)
    expect(orders.rowAt(s.pages, 0)?.id).toBe('o249')
    expect(orders.rowAt(s.pages, 99)?.id).toBe('o150')
    expect(orders.rowAt(s.pages, 100)).toBeUndefined()
  })

  it('fetches the pages a visible range falls in, once scrolling settles', async () => {
    const { orders, fake } = await load(1000)
    orders.useOrders.getState().start()
    await vi.runAllTimersAsync()
    orders.useOrders.getState().setVisibleRange(480, 520)
    orders.useOrders.getState().setVisibleRange(490, 530)
    await vi.runAllTimersAsync()
    const offsets = fake.calls.filter((c) => c.name === 'listOrders').map((c) => (c.input as { offset: number }).offset)
    expect(offsets).toEqual([0, 400, 500])
    expect(orders.rowAt(orders.useOrders.getState().pages, 530)?.id).toBe('o469')
  })

  it('shows a created order at the top at once, shifting loaded rows', async () => {
    const { orders } = await load(150)
    const store = orders.useOrders
    store.getState().start()
    store.getState().setVisibleRange(0, 120)
    await vi.runAllTimersAsync()
    store.getState().insertCreated(order('new'))
    const s = store.getState()
    expect(s.total).toBe(151)
    expect(orders.rowAt(s.pages, 0)?.id).toBe('new')
    expect(orders.rowAt(s.pages, 1)?.id).toBe('o149')
    expect(orders.rowAt(s.pages, 100)?.id).toBe('o50') // carried over from page 0
  })

  it('does not insert twice when the event got there first', async () => {
    const { orders, fake } = await load(3)
    const store = orders.useOrders
    store.getState().start()
    await vi.runAllTimersAsync()
    fake.orders.unshift(order('new'))
    fake.emit('ordersChanged', { orderIds: ['new'], created: true })
    await vi.runAllTimersAsync()
    store.getState().insertCreated(order('new'))
    const s = store.getState()
    expect(s.total).toBe(4)
    expect(s.pages.get(0)?.map((o) => o.id)).toEqual(['new', 'o2', 'o1', 'o0'])
  })

  it('refreshes a row whose sync state changed', async () => {
    const { orders, fake } = await load(5)
    const store = orders.useOrders
    store.getState().start()
    await vi.runAllTimersAsync()
    fake.orders[2] = order('o2', { syncState: 'synced', syncedAt: '2025-01-15T10:05:00.000Z' })
    fake.emit('ordersChanged', { orderIds: ['o2'], created: false })
    await vi.runAllTimersAsync()
    expect(orders.rowAt(store.getState().pages, 2)?.syncState).toBe('synced')
  })

  it('throttles a burst of changes into two fetches: one at once, one trailing', async () => {
    const { orders, fake } = await load(5)
    const store = orders.useOrders
    store.getState().start()
    await vi.runAllTimersAsync()
    const before = fake.calls.length
    fake.orders[3] = order('o1', { syncState: 'synced', syncedAt: '2025-01-15T10:05:00.000Z' })
    for (let i = 0; i < 50; i++) fake.emit('ordersChanged', { orderIds: ['o1'], created: false })
    await vi.runAllTimersAsync()
    const calls = fake.calls.slice(before)
    expect(calls.map((c) => c.name)).toEqual(['listOrders', 'listOrders'])
    expect(orders.rowAt(store.getState().pages, 3)).toMatchObject({ id: 'o1', syncState: 'synced' })
  })

  it('does not lose a change that arrives while the first page is still loading', async () => {
    const { orders, fake } = await load(5)
    const gate = holdListOrders(fake)
    const store = orders.useOrders
    store.getState().start()
    await vi.runAllTimersAsync()
    expect(gate.waiting()).toBe(1) // the first page is on its way, answered from before the change
    fake.orders[2] = order('o2', { syncState: 'synced', syncedAt: '2025-01-15T10:05:00.000Z' })
    fake.emit('ordersChanged', { orderIds: ['o2'], created: false })
    await vi.runAllTimersAsync()
    await gate.releaseAll()
    expect(listCalls(fake)).toBe(2)
    expect(orders.rowAt(store.getState().pages, 2)).toMatchObject({ id: 'o2', syncState: 'synced' })
  })

  it('does not lose a change that arrives while a refresh of the same page is in flight', async () => {
    const { orders, fake } = await load(5)
    const store = orders.useOrders
    store.getState().start()
    await vi.runAllTimersAsync()
    const gate = holdListOrders(fake)
    fake.orders[2] = order('o2', { syncState: 'synced', syncedAt: '2025-01-15T10:05:00.000Z' })
    fake.emit('ordersChanged', { orderIds: ['o2'], created: false })
    expect(gate.waiting()).toBe(1)
    // After the throttle window, a second change to a row of the same page.
    fake.orders[3] = order('o1', { syncState: 'failed', syncError: 'Blocked' })
    fake.emit('ordersChanged', { orderIds: ['o1'], created: false })
    await vi.runAllTimersAsync()
    expect(gate.waiting()).toBe(1) // not fetched twice at once
    await gate.releaseAll()
    expect(listCalls(fake)).toBe(3) // first load, the refresh, and once more for the later change
    const pages = store.getState().pages
    expect(orders.rowAt(pages, 2)).toMatchObject({ id: 'o2', syncState: 'synced' })
    expect(orders.rowAt(pages, 3)).toMatchObject({ id: 'o1', syncState: 'failed' })
  })

  it('reports a failed first page and loads it on retry', async () => {
    const { orders, fake, ui } = await load(3)
    const real = fake.answers.listOrders!
    fake.answers.listOrders = () => ({ ok: false, error: { code: 'storage_unavailable', message: 'locked' } })
    const store = orders.useOrders
    store.getState().start()
    await vi.runAllTimersAsync()
    expect(store.getState()).toMatchObject({ total: null, loadError: { code: 'storage_unavailable' } })
    expect(ui.useUi.getState().toasts).toEqual([]) // the list says so itself
    fake.answers.listOrders = real
    store.getState().retry()
    expect(store.getState().loadError).toBe(null)
    await vi.runAllTimersAsync()
    expect(store.getState()).toMatchObject({ total: 3, loadError: null })
    expect(orders.rowAt(store.getState().pages, 0)?.id).toBe('o2')
  })

  it('creates an order from a draft and shows it at the top', async () => {
    const { orders, fake, ui } = await load(2)
    const store = orders.useOrders
    store.getState().start()
    await vi.runAllTimersAsync()
    fake.answers.createOrder = () => ({ ok: true, value: order('new') })
    const { emptyDraft } = await import('../orders/order-draft')
    const draft = { ...emptyDraft(' usd '), customer: 'Ann' }
    const r = await store.getState().create(draft)
    expect(r.ok).toBe(true)
    expect(fake.calls.find((c) => c.name === 'createOrder')?.input).toMatchObject({ customer: 'Ann', currency: 'USD' })
    expect(orders.rowAt(store.getState().pages, 0)?.id).toBe('new')
    expect(store.getState().total).toBe(3)
    expect(ui.useUi.getState().toasts.at(-1)).toMatchObject({ tone: 'success', message: { key: 'form.saved' } })
  })

  it('leaves field errors to the form and toasts other errors', async () => {
    const { orders, fake, ui } = await load(0)
    const store = orders.useOrders
    fake.answers.createOrder = () => ({
      ok: false,
      error: { code: 'validation_failed', message: 'bad', fields: [{ field: 'customer', code: 'required', message: 'x' }] },
    })
    const { emptyDraft } = await import('../orders/order-draft')
    const r = await store.getState().create(emptyDraft('USD'))
    expect(r.ok).toBe(false)
    expect(ui.useUi.getState().toasts).toEqual([])
    fake.answers.createOrder = () => ({ ok: false, error: { code: 'storage_unavailable', message: 'locked' } })
    await store.getState().create(emptyDraft('USD'))
    expect(ui.useUi.getState().toasts.at(-1)).toMatchObject({ tone: 'error', message: { key: 'errors.storage_unavailable' } })
    expect(store.getState().total).toBe(null)
  })
})

function listCalls(fake: ReturnType<typeof fakeOutpost>): number {
  return fake.calls.filter((c) => c.name === 'listOrders').length
}

/** listOrders answers as of the moment it was asked, but only when released. */
function holdListOrders(fake: ReturnType<typeof fakeOutpost>) {
  const real = fake.answers.listOrders!
  const held: (() => void)[] = []
  fake.answers.listOrders = (input) => {
    const answer = real(input)
    return new Promise((resolve) => held.push(() => resolve(answer)))
  }
  return {
    waiting: () => held.length,
    /** Releases answers (and those asked for meanwhile) until none are left. */
    async releaseAll() {
      while (held.length > 0) {
        held.shift()!()
        await vi.runAllTimersAsync()
      }
    },
  }
}

describe('settings store', () => {
  const settings = (paused: boolean) => ({
    apiUrl: null,
    hasToken: false,
    tokenStorage: 'os-encrypted',
    paused,
    language: null,
    currency: 'USD',
    apiUrlSource: 'none',
    dataDir: '/tmp/outpost',
  })

  it('keeps the newest answer when two updates are answered out of order', async () => {
    const { fake } = await load()
    const { useSettings } = await import('./settings-store')
    const release: (() => void)[] = []
    fake.answers.updateSettings = (input) => {
      const value = settings((input as { paused: boolean }).paused)
      return new Promise((resolve) => release.push(() => resolve({ ok: true, value })))
    }
    const first = useSettings.getState().update({ paused: true })
    const second = useSettings.getState().update({ paused: false })
    release[1]!()
    await second
    expect(useSettings.getState().settings?.paused).toBe(false)
    release[0]!()
    await first
    expect(useSettings.getState().settings?.paused).toBe(false) // the older answer is not applied over it
  })

  it('applies an older answer when the newer request failed', async () => {
    const { fake } = await load()
    const { useSettings } = await import('./settings-store')
    const release: (() => void)[] = []
    fake.answers.updateSettings = (input) => {
      const { paused } = input as { paused: boolean }
      const answer = paused ? { ok: true, value: settings(true) } : { ok: false, error: { code: 'internal', message: 'x' } }
      return new Promise((resolve) => release.push(() => resolve(answer)))
    }
    const first = useSettings.getState().update({ paused: true })
    const second = useSettings.getState().update({ paused: false })
    release[1]!()
    expect((await second).ok).toBe(false)
    release[0]!()
    await first
    expect(useSettings.getState().settings?.paused).toBe(true)
  })
})

describe('order detail store', () => {
  const detail = (id: string, attempts: number) => ({ ...order(id), note: null, items: [], events: [
    { id: `e-${id}`, type: 'OrderCreated', status: 'pending', attempts, nextAttemptAt: null, lastError: null, lastHttpStatus: null, sentAt: null, discardedAt: null, createdAt: '2025-01-15T10:00:00.000Z', history: [] },
  ] })
  const counts = { pending: 1, sending: 0, dead: 0, discarded: 0, sentToday: 0 }
  const syncStatus = (c: typeof counts, at: string) => ({
    kind: 'waiting',
    connectivity: 'online', api: 'reachable', phase: 'idle', userPaused: false, counts: c, progress: null,
    lastSuccessAt: null, lastError: null, nextRetryAt: null, oldestPendingAt: null, at,
  })

  async function setup() {
    const loaded = await load()
    const { useOrderDetail } = await import('./order-detail-store')
    let attempts = 0
    loaded.fake.answers.getOrder = (input) => ({ ok: true, value: detail((input as { id: string }).id, attempts) })
    const bump = () => attempts++
    const gets = () => loaded.fake.calls.filter((c) => c.name === 'getOrder').length
    return { ...loaded, useOrderDetail, bump, gets }
  }

  it('reloads for changes to this order and the reconnect signal, not for other orders', async () => {
    const { useOrderDetail, fake, bump, gets } = await setup()
    const stop = useOrderDetail.getState().watch('a')
    await vi.runAllTimersAsync()
    expect(gets()).toBe(1)
    fake.emit('ordersChanged', { orderIds: ['b'], created: false })
    fake.emit('ordersChanged', { orderIds: ['c'], created: true })
    await vi.runAllTimersAsync()
    expect(gets()).toBe(1)
    bump()
    fake.emit('ordersChanged', { orderIds: ['a'], created: false })
    await vi.runAllTimersAsync()
    expect(gets()).toBe(2)
    expect(useOrderDetail.getState().order?.events[0]?.attempts).toBe(1)
    fake.emit('ordersChanged', { orderIds: [], created: true })
    await vi.runAllTimersAsync()
    expect(gets()).toBe(3)
    stop()
    fake.emit('ordersChanged', { orderIds: ['a'], created: false })
    await vi.runAllTimersAsync()
    expect(gets()).toBe(3)
  })

  it('reloads when the status counts change by value, not on every status push', async () => {
    const { useOrderDetail, status, fake, gets } = await setup()
    status.useStatus.getState().start()
    fake.emit('status', syncStatus(counts, '2025-01-15T10:00:00.000Z'))
    const stop = useOrderDetail.getState().watch('a')
    await vi.runAllTimersAsync()
    expect(gets()).toBe(1)
    fake.emit('status', syncStatus({ ...counts }, '2025-01-15T10:00:01.000Z'))
    fake.emit('status', syncStatus({ ...counts }, '2025-01-15T10:00:02.000Z'))
    await vi.runAllTimersAsync()
    expect(gets()).toBe(1)
    fake.emit('status', syncStatus({ ...counts, pending: 0, sentToday: 1 }, '2025-01-15T10:00:03.000Z'))
    await vi.runAllTimersAsync()
    expect(gets()).toBe(2)
    stop()
  })

  it('shows only the newest answer, and none for an order no longer watched', async () => {
    const { useOrderDetail, fake } = await setup()
    const release: (() => void)[] = []
    fake.answers.getOrder = (input) => {
      const value = detail((input as { id: string }).id, release.length)
      return new Promise((resolve) => release.push(() => resolve({ ok: true, value })))
    }
    const stopA = useOrderDetail.getState().watch('a')
    stopA()
    const stopB = useOrderDetail.getState().watch('b')
    release[1]!()
    await vi.runAllTimersAsync()
    release[0]!()
    await vi.runAllTimersAsync()
    expect(useOrderDetail.getState()).toMatchObject({ orderId: 'b', order: { id: 'b' } })
    stopB()
  })
})

describe('toasts', () => {
  it('dismiss themselves after their time', async () => {
    const { ui } = await load()
    ui.useUi.getState().toast({ key: 'form.saved' }, 'success')
    vi.advanceTimersByTime(4999)
    expect(ui.useUi.getState().toasts).toHaveLength(1)
    vi.advanceTimersByTime(1)
    expect(ui.useUi.getState().toasts).toHaveLength(0)
  })

  it('wait while paused and resume with the time they had left', async () => {
    const { ui } = await load()
    const s = () => ui.useUi.getState()
    s().toast({ key: 'form.saved' }, 'success') // 5 s
    vi.advanceTimersByTime(3000)
    s().pauseToasts()
    s().toast({ key: 'settings.saved' }, 'success') // arrives while paused
    vi.advanceTimersByTime(60_000)
    expect(s().toasts).toHaveLength(2)
    s().resumeToasts()
    vi.advanceTimersByTime(1999)
    expect(s().toasts.map((t) => t.message.key)).toEqual(['form.saved', 'settings.saved'])
    vi.advanceTimersByTime(1)
    expect(s().toasts.map((t) => t.message.key)).toEqual(['settings.saved'])
    vi.advanceTimersByTime(3000)
    expect(s().toasts).toEqual([])
  })

  it('a repeated message replaces the old toast and its timer', async () => {
    const { ui } = await load()
    const s = () => ui.useUi.getState()
    s().toast({ key: 'form.saved' }, 'success')
    vi.advanceTimersByTime(4000)
    s().toast({ key: 'form.saved' }, 'success')
    vi.advanceTimersByTime(4000)
    expect(s().toasts).toHaveLength(1)
    vi.advanceTimersByTime(1000)
    expect(s().toasts).toEqual([])
  })
})

describe('sync now', () => {
  it.each([
    // The relay's "offline" only means no server answered: without the OS saying so, it is not "offline".
    [{ outcome: 'offline', pending: 3 }, 'The server could not be reached: 3 orders will be sent when it is back'],
    [{ outcome: 'offline', pending: 1 }, 'The server could not be reached: 1 order will be sent when it is back'],
    [{ outcome: 'synced', pending: 0 }, 'All orders synced'],
    [{ outcome: 'unauthorized', pending: 2 }, 'Sign-in required: check the API token in Settings'],
    [{ outcome: 'not-configured', pending: 2 }, 'Sync is not set up: add the API address in Settings'],
    [{ outcome: 'paused', pending: 2 }, 'Sync is paused'],
    [{ outcome: 'partial', pending: 4 }, '4 orders are still waiting'],
  ])('%o → toast "%s"', async (value, text) => {
    const { status, ui, fake } = await load()
    const { makeTranslate } = await import('../i18n/translate')
    fake.answers.syncNow = () => ({ ok: true, value })
    const done = status.useStatus.getState().syncNow()
    expect(status.useStatus.getState().syncing).toBe(true)
    await done
    expect(status.useStatus.getState().syncing).toBe(false)
    const toast = ui.useUi.getState().toasts.at(-1)
    expect(toast && makeTranslate('en', 'en-US')(toast.message.key, toast.message.params)).toBe(text)
  })

  it('a toast about being offline goes once the state changes', async () => {
    const { status, ui, fake } = await load()
    const base = {
      connectivity: 'offline', api: 'unreachable', phase: 'backing-off', userPaused: false,
      counts: { pending: 3, sending: 0, dead: 0, discarded: 0, sentToday: 0 }, progress: null,
      lastSuccessAt: null, lastError: null, nextRetryAt: null, oldestPendingAt: null,
    }
    fake.answers.getStatus = () => ({ ok: true, value: { ...base, kind: 'offline', at: '2025-01-15T09:59:59.000Z' } })
    status.useStatus.getState().start()
    fake.emit('status', { ...base, kind: 'offline', at: '2025-01-15T10:00:00.000Z' })
    fake.answers.syncNow = () => ({ ok: true, value: { outcome: 'offline', pending: 3 } })
    await status.useStatus.getState().syncNow()
    expect(ui.useUi.getState().toasts.map((t) => t.message.key)).toEqual(['syncNow.offline'])
    fake.emit('status', { ...base, kind: 'synced', connectivity: 'online', counts: { ...base.counts, pending: 0 }, at: '2025-01-15T10:00:01.000Z' })
    expect(ui.useUi.getState().toasts).toEqual([])
  })

  it('shows a friendly message for an internal error', async () => {
    const { status, ui } = await load()
    await status.useStatus.getState().syncNow()
    expect(ui.useUi.getState().toasts.at(-1)).toMatchObject({ tone: 'error', message: { key: 'errors.internal' } })
  })
})
