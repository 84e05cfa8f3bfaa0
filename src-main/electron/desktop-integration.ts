/**
 * Desktop integration decided from core status: the badge count, the tray
 * tooltip, and when to raise an OS notification. Pure logic; main.ts applies it.
 */
import { readFileSync } from 'node:fs'
import { writeFileAtomicSync } from '../core/util/atomic-write'
import type { SyncStatus } from '../../src-shared/contract'
import type { ShellStrings } from './shell-strings'

export const NOTIFY_STATE_FILE = 'notifications.json'
export const DAY_MS = 24 * 60 * 60 * 1000

/**
 * Orders not yet confirmed by the server. An event in flight is still
 * `pending` in the outbox (`counts.sending` is a subset of `counts.pending`),
 * so adding the two counted every in-flight order twice.
 */
export function waitingCount(status: Pick<SyncStatus, 'counts'>): number {
  return status.counts.pending
}

export function trayTooltip(status: Pick<SyncStatus, 'counts'>, strings: ShellStrings): string {
  const n = waitingCount(status)
  return n === 0 ? strings.trayAllSynced : strings.trayWaiting(n)
}

export interface Notice {
  kind: 'dead' | 'stale'
  title: string
  body: string
}

export interface NotifyState {
  /** When the "waiting more than a day" notice last went out (ms since epoch). */
  lastStaleNoticeAt: number | null
}

export interface NotifyStore {
  load(): NotifyState
  save(state: NotifyState): void
}

/** The small JSON file in the data folder that remembers the last stale notice across runs. */
export function fileNotifyStore(file: string): NotifyStore {
  return {
    load() {
      try {
        const raw = JSON.parse(readFileSync(file, 'utf8')) as { lastStaleNoticeAt?: unknown }
        const at = raw.lastStaleNoticeAt
        return { lastStaleNoticeAt: typeof at === 'number' && Number.isFinite(at) ? at : null }
      } catch {
        return { lastStaleNoticeAt: null }
      }
    },
    save(state) {
      try {
        writeFileAtomicSync(file, `${JSON.stringify(state)}\n`)
      } catch {
        // Losing this only means one extra notice.
      }
    },
  }
}

/**
 * Decides the notifications for each status update:
 * - "need attention" when the dead count rises (the first status is the
 *   baseline, so events that were already dead at start do not re-notify);
 * - "still waiting" when the oldest pending order is older than 24 h, at most
 *   once a day, remembered across restarts.
 */
export class NotificationPlanner {
  private lastDead: number | null = null
  private state: NotifyState

  constructor(
    private readonly store: NotifyStore,
    private readonly strings: () => ShellStrings,
  ) {
    this.state = store.load()
  }

  next(status: SyncStatus, now: number): Notice[] {
    const notices: Notice[] = []
    const s = this.strings()
    const dead = status.counts.dead
    if (this.lastDead !== null && dead > this.lastDead) {
      notices.push({ kind: 'dead', title: s.deadTitle, body: s.deadBody(dead - this.lastDead) })
    }
    this.lastDead = dead

    const oldest = status.oldestPendingAt ? Date.parse(status.oldestPendingAt) : Number.NaN
    const waiting = waitingCount(status)
    if (waiting > 0 && Number.isFinite(oldest) && now - oldest > DAY_MS) {
      const last = this.state.lastStaleNoticeAt
      if (last === null || now - last >= DAY_MS || last > now) {
        notices.push({ kind: 'stale', title: s.staleTitle, body: s.staleBody(waiting) })
        this.state = { lastStaleNoticeAt: now }
        this.store.save(this.state)
      }
    }
    return notices
  }
}
