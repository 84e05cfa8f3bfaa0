import { useEffect, useRef, type ReactElement } from 'react'
import { saveShortcutLabel } from '../hooks/save-shortcut'
import { useT } from '../i18n/use-t'
import { useStatus } from '../stores/status-store'
import { Icon } from './icons'

export function SyncNowButton(): ReactElement {
  const t = useT()
  const syncing = useStatus((s) => s.syncing)
  const syncNow = useStatus((s) => s.syncNow)
  const ref = useRef<HTMLButtonElement>(null)
  const hadFocus = useRef(false)

  // Disabling the focused button drops focus to <body>; give it back afterwards.
  useEffect(() => {
    if (syncing) {
      hadFocus.current = document.activeElement === ref.current
    } else if (hadFocus.current) {
      hadFocus.current = false
      if (document.activeElement === document.body || document.activeElement === null) ref.current?.focus()
    }
  }, [syncing])

  return (
    <button
      ref={ref}
      type="button"
      className="sync-now"
      data-testid="sync-now"
      aria-busy={syncing}
      disabled={syncing}
      aria-keyshortcuts="Control+S Meta+S"
      title={t('syncNow.hint', { shortcut: saveShortcutLabel() })}
      onClick={() => {
        hadFocus.current = document.activeElement === ref.current
        void syncNow()
      }}
    >
      {syncing ? <span className="spinner" aria-hidden="true" /> : <Icon name="sync" />}
      <span>{syncing ? t('syncNow.busy') : t('syncNow.label')}</span>
    </button>
  )
}
