/**
 * The one throttle: the core's status pushes (at most 10 a second) and the
 * renderer's refetches both use it.
 *
 * Runs `fn` at once, then at most once per `ms`: calls in between collapse
 * into one trailing run, so a burst of events costs two fetches, not fifty.
 */
export function throttle(fn: () => void, ms: number, timers: Timers = systemTimers): { (): void; cancel(): void } {
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

export const systemTimers: Timers = {
  now: () => Date.now(),
  // unref under Node, so a pending trailing run never keeps a process alive.
  setTimeout: (fn, ms) => {
    const t = setTimeout(fn, ms)
    ;(t as { unref?: () => void }).unref?.()
    return t
  },
  clearTimeout: (t) => clearTimeout(t),
}
