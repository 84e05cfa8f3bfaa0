import { useCallback, useEffect, useRef, useState, type KeyboardEvent, type ReactElement } from 'react'
import { useNow } from '../hooks/use-now'
import { useT } from '../i18n/use-t'
import { useStatus } from '../stores/status-store'
import { hostStoppedLabel, statusLabel, syncKindText } from '../sync/status-label'
import { Icon, syncKindIcon } from './icons'
import { SyncDetails } from './sync-details'

/**
 * The header's one-line sync state. The outer element is the live region;
 * the button inside opens the details. Icon, text and colour all change with
 * the state.
 *
 * What is announced is a visually hidden, kind-level text ("Offline"), which
 * is also the button's name: it changes only when the state does. The visible
 * line, with its counts and countdown, is hidden from assistive technology
 * (it would re-announce every tick); its steady form (counts, no countdown)
 * is the button's description, read on focus.
 */
export function SyncIndicator(): ReactElement {
  const t = useT()
  const status = useStatus((s) => s.status)
  const skewMs = useStatus((s) => s.skewMs)
  const hostStopped = useStatus((s) => s.hostStopped)
  // Ticks so "retrying in 30 s" counts down; the text changes only in 5 s steps.
  const now = useNow(1000) + skewMs
  const [open, setOpen] = useState(false)
  const areaRef = useRef<HTMLDivElement>(null)
  const buttonRef = useRef<HTMLButtonElement>(null)

  const label = hostStopped ? hostStoppedLabel(t) : status ? statusLabel(status, now, t) : null
  const steady = hostStopped ? label : status ? statusLabel(status, now, t, { steady: true }) : null
  const announced = syncKindText(label?.kind ?? null, t)
  const close = useCallback((returnFocus: boolean) => {
    setOpen(false)
    if (returnFocus) buttonRef.current?.focus()
  }, [])

  // A click outside closes the popover without stealing focus from what was clicked.
  useEffect(() => {
    if (!open) return
    const onPointer = (e: PointerEvent) => {
      if (e.target instanceof Node && areaRef.current?.contains(e.target)) return
      close(false)
    }
    document.addEventListener('pointerdown', onPointer)
    return () => document.removeEventListener('pointerdown', onPointer)
  }, [open, close])

  // Enter/Space on the region itself (when something focused it directly) acts like the button.
  const onRegionKey = (e: KeyboardEvent<HTMLDivElement>) => {
    if (e.target !== e.currentTarget || (e.key !== 'Enter' && e.key !== ' ')) return
    e.preventDefault()
    setOpen((o) => !o)
  }

  return (
    <div className="sync-area" ref={areaRef}>
      <div
        data-testid="sync-indicator"
        role="status"
        aria-live="polite"
        tabIndex={-1}
        className={`sync-indicator tone-${label?.kind ?? 'loading'}`}
        data-kind={label?.kind}
        data-connectivity={status?.connectivity}
        data-pending={status?.counts.pending}
        data-phase={status?.phase}
        data-api={status?.api}
        onKeyDown={onRegionKey}
      >
        <button
          ref={buttonRef}
          type="button"
          className="sync-indicator-button"
          aria-expanded={open}
          aria-haspopup="dialog"
          aria-controls={open ? 'sync-details' : undefined}
          aria-describedby={steady ? 'sync-indicator-summary' : undefined}
          onClick={() => setOpen((o) => !o)}
          disabled={!status && !hostStopped}
        >
          {label ? <Icon name={syncKindIcon[label.kind]} className={label.kind === 'syncing' ? 'spin' : undefined} /> : null}
          <span className="visually-hidden" data-testid="sync-announcement">
            {announced}
          </span>
          <span className="sync-text" aria-hidden="true">
            {label ? label.text : t('sync.loading')}
          </span>
        </button>
      </div>
      {/* Outside the live region: a description that changes is not announced. */}
      <span id="sync-indicator-summary" hidden>
        {steady?.text}
      </span>
      {open && label ? <SyncDetails status={status} kind={label.kind} now={now} onClose={close} /> : null}
    </div>
  )
}
