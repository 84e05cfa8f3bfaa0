/**
 * The tray icon and its menu, the badge count and OS notifications, applied
 * from core status. Electron glue: what they say is decided in
 * desktop-integration.ts.
 */
import { app, Menu, nativeImage, Notification, Tray } from 'electron'
import type { SyncStatus } from '../../src-shared/contract'
import type { Logger } from '../core/core-types'
import { trayTooltip, waitingCount } from './desktop-integration'
import type { ShellStrings } from './shell-strings'

export interface TrayActions {
  open(): void
  syncNow(): void
  quit(): void
}

export class TrayAndBadge {
  private tray: Tray | null = null
  private lastTooltip = ''
  private lastBadge = -1

  constructor(
    private readonly iconPath: string,
    private readonly strings: () => ShellStrings,
    private readonly actions: TrayActions,
    private readonly log: Logger,
  ) {}

  create(): void {
    try {
      this.tray = new Tray(nativeImage.createFromPath(this.iconPath))
    } catch (err) {
      this.log.warn('No system tray available', { error: String(err) })
      return
    }
    this.tray.on('click', () => this.actions.open())
    this.refreshMenu()
  }

  /** After a language change. */
  refreshMenu(): void {
    if (!this.tray) return
    const s = this.strings()
    this.tray.setContextMenu(
      Menu.buildFromTemplate([
        { label: s.trayOpen, click: () => this.actions.open() },
        { label: s.traySyncNow, click: () => this.actions.syncNow() },
        { type: 'separator' },
        { label: s.trayQuit, click: () => this.actions.quit() },
      ]),
    )
    this.lastTooltip = ''
  }

  update(status: SyncStatus): void {
    const tooltip = trayTooltip(status, this.strings())
    if (this.tray && !this.tray.isDestroyed() && tooltip !== this.lastTooltip) {
      this.tray.setToolTip(tooltip)
      this.lastTooltip = tooltip
    }
    const n = waitingCount(status)
    if (n !== this.lastBadge) {
      this.lastBadge = n
      try {
        app.setBadgeCount(n)
      } catch {
        // No badge on this desktop.
      }
    }
  }

  destroy(): void {
    this.tray?.destroy()
    this.tray = null
  }
}

export class Notifier {
  // Held until clicked or closed: an unreferenced Notification can be garbage
  // collected, and its click handler with it.
  private readonly shown = new Set<Notification>()

  constructor(private readonly onClick: () => void) {}

  show(title: string, body: string): void {
    if (!Notification.isSupported()) return
    const n = new Notification({ title, body, silent: false })
    this.shown.add(n)
    n.on('click', () => {
      this.shown.delete(n)
      this.onClick()
    })
    n.on('close', () => this.shown.delete(n))
    n.show()
  }
}
