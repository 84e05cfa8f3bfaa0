import type { Writable } from 'node:stream'
import { formatMinor } from '../../../src-shared/money'
import type { SqliteDatabase } from '../db/native-sqlite'
import { OrderQuery, type ExportRow, type OrderFilter } from './order-query'

export const CSV_COLUMNS = [
  'order_id',
  'created_at',
  'customer',
  'currency',
  'item',
  'quantity',
  'unit_price',
  'line_total',
  'order_total',
  'state',
  'sync_state',
  'note',
] as const

/**
 * Orders read per query. Small on purpose: what one chunk allocates must die
 * young. At 1,000 the rows and lines outlived V8's minor GCs and the heap grew
 * by ~50 MB over a million-order export; at 200 it grows by ~30 MB, at the
 * same speed (the keyset seek per query is a few microseconds).
 */
export const EXPORT_CHUNK = 200
const CHUNK = EXPORT_CHUNK

/**
 * Text the writable may hold unwritten before the export waits for it: the
 * file write of one chunk overlaps the reading of the next, within a bound.
 */
const MAX_BUFFERED = 256 * 1024
/** The longest the export keeps the thread without giving the event loop a turn. */
const YIELD_EVERY_MS = 15

export interface ExportProgress {
  orders: number
  rows: number
}

/** RFC 4180: quote a field that holds a comma, quote or line break; double the quotes. */
export function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value
}

/** Thousandths as an exact decimal ("1.5"). */
function formatMilli(milli: number): string {
  const s = String(Math.abs(milli)).padStart(4, '0')
  const frac = s.slice(-3).replace(/0+$/, '')
  return `${milli < 0 ? '-' : ''}${s.slice(0, -3)}${frac ? '.' + frac : ''}`
}

interface StoredItem {
  name?: unknown
  quantity?: unknown
  quantityMilli?: unknown
  unitPriceMinor?: unknown
  lineTotalMinor?: unknown
}

const QUOTE_NEEDED = /[",\r\n]/

/**
 * Appends one CSV line per line item of `row` to `out` and returns how many.
 * Written for the million-order export: one pass, template strings, no
 * intermediate arrays; the order's head and tail are built once per order.
 */
function appendLines(out: string[], row: ExportRow): number {
  const [id, createdAt, customer, currency, itemsJson, totalMinor, cancelled, sync, note] = row
  const items = JSON.parse(itemsJson) as StoredItem[]
  const head = `${QUOTE_NEEDED.test(id) ? csvField(id) : id},${createdAt},${QUOTE_NEEDED.test(customer) ? csvField(customer) : customer},${currency}`
  const tail = `${formatMinor(totalMinor, currency)},${cancelled ? 'cancelled' : 'open'},${sync},${note === null ? '' : csvField(note)}\r\n`
  for (const it of items) {
    const price = typeof it.unitPriceMinor === 'number' ? it.unitPriceMinor : 0
    let qty: string
    let line: number
    if (typeof it.quantityMilli === 'number') {
      qty = formatMilli(it.quantityMilli)
      line = typeof it.lineTotalMinor === 'number' ? it.lineTotalMinor : Math.round((it.quantityMilli * price) / 1000)
    } else {
      const q = typeof it.quantity === 'number' ? it.quantity : 0
      qty = String(q)
      line = typeof it.lineTotalMinor === 'number' ? it.lineTotalMinor : q * price
    }
    out.push(`${head},${csvField(String(it.name ?? ''))},${qty},${formatMinor(price, currency)},${formatMinor(line, currency)},${tail}`)
  }
  return items.length
}

export class ExportCancelled extends Error {
  constructor() {
    super('The export was cancelled.')
  }
}

/**
 * Streams the orders matching `filter` as CSV (UTF-8 with a BOM, so Excel
 * reads accents and Chinese), one row per line item, newest first. Reads by
 * keyset chunks and lets at most MAX_BUFFERED wait in the writable, so memory
 * stays flat whatever the history size. Cancelling stops at the next chunk and rejects
 * with ExportCancelled; the caller decides what to do with the partial file.
 */
export async function exportCsv(
  db: SqliteDatabase,
  filter: OrderFilter,
  writable: Writable,
  onProgress: (p: ExportProgress) => void = () => undefined,
  signal?: AbortSignal,
): Promise<ExportProgress> {
  const query = new OrderQuery(db)
  const progress: ExportProgress = { orders: 0, rows: 0 }
  // Held for the whole export: an error between two waits (a full disk) is
  // reported by the next write instead of crashing as an unhandled 'error'.
  let failure: Error | null = null
  const onError = (err: Error) => (failure ??= err)
  writable.on('error', onError)
  let lastYield = performance.now()
  const write = async (text: string) => {
    if (failure) throw failure
    if (writable.destroyed) throw writable.errored ?? new ExportCancelled()
    if (writable.write(text) || writable.writableLength < MAX_BUFFERED) {
      // A writable that never pushes back must not turn the export into one
      // long synchronous run: the app (and its Cancel) gets the thread regularly.
      if (performance.now() - lastYield > YIELD_EVERY_MS) {
        await new Promise<void>((resolve) => setImmediate(resolve))
        lastYield = performance.now()
      }
      return
    }
    await new Promise<void>((resolve, reject) => {
      const settle = () => {
        writable.off('drain', drained)
        writable.off('error', failed)
        writable.off('close', closed)
        signal?.removeEventListener('abort', aborted)
      }
      // A reader that stopped reading (a paused download) must not hold a Cancel up.
      const aborted = () => {
        settle()
        reject(new ExportCancelled())
      }
      const drained = () => {
        settle()
        resolve()
      }
      // A full disk is an error to report; the reader going away (a closed download) is a cancel.
      const failed = (err: Error) => {
        settle()
        reject(err)
      }
      const closed = () => {
        settle()
        reject(failure ?? writable.errored ?? new ExportCancelled())
      }
      writable.on('drain', drained)
      writable.on('error', failed)
      writable.on('close', closed)
      signal?.addEventListener('abort', aborted, { once: true })
    })
    lastYield = performance.now()
  }
  try {
    await write('\uFEFF' + CSV_COLUMNS.join(',') + '\r\n')
    let after: { createdAt: string; id: string } | null = null
    const lines: string[] = []
    for (;;) {
      if (signal?.aborted) throw new ExportCancelled()
      const rows = query.exportRows(filter, after, CHUNK)
      if (rows.length === 0) break
      for (const r of rows) progress.rows += appendLines(lines, r)
      progress.orders += rows.length
      const last = rows[rows.length - 1] as ExportRow
      after = { createdAt: last[1], id: last[0] }
      await write(lines.join(''))
      lines.length = 0
      onProgress({ ...progress })
      if (rows.length < CHUNK) break
    }
    if (failure) throw failure
    return progress
  } finally {
    writable.off('error', onError)
  }
}

/** "outpost-orders-2026-12-02.csv": the day as the user's clock reads it, for the save dialog and the download. */
export function exportFileName(now: Date = new Date()): string {
  const pad = (n: number) => String(n).padStart(2, '0')
  return `outpost-orders-${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}.csv`
}
