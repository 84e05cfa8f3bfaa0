import { CJK_RANGES } from '../db/migrations/007-cjk-search'
import type { SqliteDatabase } from '../db/native-sqlite'

/** The list's filters. `from` is inclusive and `to` exclusive, both ISO instants (the renderer knows the user's day). */
export interface OrderFilter {
  q?: string | undefined
  sync?: FacetSync | undefined
  cancelled?: 'any' | 'open' | 'cancelled' | undefined
  from?: string | undefined
  to?: string | undefined
}
export type FacetSync = 'waiting' | 'sent' | 'attention' | 'discarded'
export interface Cursor {
  createdAt: string
  id: string
}

/** Above this a filtered count says "10,000+": counting further would read the whole range. */
export const COUNT_CAP = 10_000

export interface OrderRowFull {
  id: string
  customer: string
  note: string | null
  currency: string
  items: string
  total_minor: number
  created_at: string
  sync: FacetSync
  cancelled: number
}

/** id, created_at, customer, currency, items (JSON), total_minor, cancelled (0/1), sync, note. */
export type ExportRow = [string, string, string, string, string, number, number, FacetSync, string | null]

const CJK_CHAR = new RegExp(`([${CJK_RANGES.map(([a, b]) => `\\u{${a.toString(16)}}-\\u{${b.toString(16)}}`).join('')}])`, 'gu')

/**
 * Turns what a person typed into an FTS5 query: every word is a quoted
 * prefix term, all must match. Quoting makes FTS syntax characters literal,
 * so no input can be a query syntax error. A word with CJK characters is
 * split as the index splits it (migration 007: one token per character), and
 * the quotes make it a phrase, so "小明" finds "王小明" and "明4" "王小明 4001".
 */
export function toMatchQuery(q: string): string | null {
  const words = q
    .normalize('NFC')
    .split(/[\s\p{P}\p{S}]+/u)
    .filter((w) => w.length > 0)
    .slice(0, 16)
  if (words.length === 0) return null
  return words.map((w) => `"${w.replace(CJK_CHAR, ' $1 ').replace(/ +/g, ' ').trim().replaceAll('"', '""')}"*`).join(' ')
}

interface Where {
  sql: string[]
  params: Record<string, string | number>
  match: string | null
}

function where(filter: OrderFilter): Where {
  const sql: string[] = []
  const params: Record<string, string | number> = {}
  const match = filter.q ? toMatchQuery(filter.q) : null
  if (match) {
    sql.push('orders_fts MATCH @match')
    params.match = match
  }
  if (filter.sync) {
    sql.push('f.sync = @sync')
    params.sync = filter.sync
  }
  if (filter.cancelled === 'open') sql.push('f.cancelled = 0')
  if (filter.cancelled === 'cancelled') sql.push('f.cancelled = 1')
  if (filter.from) {
    sql.push('f.created_at >= @from')
    params.from = filter.from
  }
  if (filter.to) {
    sql.push('f.created_at < @to')
    params.to = filter.to
  }
  return { sql, params, match }
}

const FROM = (w: Where) => (w.match ? 'orders_fts JOIN order_facets f ON f.doc = orders_fts.rowid' : 'order_facets f')

/**
 * Search, filter and page the orders, newest first, by keyset
 * (created_at, id): each page costs an index seek, wherever it is in the list.
 */
export class OrderQuery {
  private readonly cache = new Map<string, ReturnType<SqliteDatabase['prepare']>>()
  private readonly counter
  private readonly todayStmt
  private readonly customersStmt
  private readonly itemsStmt
  private readonly itemsStmt2

  constructor(private readonly db: SqliteDatabase) {
    this.counter = db.prepare('SELECT n FROM order_counters WHERE key = ?').pluck()
    this.todayStmt = db.prepare(
      `SELECT o.currency AS currency, count(*) AS n, sum(o.total_minor) AS total,
              sum(f.sync = 'waiting') AS waiting, sum(f.sync = 'attention') AS attention
       FROM order_facets f INDEXED BY order_facets_newest JOIN orders o ON o.id = f.order_id
       WHERE f.created_at >= ? AND f.created_at < ? AND f.cancelled = 0
       GROUP BY o.currency ORDER BY o.currency`,
    )
    this.itemsStmt2 = db.prepare('SELECT id, items FROM orders WHERE id IN (SELECT value FROM json_each(?))')
    this.customersStmt = db.prepare(
      `SELECT name FROM customer_names WHERE name >= @p AND name < @p || char(1114111) ORDER BY uses DESC, name LIMIT @limit`,
    )
    this.itemsStmt = db.prepare(
      `SELECT name, unit_price_minor AS unitPriceMinor, currency FROM item_names
       WHERE name >= @p AND name < @p || char(1114111) ORDER BY last_used DESC, name LIMIT @limit`,
    )
  }

  private stmt(sql: string) {
    let s = this.cache.get(sql)
    if (!s) {
      s = this.db.prepare(sql)
      if (this.cache.size > 64) this.cache.clear()
      this.cache.set(sql, s)
    }
    return s
  }

  /**
   * Order ids of one page. A search walks the text index newest-recorded
   * first (`doc` grows as orders are recorded), so it stops after one page
   * instead of sorting every match.
   */
  pageIds(filter: OrderFilter, after: Cursor | null, limit: number): string[] {
    const k = keyset(filter, after, limit)
    const sql = `SELECT f.order_id FROM ${k.from} ${k.where} ORDER BY ${k.order} LIMIT @limit`
    return this.stmt(sql).pluck().all(k.params) as string[]
  }

  /**
   * A jump to page N whose predecessor is not loaded (a scrollbar drag): skips
   * along the covering facet index only, then the page is read by id.
   */
  pageIdsAt(filter: OrderFilter, offset: number, limit: number): string[] {
    const w = where(filter)
    const sql = `SELECT f.order_id FROM ${FROM(w)} ${w.sql.length ? 'WHERE ' + w.sql.join(' AND ') : ''}
      ORDER BY f.created_at DESC, f.order_id DESC LIMIT @limit OFFSET @offset`
    return this.stmt(sql).pluck().all({ ...w.params, limit, offset }) as string[]
  }

  /** "2 × Croissant, Tea +1" parts for each order of a page, from one query. */
  itemsOf(ids: readonly string[]): Map<string, { name: string; quantity: number }[]> {
    const rows = this.itemsStmt2.all(JSON.stringify(ids)) as { id: string; items: string }[]
    const out = new Map<string, { name: string; quantity: number }[]>()
    for (const r of rows) {
      const items = JSON.parse(r.items) as { name?: unknown; quantity?: unknown; quantityMilli?: unknown }[]
      out.set(
        r.id,
        items.map((it) => ({
          name: String(it.name ?? ''),
          quantity: typeof it.quantityMilli === 'number' ? it.quantityMilli / 1000 : typeof it.quantity === 'number' ? it.quantity : 0,
        })),
      )
    }
    return out
  }

  /** Full rows of one page, for the export: one query, no per-order lookups; the same order as pageIds. */
  pageRows(filter: OrderFilter, after: Cursor | null, limit: number): OrderRowFull[] {
    const k = keyset(filter, after, limit)
    const sql = `SELECT o.id, o.customer, o.note, o.currency, o.items, o.total_minor, o.created_at, f.sync, f.cancelled
      FROM ${k.from} JOIN orders o ON o.id = f.order_id ${k.where} ORDER BY ${k.order} LIMIT @limit`
    return this.stmt(sql).all(k.params) as OrderRowFull[]
  }

  /**
   * The export's page: the same rows as pageRows, as arrays in ExportRow's
   * order. Arrays, not objects: walking a million orders took ~5.6 s with a
   * keyed object per row and ~3.7 s with arrays.
   */
  exportRows(filter: OrderFilter, after: Cursor | null, limit: number): ExportRow[] {
    const k = keyset(filter, after, limit)
    const sql = `SELECT o.id, o.created_at, o.customer, o.currency, o.items, o.total_minor, f.cancelled, f.sync, o.note
      FROM ${k.from} JOIN orders o ON o.id = f.order_id ${k.where} ORDER BY ${k.order} LIMIT @limit`
    return this.stmt(sql).raw(true).all(k.params) as ExportRow[]
  }

  /** Every order: a maintained counter, O(1). */
  total(): number {
    return (this.counter.get('all') as number | undefined) ?? 0
  }

  /**
   * How many match. A filter a counter answers is O(1); anything else is
   * counted over its index range, but never past COUNT_CAP.
   */
  count(filter: OrderFilter): { n: number; capped: boolean } {
    const noRange = !filter.q?.trim() && !filter.from && !filter.to
    const cancelled = filter.cancelled ?? 'any'
    if (noRange && !filter.sync) {
      if (cancelled === 'any') return { n: this.total(), capped: false }
      const c = (this.counter.get('cancelled') as number | undefined) ?? 0
      return { n: cancelled === 'cancelled' ? c : this.total() - c, capped: false }
    }
    if (noRange && filter.sync && cancelled === 'any') {
      return { n: (this.counter.get(`sync:${filter.sync}`) as number | undefined) ?? 0, capped: false }
    }
    const w = where(filter)
    if (filter.q?.trim() && !w.match) return { n: 0, capped: false }
    // Text alone is counted in the FTS doclists, without touching the facets.
    const from = w.match && w.sql.length === 1 ? 'orders_fts' : FROM(w)
    const sql = `SELECT count(*) FROM (SELECT 1 FROM ${from} ${w.sql.length ? 'WHERE ' + w.sql.join(' AND ') : ''} LIMIT ${COUNT_CAP + 1})`
    const n = this.stmt(sql).pluck().get(w.params) as number
    return n > COUNT_CAP ? { n: COUNT_CAP, capped: true } : { n, capped: false }
  }

  /** One day (or any range) at a glance: an index range over that day's orders only. */
  summary(from: string, to: string): DaySummary {
    const rows = this.todayStmt.all(from, to) as { currency: string; n: number; total: number; waiting: number; attention: number }[]
    return {
      from,
      to,
      count: rows.reduce((s, r) => s + r.n, 0),
      waiting: rows.reduce((s, r) => s + r.waiting, 0),
      attention: rows.reduce((s, r) => s + r.attention, 0),
      totals: rows.map((r) => ({ currency: r.currency, totalMinor: r.total, count: r.n })),
    }
  }

  customers(prefix: string, limit = 8): string[] {
    const p = prefix.trim()
    if (p === '') return []
    return this.customersStmt.pluck().all({ p, limit }) as string[]
  }

  items(prefix: string, limit = 8): { name: string; unitPriceMinor: number | null; currency: string }[] {
    const p = prefix.trim()
    if (p === '') return []
    return this.itemsStmt.all({ p, limit }) as { name: string; unitPriceMinor: number | null; currency: string }[]
  }
}

export interface DaySummary {
  from: string
  to: string
  count: number
  waiting: number
  attention: number
  totals: { currency: string; totalMinor: number; count: number }[]
}

/**
 * The one keyset rule for a page after `after`: by the text index's recording
 * order for a search (so it can stop after one page), otherwise by
 * (created_at, id) newest first. The list and the export both page with it.
 */
function keyset(filter: OrderFilter, after: Cursor | null, limit: number) {
  const w = where(filter)
  const conds = [...w.sql]
  const params: Record<string, string | number> = { ...w.params, limit }
  if (after && w.match) {
    conds.push('orders_fts.rowid < (SELECT doc FROM order_facets WHERE order_id = @afterId)')
    params.afterId = after.id
  } else if (after) {
    conds.push('(f.created_at, f.order_id) < (@afterAt, @afterId)')
    params.afterAt = after.createdAt
    params.afterId = after.id
  }
  return {
    from: FROM(w),
    where: conds.length ? 'WHERE ' + conds.join(' AND ') : '',
    order: w.match ? 'orders_fts.rowid DESC' : 'f.created_at DESC, f.order_id DESC',
    params,
  }
}
