import { useMemo, useRef, useState, type ReactElement } from 'react'
import { csvExporter, type CsvExportRun } from '../bridge/csv-export'
import { useT } from '../i18n/use-t'
import { useOrders } from '../stores/orders-store'

type State =
  | { kind: 'idle' }
  | { kind: 'running'; orders: number }
  | { kind: 'saved'; fileName: string | null }
  | { kind: 'failed' }
  | { kind: 'cancelled' }

/**
 * Export CSV of what the list shows (search, filters, date range). In
 * Electron main asks where to save and writes the file; in the browser host
 * the browser downloads it. Either way main streams it, never this page, and
 * the same progress (orders so far) and Cancel show here.
 */
export function ExportButton(): ReactElement | null {
  const t = useT()
  const [state, setState] = useState<State>({ kind: 'idle' })
  const run = useRef<CsvExportRun | null>(null)
  const start = useMemo(() => (typeof window === 'undefined' ? null : csvExporter(window.outpost)), [])
  if (start === null) return null

  async function exportNow(): Promise<void> {
    if (start === null || run.current) return
    setState({ kind: 'running', orders: 0 })
    const r = start(useOrders.getState().filter, (p) => setState({ kind: 'running', orders: p.orders }))
    run.current = r
    const end = await r.done
    run.current = null
    if (end.kind === 'done') setState({ kind: 'saved', fileName: end.fileName })
    else if (end.kind === 'dismissed') setState({ kind: 'idle' })
    else setState({ kind: end.kind })
  }

  return (
    <span className="export-csv">
      {state.kind === 'running' ? (
        <>
          <span className="muted" data-testid="export-progress" role="status">
            {t('find.exporting', { orders: state.orders })}
          </span>
          <button type="button" data-testid="export-cancel" onClick={() => run.current?.cancel()}>
            {t('find.exportCancel')}
          </button>
        </>
      ) : (
        <button type="button" data-testid="export-csv" onClick={() => void exportNow()}>
          {t('find.export')}
        </button>
      )}
      {state.kind === 'failed' ? (
        <span className="error-text" role="alert">
          {t('find.exportFailed')}
        </span>
      ) : null}
      {state.kind === 'cancelled' ? <span className="muted">{t('find.exportCancelled')}</span> : null}
      {state.kind === 'saved' && state.fileName !== null ? (
        <span className="muted" role="status">
          {t('find.exportSaved', { file: state.fileName })}
        </span>
      ) : null}
    </span>
  )
}
