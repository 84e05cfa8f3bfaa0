import type { ReactElement } from 'react'
import { useT } from '../i18n/use-t'
import { useUi, type ToastTone } from '../stores/ui-store'
import { Icon, type IconName } from './icons'

const toneIcon: Record<ToastTone, IconName> = { info: 'clock', success: 'check', warning: 'warning', error: 'warning' }

export function Toasts(): ReactElement {
  const t = useT()
  const toasts = useUi((s) => s.toasts)
  const dismiss = useUi((s) => s.dismissToast)
  return (
    <section className="toasts" aria-label={t('toast.region')}>
      {toasts.map((toast) => (
        <div key={toast.id} className={`toast tone-${toast.tone}`} data-testid="toast" role="status">
          <Icon name={toneIcon[toast.tone]} />
          <span className="toast-text">{t(toast.message.key, toast.message.params)}</span>
          <button type="button" className="ghost toast-close" aria-label={t('toast.dismiss')} onClick={() => dismiss(toast.id)}>
            <span aria-hidden="true">×</span>
          </button>
        </div>
      ))}
    </section>
  )
}
