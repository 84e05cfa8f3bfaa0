import { useEffect, useRef, type KeyboardEvent, type ReactElement, type ReactNode } from 'react'
import type { SyncStatus } from '../../../src-shared/contract'
import { formatCount } from '../format/count'
import { formatAgo, formatDuration, msUntil } from '../format/duration'
import { formatDateTime } from '../format/time'
import { translateMessage, type MessageKey } from '../i18n/translate'
import { useLocale, useT } from '../i18n/use-t'
import { adviceKey, type SyncKind } from '../sync/status-label'
import { syncErrorMessage, syncErrorShowsStatus } from '../sync/sync-error'

const apiKeys: Record<SyncStatus['api'], MessageKey> = {
  reachable: 'api.reachable',
  unreachable: 'api.unreachable',
  'server-error': 'api.serverError',
  unauthorized: 'api.unauthorized',
  'not-configured': 'api.notConfigured',
}
const phaseKeys: Record<SyncStatus['phase'], MessageKey> = {
  idle: 'phase.idle',
  syncing: 'phase.syncing',
  'backing-off': 'phase.backingOff',
  paused: 'phase.paused',
}

/**
 * The popover behind the indicator. Non-modal: focus moves into it on open,
 * Escape or the close button return focus to the indicator.
 */
export function SyncDetails(props: {
  /** Null when the host stopped before any status arrived. */
  status: SyncStatus | null
  kind: SyncKind
  now: number
  onClose: (returnFocus: boolean) => void
}): ReactElement {
  const { status, kind, now, onClose } = props
  const t = useT()
  const locale = useLocale()
  const ref = useRef<HTMLDivElement>(null)

  useEffect(() => {
    ref.current?.focus()
  }, [])

  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    if (e.key !== 'Escape') return
    // Handled here: a view behind (order detail) must not also go back.
    e.preventDefault()
    e.stopPropagation()
    onClose(true)
  }

  const when = (iso: string | null, none: MessageKey): ReactNode => {
    const ms = msUntil(iso, now)
    if (iso === null || ms === null) return t(none)
    const relative = ms > 0 ? t('time.in', { time: formatDuration(ms, t) }) : formatAgo(-ms, t)
    return (
      <>
        {relative} <span className="muted">({formatDateTime(iso, locale)})</span>
      </>
    )
  }

  return (
    <div
      ref={ref}
      id="sync-details"
      className="popover"
      role="dialog"
      aria-labelledby="sync-details-title"
      data-testid="sync-details"
      tabIndex={-1}
      onKeyDown={onKeyDown}
    >
      <div className="popover-head">
        <h2 id="sync-details-title">{t('details.title')}</h2>
        <button type="button" className="ghost" onClick={() => onClose(true)}>
          {t('details.close')}
        </button>
      </div>
      <p className="sync-advice" data-testid="sync-advice" data-kind={kind}>
        {t(adviceKey(kind, status))}
      </p>
      {status && kind !== 'host-stopped' ? <StatusFacts status={status} when={when} /> : null}
    </div>
  )
}

function StatusFacts({ status, when }: { status: SyncStatus; when: (iso: string | null, none: MessageKey) => ReactNode }): ReactElement {
  const t = useT()
  const locale = useLocale()
  const err = status.lastError
  return (
    <>
      <dl className="details">
        <dt>{t('details.connection')}</dt>
        <dd>{t(`connectivity.${status.connectivity}`)}</dd>
        <dt>{t('details.server')}</dt>
        <dd>{t(apiKeys[status.api])}</dd>
        <dt>{t('details.phase')}</dt>
        <dd>{t(phaseKeys[status.phase])}</dd>
        <dt>{t('details.lastError')}</dt>
        <dd data-testid="sync-last-error">
          {err ? (
            <>
              <span className="error-text" data-testid="sync-last-error-text" data-code={err.code}>
                {translateMessage(t, syncErrorMessage(err))}
              </span>
              {err.httpStatus !== null && !syncErrorShowsStatus(err) ? (
                <span className="muted">
                  {' '}
                  · {t('details.httpStatus')} {err.httpStatus}
                </span>
              ) : null}
              <br />
              {/* The server's (or the network's) own words, for whoever has to fix it. */}
              <span className="muted error-detail" data-testid="sync-last-error-detail">
                {err.message}
              </span>
              <br />
              <span className="muted">{when(err.at, 'details.none')}</span>
            </>
          ) : (
            t('details.none')
          )}
        </dd>
        <dt>{t('details.nextRetry')}</dt>
        <dd>{when(status.nextRetryAt, 'details.none')}</dd>
        <dt>{t('details.oldestPending')}</dt>
        <dd>{when(status.oldestPendingAt, 'details.none')}</dd>
        <dt>{t('details.lastSuccess')}</dt>
        <dd>{when(status.lastSuccessAt, 'details.never')}</dd>
      </dl>
      <dl className="details counts">
        <div>
          <dt>{t('details.pending')}</dt>
          <dd>{formatCount(status.counts.pending, locale)}</dd>
        </div>
        <div>
          <dt>{t('details.sending')}</dt>
          <dd>{formatCount(status.counts.sending, locale)}</dd>
        </div>
        <div>
          <dt>{t('details.dead')}</dt>
          <dd>{formatCount(status.counts.dead, locale)}</dd>
        </div>
        <div>
          <dt>{t('details.sentToday')}</dt>
          <dd>{formatCount(status.counts.sentToday, locale)}</dd>
        </div>
      </dl>
    </>
  )
}
