/**
 * Exponential backoff with full jitter (the AWS architecture blog's variant):
 * a random delay between 0 and min(cap, base · 2^(attempt−1)). Jitter spreads
 * many clients' retries after an outage instead of synchronising them.
 */
export function fullJitterDelay(attempt: number, opts: { baseMs: number; capMs: number }, random: () => number = Math.random): number {
  const exp = Math.min(opts.capMs, opts.baseMs * 2 ** Math.max(0, Math.min(attempt - 1, 30)))
  return Math.floor(random() * exp)
}

/** The health probe's own schedule: 1 s, 2 s, 4 s … up to 30 s while the API is unreachable. */
export function nextProbeDelay(previousMs: number | null, opts: { minMs: number; maxMs: number }): number {
  if (previousMs === null) return opts.minMs
  return Math.min(opts.maxMs, previousMs * 2)
}
