import type { ReactElement } from 'react'
import type { OrderVersionView } from '../../../src-shared/contract'
import { formatDateTime } from '../format/time'
import { useLocale, useT } from '../i18n/use-t'

/** The detail's list of versions: what changed, when, and whether the server has it. */
export function OrderVersionList({ versions }: { versions: readonly OrderVersionView[] }): ReactElement {
  const t = useT()
  const locale = useLocale()
  return (
    <ol className="version-list">
      {versions.map((v) => (
        <li key={`${v.version}-${v.at}`} data-testid="order-version" data-version={v.version} data-kind={v.kind} data-delivery={v.delivery}>
          <span className="version-kind">{t(`version.${v.kind}`, { version: v.version })}</span>
          {' · '}
          <time dateTime={v.at}>{formatDateTime(v.at, locale)}</time>
          {' · '}
          <span className={`version-delivery delivery-${v.delivery}`}>{t(`versionDelivery.${v.delivery}`)}</span>
        </li>
      ))}
    </ol>
  )
}
