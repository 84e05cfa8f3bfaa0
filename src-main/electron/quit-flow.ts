/**
 * The quit sequence wired to Electron: lifecycle.ts's QuitController with the
 * quit question (dialogs.ts), "Send now" (send-before-quit.ts) showing its
 * progress in the main window, and the windows and tray put away before the
 * core shuts down. Electron glue: the order of steps is tested in
 * lifecycle.test.ts, the sending in send-before-quit.test.ts.
 */
import { app, BrowserWindow } from 'electron'
import type { Core, Logger } from '../core/core-types'
import { waitingCount } from './desktop-integration'
import { askBeforeQuit, type DialogContext } from './dialogs'
import { DEFAULT_QUIT_TIMINGS, QuitController } from './lifecycle'
import type { MainWindow } from './main-window'
import { sendBeforeQuit } from './send-before-quit'
import type { TrayAndBadge } from './tray-and-badge'

export interface QuitFlowOptions {
  core: Core
  window: MainWindow
  tray: TrayAndBadge
  dialogs: DialogContext
  /** No question while an update installs: the installer is waiting on us. */
  installingUpdate: () => boolean
  askTimeoutMs: number
  log: Logger
}

export function createQuitFlow(o: QuitFlowOptions): QuitController {
  const { core, window } = o
  return new QuitController(
    {
      waiting: () => (o.installingUpdate() ? 0 : waitingCount(core.status())),
      ask: (n, signal) => askBeforeQuit(o.dialogs, n, signal),
      sendNow: async () => {
        const strings = o.dialogs.strings
        const outcome = await sendBeforeQuit(core, {
          onProgress: ({ sent, total }) =>
            window.showProgress({ fraction: total > 0 ? sent / total : 1, title: strings().quitSending(sent, total) }),
        })
        window.showProgress(null)
        return JSON.stringify(outcome)
      },
      hideWindows: () => {
        for (const w of BrowserWindow.getAllWindows()) w.hide()
        o.tray.destroy()
      },
      shutdown: () => core.shutdown(),
      quit: () => app.quit(),
      exit: (code) => app.exit(code),
      log: o.log,
    },
    { ...DEFAULT_QUIT_TIMINGS, askTimeoutMs: o.askTimeoutMs },
  )
}
