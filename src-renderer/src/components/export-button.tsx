import { useRef, useState, type ReactElement } from 'react'
import { readSessionSecret } from '../bridge/http-bridge'
import { useLocale, useT } from '../i18n/use-t'
import { useOrders } from '../stores/orders-store'

/** Must match EXPORT_PATH in src-main/web/export-route.ts. */
const EXPORT_PATH = '/api/export.csv'
const SESSION_HEADER = 'x-outpost-session'

type State = { kind: 'idle' } | { kind: 'running'; bytes: number } | { kind: 'failed' } | { kind: 'cancelled' }

/**
 * Export CSV of what the list shows (search, filters, date range), in the
 * browser host. It fetches the streamed CSV with the session header, showing
 * how much has arrived and a Cancel (closing the request stops the export in
 * main), then hands the file over as a download. Electron has no such route.
 */
export function ExportButton(): ReactElement | null {
  const t = useT()
  const locale = useLocale()
  const [state, setState] = useState<State>({ kind: 'idle' })
  const abort = useRef<AbortController | null>(null)
  const secret = readSessionSecret()
  if (secret === null) return null

  async function run(): Promise<void> {
    const ac = new AbortController()
    abort.current = ac
    setState({ kind: 'running', bytes: 0 })
    const filter = useOrders.getState().filter
    try {
      const res = await fetch(`${EXPORT_PATH}?filter=${encodeURIComponent(JSON.stringify(filter))}`, {
        headers: { [SESSION_HEADER]: secret ?? '' },
        signal: ac.signal,
      })
      if (!res.ok || !res.body) throw new Error(`HTTP ${res.status}`)
      const name = /filename="([^"]+)"/.exec(res.headers.get('content-disposition') ?? '')?.[1] ?? 'outpost-orders.csv'
      const reader = res.body.getReader()
      const chunks: Uint8Array<ArrayBuffer>[] = []
      let bytes = 0
      for (;;) {
        const { done, value } = await reader.read()
        if (done) break
        chunks.push(value)
        bytes += value.byteLength
        setState({ kind: 'running', bytes })
      }
      const url = URL.createObjectURL(new Blob(chunks, { type: 'text/csv;charset=utf-8' }))
      const a = document.createElement('a')
      a.href = url
      a.download = name
      document.body.append(a)
      a.click()
      a.remove()
      // The download has taken its copy; give the memory back soon after.
      setTimeout(() => URL.revokeObjectURL(url), 10_000)
      setState({ kind: 'idle' })
    } catch {
      setState(ac.signal.aborted ? { kind: 'cancelled' } : { kind: 'failed' })
    } finally {
      abort.current = null
    }
  }

  return (
    <span className="export-csv">
      {state.kind === 'running' ? (
        <>
          <span className="muted" data-testid="export-progress" role="status">
            {t('find.exporting', { size: (state.bytes / 1024).toLocaleString(locale, { maximumFractionDigits: 0 }) })}
          </span>
          <button type="button" data-testid="export-cancel" onClick={() => abort.current?.abort()}>
            {t('find.exportCancel')}
          </button>
        </>
      ) : (
        <button type="button" data-testid="export-csv" onClick={() => void run()}>
          {t('find.export')}
        </button>
      )}
      {state.kind === 'failed' ? (
        <span className="error-text" role="alert">
          {t('find.exportFailed')}
        </span>
      ) : null}
      {state.kind === 'cancelled' ? <span className="muted">{t('find.exportCancelled')}</span> : null}
    </span>
  )
}
