import type { OutboxRepo } from '../outbox/outbox-repo'
import type { RelayInspection } from './relay'

/**
 * The relay's liveness rule, checked from outside: whenever an event is
 * pending and sending is allowed, some wake-up is scheduled and the status
 * says when. Tests call it after every relay step (`onSettled`); it returns
 * what is wrong, empty when all holds.
 */
export function relayViolations(r: RelayInspection, outbox: OutboxRepo, now: number): string[] {
  const out: string[] = []
  const s = r.snapshot
  const nextDue = outbox.nextDueAt()
  if (s.progress && s.progress.done > s.progress.total) out.push(`progress ${s.progress.done} of ${s.progress.total}`)
  if (r.token && s.lastError?.message.includes(r.token)) out.push('lastError contains the token')
  const armed = [r.wakes.due, r.wakes.probe, r.wakes.lease].filter((x): x is number => x !== undefined)
  const expectedNext = armed.length > 0 ? Math.min(...armed) : null
  if (s.nextRetryAt !== expectedNext) out.push(`nextRetryAt ${s.nextRetryAt} but the earliest wake-up is ${expectedNext}`)
  if (r.waitingForProbe && r.sendingAllowed && r.wakes.probe === undefined) out.push('the API is down but no probe is scheduled')
  for (const [reason, at] of Object.entries(r.wakes)) {
    if (at - now > 24 * 3_600_000 + 1000) out.push(`${reason} wake-up more than a day away`)
  }
  if (r.sendingAllowed && !s.draining && nextDue !== null) {
    const anyWake = armed.length > 0 || r.wakes.kick !== undefined
    if (!anyWake) out.push(`an event is deliverable (due ${new Date(nextDue).toISOString()}) but nothing will wake the relay`)
    else if (!r.waitingForProbe && r.wakes.lease === undefined && r.wakes.kick === undefined) {
      // The wake-up must not come later than the event is due (5 ms of slack for the timer).
      const wake = Math.min(...armed)
      if (wake > Math.max(now, nextDue) + 50) out.push(`the next wake-up (${wake - now} ms) is later than the event is due (${nextDue - now} ms)`)
    }
  }
  return out
}
