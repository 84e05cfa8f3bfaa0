import type { Writable } from 'node:stream'
import { minorDigits } from '../../../src-shared/money'
import type { SqliteDatabase } from '../db/native-sqlite'
import { OrderQuery, type OrderFilter, type OrderRowFull } from './order-query'

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

/** Orders read per query: small enough to stay in the page cache, large enough to amortise the seek. */
export const EXPORT_CHUNK = 1000
const CHUNK = EXPORT_CHUNK

export interface ExportProgress {
  orders: number
  rows: number
}

/** RFC 4180: quote a field that holds a comma, quote or line break; double the quotes. */
export function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value
}

/** Integer minor units as a decimal string in the currency's ISO digits, without floating point. */
export function formatMinor(minor: number, currency: string): string {
  const digits = minorDigits(currency)
  if (digits === 0) return String(minor)
  const neg = minor < 0
  const s = String(Math.abs(minor)).padStart(digits + 1, '0')
  return `${neg ? '-' : ''}${s.slice(0, -digits)}.${s.slice(-digits)}`
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

function lines(row: OrderRowFull): string[] {
  const items = JSON.parse(row.items) as StoredItem[]
  const head = `${csvField(row.id)},${row.created_at},${csvField(row.customer)},${row.currency}`
  const tail = [
    formatMinor(row.total_minor, row.currency),
    row.cancelled ? 'cancelled' : 'open',
    row.sync,
    csvField(row.note ?? ''),
  ].join(',')
  return items.map((it) => {
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
    return `${head},${csvField(String(it.name ?? ''))},${qty},${formatMinor(price, row.currency)},${formatMinor(line, row.currency)},${tail}`
  })
}

export class ExportCancelled extends Error {
  constructor() {
    super('The export was cancelled.')
  }
}

/**
 * Streams the orders matching `filter` as CSV (UTF-8 with a BOM, so Excel
 * reads accents and Chinese), one row per line item, newest first. Reads by
 * keyset chunks and waits for the writable to drain, so memory stays flat
 * whatever the history size. Cancelling stops at the next chunk and rejects
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
  const write = async (text: string) => {
    if (!writable.write(text)) {
      await new Promise<void>((resolve, reject) => {
        const done = () => {
          writable.off('drain', done)
          writable.off('close', closed)
          resolve()
        }
        const closed = () => {
          writable.off('drain', done)
          reject(new ExportCancelled())
        }
        writable.on('drain', done)
        writable.once('close', closed)
      })
    }
  }
  await write('\uFEFF' + CSV_COLUMNS.join(',') + '\r\n')
  let after: { createdAt: string; id: string } | null = null
  for (;;) {
    if (signal?.aborted) throw new ExportCancelled()
    const rows = query.pageRows(filter, after, CHUNK)
    if (rows.length === 0) break
    let chunk = ''
    for (const r of rows) {
      for (const l of lines(r)) {
        chunk += l + '\r\n'
        progress.rows++
      }
    }
    progress.orders += rows.length
    await write(chunk)
    onProgress({ ...progress })
    const last = rows[rows.length - 1] as OrderRowFull
    after = { createdAt: last.created_at, id: last.id }
    if (rows.length < CHUNK) break
  }
  return progress
}
