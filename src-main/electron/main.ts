/**
 * Electron main entry: the composition root. It reads the environment, builds
 * the core and connects the shell's parts to Electron's events; every decision
 * lives in a plain module next to this one (security, app-protocol, ipc,
 * lifecycle, send-before-quit, …) with its own tests, and the Electron glue in
 * main-window, tray-and-badge, dialogs and quit-flow.
 */
import { existsSync, mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { app, dialog, ipcMain, Menu, net, powerMonitor, protocol, safeStorage, session, shell, BrowserWindow } from 'electron'
import log from 'electron-log/main'
import type { SyncStatus } from '../../src-shared/contract'
import { cspHeader } from '../content-security-policy'
import type { Core } from '../core/core-types'
import { createCore } from '../core/create-core'
import { APP_INDEX_URL, APP_SCHEME, APP_SCHEME_PRIVILEGES, createAppProtocolHandler, isAppPageUrl } from './app-protocol'
import { createConnectivityWatcher, wireConnectivitySignals } from './connectivity'
import { fileNotifyStore, NotificationPlanner, NOTIFY_STATE_FILE } from './desktop-integration'
import { askToRestart, exportDiagnostics, showAbout, type DialogContext } from './dialogs'
import { readShellEnvironment } from './environment'
import { registerExportIpc } from './export-ipc'
import { registerIpc } from './ipc'
import { fatalErrorHandler } from './lifecycle'
import { configureLogging, coreLogger, RELAY_SCOPE } from './logging'
import { MainWindow } from './main-window'
import { buildMenuTemplate } from './menu'
import { resolveNativeBinding } from './native-binding'
import { noRedirectFetch } from './net-fetch'
import { shellPaths } from './paths'
import { createQuitFlow } from './quit-flow'
import { osSecretBox } from './secret-box'
import { applySecurity } from './security'
import { ShellLanguageState } from './shell-language'
import { Notifier, TrayAndBadge } from './tray-and-badge'
import { startUpdatesIfEnabled } from './updater'

// Before `ready`: environment, paths, logging, sandbox, our scheme, single instance.
const env = readShellEnvironment({ env: process.env, argv: process.argv.slice(1), isPackaged: app.isPackaged })
if (env.dataDirOverride) {
  // Chromium's profile and the single-instance lock follow the data folder, so parallel test runs do not collide.
  mkdirSync(env.dataDirOverride, { recursive: true })
  app.setPath('userData', env.dataDirOverride)
  app.setAppLogsPath(join(env.dataDirOverride, 'logs'))
}
const dataDir = env.dataDirOverride ?? app.getPath('userData')
const logsDir = app.getPath('logs')
const paths = shellPaths({ isPackaged: app.isPackaged, mainDir: import.meta.dirname, resourcesPath: process.resourcesPath })

configureLogging(log, { logsDir, console: !app.isPackaged })
// electron-log/main listens for renderer log messages over IPC; Outpost's renderer does not log through main.
ipcMain.removeAllListeners('__ELECTRON_LOG__')
ipcMain.removeHandler('__ELECTRON_LOG__')
const shellLog = log.scope('shell')

app.enableSandbox()
protocol.registerSchemesAsPrivileged([{ scheme: APP_SCHEME, privileges: { ...APP_SCHEME_PRIVILEGES } }])

const language = new ShellLanguageState()
const strings = language.strings
const pages = { devServerUrl: env.devServerUrl }
/** The one piece of state here: null until the core has started, so a fatal error before that has nothing to close. */
let core: Core | null = null

const fatal = fatalErrorHandler(
  {
    log: shellLog,
    showError: (title, message) => dialog.showErrorBox(title, message),
    shutdown: () => core?.shutdown() ?? Promise.resolve(),
    exit: (code) => app.exit(code),
  },
  () => ({ title: strings().crashTitle, message: strings().crashMessage }),
)
process.on('uncaughtException', (err) => void fatal(err))
process.on('unhandledRejection', (reason) => shellLog.error('Unhandled promise rejection', { error: String(reason) }))

if (!app.requestSingleInstanceLock()) {
  app.exit(0) // Another Outpost owns this data folder: it will focus its window.
} else {
  // Any failure during startup is fatal: log, tell, close the database.
  app
    .whenReady()
    .then(start)
    .catch((err: unknown) => void fatal(err))
}

async function start(): Promise<void> {
  shellLog.info('Starting Outpost', { version: app.getVersion(), packaged: app.isPackaged, dataDir })
  const refused = (what: string, detail: string) => shellLog.warn('Refused', { what, detail: detail.slice(0, 200) })
  applySecurity({ app, session: session.defaultSession, openExternal: (url) => shell.openExternal(url), ...pages, onRefused: refused })
  // The renderer's files, with their MIME types and the production CSP (the dev server serves itself).
  protocol.handle(APP_SCHEME, createAppProtocolHandler({ rendererDir: paths.rendererDir, csp: cspHeader(), onRefused: refused }))

  let c: Core
  try {
    c = createCore({
      dataDir,
      nativeBinding: resolveNativeBinding({ isPackaged: app.isPackaged, env: process.env, appPath: paths.root, exists: existsSync }),
      flags: env.flags,
      env: env.apiEnv,
      secretBox: osSecretBox(safeStorage, process.platform, shellLog),
      fetch: noRedirectFetch((input, init) => net.fetch(input, init)),
      log: coreLogger(log.scope(RELAY_SCOPE)),
    })
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err)
    shellLog.error('The core could not start', { error: message })
    dialog.showErrorBox(strings().startFailedTitle, message)
    app.exit(1)
    return
  }
  core = c

  const startUrl = env.devServerUrl ?? APP_INDEX_URL
  const window = new MainWindow({
    dataDir,
    preload: paths.preload,
    icon: paths.icon(256),
    startUrl,
    log: shellLog,
    // Off macOS, closing the window quits: start the quit while the window is still there to show it.
    closeBecomesQuit: () => {
      if (process.platform === 'darwin' || quit.state !== 'running') return false
      app.quit()
      return true
    },
  })
  const dialogs: DialogContext = { parent: () => window.current, strings, log: shellLog }

  registerIpc({
    ipcMain,
    core: c,
    isTrustedSender: (url) => isAppPageUrl(url, pages),
    targets: () => BrowserWindow.getAllWindows().map((w) => w.webContents),
    onRefused: (channel, url) => shellLog.warn('Refused IPC from an untrusted frame', { channel, url }),
  })

  registerExportIpc({ ipcMain, dialog, core: c, dialogs, isTrustedSender: (url) => isAppPageUrl(url, pages), defaultDir: () => app.getPath('downloads') })
  // "Offline" comes only from the OS: net.isOnline() and the signals that it may have changed.
  const connectivity = createConnectivityWatcher(c, () => net.isOnline(), shellLog)
  connectivity.check('start')
  wireConnectivitySignals(connectivity, { powerMonitor, app })

  let installingUpdate = false
  const trayActions = {
    open: () => focus(),
    syncNow: () => void (running() ? c.handlers.syncNow(undefined) : undefined),
    quit: () => app.quit(),
  }
  const tray = new TrayAndBadge(paths.icon(process.platform === 'darwin' ? 16 : 32), strings, trayActions, shellLog)
  const quit = createQuitFlow({
    core: c,
    window,
    tray,
    dialogs,
    installingUpdate: () => installingUpdate,
    askTimeoutMs: env.quitAskTimeoutMs,
    log: shellLog,
  })
  /** Once quitting has begun, nothing brings a window back or calls the closing core. */
  const running = (): boolean => quit.state === 'running'
  const focus = (): void => {
    if (running()) window.focus()
  }
  app.on('second-instance', focus)
  app.on('before-quit', (event) => quit.onBeforeQuit(event))
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit()
  })
  app.on('activate', () => {
    if (running() && BrowserWindow.getAllWindows().length === 0) window.create()
  })

  const installMenu = (): void => {
    const actions = {
      about: () => void showAbout(dialogs, dataDir),
      openDataFolder: () => void shell.openPath(dataDir),
      exportDiagnostics: () => void exportDiagnostics(dialogs, c, logsDir),
    }
    const template = buildMenuTemplate({ isPackaged: app.isPackaged, isMac: process.platform === 'darwin', strings: strings(), actions })
    Menu.setApplicationMenu(Menu.buildFromTemplate(template))
  }
  const refreshLanguage = async (): Promise<void> => {
    const changed = await language.refresh(async () => {
      const settings = await c.handlers.getSettings(undefined)
      return settings.ok ? settings.value.language : null
    }, app.getLocale())
    if (!changed) return
    installMenu()
    tray.refreshMenu()
    tray.update(c.status())
  }

  await refreshLanguage()
  installMenu()
  window.create()
  tray.create()

  const notifier = new Notifier(focus)
  const planner = new NotificationPlanner(fileNotifyStore(join(dataDir, NOTIFY_STATE_FILE)), strings)
  const onStatus = (status: SyncStatus) => {
    tray.update(status)
    for (const notice of planner.next(status, Date.now())) notifier.show(notice.title, notice.body)
  }
  c.on('status', onStatus)
  onStatus(c.status())
  app.on('browser-window-focus', () => void refreshLanguage())

  void startUpdatesIfEnabled({
    isPackaged: app.isPackaged,
    resourcesPath: process.resourcesPath,
    env: process.env,
    log: shellLog,
    updaterLog: log.scope('updater'),
    askToRestart: (version) => askToRestart(dialogs, version).then((yes) => (installingUpdate = yes)),
  })
}
