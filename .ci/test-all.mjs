#!/usr/bin/env node
// `npm test`: every check the project has, in one run, ending with one line
// "N passed, N failed" that sums them all (CI reads that line).
// typecheck, lint and the soak each count as one check; vitest and
// Playwright count their own tests.
import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs'
import { join } from 'node:path'

const root = new URL('..', import.meta.url).pathname
const resultsDir = join(root, 'test-results')
mkdirSync(resultsDir, { recursive: true })
const totals = { passed: 0, failed: 0, skipped: 0 }
const lines = []

function run(label, cmd, args, env = {}) {
  console.log(`\n━━ ${label}: ${cmd} ${args.join(' ')}`)
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', env: { ...process.env, ...env } })
  return r.status ?? 1
}

function check(label, cmd, args) {
  const ok = run(label, cmd, args) === 0
  totals[ok ? 'passed' : 'failed']++
  lines.push(`${label}: ${ok ? 'passed' : 'FAILED'}`)
}

const npx = process.platform === 'win32' ? 'npx.cmd' : 'npx'

check('typecheck', npx, ['tsc', '-p', 'tsconfig.node.json'])
check('typecheck (renderer)', npx, ['tsc', '-p', 'tsconfig.web.json'])
check('typecheck (e2e)', npx, ['tsc', '-p', 'tsconfig.e2e.json'])
check('lint', npx, ['oxlint', '--deny-warnings', 'src-main', 'src-preload', 'src-renderer', 'e2e', 'bench', 'src-shared', 'src-server'])

// vitest: its JSON report gives the counts.
const vitestJson = join(resultsDir, 'vitest.json')
rmSync(vitestJson, { force: true })
const vitestCode = run('unit and integration tests (vitest)', npx, ['vitest', 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${vitestJson}`])
if (existsSync(vitestJson)) {
  const r = JSON.parse(readFileSync(vitestJson, 'utf8'))
  totals.passed += r.numPassedTests
  totals.failed += r.numFailedTests + (vitestCode !== 0 && r.numFailedTests === 0 ? 1 : 0)
  totals.skipped += r.numPendingTests + r.numTodoTests
  lines.push(`vitest: ${r.numPassedTests} passed, ${r.numFailedTests} failed, ${r.numPendingTests} skipped`)
} else {
  totals.failed++
  lines.push('vitest: FAILED to run')
}

// Playwright: the JSON reporter (configured in playwright.config.ts).
const e2eJson = join(resultsDir, 'e2e-results.json')
rmSync(e2eJson, { force: true })
const e2eCode = run('end-to-end tests (Playwright)', npx, ['playwright', 'test'])
if (existsSync(e2eJson)) {
  const s = JSON.parse(readFileSync(e2eJson, 'utf8')).stats
  totals.passed += s.expected + s.flaky
  totals.failed += s.unexpected + (e2eCode !== 0 && s.unexpected === 0 ? 1 : 0)
  totals.skipped += s.skipped
  lines.push(`playwright: ${s.expected} passed, ${s.unexpected} failed, ${s.flaky} flaky, ${s.skipped} skipped`)
} else {
  totals.failed++
  lines.push('playwright: FAILED to run')
}

// A short soak against each server: creates, edits and cancellations under kills and faults.
if (existsSync(join(root, 'bench', 'soak.ts'))) {
  check('soak, reference API (300 orders, 5 kills)', npx, ['tsx', 'bench/soak.ts', '--server', 'reference', '--orders', '300', '--kills', '5', '--out', join(resultsDir, 'soak.json')])
  check('soak, receiver on PGlite (300 orders, 5 kills)', npx, ['tsx', 'bench/soak.ts', '--server', 'receiver', '--orders', '300', '--kills', '5', '--out', join(resultsDir, 'soak-receiver.json')])
}

console.log('\n━━ Summary')
for (const l of lines) console.log(`  ${l}`)
console.log(`${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`)
process.exit(totals.failed > 0 ? 1 : 0)
