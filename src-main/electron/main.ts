/**
 * Electron main entry: a thin shell over the core. Every decision lives in a
 * plain module next to this one (security, ipc, window-state, lifecycle, …)
 * with its own tests; this file only connects them to Electron.
 */
import { existsSync, mkdirSync } from 'node:fs'
import { release } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import {
  app,
  BrowserWindow,
  dialog,
  ipcMain,
  Menu,
  nativeImage,
  net,
  Notification,
  powerMonitor,
  safeStorage,
  screen,
  session,
  shell,
  Tray,
} from 'electron'
import log from 'electron-log/main'
import type { SyncStatus } from '../../src-preload/contract'
import type { Core } from '../core/core-types'
import { createCore } from '../core/create-core'
import { parseShellFlags } from './args'
import { createConnectivityWatcher, wireConnectivitySignals } from './connectivity'
import { NotificationPlanner, fileNotifyStore, NOTIFY_STATE_FILE, trayTooltip, waitingCount, quitMessage } from './desktop-integration'
import { defaultDiagnosticsFileName, writeDiagnosticsZip } from './diagnostics'
import { isTrustedSenderUrl, registerIpc } from './ipc'
import { QuitController, RendererCrashPolicy, fatalErrorHandler, DEFAULT_QUIT_TIMINGS } from './lifecycle'
import { configureLogging, coreLogger, lastRelayLines, RELAY_SCOPE } from './logging'
import { buildMenuTemplate } from './menu'
import { resolveNativeBinding } from './native-binding'
import { shellPaths } from './paths'
import { osSecretBox } from './secret-box'
import { applySecurity, secureWebPreferences } from './security'
import { pickShellLanguage, shellStrings, type ShellLanguage, type ShellStrings } from './shell-strings'
import { startAutoUpdates, updatesEnabled } from './updater'
import {
  captureWindowState,
  fitToDisplays,
  loadWindowState,
  MIN_WINDOW,
  saveWindowState,
  WINDOW_STATE_FILE,
} from './window-state'

// ---------------------------------------------------------------------------
// Before `ready`: paths, logging, sandbox, single instance.
// ---------------------------------------------------------------------------
const dataDirOverride = process.env.OUTPOST_DATA_DIR
if (dataDirOverride) {
  // Tests give each run its own folder; Chromium's profile and the
  // single-instance lock follow it, so parallel runs do not collide.
  mkdirSync(dataDirOverride, { recursive: true })
  app.setPath('userData', dataDirOverride)
  app.setAppLogsPath(join(dataDirOverride, 'logs'))
}
const dataDir = dataDirOverride ?? app.getPath('userData')
const logsDir = app.getPath('logs')
const isDev = !app.isPackaged
const devServerUrl = isDev ? process.env.ELECTRON_RENDERER_URL : undefined
const paths = shellPaths({ isPackaged: app.isPackaged, mainDir: import.meta.dirname, resourcesPath: process.resourcesPath })
const rendererDir = paths.rendererDir

configureLogging(log, { logsDir, console: isDev })
// electron-log/main listens for renderer log messages over IPC; Outpost's
// renderer does not log through main, so that channel is closed.
ipcMain.removeAllListeners('__ELECTRON_LOG__')
ipcMain.removeHandler('__ELECTRON_LOG__')
const shellLog = log.scope('shell')
const relayLog = coreLogger(log.scope(RELAY_SCOPE))

app.enableSandbox()

let core: Core | null = null
let quitController: QuitController | null = null
let installingUpdate = false
/** Once quitting has begun, nothing brings a window back or calls the closing core. */
const running = (): boolean => core !== null && (quitController?.state ?? 'running') === 'running'
let mainWindow: BrowserWindow | null = null
let tray: Tray | null = null
let language: ShellLanguage = 'en'
const strings = (): ShellStrings => shellStrings[language]

const fatal = fatalErrorHandler(
  {
    log: shellLog,
    showError: (title, message) => dialog.showErrorBox(title, message),
    shutdown: () => (core ? core.shutdown() : Promise.resolve()),
    exit: (code) => app.exit(code),
  },
  () => ({ title: strings().crashTitle, message: strings().crashMessage }),
)
process.on('uncaughtException', (err) => void fatal(err))
process.on('unhandledRejection', (reason) => shellLog.error('Unhandled promise rejection', { error: String(reason) }))

if (!app.requestSingleInstanceLock()) {
  // Another Outpost owns this data folder: it will focus its window.
  app.exit(0)
} else {
  app.on('second-instance', () => focusMainWindow())
  // Any failure during startup (not only in whenReady) is fatal: log, tell, close the database.
  app
    .whenReady()
    .then(start)
    .catch((err: unknown) => void fatal(err))
}

// ---------------------------------------------------------------------------
// Startup
// ---------------------------------------------------------------------------
async function start(): Promise<void> {
  shellLog.info('Starting Outpost', { version: app.getVersion(), packaged: app.isPackaged, dataDir })

  applySecurity({
    app,
    session: session.defaultSession,
    openExternal: (url) => shell.openExternal(url),
    rendererDirUrl: pathToFileURL(rendererDir).href,
    devServerOrigin: devServerUrl,
    onRefused: (what, detail) => shellLog.warn('Refused', { what, detail: detail.slice(0, 200) }),
  })

  const flags = parseShellFlags(process.argv.slice(1))
  try {
    core = createCore({
      dataDir,
      nativeBinding: resolveNativeBinding({ isPackaged: app.isPackaged, env: process.env, appPath: paths.root, exists: existsSync }),
      flags,
      env: { apiUrl: process.env.OUTPOST_API_URL, apiToken: process.env.OUTPOST_API_TOKEN },
      secretBox: osSecretBox(safeStorage, process.platform, shellLog),
      fetch: (input, init) => net.fetch(input, init),
      log: relayLog,
    })
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err)
    shellLog.error('The core could not start', { error: message })
    dialog.showErrorBox(strings().startFailedTitle, message)
    app.exit(1)
    return
  }
  const c = core

  registerIpc({
    ipcMain,
    core: c,
    isTrustedSender: (url) => isTrustedSenderUrl(url, { rendererDir, devServerUrl }),
    targets: () => BrowserWindow.getAllWindows().map((w) => w.webContents),
    onRefused: (channel, url) => shellLog.warn('Refused IPC from an untrusted frame', { channel, url }),
  })

  const connectivity = createConnectivityWatcher(c, () => net.isOnline(), shellLog)
  connectivity.check('start')
  wireConnectivitySignals(connectivity, { powerMonitor, app })

  const quit = new QuitController(
    {
      // No note while an update installs: the installer is waiting on us.
      message: () => (installingUpdate ? null : quitMessage(core?.status() ?? null, strings())),
      showMessage: (message) =>
        dialog
          .showMessageBox({ type: 'info', title: 'Outpost', message, buttons: [strings().ok], defaultId: 0, noLink: true })
          .then(() => undefined),
      hideWindows: () => {
        for (const w of BrowserWindow.getAllWindows()) w.hide()
        tray?.destroy()
        tray = null
      },
      shutdown: () => c.shutdown(),
      quit: () => app.quit(),
      exit: (code) => app.exit(code),
      log: shellLog,
    },
    { ...DEFAULT_QUIT_TIMINGS, messageTimeoutMs: quitNoteTimeout() },
  )
  quitController = quit
  app.on('before-quit', (event) => quit.onBeforeQuit(event))
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit()
  })
  app.on('activate', () => {
    if (running() && BrowserWindow.getAllWindows().length === 0) createMainWindow()
  })

  await refreshLanguage()
  installMenu()
  createMainWindow()
  createTray()

  const planner = new NotificationPlanner(fileNotifyStore(join(dataDir, NOTIFY_STATE_FILE)), strings)
  const onStatus = (status: SyncStatus) => {
    updateTrayAndBadge(status)
    for (const notice of planner.next(status, Date.now())) showNotification(notice.title, notice.body)
  }
  c.on('status', onStatus)
  onStatus(c.status())
  app.on('browser-window-focus', () => void refreshLanguage())

  void startUpdates()
}

function quitNoteTimeout(): number {
  const raw = Number(process.env.OUTPOST_QUIT_NOTE_TIMEOUT_MS)
  return Number.isFinite(raw) && raw >= 0 ? raw : 10_000
}

async function refreshLanguage(): Promise<void> {
  if (!core) return
  try {
    const settings = await core.handlers.getSettings(undefined)
    const next = pickShellLanguage(settings.ok ? settings.value.language : null, app.getLocale())
    if (next !== language) {
      language = next
      installMenu()
      updateTrayMenu()
      if (core) updateTrayAndBadge(core.status())
    }
  } catch (err) {
    shellLog.warn('Could not read the language setting', { error: String(err) })
  }
}

// ---------------------------------------------------------------------------
// Window
// ---------------------------------------------------------------------------
function createMainWindow(): BrowserWindow {
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
    ...(process.platform === 'linux' ? { icon: paths.icon(256) } : {}),
    webPreferences: secureWebPreferences(paths.preload),
  })
  mainWindow = win
  if (state.maximized) win.maximize()
  win.once('ready-to-show', () => win.show())

  win.on('close', () => {
    try {
      saveWindowState(stateFile, captureWindowState(win.getNormalBounds(), win.isMaximized()))
    } catch (err) {
      shellLog.warn('Could not save the window state', { error: String(err) })
    }
  })
  win.on('closed', () => {
    if (mainWindow === win) mainWindow = null
  })

  // All state lives in main, so a crashed renderer loses nothing: reload it.
  const crashes = new RendererCrashPolicy()
  win.webContents.on('render-process-gone', (_event, details) => {
    shellLog.error('Renderer process gone', { reason: details.reason, exitCode: details.exitCode })
    if (!win.isDestroyed() && crashes.shouldReload(details.reason, Date.now())) win.webContents.reload()
  })
  win.webContents.on('unresponsive', () => shellLog.warn('Renderer unresponsive'))

  if (devServerUrl) void win.loadURL(devServerUrl)
  else void win.loadFile(paths.rendererIndex)
  return win
}

function focusMainWindow(): void {
  if (!running()) return
  const win = mainWindow ?? createMainWindow()
  if (win.isMinimized()) win.restore()
  if (!win.isVisible()) win.show()
  win.focus()
}

// ---------------------------------------------------------------------------
// Menu, tray, badge, notifications
// ---------------------------------------------------------------------------
function installMenu(): void {
  const template = buildMenuTemplate({
    isPackaged: app.isPackaged,
    isMac: process.platform === 'darwin',
    strings: strings(),
    actions: {
      about: () => void showAbout(),
      openDataFolder: () => void shell.openPath(dataDir),
      exportDiagnostics: () => void exportDiagnostics(),
    },
  })
  Menu.setApplicationMenu(Menu.buildFromTemplate(template))
}

function createTray(): void {
  try {
    tray = new Tray(nativeImage.createFromPath(paths.icon(process.platform === 'darwin' ? 16 : 32)))
  } catch (err) {
    shellLog.warn('No system tray available', { error: String(err) })
    return
  }
  tray.on('click', () => focusMainWindow())
  updateTrayMenu()
}

function updateTrayMenu(): void {
  if (!tray) return
  const s = strings()
  tray.setContextMenu(
    Menu.buildFromTemplate([
      { label: s.trayOpen, click: () => focusMainWindow() },
      { label: s.traySyncNow, click: () => void (running() ? core?.invoke('syncNow', undefined) : undefined) },
      { type: 'separator' },
      { label: s.trayQuit, click: () => app.quit() },
    ]),
  )
}

let lastTooltip = ''
let lastBadge = -1
function updateTrayAndBadge(status: SyncStatus): void {
  const tooltip = trayTooltip(status, strings())
  if (tray && !tray.isDestroyed() && tooltip !== lastTooltip) {
    tray.setToolTip(tooltip)
    lastTooltip = tooltip
  }
  const n = waitingCount(status)
  if (n !== lastBadge) {
    lastBadge = n
    try {
      app.setBadgeCount(n)
    } catch {
      // No badge on this desktop.
    }
  }
}

// Held until clicked or closed: an unreferenced Notification can be garbage
// collected, and its click handler with it.
const shownNotifications = new Set<Notification>()
function showNotification(title: string, body: string): void {
  if (!Notification.isSupported()) return
  const n = new Notification({ title, body, silent: false })
  shownNotifications.add(n)
  n.on('click', () => {
    shownNotifications.delete(n)
    focusMainWindow()
  })
  n.on('close', () => shownNotifications.delete(n))
  n.show()
}

// ---------------------------------------------------------------------------
// Help menu
// ---------------------------------------------------------------------------
async function showAbout(): Promise<void> {
  const s = strings()
  const options = {
    type: 'info' as const,
    title: s.menuAbout,
    message: 'Outpost',
    detail: s.aboutDetail({ version: app.getVersion(), electron: process.versions.electron ?? '?', dataDir }),
    buttons: [s.ok],
    noLink: true,
  }
  await (mainWindow ? dialog.showMessageBox(mainWindow, options) : dialog.showMessageBox(options))
}

async function exportDiagnostics(): Promise<void> {
  const s = strings()
  const options = {
    title: s.menuExportDiagnostics,
    defaultPath: join(app.getPath('downloads'), defaultDiagnosticsFileName()),
    filters: [{ name: 'Zip', extensions: ['zip'] }],
  }
  const result = await (mainWindow ? dialog.showSaveDialog(mainWindow, options) : dialog.showSaveDialog(options))
  if (result.canceled || !result.filePath) return
  try {
    await writeDiagnosticsZip(result.filePath, {
      app: {
        name: app.getName(),
        version: app.getVersion(),
        packaged: app.isPackaged,
        platform: process.platform,
        arch: process.arch,
        osRelease: release(),
        versions: { electron: process.versions.electron, chrome: process.versions.chrome, node: process.versions.node },
        locale: app.getLocale(),
      },
      core: core ? core.diagnostics() : null,
      coreError: core ? undefined : 'The core is not running.',
      logLines: lastRelayLines(logsDir, 200),
    })
    shellLog.info('Diagnostics exported')
    shell.showItemInFolder(result.filePath)
  } catch (err) {
    shellLog.error('Diagnostics export failed', { error: String(err) })
    dialog.showErrorBox(s.diagnosticsFailed, String(err))
  }
}

// ---------------------------------------------------------------------------
// Auto-update
// ---------------------------------------------------------------------------
async function startUpdates(): Promise<void> {
  const policy = updatesEnabled({
    isPackaged: app.isPackaged,
    hasUpdateConfig: existsSync(join(process.resourcesPath, 'app-update.yml')),
    env: process.env,
  })
  shellLog.info('Auto-update', policy)
  if (!policy.enabled) return
  try {
    const { autoUpdater } = (await import('electron-updater')).default
    autoUpdater.logger = log.scope('updater')
    startAutoUpdates({
      updater: autoUpdater,
      log: shellLog,
      askToRestart: async (version) => {
        const s = strings()
        const options = {
          type: 'info' as const,
          title: s.updateTitle,
          message: s.updateReady(version),
          detail: s.updateDetail,
          buttons: [s.updateRestart, s.updateLater],
          defaultId: 0,
          cancelId: 1,
          noLink: true,
        }
        const r = await (mainWindow ? dialog.showMessageBox(mainWindow, options) : dialog.showMessageBox(options))
        installingUpdate = r.response === 0
        return installingUpdate
      },
    })
  } catch (err) {
    shellLog.warn('Auto-update unavailable', { error: String(err) })
  }
}
