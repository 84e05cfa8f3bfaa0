import type { SyncKind as StatusKind, SyncStatus } from '../../../src-shared/contract'
import { formatAgo, formatDuration, msUntil } from '../format/duration'
import type { MessageKey, Translate } from '../i18n/translate'

/**
 * What the indicator shows: the status model's kind (decided in main, in
 * core/sync/status-model.ts), or `host-stopped` when the renderer has lost
 * the process that would tell it (the browser host went away).
 */
export type SyncKind = StatusKind | 'host-stopped'

export interface StatusLabel {
  kind: SyncKind
  text: string
}

/**
 * The one-line sync state, worded for people. The kind comes from main; this
 * only words it, so the header cannot disagree with the status model. `now`
 * is the status clock (see status-store), so ages agree with what main
 * measured. `steady` leaves out what changes with the clock (countdowns,
 * "2 min ago"), for text that assistive technology may read again.
 */
export function statusLabel(status: SyncStatus, now: number, t: Translate, options: { steady?: boolean } = {}): StatusLabel {
  const { pending, dead, discarded } = status.counts
  const retry = (key: MessageKey, dueKey: MessageKey): string => {
    const wait = options.steady ? null : msUntil(status.nextRetryAt, now)
    return wait !== null && wait > 0 ? t(key, { time: formatDuration(wait, t) }) : t(dueKey)
  }
  const kind = status.kind
  switch (kind) {
    case 'not-configured':
      return { kind, text: t('sync.notConfigured', { count: pending }) }
    case 'paused':
      return { kind, text: t('sync.paused', { count: pending }) }
    case 'unauthorized':
      return { kind, text: t('sync.unauthorized') }
    case 'offline':
      return { kind, text: pending > 0 ? t('sync.offline', { count: pending }) : t('sync.offlineEmpty') }
    case 'syncing':
      return status.progress
        ? { kind, text: t('sync.syncing', { done: status.progress.done, total: status.progress.total }) }
        : { kind, text: t('sync.waiting', { count: pending }) }
    case 'unreachable':
      return { kind, text: retry('sync.unreachable', 'sync.unreachableNow') }
    case 'server-error':
      return { kind, text: retry('sync.serverError', 'sync.serverErrorNow') }
    case 'attention':
      return { kind, text: t('sync.attention', { count: dead }) }
    case 'waiting':
      return { kind, text: t('sync.waiting', { count: pending }) }
    case 'empty':
      return { kind, text: t('sync.empty') }
    case 'synced': {
      // Never "All synced" next to a row that says "Discarded, not sent".
      if (discarded > 0) return { kind, text: t('sync.syncedDiscarded', { count: discarded }) }
      const since = options.steady ? null : msUntil(status.lastSuccessAt, now)
      return { kind, text: since === null ? t('sync.allSynced') : t('sync.allSyncedAgo', { ago: formatAgo(-since, t) }) }
    }
  }
}

/** The label while the browser host is gone: the last status from it is no longer news. */
export function hostStoppedLabel(t: Translate): StatusLabel {
  return { kind: 'host-stopped', text: t('sync.hostStopped') }
}

const kindKeys: Record<SyncKind, MessageKey> = {
  'not-configured': 'syncKind.notConfigured',
  paused: 'syncKind.paused',
  unauthorized: 'syncKind.unauthorized',
  offline: 'syncKind.offline',
  syncing: 'syncKind.syncing',
  unreachable: 'syncKind.unreachable',
  'server-error': 'syncKind.serverError',
  attention: 'syncKind.attention',
  synced: 'syncKind.synced',
  waiting: 'syncKind.waiting',
  empty: 'syncKind.empty',
  'host-stopped': 'syncKind.hostStopped',
}

/** One line of advice per kind, for the details: what it means and what to do. */
export function adviceKey(kind: SyncKind, status: SyncStatus | null): MessageKey {
  const keys: Record<SyncKind, MessageKey> = {
    'not-configured': 'advice.notConfigured',
    paused: 'advice.paused',
    unauthorized: 'advice.unauthorized',
    offline: 'advice.offline',
    syncing: 'advice.syncing',
    unreachable: 'advice.unreachable',
    'server-error': 'advice.serverError',
    attention: 'advice.attention',
    synced: status && status.counts.discarded > 0 ? 'advice.syncedDiscarded' : 'advice.synced',
    waiting: 'advice.waiting',
    empty: 'advice.empty',
    'host-stopped': 'advice.hostStopped',
  }
  return keys[kind]
}

/**
 * What the indicator's live region announces: one text per kind, with no
 * counts, progress or countdown, so a screen reader hears the state change
 * once rather than every tick.
 */
export function syncKindText(kind: SyncKind | null, t: Translate): string {
  return kind === null ? t('sync.loading') : t(kindKeys[kind])
}
