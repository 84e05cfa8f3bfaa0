/** Each row is one rule of docs/architecture.md "Delivery rules". */
import { describe, expect, it } from 'vitest'
import { checkResults, decide, decideProbe, probeDelay, retryDelay, retryFloorMs, type Decision, type Observed } from './delivery-policy'
import { clampDelay, MAX_WAIT_MS } from './wake-schedule'

const rows: [rule: string, observed: Observed, expected: Partial<Decision>][] = [
  ['a valid results list: apply each result', { kind: 'results', httpStatus: 200 }, { action: 'apply-results', api: 'reachable' }],
  ['a list naming an id twice or a stranger: retry the whole batch, bad_response', { kind: 'protocol-violation', httpStatus: 200 }, { action: 'retry-batch', code: 'bad_response', api: 'server-error', waitForProbe: false }],
  ['2xx that is not the protocol (garbage, too large, redirect): retry, bad_response', { kind: 'bad-body', httpStatus: 200 }, { action: 'retry-batch', code: 'bad_response', api: 'server-error' }],
  ['connection refused / DNS / TLS / reset: unreachable, wait for the probe', { kind: 'network', timedOut: false }, { action: 'retry-batch', code: 'network', api: 'unreachable', waitForProbe: true }],
  ['timeout: unreachable, wait for the probe', { kind: 'network', timedOut: true }, { action: 'retry-batch', code: 'timeout', api: 'unreachable', waitForProbe: true }],
  ['500: server error, back off honouring Retry-After', { kind: 'http', httpStatus: 500, batchSize: 3 }, { action: 'retry-batch', code: 'server_error', api: 'server-error', honourRetryAfter: true, waitForProbe: false }],
  ['503: server error, back off honouring Retry-After', { kind: 'http', httpStatus: 503, batchSize: 1 }, { action: 'retry-batch', code: 'server_error', api: 'server-error', honourRetryAfter: true }],
  ['429: rate limited, back off honouring Retry-After', { kind: 'http', httpStatus: 429, batchSize: 3 }, { action: 'retry-batch', code: 'rate_limited', api: 'reachable', honourRetryAfter: true }],
  ['408: back off', { kind: 'http', httpStatus: 408, batchSize: 3 }, { action: 'retry-batch', code: 'server_error', api: 'reachable' }],
  ['425: back off', { kind: 'http', httpStatus: 425, batchSize: 3 }, { action: 'retry-batch', code: 'server_error', api: 'reachable' }],
  ['401: pause without using attempts', { kind: 'http', httpStatus: 401, batchSize: 3 }, { action: 'pause-auth', api: 'unauthorized' }],
  ['403: pause without using attempts', { kind: 'http', httpStatus: 403, batchSize: 1 }, { action: 'pause-auth', api: 'unauthorized' }],
  ['413 with several events: halve the batch', { kind: 'http', httpStatus: 413, batchSize: 4 }, { action: 'halve' }],
  ['413 with one event: dead, too_large', { kind: 'http', httpStatus: 413, batchSize: 1 }, { action: 'dead', code: 'too_large' }],
  ['another 4xx with several events: split to isolate', { kind: 'http', httpStatus: 422, batchSize: 4 }, { action: 'split' }],
  ['another 4xx with one event: dead, rejected', { kind: 'http', httpStatus: 400, batchSize: 1 }, { action: 'dead', code: 'rejected' }],
  ['3xx: never followed, bad_response', { kind: 'http', httpStatus: 302, batchSize: 2 }, { action: 'retry-batch', code: 'bad_response', api: 'server-error' }],
]

describe('delivery policy', () => {
  it.each(rows)('%s', (_rule, observed, expected) => {
    expect(decide(observed)).toMatchObject(expected)
  })

  it.each([
    ['probe 2xx: up', { kind: 'ok' } as const, { api: 'reachable', up: true }],
    ['probe refused: unreachable (never "offline")', { kind: 'network' } as const, { api: 'unreachable', up: false, code: 'network' }],
    ['probe 503: server error', { kind: 'http', httpStatus: 503 } as const, { api: 'server-error', up: false }],
    ['probe garbage/too large/redirect: server error', { kind: 'bad-response' } as const, { api: 'server-error', up: false, code: 'bad_response' }],
    ['probe 401: unauthorized', { kind: 'http', httpStatus: 401 } as const, { api: 'unauthorized', up: false }],
  ])('%s', (_rule, observed, expected) => {
    expect(decideProbe(observed)).toMatchObject(expected)
  })

  it('a results list must name each event at most once and nothing else', () => {
    expect(checkResults(['a', 'b'], ['a', 'b'])).toBeNull()
    expect(checkResults(['a', 'b'], ['a'])).toBeNull() // missing: retried per event
    expect(checkResults(['a', 'b'], ['a', 'a'])).toMatch(/twice/)
    expect(checkResults(['a'], ['a', 'z'])).toMatch(/not in the batch/)
  })

  it('retry delay: Retry-After honoured, but never below the floor (0, negative, past) and never beyond a day', () => {
    const t = { backoffBaseMs: 1000, backoffCapMs: 300_000 }
    expect(retryDelay(1, 2000, t, () => 0.5)).toBe(2000)
    expect(retryDelay(1, 0, t, () => 0.5)).toBe(retryFloorMs(t))
    expect(retryDelay(1, null, t, () => 0)).toBe(retryFloorMs(t))
    expect(retryDelay(1, 10 * 365 * 86_400_000, t, () => 0.5)).toBe(MAX_WAIT_MS)
    expect(retryDelay(40, null, t, () => 0.999)).toBeLessThanOrEqual(300_000)
  })

  it('every delay that reaches a timer is finite, ≥ 0 and ≤ 24 h (< 2^31 − 1)', () => {
    for (const ms of [-5, 0, 1.4, 2 ** 31, 2 ** 40, Number.POSITIVE_INFINITY, Number.NaN]) {
      const d = clampDelay(ms)
      expect(d).toBeGreaterThanOrEqual(0)
      expect(d).toBeLessThanOrEqual(Math.min(MAX_WAIT_MS, 2 ** 31 - 1))
    }
  })

  it('probe: equal jitter, capped, so a fleet spreads out yet retries within the cap', () => {
    const opts = { minMs: 1000, maxMs: 3000 }
    expect(probeDelay(0, opts, () => 0)).toBe(500)
    expect(probeDelay(0, opts, () => 0.999)).toBeLessThanOrEqual(1000)
    expect(probeDelay(10, opts, () => 0)).toBe(1500)
    expect(probeDelay(10, opts, () => 0.999)).toBeLessThanOrEqual(3000)
    const spread = new Set(Array.from({ length: 50 }, (_, i) => probeDelay(3, opts, () => i / 50)))
    expect(spread.size).toBeGreaterThan(40)
  })
})
