import type { ReactElement } from 'react'
import { SyncFilter, type OrderFilter } from '../../../src-shared/contract'
import { useT } from '../i18n/use-t'
import { useOrders } from '../stores/orders-store'

const SYNC_KEYS = { waiting: 'find.sync.waiting', sent: 'find.sync.sent', attention: 'find.sync.attention', discarded: 'find.sync.discarded' } as const

/** The sync-state filter, and the active filters as removable chips. */
export function FilterBar(): ReactElement {
  const t = useT()
  const filter = useOrders((s) => s.filter)
  const setFilter = useOrders((s) => s.setFilter)
  const without = (key: keyof OrderFilter): OrderFilter => {
    const next = { ...filter }
    delete next[key]
    return next
  }
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
      {filter.sync ? (
        <button type="button" className="chip" data-testid="filter-chip" aria-label={t('find.removeFilter', { name: t(SYNC_KEYS[filter.sync]) })} onClick={() => setFilter(without('sync'))}>
          {t(SYNC_KEYS[filter.sync])} ×
        </button>
      ) : null}
    </div>
  )
}
