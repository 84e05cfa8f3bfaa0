import { useEffect, useRef, useState, type ReactElement } from 'react'
import { translateMessage } from '../i18n/translate'
import { useT } from '../i18n/use-t'
import { useUi, type ToastTone } from '../stores/ui-store'
import { Icon, type IconName } from './icons'

const toneIcon: Record<ToastTone, IconName> = { info: 'clock', success: 'check', warning: 'warning', error: 'warning' }

/**
 * The notification area. It is always in the DOM, so screen readers know the
 * live region before anything is put in it: new toasts are announced
 * politely, errors at once (role="alert"). Toasts wait while the pointer is
 * over them or focus is in them.
 */
export function Toasts(): ReactElement {
  const t = useT()
  const toasts = useUi((s) => s.toasts)
  const dismiss = useUi((s) => s.dismissToast)
  const ref = useRef<HTMLElement>(null)
  const [hovered, setHovered] = useState(false)
  const [focused, setFocused] = useState(false)

  // A dismissed toast takes its focused close button with it, without a blur event.
  useEffect(() => {
    if (focused && !ref.current?.contains(document.activeElement)) setFocused(false)
  }, [toasts, focused])
  // Nothing left to hover over: the pointer cannot be on a toast.
  useEffect(() => {
    if (toasts.length === 0) setHovered(false)
  }, [toasts.length])

  const hold = hovered || focused
  useEffect(() => {
    const ui = useUi.getState()
    if (hold) ui.pauseToasts()
    else ui.resumeToasts()
  }, [hold])
  useEffect(() => () => useUi.getState().resumeToasts(), [])

  return (
    <section
      ref={ref}
      className="toasts"
      aria-label={t('toast.region')}
      aria-live="polite"
      aria-relevant="additions text"
      data-testid="toasts"
      onPointerEnter={() => setHovered(true)}
      onPointerLeave={() => setHovered(false)}
      onFocus={() => setFocused(true)}
      onBlur={(e) => {
        if (!(e.relatedTarget instanceof Node && e.currentTarget.contains(e.relatedTarget))) setFocused(false)
      }}
    >
      {toasts.map((toast) => (
        <div
          key={toast.id}
          className={`toast tone-${toast.tone}`}
          data-testid="toast"
          data-tone={toast.tone}
          role={toast.tone === 'error' ? 'alert' : undefined}
        >
          <Icon name={toneIcon[toast.tone]} />
          <span className="toast-text">{translateMessage(t, toast.message)}</span>
          {toast.action ? (
            <button
              type="button"
              className="secondary toast-action"
              data-testid={toast.action.testId}
              onClick={() => {
                dismiss(toast.id)
                toast.action?.run()
              }}
            >
              {translateMessage(t, toast.action.label)}
            </button>
          ) : null}
          <button type="button" className="ghost toast-close" aria-label={t('toast.dismiss')} onClick={() => dismiss(toast.id)}>
            <span aria-hidden="true">×</span>
          </button>
        </div>
      ))}
    </section>
  )
}
