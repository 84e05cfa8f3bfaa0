/**
 * The contract wired to IPC: one `ipcMain.handle` per contract method, and
 * core events forwarded to every window. Written against a small `ipcMain`-like
 * interface so tests drive it with a plain object.
 */
import { fileURLToPath } from 'node:url'
import { isAbsolute, relative } from 'node:path'
import { eventChannel, eventNames, invokeChannel, methodNames, type EventName, type EventPayload } from '../../src-preload/contract'
import type { Result } from '../../src-preload/contract'

export interface InvokeEventLike {
  /** The frame that sent the message; null once it navigated away or was destroyed. */
  senderFrame: { url: string } | null
}

export interface IpcMainLike {
  handle(channel: string, listener: (event: InvokeEventLike, ...args: unknown[]) => unknown): void
  removeHandler(channel: string): void
}

export interface CoreLike {
  invoke(method: string, input: unknown): Promise<Result<unknown>>
  on<K extends EventName>(event: K, listener: (payload: EventPayload<K>) => void): () => void
}

export interface EventTarget {
  send(channel: string, payload: unknown): void
  isDestroyed(): boolean
}

export interface RegisterIpcOptions {
  ipcMain: IpcMainLike
  core: CoreLike
  /** Whether a frame URL is one of the app's own pages. */
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

const registered = new WeakSet<IpcMainLike>()

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
        return core.invoke(name, input)
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

export interface TrustedOrigins {
  /** Absolute path of out/renderer. */
  rendererDir?: string | undefined
  /** electron-vite dev server (ELECTRON_RENDERER_URL). */
  devServerUrl?: string | undefined
}

/** Whether a frame URL is one of our pages: a file inside out/renderer, or the dev server's origin. */
export function isTrustedSenderUrl(frameUrl: string | null, trusted: TrustedOrigins): boolean {
  if (!frameUrl) return false
  let url: URL
  try {
    url = new URL(frameUrl)
  } catch {
    return false
  }
  if (trusted.devServerUrl) {
    try {
      if ((url.protocol === 'http:' || url.protocol === 'https:') && url.origin === new URL(trusted.devServerUrl).origin) return true
    } catch {
      // fall through
    }
  }
  if (url.protocol === 'file:' && trusted.rendererDir) {
    if (url.host !== '' && url.host !== 'localhost') return false
    let file: string
    try {
      file = fileURLToPath(url)
    } catch {
      return false
    }
    const rel = relative(trusted.rendererDir, file)
    return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel)
  }
  return false
}
