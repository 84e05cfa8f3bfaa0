import type { SyncErrorCode, SyncKind, SyncStatus } from '../../../src-shared/contract'
import type { OutboxRepo } from '../outbox/outbox-repo'
import type { RelayConfig, RelaySnapshot } from './relay'

/**
 * What the status model needs from the relay (its live state; SQLite holds
 * the rest). Defined here so the model does not depend on the relay's other
 * fields. `osOnline` is the OS's own view (Electron `net.isOnline`, the web
 * host's interface check); null where the host cannot tell.
 */
export type StatusRelayInput = RelaySnapshot

/** The facts that decide the header's one state; everything else is detail. */
export interface KindFacts {
  configured: boolean
  userPaused: boolean
  unauthorized: boolean
  /** The OS says the device has no network (never guessed from a failed request). */
  osOffline: boolean
  api: SyncStatus['api'] | 'unknown'
  syncing: boolean
  pending: number
  dead: number
  hasOrders: boolean
}

/**
 * The header's state, as a ranked list of rules: the first that holds wins.
 * A cause the user must act on (paused, token, no server) outranks a
 * connection problem, which outranks activity, which outranks counts.
 * Policy as data: the table test in status-model.test.ts walks every row.
 */
export const kindRules: readonly { kind: SyncKind; when: (f: KindFacts) => boolean }[] = [
  { kind: 'paused', when: (f) => f.userPaused },
  { kind: 'unauthorized', when: (f) => f.unauthorized },
  { kind: 'not-configured', when: (f) => !f.configured },
  // The OS's word, and only while the server has not just answered us (a
  // server on this machine is reachable without any network).
  { kind: 'offline', when: (f) => f.osOffline && f.api !== 'reachable' && !f.syncing },
  { kind: 'syncing', when: (f) => f.syncing },
  { kind: 'unreachable', when: (f) => f.api === 'unreachable' },
  { kind: 'server-error', when: (f) => f.api === 'server-error' },
  { kind: 'attention', when: (f) => f.dead > 0 },
  { kind: 'waiting', when: (f) => f.pending > 0 },
  { kind: 'empty', when: (f) => !f.hasOrders },
  { kind: 'synced', when: () => true },
]

export function syncKind(facts: KindFacts): SyncKind {
  return kindRules.find((r) => r.when(facts))?.kind ?? 'synced'
}

/** Failures where the server answered, but not usefully: the server, not the network, is at fault. */
const SERVER_FAULTS: ReadonlySet<SyncErrorCode> = new Set(['server_error', 'health_failed', 'bad_response'])

/**
 * The API's state as the user should hear it. A health check or batch that
 * got an HTTP answer (5xx, garbage) is a server error, not "unreachable",
 * whichever way the relay filed it.
 */
function apiState(relay: StatusRelayInput, config: RelayConfig, pending: number): SyncStatus['api'] | 'unknown' {
  if (!config.apiUrl) return 'not-configured'
  if (relay.authPaused || relay.api === 'unauthorized') return 'unauthorized'
  if (relay.api === 'not-configured') return 'not-configured'
  const err = relay.lastError
  const serverFault = err !== null && SERVER_FAULTS.has(err.code) && (err.httpStatus !== null || err.code === 'bad_response')
  if (relay.api === 'server-error') return 'server-error'
  if (relay.api === 'unreachable') return serverFault ? 'server-error' : 'unreachable'
  if (relay.api === 'reachable' && pending > 0 && serverFault && relay.nextRetryAt !== null) return 'server-error'
  return relay.api
}

/**
 * "Sending N of M" that adds up: M is at least what was sent so far plus
 * what still waits, so orders created during a run extend it, and N never
 * passes M.
 */
export function runProgress(
  progress: StatusRelayInput['progress'],
  pending: number,
): { done: number; total: number } | null {
  if (!progress) return null
  const done = Math.max(0, progress.done)
  const total = Math.max(progress.total, done + pending)
  return total > 0 ? { done: Math.min(done, total), total } : null
}

/**
 * The sync status the UI shows, derived from SQLite (counts, ages, last
 * success) and the relay's live state, so it is right after a restart too.
 */
export function computeStatus(outbox: OutboxRepo, relay: StatusRelayInput, config: RelayConfig, now: Date): SyncStatus {
  const counts = outbox.counts(now)
  const presence = outbox.presence()
  const api = apiState(relay, config, counts.pending)
  const osOnline = relay.osOnline
  // The device's network: the OS's word, or, where it has none, "online" once
  // the server has answered at all. A failed request proves nothing either way.
  const answered = relay.api === 'reachable' || relay.api === 'unauthorized' || relay.api === 'server-error'
  const connectivity: SyncStatus['connectivity'] =
    osOnline === false ? 'offline' : osOnline === true || answered ? 'online' : 'unknown'
  const phase: SyncStatus['phase'] =
    config.paused || relay.authPaused
      ? 'paused'
      : relay.sending > 0 || (relay.draining && counts.pending > 0)
        ? 'syncing'
        : counts.pending > 0 && (relay.nextRetryAt !== null || relay.probing)
          ? 'backing-off'
          : 'idle'
  const progress = phase === 'syncing' ? runProgress(relay.progress, counts.pending) : null
  const kind = syncKind({
    configured: Boolean(config.apiUrl),
    userPaused: config.paused,
    unauthorized: api === 'unauthorized',
    osOffline: osOnline === false,
    api,
    syncing: progress !== null,
    pending: counts.pending,
    dead: counts.dead,
    hasOrders: presence.hasOrders,
  })
  return {
    kind,
    connectivity,
    // The contract has no "unknown": before the first answer the server is not known to be reachable.
    api: api === 'unknown' ? 'unreachable' : api,
    phase,
    userPaused: config.paused,
    counts: {
      pending: counts.pending,
      sending: relay.sending,
      dead: counts.dead,
      discarded: presence.discarded,
      sentToday: counts.sentToday,
    },
    progress,
    lastSuccessAt: outbox.lastSentAt(),
    lastError: relay.lastError,
    nextRetryAt: relay.nextRetryAt === null ? null : new Date(relay.nextRetryAt).toISOString(),
    oldestPendingAt: outbox.oldestPendingAt(),
    at: now.toISOString(),
  }
}
