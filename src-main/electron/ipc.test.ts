import type { IpcMainInvokeEvent } from 'electron'
import { describe, expect, it, vi } from 'vitest'
import { eventChannel, eventNames, invokeChannel, methodNames, type EventName } from '../../src-shared/contract'
import type { CoreHandlers } from '../core/core-types'
import { APP_INDEX_URL, isAppPageUrl } from './app-protocol'
import { registerIpc, UntrustedSenderError, type IpcCore, type IpcMainPart } from './ipc'

type Handler = Parameters<IpcMainPart['handle']>[1]

// A stand-in for Electron's ipcMain: it refuses a second handler for a channel, as the real one does.
function fakeIpcMain() {
  const handlers = new Map<string, Handler>()
  const ipcMain: IpcMainPart = {
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
  const handlers = Object.fromEntries(
    methodNames.map((method) => [
      method,
      (input: unknown) => {
        calls.push({ method, input })
        return Promise.resolve({ ok: true, value: { method } })
      },
    ]),
  ) as unknown as CoreHandlers
  const core: IpcCore = {
    handlers,
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

const appUrl = APP_INDEX_URL
// The same rule main.ts passes: one definition of "our page".
const trusted = (url: string | null) => isAppPageUrl(url)
const from = (url: string | null) => ({ senderFrame: url === null ? null : { url } }) as unknown as IpcMainInvokeEvent

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
