/**
 * The delivery rules of docs/architecture.md as data: what an HTTP outcome
 * means for a batch, the API's health and the next wake-up. Pure: no timers,
 * no SQLite, no I/O, so every rule is one row of delivery-policy.test.ts.
 */
import type { SyncErrorCode } from '../../../src-shared/contract'
import { fullJitterDelay } from './backoff'
import { clampDelay } from './wake-schedule'

export type ApiHealth = 'unknown' | 'reachable' | 'unreachable' | 'server-error' | 'unauthorized' | 'not-configured'

/** What the client saw, reduced to what the rules look at. */
export type Observed =
  | { kind: 'results'; httpStatus: number }
  | { kind: 'protocol-violation'; httpStatus: number }
  | { kind: 'bad-body'; httpStatus: number }
  | { kind: 'network'; timedOut: boolean }
  | { kind: 'http'; httpStatus: number; batchSize: number }

export type Decision =
  /** Apply the per-event results (sent / dead / missing → retry). */
  | { action: 'apply-results'; api: 'reachable' }
  /** Every event of the batch goes back with a backoff; stop this pass. */
  | {
      action: 'retry-batch'
      code: SyncErrorCode
      api: ApiHealth
      /** The API is down: wait for the health probe instead of per-event timers. */
      waitForProbe: boolean
      honourRetryAfter: boolean
    }
  /** 401/403: no attempt used, nothing sent until the token changes or the user asks. */
  | { action: 'pause-auth'; code: 'unauthorized'; api: 'unauthorized' }
  /** 413 with more than one event: halve the batch size and send the halves. */
  | { action: 'halve'; api: 'reachable' }
  /** Another 4xx with more than one event: split to isolate the bad one. */
  | { action: 'split'; api: 'reachable' }
  /** The single event is refused for good. */
  | { action: 'dead'; code: 'too_large' | 'rejected'; api: 'reachable' }

const retry = (code: SyncErrorCode, api: ApiHealth, waitForProbe: boolean, honourRetryAfter = false): Decision => ({
  action: 'retry-batch',
  code,
  api,
  waitForProbe,
  honourRetryAfter,
})

export function decide(o: Observed): Decision {
  switch (o.kind) {
    case 'results':
      return { action: 'apply-results', api: 'reachable' }
    case 'protocol-violation':
      return retry('bad_response', 'server-error', false)
    case 'bad-body':
      return retry('bad_response', 'server-error', false)
    case 'network':
      return o.timedOut ? retry('timeout', 'unreachable', true) : retry('network', 'unreachable', true)
    case 'http': {
      const s = o.httpStatus
      if (s === 401 || s === 403) return { action: 'pause-auth', code: 'unauthorized', api: 'unauthorized' }
      if (s === 413) return o.batchSize > 1 ? { action: 'halve', api: 'reachable' } : { action: 'dead', code: 'too_large', api: 'reachable' }
      if (s === 429) return retry('rate_limited', 'reachable', false, true)
      if (s === 408 || s === 425) return retry('server_error', 'reachable', false, true)
      if (s >= 500) return retry('server_error', 'server-error', false, true)
      if (s >= 400) return o.batchSize > 1 ? { action: 'split', api: 'reachable' } : { action: 'dead', code: 'rejected', api: 'reachable' }
      // 1xx/2xx-without-results never get here; 3xx is never followed.
      return retry('bad_response', 'server-error', false)
    }
  }
}

/** What a health probe's answer means. */
export type ProbeObserved = { kind: 'ok' } | { kind: 'http'; httpStatus: number } | { kind: 'bad-response' } | { kind: 'network' }

export function decideProbe(o: ProbeObserved): { api: ApiHealth; up: boolean; code: SyncErrorCode | null } {
  if (o.kind === 'ok') return { api: 'reachable', up: true, code: null }
  if (o.kind === 'network') return { api: 'unreachable', up: false, code: 'network' }
  if (o.kind === 'bad-response') return { api: 'server-error', up: false, code: 'bad_response' }
  if (o.httpStatus === 401 || o.httpStatus === 403) return { api: 'unauthorized', up: false, code: 'unauthorized' }
  return { api: o.httpStatus >= 500 ? 'server-error' : 'unreachable', up: false, code: 'health_failed' }
}

/**
 * A result list must name each event of the batch at most once, and nothing
 * else. Anything else is a protocol violation: nothing from it can be trusted
 * (`[rejected, accepted]` for one id must not mark it sent).
 */
export function checkResults(batchIds: readonly string[], resultIds: readonly string[]): string | null {
  const inBatch = new Set(batchIds)
  const seen = new Set<string>()
  for (const id of resultIds) {
    if (seen.has(id)) return `The server reported on event ${id.slice(0, 64)} twice.`
    if (!inBatch.has(id)) return `The server reported on event ${id.slice(0, 64)}, which was not in the batch.`
    seen.add(id)
  }
  return null
}

export interface RetryTuning {
  backoffBaseMs: number
  backoffCapMs: number
}

/**
 * When an event goes again: full-jitter backoff, or the server's Retry-After
 * when it gave one, but never sooner than a floor (Retry-After: 0 or a date
 * in the past must not become a tight loop) and never later than a day.
 */
export function retryDelay(attempt: number, retryAfterMs: number | null, t: RetryTuning, random: () => number): number {
  const floor = retryFloorMs(t)
  const backoff = fullJitterDelay(attempt, { baseMs: t.backoffBaseMs, capMs: t.backoffCapMs }, random)
  return clampDelay(Math.max(floor, retryAfterMs ?? backoff))
}

export function retryFloorMs(t: RetryTuning): number {
  return Math.max(20, Math.floor(t.backoffBaseMs / 4))
}

/**
 * The health probe's schedule while the API is down: equal jitter on
 * min·2^n capped at max, so a fleet that lost the server at the same moment
 * spreads out, while the interval stays short enough that delivery follows
 * the server's return within a few seconds after any outage.
 */
export function probeDelay(failures: number, opts: { minMs: number; maxMs: number }, random: () => number): number {
  const ceiling = Math.min(opts.maxMs, opts.minMs * 2 ** Math.max(0, Math.min(failures, 30)))
  return clampDelay(ceiling / 2 + random() * (ceiling / 2))
}
