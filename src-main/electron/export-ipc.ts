/**
 * "Export CSV" in Electron. Not a contract method: the contract carries one
 * request and one response, and an export is a long stream written in main to
 * a file the user picks, with progress on the way and a Cancel. So it is its
 * own operation on its own channels (exportChannel in contract.ts): `start`
 * shows the save dialog and resolves with the outcome when the file is
 * complete, `progress` goes to the window that asked, `cancel` stops it. The
 * file writing (temp file, flush, rename; cancel removes the temp file) is in
 * export-file.ts, plain Node with its own tests; only the dialog is Electron.
 */
import { basename, join } from 'node:path'
import type { Dialog, IpcMainInvokeEvent, SaveDialogOptions, SaveDialogReturnValue } from 'electron'
import { exportChannel, OrderFilter, type ExportOutcome, type ExportProgressView } from '../../src-shared/contract'
import { ExportCancelled, exportFileName } from '../core/orders/order-export'
import type { DialogContext } from './dialogs'
import { exportToFile, type ExportCore } from './export-file'
import { UntrustedSenderError, type IpcMainPart } from './ipc'

/** Progress reaches the window at most this often (a million-order export makes ~5,000 chunks). */
export const PROGRESS_EVERY_MS = 100

export interface ExportIpcOptions {
  ipcMain: IpcMainPart
  dialog: Pick<Dialog, 'showSaveDialog'>
  core: ExportCore
  dialogs: Pick<DialogContext, 'parent' | 'strings' | 'log'>
  isTrustedSender: (frameUrl: string | null) => boolean
  /** Where the dialog opens: the user's Downloads folder. */
  defaultDir: () => string
  now?: () => Date
}

export function registerExportIpc(opts: ExportIpcOptions): () => void {
  const { ipcMain, dialogs } = opts
  const now = opts.now ?? (() => new Date())
  let running: AbortController | null = null

  const check = (channel: string, event: IpcMainInvokeEvent) => {
    const url = event.senderFrame?.url ?? null
    if (!opts.isTrustedSender(url)) {
      dialogs.log.warn('Refused IPC from an untrusted frame', { channel, url })
      throw new UntrustedSenderError(channel)
    }
  }

  const askForFile = (): Promise<SaveDialogReturnValue> => {
    const options: SaveDialogOptions = {
      title: dialogs.strings().exportTitle,
      defaultPath: join(opts.defaultDir(), exportFileName(now())),
      filters: [{ name: 'CSV', extensions: ['csv'] }],
    }
    const parent = dialogs.parent()
    return parent ? opts.dialog.showSaveDialog(parent, options) : opts.dialog.showSaveDialog(options)
  }

  async function start(event: IpcMainInvokeEvent, input: unknown): Promise<ExportOutcome> {
    check(exportChannel('start'), event)
    const parsed = OrderFilter.safeParse((input as { filter?: unknown } | null)?.filter ?? {})
    if (!parsed.success) return { state: 'failed', message: 'The export filter is not valid.' }
    if (running) return { state: 'busy' }
    const ac = new AbortController()
    running = ac
    try {
      const choice = await askForFile()
      if (choice.canceled || !choice.filePath) return { state: 'dismissed' }
      let last = 0
      const send = (p: ExportProgressView) => {
        if (!event.sender.isDestroyed()) event.sender.send(exportChannel('progress'), { orders: p.orders, rows: p.rows })
      }
      const done = await exportToFile(opts.core, parsed.data, choice.filePath, {
        signal: ac.signal,
        onProgress: (p) => {
          const t = Date.now()
          if (t - last < PROGRESS_EVERY_MS) return
          last = t
          send(p)
        },
      })
      send(done)
      return { state: 'done', orders: done.orders, rows: done.rows, fileName: basename(choice.filePath) }
    } catch (err) {
      if (err instanceof ExportCancelled) return { state: 'cancelled' }
      dialogs.log.warn('The CSV export failed', { error: String(err) })
      // What the user can act on ("no space left", "permission denied"), never a stack.
      const code = (err as { code?: unknown }).code
      return { state: 'failed', message: typeof code === 'string' ? code : 'write_failed' }
    } finally {
      running = null
    }
  }

  ipcMain.handle(exportChannel('start'), start)
  ipcMain.handle(exportChannel('cancel'), (event) => {
    check(exportChannel('cancel'), event)
    running?.abort()
  })
  return () => {
    running?.abort()
    ipcMain.removeHandler(exportChannel('start'))
    ipcMain.removeHandler(exportChannel('cancel'))
  }
}
