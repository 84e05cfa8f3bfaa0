import type { SyncStatus } from '../../../src-preload/contract'
import type { OutboxRepo } from '../outbox/outbox-repo'
import type { RelayConfig, RelaySnapshot } from './relay'

/**
 * The sync status the UI shows, derived from SQLite (counts, ages, last
 * success) and the relay's live state, so it is right after a restart too.
 */
export function computeStatus(outbox: OutboxRepo, relay: RelaySnapshot, config: RelayConfig, now: Date): SyncStatus {
  const counts = outbox.counts(now)
  const api: SyncStatus['api'] = !config.apiUrl
    ? 'not-configured'
    : relay.authPaused || relay.api === 'unauthorized'
      ? 'unauthorized'
      : relay.api === 'reachable'
        ? 'reachable'
        : 'unreachable'
  const connectivity: SyncStatus['connectivity'] = relay.osOnline === false
    ? 'offline'
    : relay.api === 'reachable' || relay.api === 'unauthorized' || relay.api === 'unreachable' || relay.api === 'server-error'
      ? 'online'
      : 'unknown'
  const phase: SyncStatus['phase'] =
    config.paused || relay.authPaused
      ? 'paused'
      : relay.sending > 0 || (relay.draining && counts.pending > 0)
        ? 'syncing'
        : counts.pending > 0 && (relay.nextRetryAt !== null || relay.probing)
          ? 'backing-off'
          : 'idle'
  return {
    connectivity,
    api,
    phase,
    userPaused: config.paused,
    counts: { pending: counts.pending, sending: relay.sending, dead: counts.dead, sentToday: counts.sentToday },
    progress: phase === 'syncing' && relay.progress && relay.progress.total > 0 ? relay.progress : null,
    lastSuccessAt: outbox.lastSentAt(),
    lastError: relay.lastError,
    nextRetryAt: relay.nextRetryAt === null ? null : new Date(relay.nextRetryAt).toISOString(),
    oldestPendingAt: outbox.oldestPendingAt(),
    at: now.toISOString(),
  }
}

/**
 * At most one emission per interval, always including the latest state: the
 * first change goes out at once, later ones within the window are folded into
 * one trailing emission.
 */
export class Throttle {
  private last = 0
  private timer: NodeJS.Timeout | null = null

  constructor(
    private readonly intervalMs: number,
    private readonly fire: () => void,
    private readonly now: () => number = Date.now,
  ) {}

  request(): void {
    if (this.timer) return
    const wait = this.last + this.intervalMs - this.now()
    if (wait <= 0) {
      this.last = this.now()
      this.fire()
      return
    }
    this.timer = setTimeout(() => {
      this.timer = null
      this.last = this.now()
      this.fire()
    }, wait)
    this.timer.unref?.()
  }

  cancel(): void {
    if (this.timer) clearTimeout(this.timer)
    this.timer = null
  }
}
