/**
 * The preload is tested the way Electron runs it: bundled to one CommonJS file
 * and evaluated with a `require` that only knows 'electron' (here, fakes).
 * Nothing imports the real electron module.
 */
import { fileURLToPath } from 'node:url'
import { dirname, join } from 'node:path'
import { runInNewContext } from 'node:vm'
import { build } from 'esbuild'
import { beforeAll, describe, expect, it } from 'vitest'
import { eventChannel, exportChannel, invokeChannel, methodNames } from '../src-shared/contract'

const here = dirname(fileURLToPath(import.meta.url))

type Listener = (...args: unknown[]) => void

function fakeElectron() {
  const exposed = new Map<string, unknown>()
  const listeners = new Map<string, Listener[]>()
  const invoked: Array<{ channel: string; args: unknown[] }> = []
  const electron = {
    contextBridge: {
      exposeInMainWorld(key: string, value: unknown) {
        exposed.set(key, value)
      },
    },
    ipcRenderer: {
      invoke(channel: string, ...args: unknown[]) {
        invoked.push({ channel, args })
        return Promise.resolve({ ok: true, value: { channel } })
      },
      on(channel: string, listener: Listener) {
        listeners.set(channel, [...(listeners.get(channel) ?? []), listener])
      },
      removeListener(channel: string, listener: Listener) {
        listeners.set(
          channel,
          (listeners.get(channel) ?? []).filter((l) => l !== listener),
        )
      },
    },
  }
  const emit = (channel: string, payload: unknown) => {
    const fakeEvent = { sender: { secret: 'ipc internals' }, senderId: 0 }
    for (const l of listeners.get(channel) ?? []) l(fakeEvent, payload)
  }
  return { electron, exposed, listeners, invoked, emit }
}

let bundle = ''
const required: string[] = []

beforeAll(async () => {
  const result = await build({
    entryPoints: [join(here, 'index.ts')],
    bundle: true,
    format: 'cjs',
    platform: 'node',
    target: 'node20',
    external: ['electron'],
    write: false,
    logLevel: 'silent',
  })
  bundle = result.outputFiles[0]?.text ?? ''
})

function load() {
  const fake = fakeElectron()
  const module = { exports: {} }
  runInNewContext(bundle, {
    module,
    exports: module.exports,
    require: (id: string) => {
      required.push(id)
      if (id === 'electron') return fake.electron
      throw new Error(`a sandboxed preload cannot require ${id}`)
    },
  })
  const api = fake.exposed.get('outpost') as Record<string, unknown>
  return { ...fake, api }
}

describe('preload (window.outpost)', () => {
  it('exposes exactly one named function per contract method, two subscriptions, the export and the host', () => {
    const { api, exposed } = load()
    expect([...exposed.keys()]).toEqual(['outpost'])
    const expected = [...methodNames, 'onStatus', 'onOrdersChanged', 'exportCsvToFile', 'cancelExport', 'onExportProgress', 'host'].sort()
    expect(Object.keys(api).sort()).toEqual(expected)
    for (const name of methodNames) expect(typeof api[name]).toBe('function')
    expect(api.host).toBe('electron')
  })

  it('requires nothing but electron (a sandboxed preload cannot load modules)', () => {
    load()
    expect(new Set(required)).toEqual(new Set(['electron']))
  })

  it('invokes the contract channel of each method with the input unchanged', async () => {
    const { api, invoked } = load()
    for (const name of methodNames) {
      const fn = api[name] as (input: unknown) => Promise<unknown>
      const input = { probe: name }
      await expect(fn(input)).resolves.toEqual({ ok: true, value: { channel: invokeChannel(name) } })
      expect(invoked.at(-1)).toEqual({ channel: invokeChannel(name), args: [input] })
    }
    expect(invoked).toHaveLength(methodNames.length)
  })

  it('runs the CSV export on its own channels: start with the filter, cancel, progress without the event', async () => {
    const { api, invoked, emit } = load()
    await (api.exportCsvToFile as (f: unknown) => Promise<unknown>)({ q: 'tea' })
    await (api.cancelExport as () => Promise<unknown>)()
    expect(invoked).toEqual([
      { channel: exportChannel('start'), args: [{ filter: { q: 'tea' } }] },
      { channel: exportChannel('cancel'), args: [] },
    ])
    const seen: unknown[][] = []
    const off = (api.onExportProgress as (l: (...args: unknown[]) => void) => () => void)((...args) => seen.push(args))
    emit(exportChannel('progress'), { orders: 200, rows: 400 })
    off()
    emit(exportChannel('progress'), { orders: 400, rows: 800 })
    expect(seen).toEqual([[{ orders: 200, rows: 400 }]])
  })

  it('offers no raw ipcRenderer or generic send/invoke passthrough', () => {
    const { api } = load()
    for (const key of ['ipcRenderer', 'invoke', 'send', 'on', 'sendSync', 'removeListener']) {
      expect(api[key]).toBeUndefined()
    }
  })

  it('delivers event payloads without the IpcRendererEvent, and unsubscribes exactly that listener', () => {
    const { api, emit, listeners } = load()
    const onStatus = api.onStatus as (l: (...args: unknown[]) => void) => () => void
    const onOrdersChanged = api.onOrdersChanged as (l: (...args: unknown[]) => void) => () => void
    const a: unknown[][] = []
    const b: unknown[][] = []
    const c: unknown[][] = []
    const offA = onStatus((...args) => a.push(args))
    const offB = onStatus((...args) => b.push(args))
    const offC = onOrdersChanged((...args) => c.push(args))

    emit(eventChannel('status'), { phase: 'idle' })
    emit(eventChannel('ordersChanged'), { orderIds: ['x'], created: true })
    expect(a).toEqual([[{ phase: 'idle' }]])
    expect(b).toEqual([[{ phase: 'idle' }]])
    expect(c).toEqual([[{ orderIds: ['x'], created: true }]])

    offA()
    offA() // idempotent
    emit(eventChannel('status'), { phase: 'syncing' })
    expect(a).toHaveLength(1)
    expect(b).toHaveLength(2)
    expect(listeners.get(eventChannel('status'))).toHaveLength(1)

    offB()
    offC()
    expect(listeners.get(eventChannel('status'))).toHaveLength(0)
    expect(listeners.get(eventChannel('ordersChanged'))).toHaveLength(0)
  })
})
