import { describe, expect, it, vi } from 'vitest'
import { DEFAULT_QUIT_TIMINGS, fatalErrorHandler, QuitController, RendererCrashPolicy, type QuitEffects } from './lifecycle'

function effects(over: Partial<QuitEffects> = {}) {
  const calls: string[] = []
  const fx: QuitEffects = {
    waiting: () => 3,
    ask: (n) => {
      calls.push(`ask:${n}`)
      return Promise.resolve('quit')
    },
    sendNow: () => {
      calls.push('send')
      return Promise.resolve('sent')
    },
    hideWindows: () => calls.push('hide'),
    shutdown: () => {
      calls.push('shutdown')
      return Promise.resolve()
    },
    quit: () => calls.push('quit'),
    exit: (code) => calls.push(`exit:${code}`),
    log: { info: () => undefined, warn: () => undefined },
    ...over,
  }
  return { fx, calls }
}

const event = () => {
  const e = { prevented: 0, preventDefault: () => (e.prevented += 1) }
  return e
}

describe('QuitController', () => {
  it('holds the quit, asks about waiting orders, shuts the core down, then quits for real', async () => {
    const { fx, calls } = effects()
    const q = new QuitController(fx)
    const first = event()
    q.onBeforeQuit(first)
    expect(first.prevented).toBe(1)
    expect(q.state).toBe('shutting-down')
    await q.whenFinished()
    expect(calls).toEqual(['ask:3', 'hide', 'shutdown', 'quit'])
    expect(q.state).toBe('done')
    // The real quit passes through.
    const second = event()
    q.onBeforeQuit(second)
    expect(second.prevented).toBe(0)
  })

  it('"Send now and quit" sends before the windows go and the database closes', async () => {
    const { fx, calls } = effects({
      ask: (n) => {
        calls.push(`ask:${n}`)
        return Promise.resolve('send-now')
      },
    })
    const q = new QuitController(fx)
    q.onBeforeQuit(event())
    await q.whenFinished()
    expect(calls).toEqual(['ask:3', 'send', 'hide', 'shutdown', 'quit'])
  })

  it('asks nothing when no order is waiting, and ignores repeated quit requests meanwhile', async () => {
    let release: () => void = () => undefined
    const { fx, calls } = effects({
      waiting: () => 0,
      shutdown: () => {
        calls.push('shutdown')
        return new Promise<void>((r) => (release = r))
      },
    })
    const q = new QuitController(fx)
    q.onBeforeQuit(event())
    const again = event()
    q.onBeforeQuit(again)
    expect(again.prevented).toBe(1)
    release()
    await q.whenFinished()
    expect(calls).toEqual(['hide', 'shutdown', 'quit'])
  })

  it('asks nothing when the question is turned off (askTimeoutMs 0)', async () => {
    const { fx, calls } = effects()
    const q = new QuitController(fx, { ...DEFAULT_QUIT_TIMINGS, askTimeoutMs: 0 })
    q.onBeforeQuit(event())
    await q.whenFinished()
    expect(calls).toEqual(['hide', 'shutdown', 'quit'])
  })

  it('never blocks for long: an unanswered question is aborted and means quit; a hung send and shutdown time out', async () => {
    let aborted = false
    const { fx, calls } = effects({
      ask: (_n, signal) =>
        new Promise((resolve) => {
          signal.addEventListener('abort', () => {
            aborted = true
            resolve('quit')
          })
        }),
      shutdown: () => new Promise<void>(() => undefined),
    })
    const q = new QuitController(fx, { shutdownTimeoutMs: 20, askTimeoutMs: 20, sendTimeoutMs: 20 })
    q.onBeforeQuit(event())
    await q.whenFinished()
    expect(aborted).toBe(true)
    expect(calls).toEqual(['hide', 'quit'])

    const hung = effects({ ask: () => Promise.resolve('send-now'), sendNow: () => new Promise<string>(() => undefined) })
    const q2 = new QuitController(hung.fx, { shutdownTimeoutMs: 20, askTimeoutMs: 20, sendTimeoutMs: 20 })
    q2.onBeforeQuit(event())
    await q2.whenFinished()
    expect(hung.calls).toEqual(['hide', 'shutdown', 'quit'])
  })

  it('still quits when asking, sending or shutdown fails', async () => {
    const warn = vi.fn()
    const { fx, calls } = effects({
      ask: () => Promise.reject(new Error('no dialog')),
      shutdown: () => Promise.reject(new Error('disk gone')),
      log: { info: vi.fn(), warn },
    })
    const q = new QuitController(fx)
    q.onBeforeQuit(event())
    await q.whenFinished()
    expect(calls.at(-1)).toBe('quit')
    expect(warn).toHaveBeenCalledWith('The quit question failed', { error: 'Error: no dialog' })
    expect(warn).toHaveBeenCalledWith('Core shutdown failed', { error: 'Error: disk gone' })
  })
})

describe('fatalErrorHandler', () => {
  it('logs, tells the user, closes the database, exits 1 (once)', async () => {
    const calls: string[] = []
    const handler = fatalErrorHandler(
      {
        log: { error: (m) => calls.push(`log:${m}`) },
        showError: (t) => calls.push(`dialog:${t}`),
        shutdown: () => {
          calls.push('shutdown')
          return Promise.resolve()
        },
        exit: (c) => calls.push(`exit:${c}`),
      },
      () => ({ title: 'Oops', message: 'Saved orders are safe' }),
    )
    const first = handler(new Error('boom'))
    await handler('second')
    await first
    expect(calls).toEqual(['log:Uncaught error in main', 'dialog:Oops', 'shutdown', 'log:Uncaught error in main', 'exit:1'])
  })
})

describe('RendererCrashPolicy', () => {
  it('reloads after a crash, but not after a clean exit or a crash loop', () => {
    const p = new RendererCrashPolicy(3, 60_000)
    expect(p.shouldReload('clean-exit', 0)).toBe(false)
    expect(p.shouldReload('crashed', 0)).toBe(true)
    expect(p.shouldReload('oom', 1_000)).toBe(true)
    expect(p.shouldReload('crashed', 2_000)).toBe(true)
    expect(p.shouldReload('crashed', 3_000)).toBe(false)
    expect(p.shouldReload('crashed', 120_000)).toBe(true)
  })
})
