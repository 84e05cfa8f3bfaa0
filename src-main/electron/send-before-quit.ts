/**
 * "Send now and quit": ask the core to sync, then watch its status until
 * nothing is waiting, sending cannot happen at all (no server, paused, token
 * refused), or the time limit passes. Orders that did not make it stay in the
 * outbox and go next time: this only decides how long quitting waits.
 */
import type { SyncStatus } from '../../src-shared/contract'
import type { Core } from '../core/core-types'
import { waitingCount } from './desktop-integration'

export const SEND_BEFORE_QUIT_LIMIT_MS = 10_000

export type SendBeforeQuitCore = Pick<Core, 'status' | 'on'> & { handlers: Pick<Core['handlers'], 'syncNow'> }

export interface SendProgress {
  sent: number
  total: number
}

export type SendBeforeQuitOutcome =
  | { kind: 'sent'; remaining: 0 }
  | { kind: 'timed-out'; remaining: number }
  /** Sending cannot happen now, so waiting would only delay the quit. */
  | { kind: 'stopped'; remaining: number; reason: string }

/** syncNow outcomes after which waiting cannot help; anything else (offline, partial) may still clear within the limit. */
const HOPELESS = new Set(['not-configured', 'paused', 'unauthorized'])

export function sendBeforeQuit(
  core: SendBeforeQuitCore,
  options: { timeoutMs?: number; onProgress?: (progress: SendProgress) => void } = {},
): Promise<SendBeforeQuitOutcome> {
  const timeoutMs = options.timeoutMs ?? SEND_BEFORE_QUIT_LIMIT_MS
  let total = waitingCount(core.status())
  if (total === 0) return Promise.resolve({ kind: 'sent', remaining: 0 })

  return new Promise((resolve) => {
    let done = false
    const finish = (outcome: SendBeforeQuitOutcome) => {
      if (done) return
      done = true
      clearTimeout(timer)
      off()
      resolve(outcome)
    }
    const onStatus = (status: SyncStatus) => {
      const remaining = waitingCount(status)
      // Orders saved meanwhile extend the total, so "sent" never passes it.
      total = Math.max(total, remaining)
      options.onProgress?.({ sent: total - remaining, total })
      if (remaining === 0) finish({ kind: 'sent', remaining: 0 })
    }
    const off = core.on('status', onStatus)
    const timer = setTimeout(() => finish({ kind: 'timed-out', remaining: waitingCount(core.status()) }), timeoutMs)
    options.onProgress?.({ sent: 0, total })
    core.handlers.syncNow(undefined).then(
      (result) => {
        const status = core.status()
        const remaining = waitingCount(status)
        if (remaining === 0) onStatus(status)
        else if (!result.ok) finish({ kind: 'stopped', remaining, reason: result.error.code })
        else if (HOPELESS.has(result.value.outcome)) finish({ kind: 'stopped', remaining, reason: result.value.outcome })
      },
      (err: unknown) => finish({ kind: 'stopped', remaining: waitingCount(core.status()), reason: String(err) }),
    )
  })
}
