import type { ReactElement } from 'react'
import { SyncFilter, type OrderFilter } from '../../../src-shared/contract'
import { dayEndIso, dayOfEnd, dayOfStart, dayStartIso, formatDay } from '../format/local-day'
import { useLocale, useT } from '../i18n/use-t'
import { useOrders } from '../stores/orders-store'

const SYNC_KEYS = { waiting: 'find.sync.waiting', sent: 'find.sync.sent', attention: 'find.sync.attention', discarded: 'find.sync.discarded' } as const
const CANCELLED_KEYS = { open: 'find.cancelled.open', cancelled: 'find.cancelled.cancelled' } as const

/** The sync-state, cancelled and date-range filters, and the active ones as removable chips. */
export function FilterBar(): ReactElement {
  const t = useT()
  const locale = useLocale()
  const filter = useOrders((s) => s.filter)
  const setFilter = useOrders((s) => s.setFilter)
  const without = (key: keyof OrderFilter): OrderFilter => {
    const next = { ...filter }
    delete next[key]
    return next
  }
  const fromDay = filter.from ? dayOfStart(filter.from) : ''
  const toDay = filter.to ? dayOfEnd(filter.to) : ''
  const cancelled = filter.cancelled === 'open' || filter.cancelled === 'cancelled' ? filter.cancelled : null
  const chips: { key: keyof OrderFilter; label: string }[] = []
  if (filter.sync) chips.push({ key: 'sync', label: t(SYNC_KEYS[filter.sync]) })
  if (cancelled) chips.push({ key: 'cancelled', label: t(CANCELLED_KEYS[cancelled]) })
  if (fromDay) chips.push({ key: 'from', label: t('find.fromChip', { date: formatDay(fromDay, locale) }) })
  if (toDay) chips.push({ key: 'to', label: t('find.toChip', { date: formatDay(toDay, locale) }) })

  return (
    <div className="filter-bar">
      <select
        data-testid="filter-sync-state"
        aria-label={t('find.syncFilter')}
        value={filter.sync ?? ''}
        onChange={(e) => {
          const v = SyncFilter.safeParse(e.target.value)
          setFilter(v.success ? { ...filter, sync: v.data } : without('sync'))
        }}
      >
        <option value="">{t('find.sync.any')}</option>
        {SyncFilter.options.map((s) => (
          <option key={s} value={s}>
            {t(SYNC_KEYS[s])}
          </option>
        ))}
      </select>
      <select
        data-testid="filter-cancelled"
        aria-label={t('find.cancelledFilter')}
        value={cancelled ?? ''}
        onChange={(e) => {
          const v = e.target.value
          setFilter(v === 'open' || v === 'cancelled' ? { ...filter, cancelled: v } : without('cancelled'))
        }}
      >
        <option value="">{t('find.cancelled.any')}</option>
        <option value="open">{t(CANCELLED_KEYS.open)}</option>
        <option value="cancelled">{t(CANCELLED_KEYS.cancelled)}</option>
      </select>
      <label className="date-filter">
        {t('find.from')}
        <input
          type="date"
          data-testid="filter-date-from"
          value={fromDay}
          max={toDay || undefined}
          onChange={(e) => {
            const iso = dayStartIso(e.target.value)
            setFilter(iso ? { ...filter, from: iso } : without('from'))
          }}
        />
      </label>
      <label className="date-filter">
        {t('find.to')}
        <input
          type="date"
          data-testid="filter-date-to"
          value={toDay}
          min={fromDay || undefined}
          onChange={(e) => {
            const iso = dayEndIso(e.target.value)
            setFilter(iso ? { ...filter, to: iso } : without('to'))
          }}
        />
      </label>
      {chips.map((c) => (
        <button
          key={c.key}
          type="button"
          className="chip"
          data-testid="filter-chip"
          data-filter={c.key}
          aria-label={t('find.removeFilter', { name: c.label })}
          onClick={() => setFilter(without(c.key))}
        >
          {c.label} ×
        </button>
      ))}
    </div>
  )
}
