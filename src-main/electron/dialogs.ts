/**
 * The shell's own dialogs: About, Export Diagnostics, "Restart to update" and
 * the quit question. Each is parented to the main window when there is one.
 * Electron glue: the words are in shell-strings.ts, the decisions elsewhere.
 */
import { release } from 'node:os'
import { join } from 'node:path'
import { app, dialog, shell, type BrowserWindow, type MessageBoxOptions, type SaveDialogOptions } from 'electron'
import type { Core, Logger } from '../core/core-types'
import { defaultDiagnosticsFileName, writeDiagnosticsZip } from './diagnostics'
import type { QuitChoice } from './lifecycle'
import { lastRelayLines } from './logging'
import type { ShellStrings } from './shell-strings'

export interface DialogContext {
  parent: () => BrowserWindow | null
  strings: () => ShellStrings
  log: Logger
}

function messageBox(ctx: DialogContext, options: MessageBoxOptions) {
  const parent = ctx.parent()
  return parent ? dialog.showMessageBox(parent, options) : dialog.showMessageBox(options)
}

function saveDialog(ctx: DialogContext, options: SaveDialogOptions) {
  const parent = ctx.parent()
  return parent ? dialog.showSaveDialog(parent, options) : dialog.showSaveDialog(options)
}

export async function showAbout(ctx: DialogContext, dataDir: string): Promise<void> {
  const s = ctx.strings()
  await messageBox(ctx, {
    type: 'info',
    title: s.menuAbout,
    message: 'Outpost',
    detail: s.aboutDetail({ version: app.getVersion(), electron: process.versions.electron ?? '?', dataDir }),
    buttons: [s.ok],
    noLink: true,
  })
}

export async function exportDiagnostics(ctx: DialogContext, core: Core | null, logsDir: string): Promise<void> {
  const s = ctx.strings()
  const result = await saveDialog(ctx, {
    title: s.menuExportDiagnostics,
    defaultPath: join(app.getPath('downloads'), defaultDiagnosticsFileName()),
    filters: [{ name: 'Zip', extensions: ['zip'] }],
  })
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
    ctx.log.info('Diagnostics exported')
    shell.showItemInFolder(result.filePath)
  } catch (err) {
    ctx.log.error('Diagnostics export failed', { error: String(err) })
    dialog.showErrorBox(s.diagnosticsFailed, String(err))
  }
}

/** "Restart to update" (true) or "Later". */
export async function askToRestart(ctx: DialogContext, version: string): Promise<boolean> {
  const s = ctx.strings()
  const r = await messageBox(ctx, {
    type: 'info',
    title: s.updateTitle,
    message: s.updateReady(version),
    detail: s.updateDetail,
    buttons: [s.updateRestart, s.updateLater],
    defaultId: 0,
    cancelId: 1,
    noLink: true,
  })
  return r.response === 0
}

/** "Send now and quit" or "Quit, send next time"; Esc, closing it or `signal` mean the second. */
export async function askBeforeQuit(ctx: DialogContext, waiting: number, signal: AbortSignal): Promise<QuitChoice> {
  const s = ctx.strings()
  const r = await messageBox(ctx, {
    type: 'question',
    title: 'Outpost',
    message: s.quitQuestion(waiting),
    detail: s.quitQuestionDetail,
    buttons: [s.quitSendNow, s.quitSendLater],
    defaultId: 0,
    cancelId: 1,
    noLink: true,
    signal,
  })
  return r.response === 0 && !signal.aborted ? 'send-now' : 'quit'
}
