/**
 * The one main window: created from the saved window state, hardened
 * (webPreferences written out here, at the `new BrowserWindow` call, so that
 * tools such as electronegativity can read them; `satisfies` keeps them equal
 * to `SecureWebPreferences`, the tested definition), reloaded after a
 * renderer crash, and focused or re-created on demand. Electron glue: the
 * decisions live in window-state.ts, lifecycle.ts and security.ts.
 */
import { join } from 'node:path'
import { BrowserWindow, screen } from 'electron'
import type { Logger } from '../core/core-types'
import { RendererCrashPolicy } from './lifecycle'
import type { SecureWebPreferences } from './security'
import { captureWindowState, fitToDisplays, loadWindowState, MIN_WINDOW, saveWindowState, WINDOW_STATE_FILE } from './window-state'

export interface MainWindowOptions {
  dataDir: string
  preload: string
  /** Linux window icon. */
  icon: string
  /** app://outpost/index.html, or the dev server. */
  startUrl: string
  log: Logger
}

export class MainWindow {
  private win: BrowserWindow | null = null

  constructor(private readonly options: MainWindowOptions) {}

  get current(): BrowserWindow | null {
    return this.win && !this.win.isDestroyed() ? this.win : null
  }

  create(): BrowserWindow {
    const { dataDir, preload, icon, startUrl, log } = this.options
    const stateFile = join(dataDir, WINDOW_STATE_FILE)
    const primary = screen.getPrimaryDisplay()
    const displays = [primary, ...screen.getAllDisplays().filter((d) => d.id !== primary.id)]
    const state = fitToDisplays(
      loadWindowState(stateFile),
      displays.map((d) => d.workArea),
    )

    const win = new BrowserWindow({
      ...(state.x !== undefined && state.y !== undefined ? { x: state.x, y: state.y } : {}),
      width: state.width,
      height: state.height,
      minWidth: MIN_WINDOW.width,
      minHeight: MIN_WINDOW.height,
      show: false,
      title: 'Outpost',
      backgroundColor: '#ffffff',
      ...(process.platform === 'linux' ? { icon } : {}),
      webPreferences: {
        preload,
        contextIsolation: true,
        sandbox: true,
        nodeIntegration: false,
        nodeIntegrationInWorker: false,
        nodeIntegrationInSubFrames: false,
        webSecurity: true,
        allowRunningInsecureContent: false,
        webviewTag: false,
        experimentalFeatures: false,
        navigateOnDragDrop: false,
        spellcheck: true,
      } satisfies SecureWebPreferences,
    })
    this.win = win
    if (state.maximized) win.maximize()
    win.once('ready-to-show', () => win.show())

    win.on('close', () => {
      try {
        saveWindowState(stateFile, captureWindowState(win.getNormalBounds(), win.isMaximized()))
      } catch (err) {
        log.warn('Could not save the window state', { error: String(err) })
      }
    })
    win.on('closed', () => {
      if (this.win === win) this.win = null
    })

    // All state lives in main, so a crashed renderer loses nothing: reload it.
    const crashes = new RendererCrashPolicy()
    win.webContents.on('render-process-gone', (_event, details) => {
      log.error('Renderer process gone', { reason: details.reason, exitCode: details.exitCode })
      if (!win.isDestroyed() && crashes.shouldReload(details.reason, Date.now())) win.webContents.reload()
    })
    win.webContents.on('unresponsive', () => log.warn('Renderer unresponsive'))

    void win.loadURL(startUrl)
    return win
  }

  focus(): void {
    const win = this.current ?? this.create()
    if (win.isMinimized()) win.restore()
    if (!win.isVisible()) win.show()
    win.focus()
  }

  /** Taskbar/dock progress and title while sending before quit; null clears both. */
  showProgress(progress: { fraction: number; title: string } | null): void {
    const win = this.current
    if (!win) return
    win.setProgressBar(progress ? progress.fraction : -1)
    win.setTitle(progress ? progress.title : 'Outpost')
  }
}
