import type { ReactElement } from 'react'
import type { SyncKind } from '../sync/status-label'

/**
 * Small stroke icons drawn inline (the CSP allows no external images). They
 * are decoration next to text, hidden from assistive tech.
 */
export type IconName =
  | 'check'
  | 'clock'
  | 'warning'
  | 'offline'
  | 'sync'
  | 'pause'
  | 'lock'
  | 'plug'
  | 'server-off'
  | 'ban'
  | 'server-alert'
  | 'inbox'
  | 'power'
  | 'copy'

const paths: Record<IconName, ReactElement> = {
  check: <polyline points="4 12.5 9.5 18 20 6.5" />,
  clock: (
    <>
      <circle cx="12" cy="12" r="9" />
      <polyline points="12 7 12 12 15.5 14" />
    </>
  ),
  warning: (
    <>
      <path d="M12 3.5 22 20.5H2z" />
      <line x1="12" y1="10" x2="12" y2="14.5" />
      <line x1="12" y1="17.5" x2="12" y2="17.6" />
    </>
  ),
  offline: (
    <>
      <path d="M2 8.5a15 15 0 0 1 6-3.2M12 5a15 15 0 0 1 10 3.5M5.5 12.2a10 10 0 0 1 4-2.1M15.5 10.5a10 10 0 0 1 3 1.7M9 15.6a5 5 0 0 1 6 0" />
      <line x1="12" y1="19.5" x2="12" y2="19.6" />
      <line x1="3" y1="3" x2="21" y2="21" />
    </>
  ),
  sync: (
    <>
      <path d="M20 12a8 8 0 0 1-14 5.3M4 12a8 8 0 0 1 14-5.3" />
      <polyline points="18.5 2.5 18.5 6.9 14 6.9" />
      <polyline points="5.5 21.5 5.5 17.1 10 17.1" />
    </>
  ),
  pause: (
    <>
      <line x1="9" y1="5" x2="9" y2="19" />
      <line x1="15" y1="5" x2="15" y2="19" />
    </>
  ),
  lock: (
    <>
      <rect x="5" y="11" width="14" height="10" rx="2" />
      <path d="M8 11V7.5a4 4 0 0 1 8 0V11" />
    </>
  ),
  plug: (
    <>
      <path d="M8 3v5M16 3v5M6 8h12v3a6 6 0 0 1-12 0zM12 17v4" />
    </>
  ),
  'server-off': (
    <>
      <rect x="3" y="4" width="18" height="7" rx="1.5" />
      <rect x="3" y="13" width="18" height="7" rx="1.5" />
      <line x1="7" y1="7.5" x2="7" y2="7.6" />
      <line x1="7" y1="16.5" x2="7" y2="16.6" />
      <line x1="2" y1="2" x2="22" y2="22" />
    </>
  ),
  ban: (
    <>
      <circle cx="12" cy="12" r="9" />
      <line x1="5.6" y1="5.6" x2="18.4" y2="18.4" />
    </>
  ),
  'server-alert': (
    <>
      <rect x="3" y="4" width="18" height="7" rx="1.5" />
      <rect x="3" y="13" width="11" height="7" rx="1.5" />
      <line x1="7" y1="7.5" x2="7" y2="7.6" />
      <line x1="19" y1="14" x2="19" y2="18" />
      <line x1="19" y1="21" x2="19" y2="21.1" />
    </>
  ),
  inbox: (
    <>
      <path d="M3 13h5l1.5 3h5L16 13h5" />
      <path d="M5.5 5h13L21 13v6H3v-6z" />
    </>
  ),
  power: (
    <>
      <path d="M7 6.5a8 8 0 1 0 10 0" />
      <line x1="12" y1="3" x2="12" y2="12" />
    </>
  ),
  copy: (
    <>
      <rect x="8" y="8" width="12" height="12" rx="2" />
      <path d="M16 8V5a1 1 0 0 0-1-1H5a1 1 0 0 0-1 1v10a1 1 0 0 0 1 1h3" />
    </>
  ),
}

export function Icon({ name, className }: { name: IconName; className?: string }): ReactElement {
  return (
    <svg
      className={className ? `icon ${className}` : 'icon'}
      viewBox="0 0 24 24"
      width="16"
      height="16"
      fill="none"
      stroke="currentColor"
      strokeWidth="2"
      strokeLinecap="round"
      strokeLinejoin="round"
      aria-hidden="true"
      focusable="false"
    >
      {paths[name]}
    </svg>
  )
}

/** Each sync state gets its own icon, so colour is never the only signal. */
export const syncKindIcon: Record<SyncKind, IconName> = {
  'not-configured': 'plug',
  paused: 'pause',
  unauthorized: 'lock',
  offline: 'offline',
  syncing: 'sync',
  unreachable: 'server-off',
  'server-error': 'server-alert',
  attention: 'warning',
  synced: 'check',
  waiting: 'clock',
  empty: 'inbox',
  'host-stopped': 'power',
}
