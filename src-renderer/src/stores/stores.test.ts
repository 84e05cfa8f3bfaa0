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

  it('throttles a burst of changes into few fetches', async () => {
    const { orders, fake } = await load(5)
    const store = orders.useOrders
    store.getState().start()
    await vi.runAllTimersAsync()
    const before = fake.calls.length
    for (let i = 0; i < 50; i++) fake.emit('ordersChanged', { orderIds: ['o1'], created: false })
    await vi.runAllTimersAsync()
    expect(fake.calls.length - before).toBeLessThanOrEqual(2)
  })
})

describe('sync now', () => {
  it.each([
    [{ outcome: 'offline', pending: 3 }, 'Still offline: 3 orders will be sent when the connection returns'],
    [{ outcome: 'synced', pending: 0 }, 'All orders synced'],
    [{ outcome: 'unauthorized', pending: 2 }, 'Sign-in required: check the API token in Settings'],
    [{ outcome: 'not-configured', pending: 2 }, 'Sync is not set up: add the API address in Settings'],
    [{ outcome: 'paused', pending: 2 }, 'Sync is paused'],
    [{ outcome: 'partial', pending: 4 }, '4 orders still waiting'],
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

  it('shows a friendly message for an internal error', async () => {
    const { status, ui } = await load()
    await status.useStatus.getState().syncNow()
    expect(ui.useUi.getState().toasts.at(-1)).toMatchObject({ tone: 'error', message: { key: 'errors.internal' } })
  })
})
