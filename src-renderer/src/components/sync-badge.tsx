import type { ReactElement } from 'react'
import type { OrderSummary } from '../../../src-shared/contract'
import { formatClock, formatDateTime } from '../format/time'
import type { Translate } from '../i18n/translate'
import { useLocale, useT } from '../i18n/use-t'
import { Icon, type IconName } from './icons'

type BadgeTone = 'waiting' | 'synced' | 'failed' | 'discarded'

export function syncBadgeText(
  order: Pick<OrderSummary, 'syncState' | 'syncedAt' | 'syncError' | 'discarded'>,
  t: Translate,
  locale: string,
): { tone: BadgeTone; icon: IconName; text: string } {
  // Its own words: the header counts these apart, so the two never disagree.
  if (order.discarded) return { tone: 'discarded', icon: 'ban', text: t('row.discarded') }
  switch (order.syncState) {
    case 'pending':
      return { tone: 'waiting', icon: 'clock', text: t('row.waiting') }
    case 'synced':
      return {
        tone: 'synced',
        icon: 'check',
        text: order.syncedAt ? t('row.synced', { time: formatClock(order.syncedAt, locale) }) : t('outbox.sent'),
      }
    case 'failed':
      return {
        tone: 'failed',
        icon: 'warning',
        text: order.syncError ? t('row.failed', { reason: order.syncError }) : t('row.failedNoReason'),
      }
  }
}

/** Icon + words + colour for an order's sync state. */
export function SyncBadge({ order }: { order: OrderSummary }): ReactElement {
  const t = useT()
  const locale = useLocale()
  const { tone, icon, text } = syncBadgeText(order, t, locale)
  const title = order.syncState === 'synced' && order.syncedAt ? formatDateTime(order.syncedAt, locale) : text
  return (
    <span className={`sync-badge badge-${tone}`} title={title}>
      <Icon name={icon} />
      <span className="sync-badge-text">{text}</span>
    </span>
  )
}
