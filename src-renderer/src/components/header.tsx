import type { ReactElement } from 'react'
import { formatCount } from '../format/count'
import { useLocale, useT } from '../i18n/use-t'
import { useStatus } from '../stores/status-store'
import { useUi, type MainView } from '../stores/ui-store'
import { SyncIndicator } from './sync-indicator'
import { SyncNowButton } from './sync-now-button'

export function Header(): ReactElement {
  const t = useT()
  const locale = useLocale()
  const view = useUi((s) => s.view)
  const navigate = useUi((s) => s.navigate)
  const dead = useStatus((s) => s.status?.counts.dead ?? 0)
  const current: MainView = view.name === 'order' ? view.back : view.name

  const navButton = (name: MainView, testId: string, label: string, badge?: ReactElement | null) => (
    <button
      type="button"
      className="nav-button"
      data-testid={testId}
      aria-current={current === name ? 'page' : undefined}
      onClick={() => navigate(name)}
    >
      <span>{label}</span>
      {badge}
    </button>
  )

  return (
    <header className="app-header">
      <div className="brand">
        <span className="brand-mark" aria-hidden="true" />
        <span>{t('app.name')}</span>
      </div>
      <nav className="nav" aria-label={t('app.mainNav')}>
        {navButton('orders', 'nav-orders', t('nav.orders'))}
        {navButton(
          'attention',
          'nav-attention',
          t('nav.attention'),
          dead > 0 ? (
            <span className="count-badge" data-testid="attention-badge" title={t('nav.attentionBadge', { count: dead })}>
              {formatCount(dead, locale)}
            </span>
          ) : null,
        )}
        {navButton('settings', 'nav-settings', t('nav.settings'))}
      </nav>
      <div className="sync-controls">
        <SyncIndicator />
        <SyncNowButton />
      </div>
    </header>
  )
}
