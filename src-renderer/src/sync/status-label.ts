import type { SyncStatus } from '../../../src-preload/contract'
import { formatAgo, formatDuration, msUntil } from '../format/duration'
import type { MessageKey, Translate } from '../i18n/translate'

/** Which state the indicator is in; the component picks icon and colour from it. */
export type SyncKind =
  | 'not-configured'
  | 'paused'
  | 'unauthorized'
  | 'offline'
  | 'syncing'
  | 'unreachable'
  | 'attention'
  | 'synced'
  | 'waiting'

export interface StatusLabel {
  kind: SyncKind
  text: string
}

/**
 * The one-line sync state, worded for people. The order matters: a cause the
 * user must act on (no API, paused, bad token) outranks a transient one
 * (offline, unreachable), which outranks counts. `now` is the status clock
 * (see status-store), so ages agree with what main measured. `steady` leaves
 * out what changes with the clock (countdowns, "2 min ago"), for text that
 * assistive technology may read again.
 */
export function statusLabel(status: SyncStatus, now: number, t: Translate, options: { steady?: boolean } = {}): StatusLabel {
  const { pending, dead } = status.counts
  if (status.api === 'not-configured') return { kind: 'not-configured', text: t('sync.notConfigured', { count: pending }) }
  if (status.userPaused) return { kind: 'paused', text: t('sync.paused', { count: pending }) }
  if (status.api === 'unauthorized') return { kind: 'unauthorized', text: t('sync.unauthorized') }
  if (status.connectivity === 'offline') {
    return { kind: 'offline', text: pending > 0 ? t('sync.offline', { count: pending }) : t('sync.offlineEmpty') }
  }
  if (status.phase === 'syncing' && status.progress) {
    return { kind: 'syncing', text: t('sync.syncing', { done: status.progress.done, total: status.progress.total }) }
  }
  if (status.api === 'unreachable') {
    const wait = options.steady ? null : msUntil(status.nextRetryAt, now)
    const text =
      wait !== null && wait > 0 ? t('sync.unreachable', { time: formatDuration(wait, t) }) : t('sync.unreachableNow')
    return { kind: 'unreachable', text }
  }
  if (dead > 0) return { kind: 'attention', text: t('sync.attention', { count: dead }) }
  if (pending === 0) {
    const since = options.steady ? null : msUntil(status.lastSuccessAt, now)
    const text = since === null ? t('sync.allSynced') : t('sync.allSyncedAgo', { ago: formatAgo(-since, t) })
    return { kind: 'synced', text }
  }
  return { kind: 'waiting', text: t('sync.waiting', { count: pending }) }
}

/** The attribute value tests and styles key on: anything not known to be online counts as offline. */
export function connectivityAttr(status: SyncStatus): 'online' | 'offline' {
  return status.connectivity === 'online' ? 'online' : 'offline'
}

const kindKeys: Record<SyncKind, MessageKey> = {
  'not-configured': 'syncKind.notConfigured',
  paused: 'syncKind.paused',
  unauthorized: 'syncKind.unauthorized',
  offline: 'syncKind.offline',
  syncing: 'syncKind.syncing',
  unreachable: 'syncKind.unreachable',
  attention: 'syncKind.attention',
  synced: 'syncKind.synced',
  waiting: 'syncKind.waiting',
}

/**
 * What the indicator's live region announces: one text per kind, with no
 * counts, progress or countdown, so a screen reader hears the state change
 * once rather than every tick.
 */
export function syncKindText(kind: SyncKind | null, t: Translate): string {
  return kind === null ? t('sync.loading') : t(kindKeys[kind])
}
