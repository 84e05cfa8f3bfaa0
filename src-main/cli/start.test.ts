/**
 * `npm start` without an Electron binary: a clear message and exit 1, never a
 * stack trace and never a download attempt. The real launcher runs under tsx,
 * pointed (via OUTPOST_ELECTRON_PACKAGE_DIR) at an electron package with no
 * downloaded binary, so the test holds on machines that do have one.
 */
import { spawnSync } from 'node:child_process'
import { cpSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, describe, expect, it } from 'vitest'

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..')
const tsxCli = join(repoRoot, 'node_modules', 'tsx', 'dist', 'cli.mjs')
const temp = mkdtempSync(join(tmpdir(), 'outpost-start-'))

afterAll(() => rmSync(temp, { recursive: true, force: true }))

/** A copy of node_modules/electron as npm leaves it when the download failed: no path.txt, no dist/. */
function electronPackageWithoutBinary(): string {
  const dir = join(temp, 'electron')
  cpSync(join(repoRoot, 'node_modules', 'electron'), dir, {
    recursive: true,
    filter: (p) => !p.endsWith('path.txt') && !p.includes(`${join(repoRoot, 'node_modules', 'electron', 'dist')}`),
  })
  return dir
}

function runStart(extraEnv: Record<string, string>, args: string[] = []) {
  const env: NodeJS.ProcessEnv = { ...process.env, ...extraEnv }
  delete env.ELECTRON_OVERRIDE_DIST_PATH
  if (extraEnv.ELECTRON_OVERRIDE_DIST_PATH) env.ELECTRON_OVERRIDE_DIST_PATH = extraEnv.ELECTRON_OVERRIDE_DIST_PATH
  return spawnSync(process.execPath, [tsxCli, join(repoRoot, 'src-main', 'cli', 'start.ts'), ...args], {
    cwd: repoRoot,
    env,
    encoding: 'utf8',
    timeout: 60_000,
  })
}

describe('npm start without an Electron binary', () => {
  it('exits 1 with a message naming ELECTRON_OVERRIDE_DIST_PATH and npm run web, without a stack trace', () => {
    const r = runStart({ OUTPOST_ELECTRON_PACKAGE_DIR: electronPackageWithoutBinary() })
    const output = `${r.stdout}\n${r.stderr}`
    expect(r.status, output).toBe(1)
    expect(output).toContain('ELECTRON_OVERRIDE_DIST_PATH')
    expect(output).toContain('npm run web')
    expect(output).not.toContain('    at ')
    expect(output).not.toMatch(/Downloading Electron/i)
    expect(output.trim().split('\n').length).toBeLessThanOrEqual(4)
  })

  it('says so when ELECTRON_OVERRIDE_DIST_PATH points at a folder without Electron', () => {
    const r = runStart({ OUTPOST_ELECTRON_PACKAGE_DIR: electronPackageWithoutBinary(), ELECTRON_OVERRIDE_DIST_PATH: join(temp, 'nowhere') })
    const output = `${r.stdout}\n${r.stderr}`
    expect(r.status, output).toBe(1)
    expect(output).toContain(`ELECTRON_OVERRIDE_DIST_PATH is set, but ${join(temp, 'nowhere')}`)
    expect(output).toContain('npm run web')
    expect(output).not.toContain('    at ')
  })
})

describe('npm start with a bad API flag', () => {
  it('refuses a token with a line break before building anything, without echoing it', () => {
    const r = runStart({ OUTPOST_ELECTRON_PACKAGE_DIR: electronPackageWithoutBinary() }, ['--api-token=hush-secret\r\nX: 1'])
    const output = `${r.stdout}\n${r.stderr}`
    expect(r.status, output).toBe(1)
    expect(output).toContain('--api-token: The token may only contain printable ASCII')
    expect(output).not.toContain('hush-secret')
    expect(output).not.toContain('ELECTRON_OVERRIDE_DIST_PATH')
  })
})

describe('npm start flags (node:util parseArgs, the rest for the app)', () => {
  it('a value on its own switch is a usage error (exit 2) naming the flag, before anything is built', () => {
    const r = runStart({ OUTPOST_ELECTRON_PACKAGE_DIR: electronPackageWithoutBinary() }, ['--dev=yes', '--api-url', 'http://127.0.0.1:1'])
    const output = `${r.stdout}\n${r.stderr}`
    expect(r.status, output).toBe(2)
    expect(output).toContain("Option '--dev' does not take a value")
    expect(output).toContain('Usage: npm start')
    expect(output).not.toContain('    at ')
  })

  it('--help prints the usage and exits 0', () => {
    const r = runStart({ OUTPOST_ELECTRON_PACKAGE_DIR: electronPackageWithoutBinary() }, ['--help'])
    expect(r.status, r.stderr).toBe(0)
    expect(r.stdout).toMatch(/^Usage: npm start -- \[--dev\] \[--prepare-only\]/)
  })

  it('app flags after start\'s own still reach the app\'s checks (a bad --api-url is refused)', () => {
    const r = runStart({ OUTPOST_ELECTRON_PACKAGE_DIR: electronPackageWithoutBinary() }, ['--dev', '--no-sandbox', '--api-url', 'ftp://x'])
    const output = `${r.stdout}\n${r.stderr}`
    expect(r.status, output).toBe(1)
    expect(output).toContain('--api-url: the API URL must start with http:// or https:// (got "ftp://x")')
    expect(output).not.toContain('ELECTRON_OVERRIDE_DIST_PATH')
  })
})
