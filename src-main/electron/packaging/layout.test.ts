/**
 * packaged layout check (stand-in Electron)
 *
 * Runs electron-builder for real (`--dir`, Linux x64) with the project's
 * configuration, except: `npmRebuild: false` (node_modules keeps its Node
 * build), fuses off (flipping them needs a real Electron binary; their
 * configuration is tested in builder-config.test.ts), and `electronDist` set to
 * a stand-in folder with a fake `electron` executable. Nothing here runs
 * Electron: it checks what the installers would contain.
 */
import { spawnSync } from 'node:child_process'
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Arch, build, Platform } from 'electron-builder'
import { repoPath, repoRoot } from './repo'

const require = createRequire(import.meta.url)
const asar = require('@electron/asar') as {
  listPackage(archive: string, options: { isPack: boolean }): string[]
  extractFile(archive: string, filename: string): Buffer
  extractAll(archive: string, dest: string): void
}

const OUT_FILES = ['out/main/index.js', 'out/preload/index.cjs', 'out/renderer/index.html']

let work = ''
let appOutDir = ''
let archive = ''
let entries: string[] = []

/** Always a fresh build (about a second): a stale out/ would check yesterday's bundle. */
function ensureBuildOutput(): void {
  const cli = repoPath('node_modules', 'electron-vite', 'bin', 'electron-vite.js')
  const r = spawnSync(process.execPath, [cli, 'build'], { cwd: repoRoot, encoding: 'utf8', timeout: 180_000 })
  if (r.status !== 0) {
    throw new Error(`electron-vite build failed (exit ${r.status}):\n${(r.stdout ?? '').slice(-2000)}\n${(r.stderr ?? '').slice(-2000)}`)
  }
  const missing = OUT_FILES.filter((f) => !existsSync(repoPath(f)))
  if (missing.length > 0) throw new Error(`electron-vite build did not produce ${missing.join(', ')}`)
}

/** The least electron-builder needs for `linux --dir` from an unpacked Electron: the executable. */
function standInElectron(dir: string): string {
  const dist = join(dir, 'electron-dist')
  mkdirSync(join(dist, 'resources'), { recursive: true })
  writeFileSync(join(dist, 'electron'), '#!/bin/sh\necho "stand-in Electron for the packaged layout check" >&2\nexit 1\n')
  chmodSync(join(dist, 'electron'), 0o755)
  writeFileSync(join(dist, 'LICENSE'), 'stand-in\n')
  writeFileSync(join(dist, 'version'), '0.0.0-stand-in')
  return dist
}

beforeAll(async () => {
  ensureBuildOutput()
  work = mkdtempSync(join(tmpdir(), 'outpost-layout-'))
  const electronVersion = (JSON.parse(readFileSync(repoPath('node_modules', 'electron', 'package.json'), 'utf8')) as { version: string }).version
  const started = performance.now()
  await build({
    projectDir: repoRoot,
    targets: Platform.LINUX.createTarget('dir', Arch.x64),
    publish: 'never',
    config: {
      electronDist: standInElectron(work),
      electronVersion,
      npmRebuild: false,
      electronFuses: null,
      directories: { output: join(work, 'release'), buildResources: 'resources' },
    },
  })
  // Timing is reported, not asserted: machines here are shared and noisy.
  console.log(`packaged layout check: electron-builder --dir took ${((performance.now() - started) / 1000).toFixed(1)} s`)
  appOutDir = join(work, 'release', 'linux-unpacked')
  archive = join(appOutDir, 'resources', 'app.asar')
  entries = asar.listPackage(archive, { isPack: false }).map((e) => e.replaceAll('\\', '/'))
}, 120_000)

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true })
})

describe('packaged layout check (stand-in Electron)', () => {
  it('app.asar holds out/main, out/preload, out/renderer and package.json', () => {
    for (const f of OUT_FILES) expect(entries).toContain(`/${f}`)
    expect(entries.some((e) => e.startsWith('/out/renderer/assets/'))).toBe(true)
    const pkg = JSON.parse(asar.extractFile(archive, 'package.json').toString('utf8')) as { main: string; version: string }
    expect(pkg.main).toBe('out/main/index.js')
    const repoPkg = JSON.parse(readFileSync(repoPath('package.json'), 'utf8')) as { version: string }
    expect(pkg.version).toBe(repoPkg.version)
  })

  it('ships the runtime dependencies', () => {
    const repoPkg = JSON.parse(readFileSync(repoPath('package.json'), 'utf8')) as { dependencies: Record<string, string> }
    for (const dep of Object.keys(repoPkg.dependencies)) {
      expect(entries, dep).toContain(`/node_modules/${dep}/package.json`)
    }
  })

  it("keeps every dependency's entry points (the trimming patterns removed nothing they need)", () => {
    const repoPkg = JSON.parse(readFileSync(repoPath('package.json'), 'utf8')) as { dependencies: Record<string, string> }
    const targets = (value: unknown): string[] =>
      typeof value === 'string' ? [value] : value && typeof value === 'object' ? Object.values(value).flatMap(targets) : []
    for (const dep of Object.keys(repoPkg.dependencies)) {
      const pkg = JSON.parse(asar.extractFile(archive, `node_modules/${dep}/package.json`).toString('utf8')) as { main?: string; exports?: unknown }
      const files = [...targets(pkg.exports), ...(pkg.main ? [pkg.main] : [])]
        .filter((t) => /\.(c|m)?js$|\.json$/.test(t) && !t.includes('*'))
        .map((t) => `/node_modules/${dep}/${t.replace(/^\.\//, '')}`)
      expect(files.length, dep).toBeGreaterThan(0)
      for (const f of files) expect(entries, `${dep}: ${f}`).toContain(f)
    }
  })

  it("unpacks better-sqlite3's .node file from the asar", () => {
    const unpacked = join(appOutDir, 'resources', 'app.asar.unpacked', 'node_modules', 'better-sqlite3', 'build', 'Release', 'better_sqlite3.node')
    expect(existsSync(unpacked)).toBe(true)
    // Build leftovers stay behind.
    expect(
      entries.filter((e) => /better-sqlite3\/(deps|src)\/|\/obj(\.target)?\/|test_extension\.node|\.(a|lib|exp|pdb|iobj|ipdb|ilk|mk|gypi)$|Makefile$/.test(e)),
    ).toEqual([])
    expect(existsSync(join(appOutDir, 'resources', 'app.asar.unpacked', 'node_modules', 'better-sqlite3', 'deps'))).toBe(false)
  })

  it('ships no dev dependency', () => {
    const repoPkg = JSON.parse(readFileSync(repoPath('package.json'), 'utf8')) as {
      dependencies: Record<string, string>
      devDependencies: Record<string, string>
    }
    const devOnly = Object.keys(repoPkg.devDependencies).filter((d) => !(d in repoPkg.dependencies))
    expect(devOnly).toEqual(expect.arrayContaining(['vitest', 'react', 'electron-builder', 'electron']))
    for (const dep of devOnly) {
      expect(entries.filter((e) => e.startsWith(`/node_modules/${dep}/`) || e === `/node_modules/${dep}`), dep).toEqual([])
    }
    for (const tool of ['esbuild', 'rolldown', 'typescript', 'playwright', 'app-builder-lib', '@electron/asar']) {
      expect(entries.some((e) => e.startsWith(`/node_modules/${tool}/`)), tool).toBe(false)
    }
  })

  it('ships no source maps, tests or sources', () => {
    expect(entries.filter((e) => e.endsWith('.map'))).toEqual([])
    expect(entries.filter((e) => /\.(test|spec)\.[cm]?[jt]sx?$/.test(e))).toEqual([])
    expect(entries.filter((e) => /^\/(src-main|src-preload|src-renderer|e2e|bench|resources|\.ci|docs)(\/|$)/.test(e))).toEqual([])
    expect(entries.filter((e) => /\.(ts|tsx|mts|cts)$/.test(e))).toEqual([])
    expect(entries.filter((e) => /^\/(electron-builder\.yml|electron\.vite\.config\.ts|tsconfig.*|vitest\.config\.ts)$/.test(e))).toEqual([])
  })

  it('the packaged main (ESM) and preload (CJS) bundles parse', () => {
    const extracted = join(work, 'extracted')
    asar.extractAll(archive, extracted)
    for (const file of ['out/main/index.js', 'out/preload/index.cjs']) {
      const r = spawnSync(process.execPath, ['--check', join(extracted, file)], { encoding: 'utf8' })
      expect(r.status, `${file}:\n${r.stderr}`).toBe(0)
    }
  })

  it('the packaged preload needs nothing but electron (it runs sandboxed)', () => {
    const preload = asar.extractFile(archive, 'out/preload/index.cjs').toString('utf8')
    const required = new Set([...preload.matchAll(/\brequire\(\s*["']([^"']+)["']\s*\)/g)].map((m) => m[1]))
    expect([...required]).toEqual(['electron'])
  })

  it('puts the icons and the update configuration next to app.asar', () => {
    for (const size of [16, 32, 256, 512]) expect(existsSync(join(appOutDir, 'resources', 'icons', `${size}x${size}.png`))).toBe(true)
    const updateYml = readFileSync(join(appOutDir, 'resources', 'app-update.yml'), 'utf8')
    expect(updateYml).toContain('provider: github')
    expect(existsSync(join(appOutDir, 'outpost'))).toBe(true)
  })
})
