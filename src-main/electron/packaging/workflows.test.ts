/** The GitHub workflows parse, have the required shape, and run only the repository's own scripts. */
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { loadYaml, repoPath } from './repo'

interface Step {
  uses?: string
  run?: string
  name?: string
  with?: Record<string, unknown>
  env?: Record<string, unknown>
  if?: string
}
interface Job {
  'runs-on': string
  needs?: string | string[]
  if?: string
  strategy?: { matrix?: { os?: string[] } }
  permissions?: Record<string, string>
  steps: Step[]
}
interface Workflow {
  name: string
  on: Record<string, unknown>
  jobs: Record<string, Job>
}

const scripts = (JSON.parse(readFileSync(repoPath('package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts

function load(name: string): Workflow {
  const wf = loadYaml(repoPath('.github', 'workflows', name)) as Workflow
  expect(wf && typeof wf === 'object').toBe(true)
  return wf
}

const runs = (job: Job): string[] => job.steps.flatMap((s) => (s.run ? s.run.split('\n').map((l) => l.trim()).filter(Boolean) : []))

/**
 * A `run` line is allowed when it is one of the repository's npm scripts
 * (npm ci / npm test / npm start / npm run <script>, with arguments), or the
 * two Playwright commands CI needs around them (installing a browser, and the
 * Electron project of the repository's own Playwright config under xvfb).
 */
function isRepoScript(line: string): boolean {
  if (line === 'npm ci' || line === 'npm test' || /^npm start( -- .+)?$/.test(line)) return true
  const m = /^npm run ([\w:-]+)( -- .+)?$/.exec(line)
  if (m?.[1]) return m[1] in scripts
  return line === 'npx playwright install --with-deps chromium' || line === 'xvfb-run -a npx playwright test --project=electron'
}

describe('.github/workflows/ci.yml', () => {
  const wf = load('ci.yml')

  it('runs npm test on every push', () => {
    expect(Object.keys(wf.on)).toContain('push')
    const test = Object.values(wf.jobs).find((j) => runs(j).includes('npm test'))
    expect(test).toBeDefined()
    const lines = runs(test as Job)
    expect(lines.indexOf('npm ci')).toBeLessThan(lines.indexOf('npm test'))
  })

  it('runs the Electron e2e specs with a real Electron on Linux under xvfb', () => {
    const e2e = Object.values(wf.jobs).find((j) => runs(j).some((l) => l.includes('--project=electron')))
    expect(e2e?.['runs-on']).toBe('ubuntu-latest')
    const lines = runs(e2e as Job)
    expect(lines).toContain('xvfb-run -a npx playwright test --project=electron')
    expect(lines.indexOf('npm ci')).toBeGreaterThanOrEqual(0)
    // The app and better-sqlite3's Electron build are prepared by npm start's own launcher.
    expect(lines).toContain('npm start -- --prepare-only')
  })

  it('uses only the repository scripts', () => {
    for (const job of Object.values(wf.jobs)) for (const line of runs(job)) expect(isRepoScript(line), line).toBe(true)
  })
})

describe('.github/workflows/release.yml', () => {
  const wf = load('release.yml')

  it('builds on Windows, macOS and Linux: npm ci, tests, then npm run dist, and uploads the installers', () => {
    const dist = Object.values(wf.jobs).find((j) => runs(j).some((l) => l.startsWith('npm run dist')))
    expect(dist).toBeDefined()
    const job = dist as Job
    expect(job.strategy?.matrix?.os).toEqual(expect.arrayContaining(['windows-latest', 'macos-latest', 'ubuntu-latest']))
    expect(job['runs-on']).toBe('${{ matrix.os }}')
    const lines = runs(job)
    const at = (prefix: string) => lines.findIndex((l) => l.startsWith(prefix))
    expect(at('npm ci')).toBeGreaterThanOrEqual(0)
    expect(at('npm ci')).toBeLessThan(at('npm test'))
    expect(at('npm test')).toBeLessThan(at('npm run dist'))
    const upload = job.steps.find((s) => s.uses?.startsWith('actions/upload-artifact@'))
    expect(String(upload?.with?.path)).toMatch(/release\/\*\.exe[\s\S]*\.dmg[\s\S]*\.AppImage[\s\S]*\.deb/)
    expect(String(upload?.with?.path)).toContain('latest*.yml')
  })

  it('publishes a GitHub release on v* tags only', () => {
    const push = wf.on.push as { tags?: string[] }
    expect(push.tags).toEqual(['v*'])
    const publish = Object.values(wf.jobs).find((j) => j.steps.some((s) => s.uses?.startsWith('softprops/action-gh-release@')))
    expect(publish?.if).toContain("startsWith(github.ref, 'refs/tags/v')")
    expect(publish?.needs).toBe('dist')
    expect(publish?.permissions?.contents).toBe('write')
  })

  it('uses only the repository scripts', () => {
    for (const job of Object.values(wf.jobs)) for (const line of runs(job)) expect(isRepoScript(line), line).toBe(true)
  })
})
