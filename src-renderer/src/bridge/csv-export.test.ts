import { describe, expect, it } from 'vitest'
import type { ExportProgressView, OutpostApi } from '../../../src-shared/contract'
import { csvExporter } from './csv-export'

/** No page here: a document without the browser host's session meta. */
const noSession = { querySelector: () => null } as unknown as Document

/** Electron's window.outpost export part, driven by the test: what main would answer. */
function electronApi(answer: () => Promise<unknown>) {
  const listeners = new Set<(p: ExportProgressView) => void>()
  let cancels = 0
  const api = {
    exportCsvToFile: () => answer(),
    cancelExport: () => {
      cancels++
      return Promise.resolve()
    },
    onExportProgress: (l: (p: ExportProgressView) => void) => {
      listeners.add(l)
      return () => listeners.delete(l)
    },
  } as unknown as OutpostApi
  return { api, listeners, cancels: () => cancels, emit: (p: unknown) => listeners.forEach((l) => l(p as ExportProgressView)) }
}

describe('csvExporter in Electron', () => {
  it('runs through the preload, passes progress on and maps what main answers', async () => {
    let resolve: (v: unknown) => void = () => undefined
    const e = electronApi(() => new Promise((r) => (resolve = r)))
    const start = csvExporter(e.api, noSession)
    expect(start).not.toBeNull()
    const seen: ExportProgressView[] = []
    const run = start!({ q: 'tea' }, (p) => seen.push(p))
    e.emit({ orders: 200, rows: 400 })
    e.emit({ orders: 'not a number' })
    run.cancel()
    expect(e.cancels()).toBe(1)
    resolve({ state: 'done', orders: 200, rows: 400, fileName: 'outpost-orders-2026-12-02.csv' })
    expect(await run.done).toEqual({ kind: 'done', fileName: 'outpost-orders-2026-12-02.csv' })
    // Progress validated (the malformed one dropped), and the listener gone once it ended.
    expect(seen).toEqual([{ orders: 200, rows: 400 }])
    expect(e.listeners.size).toBe(0)
  })

  it.each([
    [{ state: 'cancelled' }, { kind: 'cancelled' }],
    [{ state: 'dismissed' }, { kind: 'dismissed' }],
    [{ state: 'busy' }, { kind: 'failed' }],
    [{ state: 'failed', message: 'ENOSPC' }, { kind: 'failed' }],
    [{ state: 'done' }, { kind: 'failed' }], // malformed: no counts, no name
    ['garbage', { kind: 'failed' }],
  ])('main answers %j → %j', async (answer, end) => {
    const start = csvExporter(electronApi(() => Promise.resolve(answer)).api, noSession)
    expect(await start!({}, () => undefined).done).toEqual(end)
  })

  it('a preload that throws is a failed export, not a crash', async () => {
    const start = csvExporter(electronApi(() => Promise.reject(new Error('IPC gone'))).api, noSession)
    expect(await start!({}, () => undefined).done).toEqual({ kind: 'failed' })
  })

  it('neither Electron nor a browser host page: no exporter (the button is not shown)', () => {
    expect(csvExporter(undefined, noSession)).toBeNull()
    expect(csvExporter({ host: 'web' } as unknown as OutpostApi, noSession)).toBeNull()
  })
})
