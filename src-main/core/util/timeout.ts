/** setTimeout fires at once for anything longer (and warns): every delay is capped here. */
export const MAX_TIMER_MS = 2 ** 31 - 1

/**
 * `promise`'s value, or `'timeout'` once `ms` has passed, whichever comes
 * first. The timer is cleared as soon as the promise settles.
 */
export function within<T>(promise: Promise<T>, ms: number): Promise<T | 'timeout'> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => resolve('timeout'), Math.min(Math.max(0, ms), MAX_TIMER_MS))
    promise.then(
      (v) => {
        clearTimeout(timer)
        resolve(v)
      },
      (e: unknown) => {
        clearTimeout(timer)
        reject(e instanceof Error ? e : new Error(String(e)))
      },
    )
  })
}

/** The same as a rejection: `promise`, or an error naming `what` after `ms`. */
export async function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  const r = await within(promise.then((value) => ({ value })), ms)
  if (r === 'timeout') throw new Error(`Timed out after ${ms} ms: ${what}`)
  return r.value
}
