/**
 * Runs `fn` at once, then at most once per `ms`: calls in between collapse
 * into one trailing run, so a burst of events costs two fetches, not fifty.
 */
export function throttle(fn: () => void, ms: number, timers: Timers = defaultTimers): { (): void; cancel(): void } {
  let last = -Infinity
  let timer: ReturnType<typeof setTimeout> | null = null
  const run = () => {
    timer = null
    last = timers.now()
    fn()
  }
  const throttled = () => {
    if (timer !== null) return
    const wait = last + ms - timers.now()
    if (wait <= 0) run()
    else timer = timers.setTimeout(run, wait)
  }
  throttled.cancel = () => {
    if (timer !== null) timers.clearTimeout(timer)
    timer = null
  }
  return throttled
}

export interface Timers {
  now(): number
  setTimeout(fn: () => void, ms: number): ReturnType<typeof setTimeout>
  clearTimeout(t: ReturnType<typeof setTimeout>): void
}

const defaultTimers: Timers = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (t) => clearTimeout(t),
}
