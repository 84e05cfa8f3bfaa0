import { useEffect, useState, type ReactElement } from 'react'
import type { DaySummary } from '../../../src-shared/contract'
import { call, on } from '../api'
import { formatMoney } from '../format/money'
import { useLocale, useT } from '../i18n/use-t'

/** Today's orders at a glance: count, takings per currency, waiting and needing attention. */
export function TodaySummary(): ReactElement | null {
  const t = useT()
  const locale = useLocale()
  const [summary, setSummary] = useState<DaySummary | null>(null)
  useEffect(() => {
    let alive = true
    const load = () => {
      // The user's own day, from local midnight to the next.
      const from = new Date()
      from.setHours(0, 0, 0, 0)
      const to = new Date(from)
      to.setDate(to.getDate() + 1)
      void call('summarizeDay', { from: from.toISOString(), to: to.toISOString() }).then((r) => {
        if (alive && r.ok) setSummary(r.value)
      })
    }
    load()
    const off = on('ordersChanged', load)
    return () => {
      alive = false
      off()
    }
  }, [])
  if (!summary) return null
  return (
    <section className="today-summary" data-testid="today-summary" aria-label={t('find.today')}>
      <span>
        {t('find.today')}:{' '}
        <span data-testid="today-count" data-count={summary.count}>
          {t('find.todayOrders', { count: summary.count })}
        </span>
      </span>
      {summary.totals.map((x) => (
        <span key={x.currency} data-testid="today-total" data-currency={x.currency}>
          {formatMoney(x.totalMinor, x.currency, locale)}
        </span>
      ))}
      <span>{t('find.todayWaiting', { count: summary.waiting })}</span>
      <span>{t('find.todayAttention', { count: summary.attention })}</span>
    </section>
  )
}
