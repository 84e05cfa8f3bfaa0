/**
 * The application menu as plain data (Electron's MenuItemConstructorOptions
 * shape), so its rules are tested without Electron: Edit uses roles so copy
 * and paste work in inputs; View offers reload only in development, plus zoom;
 * Help has the version, the data folder and Export diagnostics.
 */
import type { ShellStrings } from './shell-strings'

export type MenuRole =
  | 'appMenu'
  | 'undo'
  | 'redo'
  | 'cut'
  | 'copy'
  | 'paste'
  | 'pasteAndMatchStyle'
  | 'delete'
  | 'selectAll'
  | 'reload'
  | 'forceReload'
  | 'toggleDevTools'
  | 'resetZoom'
  | 'zoomIn'
  | 'zoomOut'
  | 'togglefullscreen'
  | 'windowMenu'
  | 'about'
  | 'quit'

export interface MenuItemSpec {
  label?: string
  role?: MenuRole
  type?: 'separator'
  accelerator?: string
  click?: () => void
  submenu?: MenuItemSpec[]
}

export interface MenuOptions {
  isPackaged: boolean
  isMac: boolean
  strings: ShellStrings
  actions: {
    about(): void
    openDataFolder(): void
    exportDiagnostics(): void
  }
}

export function buildMenuTemplate(options: MenuOptions): MenuItemSpec[] {
  const { strings: s, actions } = options
  const sep: MenuItemSpec = { type: 'separator' }
  const template: MenuItemSpec[] = []

  if (options.isMac) template.push({ role: 'appMenu' })

  template.push({
    label: s.menuEdit,
    submenu: [
      { role: 'undo' },
      { role: 'redo' },
      sep,
      { role: 'cut' },
      { role: 'copy' },
      { role: 'paste' },
      ...(options.isMac ? [{ role: 'pasteAndMatchStyle' as const }] : []),
      { role: 'delete' },
      sep,
      { role: 'selectAll' },
    ],
  })

  template.push({
    label: s.menuView,
    submenu: [
      ...(options.isPackaged ? [] : [{ role: 'reload' as const }, { role: 'forceReload' as const }, { role: 'toggleDevTools' as const }, sep]),
      { role: 'resetZoom' },
      { role: 'zoomIn' },
      { role: 'zoomOut' },
      sep,
      { role: 'togglefullscreen' },
    ],
  })

  if (options.isMac) template.push({ role: 'windowMenu' })

  template.push({
    label: s.menuHelp,
    submenu: [
      { label: s.menuAbout, click: actions.about },
      { label: s.menuOpenDataFolder, click: actions.openDataFolder },
      sep,
      { label: s.menuExportDiagnostics, click: actions.exportDiagnostics },
    ],
  })

  return template
}

/** Every role in a template, depth first (tests and assertions). */
export function rolesOf(items: MenuItemSpec[]): MenuRole[] {
  return items.flatMap((i) => [...(i.role ? [i.role] : []), ...rolesOf(i.submenu ?? [])])
}
