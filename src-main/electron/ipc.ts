/**
 * The contract wired to IPC: one `ipcMain.handle` per contract method, each
 * calling the core's typed handler of the same name, and core events forwarded
 * to every window. Typed against the parts of Electron's own `IpcMain` and
 * `WebContents` it uses, so tests drive it with plain stand-ins.
 */
import type { IpcMain, WebContents } from 'electron'
import { eventChannel, eventNames, invokeChannel, methodNames } from '../../src-shared/contract'
import type { Core } from '../core/core-types'

export type IpcMainPart = Pick<IpcMain, 'handle' | 'removeHandler'>
/** `core.handlers` is the typed map of every contract method: a missing one does not compile. */
export type IpcCore = Pick<Core, 'handlers' | 'on'>
export type EventTarget = Pick<WebContents, 'send' | 'isDestroyed'>

export interface RegisterIpcOptions {
  ipcMain: IpcMainPart
  core: IpcCore
  /** Whether a frame URL is one of the app's own pages: `isAppPageUrl` from app-protocol.ts. */
  isTrustedSender: (frameUrl: string | null) => boolean
  /** The webContents of every open window, asked on each event. */
  targets: () => EventTarget[]
  onRefused?: (channel: string, frameUrl: string | null) => void
}

export class UntrustedSenderError extends Error {
  constructor(channel: string) {
    super(`Refused ${channel}: the sender is not an Outpost page`)
    this.name = 'UntrustedSenderError'
  }
}

const registered = new WeakSet<IpcMainPart>()

/**
 * Registers every contract method and event. Returns a disposer that removes
 * exactly what it added. Registering twice on the same ipcMain throws, as
 * Electron's own `handle` does for a duplicate channel.
 */
export function registerIpc(options: RegisterIpcOptions): () => void {
  const { ipcMain, core } = options
  if (registered.has(ipcMain)) throw new Error('Outpost IPC handlers are already registered')
  registered.add(ipcMain)

  const channels: string[] = []
  const unsubscribes: Array<() => void> = []
  try {
    for (const name of methodNames) {
      const channel = invokeChannel(name)
      ipcMain.handle(channel, (event, input: unknown) => {
        const url = event.senderFrame?.url ?? null
        if (!options.isTrustedSender(url)) {
          options.onRefused?.(channel, url)
          throw new UntrustedSenderError(channel)
        }
        // `input` stays unknown: the core validates it against the contract.
        return core.handlers[name](input)
      })
      channels.push(channel)
    }
    for (const name of eventNames) {
      const channel = eventChannel(name)
      unsubscribes.push(
        core.on(name, (payload) => {
          for (const target of options.targets()) {
            if (target.isDestroyed()) continue
            try {
              target.send(channel, payload)
            } catch {
              // A window closing mid-send is not an error worth surfacing.
            }
          }
        }),
      )
    }
  } catch (err) {
    for (const channel of channels) ipcMain.removeHandler(channel)
    for (const off of unsubscribes) off()
    registered.delete(ipcMain)
    throw err
  }

  let disposed = false
  return () => {
    if (disposed) return
    disposed = true
    for (const channel of channels) ipcMain.removeHandler(channel)
    for (const off of unsubscribes) off()
    registered.delete(ipcMain)
  }
}
