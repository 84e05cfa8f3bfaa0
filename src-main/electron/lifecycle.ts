/**
 * Quitting and crashing, as plain state machines over injected effects so the
 * ordering is tested without Electron:
 * - quit: hide windows, show the quiet "N orders are waiting" note (one OK
 *   button, never a confirm), let the core finish in-flight requests and close
 *   the database, then really quit;
 * - an uncaught exception in main: log it, tell the user, close the database,
 *   exit non-zero.
 */
import { within } from '../core/util/timeout'

export interface QuitEffects {
  /** The quiet message for this quit, or null if nothing is waiting. */
  message(): string | null
  /** Shows the message with a single OK; resolves when dismissed. */
  showMessage(message: string): Promise<void>
  hideWindows(): void
  /** core.shutdown(). */
  shutdown(): Promise<void>
  /** app.quit() (re-enters before-quit, which then lets it through). */
  quit(): void
  /** app.exit(code): the fallback if something hangs. */
  exit(code: number): void
  log: { info(m: string): void; warn(m: string, meta?: Record<string, unknown>): void }
}

export interface QuitTimings {
  /** Upper bound on core.shutdown() (it has its own ~2 s grace). */
  shutdownTimeoutMs: number
  /** How long the note may keep the process alive after shutdown, unanswered. */
  messageTimeoutMs: number
}

export const DEFAULT_QUIT_TIMINGS: QuitTimings = { shutdownTimeoutMs: 8_000, messageTimeoutMs: 30_000 }

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
    let message: string | null = null
    try {
      message = fx.message()
    } catch (err) {
      fx.log.warn('Could not compute the quit message', { error: String(err) })
    }
    try {
      fx.hideWindows()
    } catch {
      // Windows may already be gone.
    }
    const dismissed = message ? fx.showMessage(message).catch(() => undefined) : Promise.resolve()
    try {
      const r = await within(fx.shutdown(), this.timings.shutdownTimeoutMs)
      if (r === 'timeout') fx.log.warn('Core shutdown timed out; quitting anyway')
      else fx.log.info('Core shut down cleanly')
    } catch (err) {
      fx.log.warn('Core shutdown failed', { error: String(err) })
    }
    await within(dismissed, this.timings.messageTimeoutMs)
    this.phase = 'done'
    try {
      fx.quit()
    } catch {
      fx.exit(0)
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
