import { randomBytes, timingSafeEqual } from 'node:crypto'
import type { IncomingMessage, ServerResponse } from 'node:http'
import { finished } from 'node:stream/promises'
import { OrderFilter, type WebExportState } from '../../src-shared/contract'
import type { Core } from '../core/core-types'
import { ExportCancelled, exportFileName } from '../core/orders/order-export'

/**
 * The CSV export in the browser host, as a real download: the browser writes
 * the file itself while main streams it, so the page never holds the CSV.
 *
 * 1. POST EXPORT_START_PATH {filter} (session header) → {id, url}: the filter
 *    is checked here, where an error can still be shown as words.
 * 2. The page points an `<a download>` at `url`: EXPORT_PATH?id=…&ticket=….
 *    A navigation cannot send the session header, and the session secret must
 *    not go in a download URL either: the browser keeps that URL in its
 *    download history on disk. The ticket is random, good for one download
 *    only, within TICKET_TTL_MS; once used it opens nothing.
 * 3. The page polls EXPORT_STATE_PATH?id=… for progress and the end, and
 *    POST EXPORT_CANCEL_PATH {id} stops the stream (the browser then shows
 *    the download as failed, and keeps no file).
 */
export const EXPORT_PATH = '/api/export.csv'
export const EXPORT_START_PATH = '/api/export/start'
export const EXPORT_STATE_PATH = '/api/export/state'
export const EXPORT_CANCEL_PATH = '/api/export/cancel'

export const TICKET_TTL_MS = 60_000
/** How long a finished export's state stays readable, and how many exports are kept at once. */
const KEEP_MS = 5 * 60_000
const MAX_KEPT = 32
const MAX_JSON_BYTES = 16 * 1024

interface Run extends WebExportState {
  ticket: Buffer | null
  filter: OrderFilter
  startedAt: number
  endedAt: number | null
  abort: AbortController
}

export class WebExports {
  private readonly runs = new Map<string, Run>()

  constructor(
    private readonly core: Pick<Core, 'exportCsv'>,
    private readonly now: () => number = Date.now,
  ) {}

  /** Whether this request is a download with a live ticket: the one /api/ request that needs no session header. */
  hasTicket(url: URL): boolean {
    if (url.pathname !== EXPORT_PATH) return false
    const run = this.runs.get(url.searchParams.get('id') ?? '')
    const given = Buffer.from(url.searchParams.get('ticket') ?? '')
    if (!run?.ticket || run.state !== 'waiting' || this.now() - run.startedAt > TICKET_TTL_MS) return false
    return given.length === run.ticket.length && timingSafeEqual(given, run.ticket)
  }

  /** Serves the export's routes; false when `url` is none of them. Auth (Host, Origin, session or ticket) is checked by the caller. */
  async handle(req: IncomingMessage, res: ServerResponse, url: URL): Promise<boolean> {
    if (req.method === 'POST' && url.pathname === EXPORT_START_PATH) {
      await this.start(req, res)
      return true
    }
    if (req.method === 'GET' && url.pathname === EXPORT_STATE_PATH) {
      const run = this.runs.get(url.searchParams.get('id') ?? '')
      if (!run) sendJson(res, 404, { error: 'No such export.' })
      else {
        this.expire(run)
        sendJson(res, 200, { state: run.state, orders: run.orders, rows: run.rows } satisfies WebExportState)
      }
      return true
    }
    if (req.method === 'POST' && url.pathname === EXPORT_CANCEL_PATH) {
      const body = await readJson(req)
      const run = this.runs.get(typeof body === 'object' && body !== null ? String((body as { id?: unknown }).id) : '')
      if (!run) {
        sendJson(res, 404, { error: 'No such export.' })
        return true
      }
      if (run.state === 'waiting') this.end(run, 'cancelled')
      run.abort.abort()
      sendJson(res, 200, { state: run.state })
      return true
    }
    if (req.method === 'GET' && url.pathname === EXPORT_PATH) {
      await this.download(url, res)
      return true
    }
    return false
  }

  private async start(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readJson(req)
    const filter = OrderFilter.safeParse(typeof body === 'object' && body !== null ? (body as { filter?: unknown }).filter ?? {} : undefined)
    if (!filter.success) {
      sendJson(res, 400, { ok: false, error: { code: 'invalid_value', message: 'The export filter is not valid.' } })
      return
    }
    this.prune()
    const id = randomBytes(12).toString('base64url')
    const ticket = randomBytes(24).toString('base64url')
    this.runs.set(id, {
      state: 'waiting',
      orders: 0,
      rows: 0,
      ticket: Buffer.from(ticket),
      filter: filter.data,
      startedAt: this.now(),
      endedAt: null,
      abort: new AbortController(),
    })
    sendJson(res, 200, { id, url: `${EXPORT_PATH}?id=${id}&ticket=${ticket}` })
  }

  private async download(url: URL, res: ServerResponse): Promise<void> {
    const run = this.runs.get(url.searchParams.get('id') ?? '')
    if (!run || run.state !== 'waiting') {
      sendJson(res, 410, { error: 'This download link has been used or has expired: export again.' })
      return
    }
    run.ticket = null
    run.state = 'running'
    const ac = run.abort
    res.on('close', () => {
      if (!res.writableFinished) ac.abort()
    })
    res.writeHead(200, {
      'Content-Type': 'text/csv; charset=utf-8',
      'Content-Disposition': `attachment; filename="${exportFileName(new Date(this.now()))}"`,
    })
    try {
      await this.core.exportCsv(run.filter, res, (p) => {
        run.orders = p.orders
        run.rows = p.rows
      }, ac.signal).then((p) => {
        run.orders = p.orders
        run.rows = p.rows
      })
      // finished() rejects when the browser went away before the last byte,
      // where res.end's callback would never run and the export would stay
      // "running" for the page polling it.
      if (res.destroyed) throw new ExportCancelled()
      res.end()
      await finished(res).catch(() => {
        throw new ExportCancelled()
      })
      this.end(run, 'done')
    } catch (err) {
      // Headers are out: a failure can only cut the download short, which the browser and the page both show.
      res.destroy()
      this.end(run, err instanceof ExportCancelled ? 'cancelled' : 'failed')
      if (!(err instanceof ExportCancelled)) throw err
    }
  }

  private end(run: Run, state: 'done' | 'cancelled' | 'failed'): void {
    run.state = state
    run.ticket = null
    run.endedAt = this.now()
  }

  /** A link never opened: its ticket lapses and the page hears that it failed. */
  private expire(run: Run): void {
    if (run.state === 'waiting' && this.now() - run.startedAt > TICKET_TTL_MS) this.end(run, 'failed')
  }

  private prune(): void {
    for (const [id, run] of this.runs) {
      this.expire(run)
      if (run.endedAt !== null && this.now() - run.endedAt > KEEP_MS) this.runs.delete(id)
    }
    // Oldest first (insertion order): bounded whatever a page does.
    for (const id of this.runs.keys()) {
      if (this.runs.size < MAX_KEPT) break
      const run = this.runs.get(id)
      run?.abort.abort()
      this.runs.delete(id)
    }
  }
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body)
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(text) })
  res.end(text)
}

/** A small JSON body, or undefined when it is not one (the callers answer 400/404). */
async function readJson(req: IncomingMessage): Promise<unknown> {
  if (!(req.headers['content-type'] ?? '').startsWith('application/json')) return undefined
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length
    if (size > MAX_JSON_BYTES) return undefined
    chunks.push(chunk)
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown
  } catch {
    return undefined
  }
}
