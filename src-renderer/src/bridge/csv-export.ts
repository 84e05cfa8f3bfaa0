import { ExportOutcome, ExportProgressView, WebExportState, type OrderFilter, type OutpostApi } from '../../../src-shared/contract'
import { readSessionSecret } from './http-bridge'

/** Must match the paths in src-main/web/export-route.ts (its test drives them). */
const EXPORT_START_PATH = '/api/export/start'
const EXPORT_STATE_PATH = '/api/export/state'
const EXPORT_CANCEL_PATH = '/api/export/cancel'
const SESSION_HEADER = 'x-outpost-session'
const POLL_MS = 250

export type CsvExportEnd = { kind: 'done'; fileName: string | null } | { kind: 'cancelled' } | { kind: 'dismissed' } | { kind: 'failed' }

export interface CsvExportRun {
  done: Promise<CsvExportEnd>
  cancel(): void
}

/**
 * One way for the export button to run an export, whichever the host:
 * Electron's save dialog and file (window.outpost.exportCsvToFile), or the
 * browser host's streamed download. Null when neither is available.
 * Everything the host answers is parsed with the contract's schemas.
 */
export function csvExporter(api: OutpostApi | undefined, doc: Document = document): ((filter: OrderFilter, onProgress: (p: ExportProgressView) => void) => CsvExportRun) | null {
  if (api?.exportCsvToFile && api.cancelExport && api.onExportProgress) {
    const { exportCsvToFile, cancelExport, onExportProgress } = api
    return (filter, onProgress) => {
      const off = onExportProgress((raw) => {
        const p = ExportProgressView.safeParse(raw)
        if (p.success) onProgress(p.data)
      })
      const done = exportCsvToFile(filter)
        .then((raw): CsvExportEnd => {
          const o = ExportOutcome.safeParse(raw)
          if (!o.success) return { kind: 'failed' }
          if (o.data.state === 'done') return { kind: 'done', fileName: o.data.fileName }
          if (o.data.state === 'cancelled' || o.data.state === 'dismissed') return { kind: o.data.state }
          return { kind: 'failed' }
        })
        .catch((): CsvExportEnd => ({ kind: 'failed' }))
        .finally(off)
      return { done, cancel: () => void cancelExport().catch(() => undefined) }
    }
  }
  const secret = readSessionSecret(doc)
  if (secret === null) return null
  return (filter, onProgress) => webExport(doc, secret, filter, onProgress)
}

/**
 * The browser host: ask main for a one-time download link, let the browser
 * download it (the file never passes through this page), and poll main for
 * progress and the end. Cancel asks main to stop the stream.
 */
function webExport(doc: Document, secret: string, filter: OrderFilter, onProgress: (p: ExportProgressView) => void): CsvExportRun {
  const headers = { 'content-type': 'application/json', [SESSION_HEADER]: secret }
  let id: string | null = null
  let cancelled = false
  const post = (path: string, body: unknown) => fetch(path, { method: 'POST', headers, body: JSON.stringify(body) })
  const done = (async (): Promise<CsvExportEnd> => {
    try {
      const res = await post(EXPORT_START_PATH, { filter })
      if (!res.ok) return { kind: 'failed' }
      const started = (await res.json()) as { id?: unknown; url?: unknown }
      if (typeof started.id !== 'string' || typeof started.url !== 'string') return { kind: 'failed' }
      id = started.id
      if (cancelled) {
        await post(EXPORT_CANCEL_PATH, { id })
        return { kind: 'cancelled' }
      }
      const a = doc.createElement('a')
      a.href = started.url
      a.download = ''
      a.hidden = true
      doc.body.append(a)
      a.click()
      a.remove()
      for (;;) {
        await new Promise((r) => setTimeout(r, POLL_MS))
        const s = WebExportState.safeParse(await (await fetch(`${EXPORT_STATE_PATH}?id=${encodeURIComponent(id)}`, { headers })).json())
        if (!s.success) return { kind: 'failed' }
        onProgress({ orders: s.data.orders, rows: s.data.rows })
        if (s.data.state === 'done') return { kind: 'done', fileName: null }
        if (s.data.state === 'cancelled') return { kind: 'cancelled' }
        if (s.data.state === 'failed') return { kind: cancelled ? 'cancelled' : 'failed' }
      }
    } catch {
      return { kind: cancelled ? 'cancelled' : 'failed' }
    }
  })()
  return {
    done,
    cancel: () => {
      cancelled = true
      if (id !== null) void post(EXPORT_CANCEL_PATH, { id }).catch(() => undefined)
    },
  }
}
