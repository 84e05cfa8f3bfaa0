import { describe, expect, it } from 'vitest'
import { throttle, type Timers } from './throttle'

function fakeTimers() {
  let now = 0
  let queue: { at: number; fn: () => void; id: number }[] = []
  let nextId = 1
  const timers: Timers = {
    now: () => now,
    setTimeout: (fn, ms) => {
      const id = nextId++
      queue.push({ at: now + ms, fn, id })
      return id as unknown as ReturnType<typeof setTimeout>
    },
    clearTimeout: (t) => {
      queue = queue.filter((q) => q.id !== (t as unknown as number))
    },
  }
  const advance = (ms: number) => {
    now += ms
    const due = queue.filter((q) => q.at <= now)
    queue = queue.filter((q) => q.at > now)
    for (const q of due) q.fn()
  }
  return { timers, advance }
}

describe('throttle', () => {
  it('runs at once, then collapses a burst into one trailing run', () => {
    const { timers, advance } = fakeTimers()
    let runs = 0
    const th = throttle(() => runs++, 100, timers)
    th()
    expect(runs).toBe(1)
    th()
    th()
    th()
    expect(runs).toBe(1)
    advance(100)
    expect(runs).toBe(2)
    advance(500)
    expect(runs).toBe(2)
  })
  it('can be cancelled', () => {
    const { timers, advance } = fakeTimers()
    let runs = 0
    const th = throttle(() => runs++, 100, timers)
    th()
    th()
    th.cancel()
    advance(200)
    expect(runs).toBe(1)
  })
  it('with real timers, caps a stream of calls at about 10 per second (the status push)', async () => {
    let runs = 0
    const th = throttle(() => runs++, 100)
    const start = Date.now()
    while (Date.now() - start < 1000) {
      th()
      await new Promise((r) => setTimeout(r, 2))
    }
    th.cancel()
    expect(runs).toBeGreaterThanOrEqual(5) // a loaded machine delays timers; the cap is the point
    expect(runs).toBeLessThanOrEqual(12)
  })
})
