/**
 * Auto-update over electron-updater and the GitHub release: checks at start
 * and every 6 h, downloads in the background, and offers "Restart to update"
 * (or "Later", when it installs on the next quit). Never forced. Off in
 * development, without a publish configuration, and for the portable exe.
 *
 * The updater is passed in to `startAutoUpdates` (`startUpdatesIfEnabled`
 * imports electron-updater), so the policy is tested with a fake.
 */
import { existsSync } from 'node:fs'
import { join } from 'node:path'

export const UPDATE_INTERVAL_MS = 6 * 60 * 60 * 1000

export interface UpdateInfoLike {
  version: string
}

export interface UpdaterLike {
  autoDownload: boolean
  autoInstallOnAppQuit: boolean
  checkForUpdates(): Promise<unknown>
  quitAndInstall(isSilent?: boolean, isForceRunAfter?: boolean): void
  on(event: 'update-downloaded', listener: (info: UpdateInfoLike) => void): unknown
  on(event: 'error', listener: (error: Error) => void): unknown
}

export interface UpdatePolicyInput {
  isPackaged: boolean
  /** Whether resources/app-update.yml exists (electron-builder writes it when `publish` is configured). */
  hasUpdateConfig: boolean
  env: Record<string, string | undefined>
}

export function updatesEnabled(input: UpdatePolicyInput): { enabled: boolean; reason: string } {
  if (!input.isPackaged) return { enabled: false, reason: 'development build' }
  if (!input.hasUpdateConfig) return { enabled: false, reason: 'no publish configuration (app-update.yml missing)' }
  if (input.env.OUTPOST_DISABLE_UPDATES === '1') return { enabled: false, reason: 'OUTPOST_DISABLE_UPDATES=1' }
  if (input.env.PORTABLE_EXECUTABLE_DIR) return { enabled: false, reason: 'portable build (updates by replacing the exe)' }
  return { enabled: true, reason: 'packaged with a publish configuration' }
}

export interface TimerLike {
  setInterval(fn: () => void, ms: number): unknown
  clearInterval(handle: unknown): void
}

export interface StartUpdatesOptions {
  updater: UpdaterLike
  /** Shows "Restart to update" / "Later"; resolves true for restart. */
  askToRestart(version: string): Promise<boolean>
  log: { info(m: string, meta?: Record<string, unknown>): void; warn(m: string, meta?: Record<string, unknown>): void }
  intervalMs?: number
  timers?: TimerLike
}

/** Starts checking. Returns a stop function. */
export function startAutoUpdates(options: StartUpdatesOptions): () => void {
  const { updater, log } = options
  const timers: TimerLike = options.timers ?? {
    setInterval: (fn, ms) => {
      const t = setInterval(fn, ms)
      t.unref()
      return t
    },
    clearInterval: (h) => clearInterval(h as ReturnType<typeof setInterval>),
  }
  updater.autoDownload = true
  // "Later" means: install when the user next quits. Never a forced restart.
  updater.autoInstallOnAppQuit = true

  const asked = new Set<string>()
  let asking = false
  let queued: string | null = null
  const offer = (version: string): void => {
    if (asked.has(version)) return
    if (asking) {
      // A newer download while the prompt is open: offer it once this one closes.
      queued = version
      return
    }
    asked.add(version)
    asking = true
    log.info('Update downloaded', { version })
    options
      .askToRestart(version)
      .then((restart) => {
        if (restart) updater.quitAndInstall(false, true)
      })
      .catch((err: unknown) => log.warn('Update prompt failed', { error: String(err) }))
      .finally(() => {
        asking = false
        const next = queued
        queued = null
        if (next) offer(next)
      })
  }
  updater.on('update-downloaded', (info) => offer(info.version))
  updater.on('error', (error) => log.warn('Update check failed', { error: error.message }))

  const check = () => {
    updater.checkForUpdates().catch((err: unknown) => log.warn('Update check failed', { error: String(err) }))
  }
  check()
  const handle = timers.setInterval(check, options.intervalMs ?? UPDATE_INTERVAL_MS)
  return () => timers.clearInterval(handle)
}

/**
 * Decides with `updatesEnabled`, then loads electron-updater (only then: it
 * reads app-update.yml at import) and starts it. Never throws.
 */
export async function startUpdatesIfEnabled(options: {
  isPackaged: boolean
  resourcesPath: string
  env: Record<string, string | undefined>
  log: StartUpdatesOptions['log']
  /** electron-updater's own logger. */
  updaterLog: unknown
  askToRestart(version: string): Promise<boolean>
}): Promise<void> {
  const { log } = options
  const hasUpdateConfig = existsSync(join(options.resourcesPath, 'app-update.yml'))
  const policy = updatesEnabled({ isPackaged: options.isPackaged, hasUpdateConfig, env: options.env })
  log.info('Auto-update', policy)
  if (!policy.enabled) return
  try {
    const { autoUpdater } = (await import('electron-updater')).default
    autoUpdater.logger = options.updaterLog as typeof autoUpdater.logger
    startAutoUpdates({ updater: autoUpdater, log, askToRestart: options.askToRestart })
  } catch (err) {
    log.warn('Auto-update unavailable', { error: String(err) })
  }
}
