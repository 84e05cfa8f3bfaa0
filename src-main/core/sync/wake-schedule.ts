/**
 * "What wakes the relay next" in one place: every timer the relay arms goes
 * through here, keyed by why it wakes, so the status can say when the next
 * attempt is and a test can check that one is scheduled at all.
 */

/** The longest wait any relay timer is given: a day. */
export const MAX_WAIT_MS = 24 * 3_600_000
/** setTimeout's own limit: a larger delay fires after 1 ms (and warns), which would be a hot loop. */
const SET_TIMEOUT_MAX_MS = 2 ** 31 - 1

/** Every delay that reaches a timer or a deadline passes through this: finite, ≥ 0, ≤ 24 h. */
export function clampDelay(ms: number): number {
  if (!Number.isFinite(ms)) return ms > 0 ? MAX_WAIT_MS : 0
  return Math.min(MAX_WAIT_MS, SET_TIMEOUT_MAX_MS, Math.max(0, Math.round(ms)))
}

export type WakeReason = 'kick' | 'due' | 'probe' | 'lease'

interface Wake {
  at: number
  timer: NodeJS.Timeout
}

export class WakeSchedule {
  private readonly wakes = new Map<WakeReason, Wake>()
  private closed = false

  constructor(private readonly now: () => number) {}

  /** Arm (or re-arm) the wake-up for `reason`; the previous one for that reason is dropped. */
  set(reason: WakeReason, delayMs: number, fire: () => void): void {
    this.clear(reason)
    if (this.closed) return
    const delay = clampDelay(delayMs)
    const timer = setTimeout(() => {
      if (this.wakes.get(reason)?.timer !== timer) return
      this.wakes.delete(reason)
      fire()
    }, delay)
    timer.unref?.()
    this.wakes.set(reason, { at: this.now() + delay, timer })
  }

  has(reason: WakeReason): boolean {
    return this.wakes.has(reason)
  }

  at(reason: WakeReason): number | null {
    return this.wakes.get(reason)?.at ?? null
  }

  clear(reason: WakeReason): void {
    const w = this.wakes.get(reason)
    if (w) clearTimeout(w.timer)
    this.wakes.delete(reason)
  }

  /** The earliest wake-up among `reasons` (all by default). */
  next(reasons: readonly WakeReason[] = ['kick', 'due', 'probe', 'lease']): { reason: WakeReason; at: number } | null {
    let best: { reason: WakeReason; at: number } | null = null
    for (const r of reasons) {
      const w = this.wakes.get(r)
      if (w && (best === null || w.at < best.at)) best = { reason: r, at: w.at }
    }
    return best
  }

  /** Stop for good (shutdown): nothing fires, nothing can be armed again. */
  close(): void {
    this.closed = true
    for (const r of this.wakes.keys()) this.clear(r)
  }
}
