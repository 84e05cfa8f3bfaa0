/**
 * Quitting and crashing, as plain state machines over injected effects so the
 * ordering is tested without Electron:
 * - quit: when orders are waiting, ask "Send now and quit" or "Quit, send
 *   next time" (an unanswered question counts as the second); sending is
 *   bounded (send-before-quit.ts). Then hide windows, let the core finish
 *   in-flight requests and close the database, then really quit;
 * - an uncaught exception in main: log it, tell the user, close the database,
 *   exit non-zero.
 */

export type QuitChoice = 'send-now' | 'quit'

export interface QuitEffects {
  /** Orders waiting to be sent; 0 when there is nothing to ask (or an update is installing). */
  waiting(): number
  /** Asks what to do with them. Must settle (as 'quit') once `signal` aborts. */
  ask(waiting: number, signal: AbortSignal): Promise<QuitChoice>
  /** Tries to send them, within its own limit; resolves with a line for the log. */
  sendNow(): Promise<string>
  hideWindows(): void
  /** core.shutdown(). */
  shutdown(): Promise<void>
  /** app.quit() (re-enters before-quit, which then lets it through). */
  quit(): void
  /** app.exit(code): the fallback if something hangs. */
  exit(code: number): void
  log: { info(m: string, meta?: Record<string, unknown>): void; warn(m: string, meta?: Record<string, unknown>): void }
}

export interface QuitTimings {
  /** Upper bound on core.shutdown() (it has its own ~2 s grace). */
  shutdownTimeoutMs: number
  /** How long the question may hold the quit unanswered; 0 quits without asking (e2e). */
  askTimeoutMs: number
  /** Backstop on sendNow(), which has its own 10 s limit. */
  sendTimeoutMs: number
}

export const DEFAULT_QUIT_TIMINGS: QuitTimings = { shutdownTimeoutMs: 8_000, askTimeoutMs: 30_000, sendTimeoutMs: 12_000 }

const within = <T>(p: Promise<T>, ms: number): Promise<T | 'timeout'> =>
  new Promise((resolve, reject) => {
    const t = setTimeout(() => resolve('timeout'), ms)
    p.then(
      (v) => {
        clearTimeout(t)
        resolve(v)
      },
      (e: unknown) => {
        clearTimeout(t)
        reject(e instanceof Error ? e : new Error(String(e)))
      },
    )
  })

export type QuitPhase = 'running' | 'shutting-down' | 'done'

export class QuitController {
  private phase: QuitPhase = 'running'
  private finished: Promise<void> | null = null

  constructor(
    private readonly effects: QuitEffects,
    private readonly timings: QuitTimings = DEFAULT_QUIT_TIMINGS,
  ) {}

  get state(): QuitPhase {
    return this.phase
  }

  /** The `before-quit` listener. */
  onBeforeQuit(event: { preventDefault(): void }): void {
    if (this.phase === 'done') return
    event.preventDefault()
    if (this.phase === 'shutting-down') return
    this.phase = 'shutting-down'
    this.finished = this.run()
  }

  /** Resolves when the quit sequence has finished (tests). */
  whenFinished(): Promise<void> {
    return this.finished ?? Promise.resolve()
  }

  private async run(): Promise<void> {
    const fx = this.effects
    let waiting = 0
    try {
      waiting = fx.waiting()
    } catch (err) {
      fx.log.warn('Could not count the waiting orders', { error: String(err) })
    }
    if (waiting > 0 && this.timings.askTimeoutMs > 0) {
      const choice = await this.ask(waiting)
      fx.log.info('Quit with orders waiting', { waiting, choice })
      if (choice === 'send-now') {
        try {
          const r = await within(fx.sendNow(), this.timings.sendTimeoutMs)
          fx.log.info('Send before quit', { result: r })
        } catch (err) {
          fx.log.warn('Send before quit failed', { error: String(err) })
        }
      }
    }
    try {
      fx.hideWindows()
    } catch {
      // Windows may already be gone.
    }
    try {
      const r = await within(fx.shutdown(), this.timings.shutdownTimeoutMs)
      if (r === 'timeout') fx.log.warn('Core shutdown timed out; quitting anyway')
      else fx.log.info('Core shut down cleanly')
    } catch (err) {
      fx.log.warn('Core shutdown failed', { error: String(err) })
    }
    this.phase = 'done'
    try {
      fx.quit()
    } catch {
      fx.exit(0)
    }
  }

  private async ask(waiting: number): Promise<QuitChoice> {
    const abort = new AbortController()
    const timer = setTimeout(() => abort.abort(), this.timings.askTimeoutMs)
    try {
      const r = await within(this.effects.ask(waiting, abort.signal), this.timings.askTimeoutMs + 1_000)
      return r === 'send-now' ? 'send-now' : 'quit'
    } catch (err) {
      this.effects.log.warn('The quit question failed', { error: String(err) })
      return 'quit'
    } finally {
      clearTimeout(timer)
    }
  }
}

export interface FatalEffects {
  log: { error(m: string, meta?: Record<string, unknown>): void }
  /** dialog.showErrorBox: synchronous, works before and after `ready`. */
  showError(title: string, message: string): void
  shutdown(): Promise<void>
  exit(code: number): void
}

/**
 * Returns the `uncaughtException`/`unhandledRejection` handler. The first
 * fatal error is logged, shown and followed by a clean database close; any
 * later one while that runs is only logged.
 */
export function fatalErrorHandler(effects: FatalEffects, text: () => { title: string; message: string }, shutdownTimeoutMs = 5_000) {
  let handling = false
  return async (error: unknown): Promise<void> => {
    const err = error instanceof Error ? error : new Error(String(error))
    effects.log.error('Uncaught error in main', { error: err.stack ?? err.message })
    if (handling) return
    handling = true
    try {
      const t = text()
      effects.showError(t.title, t.message)
    } catch {
      // No UI available: the log has it.
    }
    try {
      await within(effects.shutdown(), shutdownTimeoutMs)
    } catch (e) {
      effects.log.error('Database close after a crash failed', { error: String(e) })
    }
    effects.exit(1)
  }
}

/** Reload policy for a crashed renderer: reload unless it keeps crashing (then give up for a while). */
export class RendererCrashPolicy {
  private crashes: number[] = []

  constructor(
    private readonly maxCrashes = 3,
    private readonly windowMs = 60_000,
  ) {}

  /** Whether to reload after a crash at `now`. Clean exits are not crashes. */
  shouldReload(reason: string, now: number): boolean {
    if (reason === 'clean-exit') return false
    this.crashes = this.crashes.filter((t) => now - t < this.windowMs)
    this.crashes.push(now)
    return this.crashes.length <= this.maxCrashes
  }
}
