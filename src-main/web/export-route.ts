import type { IncomingMessage, ServerResponse } from 'node:http'
import { OrderFilter } from '../../src-shared/contract'
import type { Core } from '../core/core-types'
import { ExportCancelled } from '../core/orders/order-export'

export const EXPORT_PATH = '/api/export.csv'

/**
 * GET /api/export.csv?filter=<json>: the CSV export as a streamed download.
 * The caller (web-host.ts) has already checked Host, Origin and the session
 * secret. Closing the connection (the page's Cancel) stops the export.
 */
export async function serveExport(core: Core, url: URL, _req: IncomingMessage, res: ServerResponse): Promise<void> {
  let raw: unknown
  try {
    raw = JSON.parse(url.searchParams.get('filter') ?? '{}') as unknown
  } catch {
    raw = undefined
  }
  const filter = OrderFilter.safeParse(raw)
  if (!filter.success) {
    const text = JSON.stringify({ ok: false, error: { code: 'invalid_value', message: 'The export filter is not valid.' } })
    res.writeHead(400, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(text) })
    res.end(text)
    return
  }
  const ac = new AbortController()
  res.on('close', () => {
    if (!res.writableFinished) ac.abort()
  })
  const day = new Date().toISOString().slice(0, 10)
  res.writeHead(200, {
    'Content-Type': 'text/csv; charset=utf-8',
    'Content-Disposition': `attachment; filename="outpost-orders-${day}.csv"`,
  })
  try {
    await core.exportCsv(filter.data, res, undefined, ac.signal)
    res.end()
  } catch (err) {
    // Headers are out: a failure can only cut the download short, which the page reports.
    res.destroy()
    if (!(err instanceof ExportCancelled)) throw err
  }
}
