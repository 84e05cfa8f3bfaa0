/**
 * electron-builder.yml, checked with electron-builder's own schema validation
 * (no network, no Electron), plus the settings this project depends on.
 */
import { spawnSync } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import dns from 'node:dns'
import { Socket } from 'node:net'
import { describe, expect, it, vi } from 'vitest'
import { getConfig, validateConfiguration } from 'app-builder-lib/out/util/config/config.js'
import { DebugLogger } from 'builder-util'
import type { Configuration } from 'app-builder-lib'
import { loadYaml, repoPath, repoRoot } from './repo'

const configFile = repoPath('electron-builder.yml')

/** Loads and validates electron-builder.yml with sockets and DNS disabled, printing the validation time. */
const VALIDATE_SCRIPT = `
const net = require('node:net'); const dns = require('node:dns');
net.Socket.prototype.connect = function () { throw new Error('network used during validation') };
dns.lookup = function () { throw new Error('DNS used during validation') };
const { getConfig, validateConfiguration } = require('app-builder-lib/out/util/config/config.js');
const { DebugLogger } = require('builder-util');
(async () => {
  const config = await getConfig(process.cwd(), null, null);
  const t = performance.now();
  await validateConfiguration(config, new DebugLogger(false));
  console.log('validated in ' + (performance.now() - t).toFixed(1) + ' ms');
})().catch((e) => { console.error(String(e && e.message || e)); process.exit(1) });
`

async function loadConfig(): Promise<Configuration> {
  // The same loader electron-builder uses: electron-builder.yml merged with package.json.
  return getConfig(repoRoot, null, null)
}

type Target = { target: string; arch?: string[] }
const targetsOf = (value: unknown): Target[] => (Array.isArray(value) ? (value as Target[]) : [])

describe('electron-builder configuration', () => {
  it('passes electron-builder validation, with the network blocked', async () => {
    const config = await loadConfig()
    const attempts: string[] = []
    const connect = vi.spyOn(Socket.prototype, 'connect').mockImplementation(function (this: Socket) {
      attempts.push('socket')
      throw new Error('network used during validation')
    })
    const lookup = vi.spyOn(dns, 'lookup').mockImplementation(() => {
      attempts.push('dns')
      throw new Error('DNS used during validation')
    })
    try {
      await validateConfiguration(config, new DebugLogger(false))
    } finally {
      connect.mockRestore()
      lookup.mockRestore()
    }
    expect(attempts).toEqual([])
  })

  it('validates cold, in a fresh process without network', () => {
    // A fresh Node process proves the validator needs nothing this worker
    // loaded and no network. Its time is printed, not asserted: speed targets
    // live in `npm run bench`, and 2 shared cores made a 1 s budget flaky.
    const r = spawnSync(process.execPath, ['-e', VALIDATE_SCRIPT], { cwd: repoRoot, encoding: 'utf8', timeout: 30_000 })
    expect(r.status, `${r.stdout}\n${r.stderr}`).toBe(0)
    const ms = Number(/validated in (\d+(?:\.\d+)?) ms/.exec(r.stdout)?.[1])
    expect(Number.isFinite(ms), r.stdout).toBe(true)
    console.log(`electron-builder.yml validated cold in ${ms.toFixed(0)} ms`)
  })

  it('the validator is really checking (an unknown option is refused)', async () => {
    const config = { ...(await loadConfig()), notAnOption: true } as Configuration
    await expect(validateConfiguration(config, new DebugLogger(false))).rejects.toThrow(/notAnOption|unknown property|additional/i)
  })

  it('names the app and ships only the build output', async () => {
    const c = await loadConfig()
    expect(c.appId).toBe('app.outpost.desktop')
    expect(c.productName).toBe('Outpost')
    const files = (loadYaml(configFile) as { files: string[] }).files
    expect(files).toEqual(expect.arrayContaining(['out/**', 'package.json', '!out/**/*.map']))
    expect(files.filter((f) => !f.startsWith('!'))).toEqual(['out/**', 'package.json'])
    expect(c.fileAssociations).toEqual([])
    expect(c.directories?.buildResources).toBe('resources')
    // The version is package.json's; the config must not pin one.
    expect(loadYaml(configFile)).not.toHaveProperty('extraMetadata')
    expect(JSON.parse(readFileSync(repoPath('package.json'), 'utf8')).version).toMatch(/^\d+\.\d+\.\d+/)
  })

  it('rebuilds better-sqlite3 for Electron at packaging time and unpacks it from asar', async () => {
    const c = await loadConfig()
    expect(c.npmRebuild).toBe(true)
    expect(c.asar).toBe(true)
    expect(c.asarUnpack).toEqual(expect.arrayContaining(['**/*.node']))
    const pkg = JSON.parse(readFileSync(repoPath('package.json'), 'utf8')) as { scripts: Record<string, string> }
    // Never at install time (see DEVELOPERS.md).
    for (const hook of ['preinstall', 'install', 'postinstall', 'prepare']) {
      expect(pkg.scripts[hook] ?? '').not.toMatch(/install-app-deps|electron-rebuild|@electron\/rebuild/)
    }
  })

  it('sets the Electron fuses', async () => {
    const c = await loadConfig()
    expect(c.electronFuses).toEqual({
      runAsNode: false,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
      enableCookieEncryption: true,
      grantFileProtocolExtraPrivileges: false,
    })
  })

  it('targets NSIS (per user, folder choice) and portable on Windows', async () => {
    const c = await loadConfig()
    expect(targetsOf(c.win?.target).map((t) => t.target)).toEqual(['nsis', 'portable'])
    expect(c.nsis).toMatchObject({ oneClick: false, perMachine: false, allowToChangeInstallationDirectory: true })
  })

  it('targets dmg and zip for x64 and arm64 on macOS, hardened, with entitlements, notarizing only with credentials', async () => {
    const c = await loadConfig()
    const targets = targetsOf(c.mac?.target)
    expect(targets.map((t) => t.target)).toEqual(['dmg', 'zip'])
    for (const t of targets) expect(t.arch).toEqual(['x64', 'arm64'])
    expect(c.mac?.hardenedRuntime).toBe(true)
    for (const file of [c.mac?.entitlements, c.mac?.entitlementsInherit]) {
      expect(file).toBeTruthy()
      const text = readFileSync(repoPath('resources', String(file)), 'utf8')
      expect(text).toContain('com.apple.security.cs.allow-jit')
      expect(text).not.toContain('com.apple.security.cs.disable-library-validation')
    }
    // electron-builder notarizes only when APPLE_ID/APPLE_APP_SPECIFIC_PASSWORD/APPLE_TEAM_ID
    // (or the API-key trio) are in the environment; `false` would disable it for good.
    expect(c.mac?.notarize).not.toBe(false)
  })

  it('targets AppImage and deb on Linux, in the Office category, with a maintainer', async () => {
    const c = await loadConfig()
    expect(targetsOf(c.linux?.target).map((t) => t.target)).toEqual(['AppImage', 'deb'])
    expect(c.linux?.category).toBe('Office')
    expect(c.linux?.maintainer).toMatch(/\S+ <[^>]+@[^>]+>/)
  })

  it('publishes to GitHub releases (the auto-update source)', async () => {
    const c = await loadConfig()
    const publish = Array.isArray(c.publish) ? c.publish : [c.publish]
    expect(publish).toEqual([expect.objectContaining({ provider: 'github', owner: expect.any(String), repo: expect.any(String) })])
  })

  it('points at icons that exist, at every size the targets need', async () => {
    const c = await loadConfig()
    const res = (p: unknown) => repoPath('resources', String(p))
    expect(existsSync(repoPath('resources', 'icon.svg'))).toBe(true)

    // Windows and macOS get one PNG that electron-builder converts (it needs
    // at least 256 px for .ico and 512 px for .icns); 1024 px covers both.
    for (const icon of [c.win?.icon, c.mac?.icon]) {
      expect(String(icon)).toMatch(/\.png$/)
      expect(pngSize(readFileSync(res(icon)))).toEqual({ width: 1024, height: 1024 })
    }
    // The NSIS installer and uninstaller icons default to the app icon; a
    // path of their own would have to be an .ico that exists.
    for (const key of ['installerIcon', 'uninstallerIcon', 'installerHeaderIcon'] as const) {
      const own = c.nsis?.[key]
      if (own) expect(existsSync(res(own)), key).toBe(true)
    }

    for (const size of [16, 24, 32, 48, 64, 128, 256, 512, 1024]) {
      const png = readFileSync(res(`${String(c.linux?.icon)}/${size}x${size}.png`))
      expect(pngSize(png)).toEqual({ width: size, height: size })
    }
  })
})

/** Width and height from a PNG's IHDR chunk, after checking the signature. */
function pngSize(png: Buffer): { width: number; height: number } {
  expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))
  expect(png.toString('latin1', 12, 16)).toBe('IHDR')
  return { width: png.readUInt32BE(16), height: png.readUInt32BE(20) }
}
