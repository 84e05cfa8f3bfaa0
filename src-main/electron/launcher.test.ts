import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import {
  bindingAbi,
  electronExecutableName,
  electronGypEnv,
  expectedStamp,
  locateElectron,
  missingElectronMessage,
  nativeBindingIsCurrent,
  nodeGypArgs,
} from './launcher'

const pkgDir = join('/repo', 'node_modules', 'electron')

function fs(files: Record<string, string>) {
  return {
    exists: (p: string) => p in files,
    readText: (p: string) => files[p] ?? null,
  }
}

describe('locateElectron', () => {
  it('prefers ELECTRON_OVERRIDE_DIST_PATH, like electron/index.js', () => {
    const exe = join('/opt/electron', 'electron')
    const r = locateElectron({ env: { ELECTRON_OVERRIDE_DIST_PATH: '/opt/electron' }, electronPackageDir: pkgDir, platform: 'linux', ...fs({ [exe]: '' }) })
    expect(r).toEqual({ ok: true, path: exe, source: 'ELECTRON_OVERRIDE_DIST_PATH' })
    const mac = locateElectron({ env: { ELECTRON_OVERRIDE_DIST_PATH: '/E' }, electronPackageDir: pkgDir, platform: 'darwin', ...fs({}) })
    expect(mac).toEqual({ ok: false, reason: `ELECTRON_OVERRIDE_DIST_PATH is set, but ${join('/E', 'Electron.app/Contents/MacOS/Electron')} does not exist` })
  })

  it('uses path.txt and dist/ from the npm package, and never downloads', () => {
    const files = { [join(pkgDir, 'package.json')]: '{}', [join(pkgDir, 'path.txt')]: 'electron\n', [join(pkgDir, 'dist', 'electron')]: '' }
    expect(locateElectron({ env: {}, electronPackageDir: pkgDir, platform: 'linux', ...fs(files) })).toEqual({
      ok: true,
      path: join(pkgDir, 'dist', 'electron'),
      source: 'node_modules',
    })
    const noDownload = locateElectron({ env: {}, electronPackageDir: pkgDir, platform: 'linux', ...fs({ [join(pkgDir, 'package.json')]: '{}' }) })
    expect(noDownload).toEqual({ ok: false, reason: 'the Electron binary was not downloaded during npm install' })
  })

  it('names the platform executable', () => {
    expect(electronExecutableName('win32')).toBe('electron.exe')
    expect(electronExecutableName('linux')).toBe('electron')
  })

  it('explains the way out in a few lines', () => {
    const m = missingElectronMessage('no binary', '45.5.0', 'linux', 'x64')
    expect(m.split('\n')).toHaveLength(3)
    expect(m).toContain('ELECTRON_OVERRIDE_DIST_PATH')
    expect(m).toContain('npm run web')
    expect(m).toContain('electron-v45.5.0-linux-x64')
  })
})

describe('the Electron build of better-sqlite3', () => {
  let dir = ''
  afterEach(() => {
    if (dir) rmSync(dir, { recursive: true, force: true })
  })

  it('is current only with a matching stamp and ABI', () => {
    dir = mkdtempSync(join(tmpdir(), 'outpost-native-'))
    const stamp = expectedStamp('45.5.0', 150, '12.11.1', 'linux', 'x64')
    expect(nativeBindingIsCurrent(dir, stamp)).toBe(false)
    mkdirSync(join(dir, '.electron-native'))
    writeFileSync(join(dir, '.electron-native', 'better_sqlite3.node'), 'ELF...node_register_module_v150...')
    expect(nativeBindingIsCurrent(dir, stamp)).toBe(false) // no stamp yet
    writeFileSync(join(dir, '.electron-native', 'stamp.json'), JSON.stringify(stamp))
    expect(nativeBindingIsCurrent(dir, stamp)).toBe(true)
    expect(nativeBindingIsCurrent(dir, { ...stamp, electron: '46.0.0' })).toBe(false)
    expect(nativeBindingIsCurrent(dir, { ...stamp, betterSqlite3: '12.12.0' })).toBe(false)
    // A Node build behind a right-looking stamp is caught by its ABI.
    writeFileSync(join(dir, '.electron-native', 'better_sqlite3.node'), 'ELF...node_register_module_v115...')
    expect(bindingAbi(join(dir, '.electron-native', 'better_sqlite3.node'))).toBe(115)
    expect(nativeBindingIsCurrent(dir, stamp)).toBe(false)
  })

  it("builds against Electron's headers, ignoring npm's nodedir", () => {
    const stamp = expectedStamp('45.5.0', 150, '12.11.1', 'linux', 'x64')
    expect(nodeGypArgs(stamp, {})).toEqual([
      'rebuild',
      '--release',
      '--target=45.5.0',
      '--arch=x64',
      '--runtime=electron',
      '--dist-url=https://electronjs.org/headers',
    ])
    expect(nodeGypArgs(stamp, { ELECTRON_HEADERS_DIR: '/h' })).toContain('--nodedir=/h')
    const env = electronGypEnv({ npm_config_nodedir: '/usr', NPM_CONFIG_TARGET: '20.0.0', PATH: '/bin' }, stamp)
    expect(env).toEqual({ PATH: '/bin', npm_config_runtime: 'electron', npm_config_target: '45.5.0', npm_config_arch: 'x64' })
  })
})
