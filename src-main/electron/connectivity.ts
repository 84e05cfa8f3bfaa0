/**
 * The OS's view of connectivity, fed to the core without polling: Electron's
 * `net.isOnline()` is read at start and again whenever something suggests the
 * network may have changed (wake from sleep, unlock, the window regaining
 * focus, an `online`/`offline` signal where one exists). A change, or a wake,
 * tells the core to re-probe from 1 s. This is the only place the Electron
 * shell says anything about being offline.
 */
import type { App, PowerMonitor } from 'electron'

export interface ConnectivityCore {
  setOsOnline(online: boolean | null): void
  networkChanged(): void
}

export interface ConnectivityWatcher {
  /** Re-reads isOnline; `wake` forces a re-probe even if the value did not change. */
  check(reason: string, options?: { wake?: boolean }): void
  readonly online: boolean | null
}

export function createConnectivityWatcher(
  core: ConnectivityCore,
  isOnline: () => boolean,
  log?: { info(m: string, meta?: Record<string, unknown>): void },
): ConnectivityWatcher {
  let current: boolean | null = null
  const read = (): boolean | null => {
    try {
      return isOnline()
    } catch {
      return null
    }
  }
  const watcher: ConnectivityWatcher = {
    check(reason, options = {}) {
      const next = read()
      const changed = next !== current
      if (changed) {
        const first = current === null
        current = next
        core.setOsOnline(next)
        log?.info('OS connectivity', { online: next, reason })
        if (!first) core.networkChanged()
      }
      if (options.wake && !changed) core.networkChanged()
    },
    get online() {
      return current
    },
  }
  return watcher
}

export interface ConnectivitySources {
  powerMonitor: Pick<PowerMonitor, 'on'>
  app: Pick<App, 'on'>
  /** A source of `online`/`offline` events, where the platform has one. */
  network?: { on(event: 'online' | 'offline', listener: () => void): unknown } | undefined
}

/** Subscribes the watcher to the signals a desktop gives us. Returns nothing to poll. */
export function wireConnectivitySignals(watcher: ConnectivityWatcher, sources: ConnectivitySources): void {
  sources.powerMonitor.on('resume', () => watcher.check('resume', { wake: true }))
  sources.powerMonitor.on('unlock-screen', () => watcher.check('unlock-screen'))
  sources.powerMonitor.on('user-did-become-active', () => watcher.check('user-did-become-active'))
  sources.app.on('browser-window-focus', () => watcher.check('focus'))
  if (sources.network) {
    sources.network.on('online', () => watcher.check('online'))
    sources.network.on('offline', () => watcher.check('offline'))
  }
}
