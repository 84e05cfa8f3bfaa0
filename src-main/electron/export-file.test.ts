import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { IpcMainInvokeEvent } from 'electron'
import { parse } from 'csv-parse/sync'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { exportChannel, ExportOutcome } from '../../src-shared/contract'
import { createCore } from '../core/create-core'
import type { Core } from '../core/core-types'
import { EXPORT_CHUNK, ExportCancelled } from '../core/orders/order-export'
import { tempDir } from '../testing/temp-dir'
import { APP_INDEX_URL, isAppPageUrl } from './app-protocol'
import { exportToFile } from './export-file'
import { registerExportIpc } from './export-ipc'
import type { IpcMainPart } from './ipc'
import { UntrustedSenderError } from './ipc'

let dir: ReturnType<typeof tempDir>
let core: Core
beforeEach(() => {
  dir = tempDir()
  core = createCore({ dataDir: join(dir.path, 'data'), startRelay: false })
})
afterEach(async () => {
  await core.shutdown()
  dir.remove()
})

async function seed(n: number, customer = (i: number) => `Customer ${i}`) {
  for (let i = 0; i < n; i++) {
    const r = await core.handlers.createOrder({ customer: customer(i), currency: 'EUR', items: [{ name: 'Tea', quantity: 2, unitPrice: '1.50' }] })
    expect(r.ok).toBe(true)
  }
}
const out = () => join(dir.path, 'out')
const filesIn = (d: string) => readdirSync(d).sort()

describe('exportToFile', () => {
  beforeEach(() => writeFileSync(join(dir.path, 'keep.txt'), 'x'))

  it('writes the whole CSV under the chosen name, replacing an older export there, and leaves no temp file', async () => {
    await seed(3, (i) => ['Café "A"', '王小明', 'Bob'][i] ?? '')
    const target = join(dir.path, 'orders.csv')
    writeFileSync(target, 'an older export')
    const done = await exportToFile(core, { q: 'cafe' }, target)
    expect(done).toEqual({ orders: 1, rows: 1 })
    const records = parse(readFileSync(target), { bom: true, columns: true }) as Record<string, string>[]
    expect(records.map((r) => [r.customer, r.item, r.quantity, r.line_total])).toEqual([['Café "A"', 'Tea', '2', '3.00']])
    expect(filesIn(dir.path)).toEqual(['data', 'keep.txt', 'orders.csv'])
  })

  it('cancelled half way: the temp file is removed and an older file under the name stays as it was', async () => {
    await seed(EXPORT_CHUNK * 2)
    const target = join(dir.path, 'orders.csv')
    writeFileSync(target, 'an older export')
    const ac = new AbortController()
    let chunks = 0
    const run = exportToFile(core, {}, target, {
      signal: ac.signal,
      onProgress: () => {
        // The temp file exists (and is being written) while the export runs.
        expect(filesIn(dir.path).some((f) => f.endsWith('.partial'))).toBe(true)
        if (++chunks === 1) ac.abort()
      },
    })
    await expect(run).rejects.toBeInstanceOf(ExportCancelled)
    expect(readFileSync(target, 'utf8')).toBe('an older export')
    expect(filesIn(dir.path)).toEqual(['data', 'keep.txt', 'orders.csv'])
  })

  it('a folder that cannot be written: a clear error, nothing left behind', async () => {
    await seed(1)
    await expect(exportToFile(core, {}, join(dir.path, 'missing', 'orders.csv'))).rejects.toMatchObject({ code: 'ENOENT' })
    expect(filesIn(dir.path)).toEqual(['data', 'keep.txt'])
  })

  it('an invalid filter is refused before a file is made', async () => {
    await expect(exportToFile(core, { sync: 'nonsense' }, join(dir.path, 'orders.csv'))).rejects.toThrow()
    expect(filesIn(dir.path)).toEqual(['data', 'keep.txt'])
  })
})

type Handler = Parameters<IpcMainPart['handle']>[1]

describe('registerExportIpc (the save dialog stands in; the file and the core are real)', () => {
  function setup(answer: () => { canceled: boolean; filePath?: string }) {
    const handlers = new Map<string, Handler>()
    const ipcMain: IpcMainPart = {
      handle: (channel, listener) => void handlers.set(channel, listener),
      removeHandler: (channel) => void handlers.delete(channel),
    }
    const asked: unknown[] = []
    const dialog = {
      showSaveDialog: (...args: unknown[]) => {
        asked.push(args.at(-1))
        return Promise.resolve(answer())
      },
    } as unknown as Parameters<typeof registerExportIpc>[0]['dialog']
    const warnings: unknown[] = []
    const log = { debug: () => undefined, info: () => undefined, warn: (...a: unknown[]) => void warnings.push(a), error: () => undefined }
    const dispose = registerExportIpc({
      ipcMain,
      dialog,
      core,
      dialogs: { parent: () => null, strings: () => ({ exportTitle: 'Export CSV' }) as never, log },
      isTrustedSender: (url) => isAppPageUrl(url),
      defaultDir: () => '/home/me/Downloads',
      now: () => new Date(2026, 11, 2, 9, 30),
    })
    const sent: unknown[][] = []
    const event = (url: string | null = APP_INDEX_URL) =>
      ({ senderFrame: url === null ? null : { url }, sender: { isDestroyed: () => false, send: (...a: unknown[]) => sent.push(a) } }) as unknown as IpcMainInvokeEvent
    const call = async (part: 'start' | 'cancel', input?: unknown, url?: string | null) => handlers.get(exportChannel(part))?.(event(url), input)
    return { handlers, asked, sent, call, dispose, warnings }
  }

  it('asks where to save with the dated default name, writes the file, reports progress and the outcome', async () => {
    await seed(EXPORT_CHUNK + 5)
    const target = join(dir.path, 'chosen.csv')
    const { asked, sent, call } = setup(() => ({ canceled: false, filePath: target }))
    const outcome = ExportOutcome.parse(await call('start', { filter: {} }))
    expect(outcome).toEqual({ state: 'done', orders: EXPORT_CHUNK + 5, rows: EXPORT_CHUNK + 5, fileName: 'chosen.csv' })
    expect(asked).toEqual([{ title: 'Export CSV', defaultPath: join('/home/me/Downloads', 'outpost-orders-2026-12-02.csv'), filters: [{ name: 'CSV', extensions: ['csv'] }] }])
    expect(sent.at(-1)).toEqual([exportChannel('progress'), { orders: EXPORT_CHUNK + 5, rows: EXPORT_CHUNK + 5 }])
    expect(parse(readFileSync(target), { bom: true })).toHaveLength(EXPORT_CHUNK + 6)
  })

  it('the dialog closed: nothing written; Cancel during the export: no file; a second start while one runs: busy', async () => {
    await seed(EXPORT_CHUNK * 2)
    let answer: { canceled: boolean; filePath?: string } = { canceled: true }
    const { call } = setup(() => answer)
    expect(await call('start', { filter: {} })).toEqual({ state: 'dismissed' })
    answer = { canceled: false, filePath: join(out(), 'x.csv') }
    ;(await import('node:fs')).mkdirSync(out())
    const first = call('start', { filter: {} })
    await new Promise((r) => setImmediate(r))
    expect(await call('start', { filter: {} })).toEqual({ state: 'busy' })
    await call('cancel')
    expect(await first).toEqual({ state: 'cancelled' })
    expect(existsSync(out()) && filesIn(out())).toEqual([])
  })

  it('refuses a frame that is not the app page, and an invalid filter, without a dialog', async () => {
    const { call, asked } = setup(() => ({ canceled: false, filePath: join(dir.path, 'x.csv') }))
    await expect(call('start', { filter: {} }, 'https://evil.example/')).rejects.toBeInstanceOf(UntrustedSenderError)
    await expect(call('cancel', undefined, null)).rejects.toBeInstanceOf(UntrustedSenderError)
    expect(await call('start', { filter: { sync: 'nonsense' } })).toEqual({ state: 'failed', message: 'The export filter is not valid.' })
    expect(asked).toEqual([])
  })

  it('a write failure is reported as failed with its code, never as done', async () => {
    await seed(2)
    const { call, warnings } = setup(() => ({ canceled: false, filePath: join(dir.path, 'no-such-folder', 'x.csv') }))
    expect(await call('start', { filter: {} })).toEqual({ state: 'failed', message: 'ENOENT' })
    expect(warnings).toHaveLength(1)
  })
})
