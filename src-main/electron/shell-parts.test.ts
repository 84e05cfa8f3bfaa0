/** Smaller shell pieces: auto-update policy, menu, arguments, connectivity, secret box, paths, native binding. */
import { join } from 'node:path'
import { describe, expect, it, vi } from 'vitest'
import { parseShellFlags } from './args'
import { createConnectivityWatcher, wireConnectivitySignals } from './connectivity'
import { buildMenuTemplate, rolesOf, type MenuItemSpec } from './menu'
import { devNativeBindingPath, resolveNativeBinding } from './native-binding'
import { shellPaths } from './paths'
import { osSecretBox, type SafeStorageLike } from './secret-box'
import { shellStrings } from './shell-strings'
import { startAutoUpdates, UPDATE_INTERVAL_MS, updatesEnabled, type UpdateInfoLike, type UpdaterLike } from './updater'

describe('auto-update', () => {
  it('is off in development, without a publish configuration, and for the portable exe', () => {
    expect(updatesEnabled({ isPackaged: false, hasUpdateConfig: true, env: {} }).enabled).toBe(false)
    expect(updatesEnabled({ isPackaged: true, hasUpdateConfig: false, env: {} }).enabled).toBe(false)
    expect(updatesEnabled({ isPackaged: true, hasUpdateConfig: true, env: { PORTABLE_EXECUTABLE_DIR: 'C:\\x' } }).enabled).toBe(false)
    expect(updatesEnabled({ isPackaged: true, hasUpdateConfig: true, env: { OUTPOST_DISABLE_UPDATES: '1' } }).enabled).toBe(false)
    expect(updatesEnabled({ isPackaged: true, hasUpdateConfig: true, env: {} }).enabled).toBe(true)
  })

  function fakeUpdater() {
    const listeners: Record<string, Array<(arg: never) => void>> = {}
    const updater = {
      autoDownload: false,
      autoInstallOnAppQuit: false,
      checks: 0,
      installs: [] as Array<[boolean | undefined, boolean | undefined]>,
      checkForUpdates() {
        updater.checks++
        return Promise.resolve(null)
      },
      quitAndInstall(silent?: boolean, runAfter?: boolean) {
        updater.installs.push([silent, runAfter])
      },
      on(event: string, listener: (arg: never) => void) {
        ;(listeners[event] ??= []).push(listener)
        return updater
      },
      emit(event: string, arg: unknown) {
        for (const l of listeners[event] ?? []) l(arg as never)
      },
    }
    return updater
  }

  it('offers a version that finished downloading while another prompt was open, after it closes', async () => {
    const updater = fakeUpdater()
    let answer: (v: boolean) => void = () => undefined
    const ask = vi.fn(() => new Promise<boolean>((r) => (answer = r)))
    const timers = { setInterval: () => 1, clearInterval: () => undefined }
    startAutoUpdates({ updater: updater as UpdaterLike, askToRestart: ask, log: { info: vi.fn(), warn: vi.fn() }, timers })
    updater.emit('update-downloaded', { version: '2.0.0' })
    updater.emit('update-downloaded', { version: '2.0.1' })
    expect(ask).toHaveBeenCalledTimes(1)
    answer(false)
    await vi.waitFor(() => expect(ask).toHaveBeenLastCalledWith('2.0.1'))
  })

  it('checks at start and every 6 h, and offers a restart without forcing it', async () => {
    const updater = fakeUpdater()
    let tick: () => void = () => undefined
    const timers = { setInterval: vi.fn((fn: () => void) => ((tick = fn), 1)), clearInterval: vi.fn() }
    const answers = [false, true]
    const ask = vi.fn(() => Promise.resolve(answers.shift() ?? false))
    const stop = startAutoUpdates({ updater: updater as UpdaterLike, askToRestart: ask, log: { info: vi.fn(), warn: vi.fn() }, timers })
    expect(updater.checks).toBe(1)
    expect(timers.setInterval).toHaveBeenCalledWith(expect.any(Function), UPDATE_INTERVAL_MS)
    expect(UPDATE_INTERVAL_MS).toBe(6 * 60 * 60 * 1000)
    tick()
    expect(updater.checks).toBe(2)
    expect(updater.autoDownload).toBe(true)
    expect(updater.autoInstallOnAppQuit).toBe(true)

    updater.emit('update-downloaded', { version: '1.2.0' } satisfies UpdateInfoLike)
    await vi.waitFor(() => expect(ask).toHaveBeenCalledTimes(1))
    await Promise.resolve()
    expect(updater.installs).toEqual([]) // "Later"
    updater.emit('update-downloaded', { version: '1.2.0' })
    expect(ask).toHaveBeenCalledTimes(1) // asked once per version

    updater.emit('update-downloaded', { version: '1.3.0' })
    await vi.waitFor(() => expect(ask).toHaveBeenCalledTimes(2))
    await vi.waitFor(() => expect(updater.installs).toEqual([[false, true]]))
    stop()
    expect(timers.clearInterval).toHaveBeenCalledWith(1)
  })
})

describe('menu', () => {
  const actions = { about: vi.fn(), openDataFolder: vi.fn(), exportDiagnostics: vi.fn() }
  const build = (isPackaged: boolean, isMac = false) => buildMenuTemplate({ isPackaged, isMac, strings: shellStrings.en, actions })
  const find = (items: MenuItemSpec[], label: string) => items.find((i) => i.label === label)

  it('has an Edit menu of roles so copy and paste work in inputs', () => {
    const edit = find(build(true), 'Edit')
    expect(rolesOf(edit?.submenu ?? [])).toEqual(expect.arrayContaining(['undo', 'redo', 'cut', 'copy', 'paste', 'selectAll']))
  })

  it('offers reload only in development, and zoom always', () => {
    const prod = rolesOf(find(build(true), 'View')?.submenu ?? [])
    expect(prod).not.toContain('reload')
    expect(prod).not.toContain('forceReload')
    expect(prod).not.toContain('toggleDevTools')
    expect(prod).toEqual(expect.arrayContaining(['zoomIn', 'zoomOut', 'resetZoom']))
    expect(rolesOf(find(build(false), 'View')?.submenu ?? [])).toContain('reload')
  })

  it('has Help with the version, the data folder and diagnostics', () => {
    const help = find(build(true), 'Help')?.submenu ?? []
    const labels = help.filter((i) => i.label).map((i) => i.label)
    expect(labels).toEqual(['About Outpost', 'Open Data Folder', 'Export Diagnostics…'])
    for (const item of help) item.click?.()
    expect(actions.about).toHaveBeenCalled()
    expect(actions.openDataFolder).toHaveBeenCalled()
    expect(actions.exportDiagnostics).toHaveBeenCalled()
  })

  it('adds the app menu on macOS', () => {
    expect(build(true, true)[0]).toEqual({ role: 'appMenu' })
    expect(build(true, false)[0]?.role).toBeUndefined()
  })
})

describe('parseShellFlags', () => {
  it('reads --api-url and --api-token in both forms and ignores the rest', () => {
    expect(parseShellFlags(['.', '--api-url', 'http://a', '--api-token=t=1', '--no-sandbox'])).toEqual({ apiUrl: 'http://a', apiToken: 't=1' })
    // A switch where a value should be is a missing value, never the URL.
    expect(parseShellFlags(['--api-url', '--api-token', 'x'])).toEqual({})
    expect(parseShellFlags(['--api-url', 'http://a', '--api-url=http://b', '--inspect=9229', '-x'])).toEqual({ apiUrl: 'http://b' })
    expect(parseShellFlags(['--api-token='])).toEqual({ apiToken: '' })
    expect(parseShellFlags([])).toEqual({})
  })
})

describe('connectivity', () => {
  it('reports the OS view at start and on change, and re-probes on change or wake', () => {
    const core = { setOsOnline: vi.fn(), networkChanged: vi.fn() }
    let online = true
    const w = createConnectivityWatcher(core, () => online)
    w.check('start')
    expect(core.setOsOnline).toHaveBeenCalledWith(true)
    expect(core.networkChanged).not.toHaveBeenCalled()
    w.check('focus')
    expect(core.setOsOnline).toHaveBeenCalledTimes(1)
    online = false
    w.check('focus')
    expect(core.setOsOnline).toHaveBeenLastCalledWith(false)
    expect(core.networkChanged).toHaveBeenCalledTimes(1)
    w.check('resume', { wake: true })
    expect(core.networkChanged).toHaveBeenCalledTimes(2)
  })

  it('listens to power and focus signals, no timers', () => {
    const core = { setOsOnline: vi.fn(), networkChanged: vi.fn() }
    const w = createConnectivityWatcher(core, () => true)
    const handlers = new Map<string, () => void>()
    const emitter = { on: (e: string, l: () => void) => handlers.set(e, l) }
    wireConnectivitySignals(w, { powerMonitor: emitter, app: emitter })
    expect([...handlers.keys()].sort()).toEqual(['browser-window-focus', 'resume', 'unlock-screen', 'user-did-become-active'])
    handlers.get('resume')?.()
    expect(core.setOsOnline).toHaveBeenCalledWith(true)
  })
})

describe('osSecretBox', () => {
  const fake = (available: boolean, backend = 'gnome_libsecret'): SafeStorageLike => ({
    isEncryptionAvailable: () => available,
    encryptString: (p) => Buffer.from(`enc:${p}`),
    decryptString: (b) => b.toString().replace(/^enc:/, ''),
    getSelectedStorageBackend: () => backend,
  })
  it('seals with the OS keystore when there is one', () => {
    const box = osSecretBox(fake(true), 'linux', { warn: vi.fn() })
    expect(box?.kind).toBe('os-encrypted')
    const sealed = box?.seal('tok') ?? ''
    expect(sealed).not.toContain('tok')
    expect(box?.open(sealed)).toBe('tok')
  })
  it('falls back to plain text, with a warning, without a real keystore', () => {
    const warn = vi.fn()
    expect(osSecretBox(fake(false), 'win32', { warn })).toBeUndefined()
    expect(osSecretBox(fake(true, 'basic_text'), 'linux', { warn })).toBeUndefined()
    expect(warn).toHaveBeenCalledTimes(2)
  })
})

describe('paths and the native binding', () => {
  it('finds the build output from the main bundle, and the icons beside the app', () => {
    const packaged = shellPaths({ isPackaged: true, mainDir: join('/opt/O/resources/app.asar', 'out', 'main'), resourcesPath: '/opt/O/resources' })
    expect(packaged.root).toBe(join('/opt/O/resources/app.asar'))
    expect(packaged.preload).toBe(join('/opt/O/resources/app.asar', 'out', 'preload', 'index.cjs'))
    expect(packaged.rendererIndex).toBe(join('/opt/O/resources/app.asar', 'out', 'renderer', 'index.html'))
    expect(packaged.icon(32)).toBe(join('/opt/O/resources', 'icons', '32x32.png'))
    const dev = shellPaths({ isPackaged: false, mainDir: join('/repo', 'out', 'main'), resourcesPath: '/x' })
    expect(dev.root).toBe(join('/repo'))
    expect(dev.icon(256)).toBe(join('/repo', 'resources', 'icons', 'png', '256x256.png'))
  })

  it('passes the Electron build of better-sqlite3 in development only', () => {
    const file = devNativeBindingPath('/repo')
    expect(file).toBe(join('/repo', '.electron-native', 'better_sqlite3.node'))
    const exists = (p: string) => p === file
    expect(resolveNativeBinding({ isPackaged: false, env: {}, appPath: '/repo', exists })).toBe(file)
    expect(resolveNativeBinding({ isPackaged: false, env: {}, appPath: '/other', exists })).toBeUndefined()
    expect(resolveNativeBinding({ isPackaged: true, env: {}, appPath: '/repo', exists })).toBeUndefined()
    expect(resolveNativeBinding({ isPackaged: true, env: { OUTPOST_SQLITE_BINDING: '/b.node' }, appPath: '/repo', exists })).toBe('/b.node')
  })
})

describe('ShellLanguageState', () => {
  it('follows the setting, then the OS locale, and keeps its language when the setting cannot be read', async () => {
    const { ShellLanguageState } = await import('./shell-language')
    const lang = new ShellLanguageState()
    expect(lang.current).toBe('en')
    expect(await lang.refresh(() => Promise.resolve(null), 'zh-TW')).toBe(true)
    expect(lang.strings().trayQuit).toBe(shellStrings['zh-TW'].trayQuit)
    expect(await lang.refresh(() => Promise.resolve(null), 'zh-TW')).toBe(false)
    expect(await lang.refresh(() => Promise.reject(new Error('db closed')), 'en-US')).toBe(false)
    expect(lang.current).toBe('zh-TW')
    expect(await lang.refresh(() => Promise.resolve('en'), 'zh-TW')).toBe(true)
    expect(lang.current).toBe('en')
  })
})
