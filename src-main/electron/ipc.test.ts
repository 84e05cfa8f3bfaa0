import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { describe, expect, it, vi } from 'vitest'
import { eventChannel, eventNames, invokeChannel, methodNames, type EventName } from '../../src-preload/contract'
import { isTrustedSenderUrl, registerIpc, UntrustedSenderError, type CoreLike, type InvokeEventLike, type IpcMainLike } from './ipc'

type Handler = (event: InvokeEventLike, ...args: unknown[]) => unknown

function fakeIpcMain() {
  const handlers = new Map<string, Handler>()
  const ipcMain: IpcMainLike = {
    handle(channel, listener) {
      if (handlers.has(channel)) throw new Error(`Attempted to register a second handler for '${channel}'`)
      handlers.set(channel, listener)
    },
    removeHandler(channel) {
      handlers.delete(channel)
    },
  }
  return { ipcMain, handlers }
}

function fakeCore() {
  const listeners = new Map<EventName, Set<(payload: unknown) => void>>()
  const calls: Array<{ method: string; input: unknown }> = []
  const core: CoreLike = {
    invoke(method, input) {
      calls.push({ method, input })
      return Promise.resolve({ ok: true, value: { method } })
    },
    on(event, listener) {
      const set = listeners.get(event) ?? new Set()
      set.add(listener as (payload: unknown) => void)
      listeners.set(event, set)
      return () => set.delete(listener as (payload: unknown) => void)
    },
  }
  const emit = (event: EventName, payload: unknown) => {
    for (const l of listeners.get(event) ?? []) l(payload)
  }
  return { core, calls, emit, listeners }
}

const rendererDir = join('/opt', 'Outpost', 'resources', 'app.asar', 'out', 'renderer')
const appUrl = pathToFileURL(join(rendererDir, 'index.html')).href
const trusted = (url: string | null) => isTrustedSenderUrl(url, { rendererDir })
const from = (url: string | null): InvokeEventLike => ({ senderFrame: url === null ? null : { url } })

describe('registerIpc', () => {
  it('registers one handler per contract method, and each calls core.invoke with the raw input', async () => {
    const { ipcMain, handlers } = fakeIpcMain()
    const { core, calls } = fakeCore()
    registerIpc({ ipcMain, core, isTrustedSender: trusted, targets: () => [] })
    expect([...handlers.keys()].sort()).toEqual(methodNames.map(invokeChannel).sort())

    for (const name of methodNames) {
      const hostile = { __proto__: { polluted: true }, customer: 123 }
      const result = await handlers.get(invokeChannel(name))?.(from(appUrl), hostile, 'extra arg ignored')
      expect(result).toEqual({ ok: true, value: { method: name } })
      expect(calls.at(-1)).toEqual({ method: name, input: hostile })
    }
  })

  it('refuses senders that are not our pages, without calling the core', () => {
    const { ipcMain, handlers } = fakeIpcMain()
    const { core, calls } = fakeCore()
    const refused = vi.fn()
    registerIpc({ ipcMain, core, isTrustedSender: trusted, targets: () => [], onRefused: refused })
    const handler = handlers.get(invokeChannel('createOrder'))
    for (const url of ['https://evil.example/', 'file:///etc/passwd', null, 'about:blank']) {
      expect(() => handler?.(from(url), {})).toThrow(UntrustedSenderError)
    }
    expect(calls).toHaveLength(0)
    expect(refused).toHaveBeenCalledTimes(4)
  })

  it('throws on duplicate registration, and the disposer removes exactly its handlers and listeners', () => {
    const { ipcMain, handlers } = fakeIpcMain()
    const { core, listeners } = fakeCore()
    const dispose = registerIpc({ ipcMain, core, isTrustedSender: trusted, targets: () => [] })
    expect(() => registerIpc({ ipcMain, core, isTrustedSender: trusted, targets: () => [] })).toThrow(/already registered/)
    expect(handlers.size).toBe(methodNames.length)
    handlers.set('someone-else', () => 1)

    dispose()
    expect([...handlers.keys()]).toEqual(['someone-else'])
    for (const name of eventNames) expect(listeners.get(name)?.size ?? 0).toBe(0)
    dispose() // idempotent

    // After disposal it can be registered again.
    const again = registerIpc({ ipcMain, core, isTrustedSender: trusted, targets: () => [] })
    expect(handlers.size).toBe(methodNames.length + 1)
    again()
  })

  it('forwards core events to every live window on the contract channel', () => {
    const { ipcMain } = fakeIpcMain()
    const { core, emit } = fakeCore()
    const sentA: unknown[][] = []
    const sentB: unknown[][] = []
    const windows = [
      { send: (c: string, p: unknown) => sentA.push([c, p]), isDestroyed: () => false },
      { send: (c: string, p: unknown) => sentB.push([c, p]), isDestroyed: () => true },
      {
        send: () => {
          throw new Error('closing')
        },
        isDestroyed: () => false,
      },
    ]
    const dispose = registerIpc({ ipcMain, core, isTrustedSender: trusted, targets: () => windows })
    emit('status', { phase: 'idle' })
    emit('ordersChanged', { orderIds: ['a'], created: true })
    expect(sentA).toEqual([
      [eventChannel('status'), { phase: 'idle' }],
      [eventChannel('ordersChanged'), { orderIds: ['a'], created: true }],
    ])
    expect(sentB).toEqual([])
    dispose()
    emit('status', { phase: 'syncing' })
    expect(sentA).toHaveLength(2)
  })
})

describe('isTrustedSenderUrl', () => {
  it('trusts files inside out/renderer only', () => {
    expect(isTrustedSenderUrl(appUrl, { rendererDir })).toBe(true)
    expect(isTrustedSenderUrl(`${appUrl}#/orders`, { rendererDir })).toBe(true)
    expect(isTrustedSenderUrl(pathToFileURL(join(rendererDir, '..', 'main', 'index.js')).href, { rendererDir })).toBe(false)
    expect(isTrustedSenderUrl(pathToFileURL(`${rendererDir}-evil/index.html`).href, { rendererDir })).toBe(false)
    expect(isTrustedSenderUrl('file://remote-host/share/index.html', { rendererDir })).toBe(false)
    expect(isTrustedSenderUrl(null, { rendererDir })).toBe(false)
    expect(isTrustedSenderUrl('garbage', { rendererDir })).toBe(false)
  })
  it('trusts the dev server origin only when one is configured', () => {
    const dev = { rendererDir, devServerUrl: 'http://localhost:5173/' }
    expect(isTrustedSenderUrl('http://localhost:5173/index.html', dev)).toBe(true)
    expect(isTrustedSenderUrl('http://localhost:5174/', dev)).toBe(false)
    expect(isTrustedSenderUrl('http://localhost:5173/', { rendererDir })).toBe(false)
  })
})

describe('registerIpc with the real core', () => {
  it('an order created over IPC is saved in SQLite, and its event reaches every window', async () => {
    const { tempDir } = await import('../testing/temp-dir')
    const { createCore } = await import('../core/create-core')
    const dir = tempDir()
    const core = createCore({ dataDir: dir.path, startRelay: false })
    try {
      const { ipcMain, handlers } = fakeIpcMain()
      const sent: Array<{ channel: string; payload: unknown }> = []
      const window = { send: (channel: string, payload: unknown) => sent.push({ channel, payload }), isDestroyed: () => false }
      registerIpc({ ipcMain, core, isTrustedSender: trusted, targets: () => [window] })

      const created = (await handlers.get(invokeChannel('createOrder'))?.(from(appUrl), {
        customer: 'IPC',
        items: [{ name: 'x', quantity: '2', unitPrice: '1.50' }],
      })) as { ok: boolean; value: { id: string; totalMinor: number } }
      expect(created).toMatchObject({ ok: true, value: { totalMinor: 300 } })
      expect(sent).toContainEqual({ channel: eventChannel('ordersChanged'), payload: { orderIds: [created.value.id], created: true } })

      const page = await handlers.get(invokeChannel('listOrders'))?.(from(appUrl), { offset: 0, limit: 10 })
      expect(page).toMatchObject({ ok: true, value: { total: 1, items: [{ id: created.value.id, syncState: 'pending' }] } })
      const bad = await handlers.get(invokeChannel('createOrder'))?.(from(appUrl), { customer: '', items: [] })
      expect(bad).toMatchObject({ ok: false, error: { code: 'validation_failed' } })
    } finally {
      await core.shutdown()
      dir.remove()
    }
  })
})
