/**
 * Exponential backoff with full jitter (the AWS architecture blog's variant):
 * a random delay between 0 and min(cap, base · 2^(attempt−1)). Jitter spreads
 * many clients' retries after an outage instead of synchronising them.
 */
export function fullJitterDelay(attempt: number, opts: { baseMs: number; capMs: number }, random: () => number = Math.random): number {
  const exp = Math.min(opts.capMs, opts.baseMs * 2 ** Math.max(0, Math.min(attempt - 1, 30)))
  return Math.floor(random() * exp)
}
