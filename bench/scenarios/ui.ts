/**
 * `ui`: the browser host (`npm run web`) on a data folder holding 100,000
 * orders, driven by headless Chromium launched as playwright.config.ts does.
 *
 * - firstRowMs: from navigation start (performance.timeOrigin) to the first
 *   animation frame in which an order row is laid out inside the viewport.
 *   Median of 3 navigations, each in a fresh browser context (cold cache).
 * - scrollP95FrameMs: the order list is scrolled from top to bottom in one
 *   step per animation frame over 5 s; the frame time is the gap between
 *   consecutive requestAnimationFrame callbacks; p95 over the whole scroll.
 *
 * Skipped, with the reason printed, where there is no Chromium.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { chromium, type Browser, type Page } from '@playwright/test'
import type { ScenarioOutcome } from '../lib/report'
import { CHROMIUM_ARGS, SYSTEM_CHROMIUM } from '../../src-main/testing/chromium'
import { freePort, median, percentile, REPO_ROOT, round, seedCopy, sleep, tempDir } from '../lib/util'

export interface UiOptions {
  orders?: number
  navigations?: number
  scrollMs?: number
  log?: (line: string) => void
}

const VIEWPORT = { width: 1200, height: 800 }
const ROW = '[data-testid="order-row"]'
const LIST = '[data-testid="order-list"]'

function findChromium(): string | null {
  if (existsSync(SYSTEM_CHROMIUM)) return SYSTEM_CHROMIUM
  try {
    const bundled = chromium.executablePath()
    return existsSync(bundled) ? bundled : null
  } catch {
    return null
  }
}

export async function runUi(opts: UiOptions = {}): Promise<ScenarioOutcome<'ui'>> {
  const orders = opts.orders ?? 100_000
  const navigations = opts.navigations ?? 3
  const scrollMs = opts.scrollMs ?? 5_000
  const log = opts.log ?? (() => undefined)
  const skipped = (reason: string): ScenarioOutcome<'ui'> => ({ values: { firstRowMs: null, scrollP95FrameMs: null }, skipped: reason })

  const executablePath = findChromium()
  if (!executablePath) return skipped(`no Chromium here (looked for ${SYSTEM_CHROMIUM} and Playwright's bundled browser)`)

  const dir = tempDir('outpost-bench-ui-')
  let host: { url: string; child: ChildProcess } | null = null
  let browser: Browser | null = null
  try {
    const dataDir = join(dir.path, 'data')
    const t = performance.now()
    seedCopy(dataDir, orders)
    log(`${orders} orders seeded in ${round((performance.now() - t) / 1000, 1)} s`)
    try {
      host = await startWebHost(dataDir)
    } catch (err) {
      return skipped(`the browser host did not start: ${firstLines(String((err as Error).message ?? err))}`)
    }
    browser = await chromium.launch({ executablePath, args: CHROMIUM_ARGS, headless: true })

    const firstRow: number[] = []
    let page: Page | null = null
    for (let i = 0; i < navigations; i++) {
      if (page) await page.context().close()
      page = await openPage(browser)
      await page.goto(`${host.url}/`, { waitUntil: 'commit' })
      firstRow.push(round(await waitForFirstRow(page), 1))
    }
    if (!page) throw new Error('no page')
    log(`first row: ${firstRow.join(', ')} ms`)

    const scroll = await scrollList(page, scrollMs)
    const sorted = [...scroll.frames].sort((a, b) => a - b)
    log(`scroll: ${scroll.frames.length} frames over ${round(scroll.elapsedMs)} ms, ${round(scroll.scrollHeight)} px; p95 ${round(percentile(sorted, 95), 1)} ms`)
    if (!scroll.reachedBottom) throw new Error('the list did not scroll to the bottom')
    return {
      values: {
        firstRowMs: round(median(firstRow), 1),
        scrollP95FrameMs: round(percentile(sorted, 95), 1),
      },
      details: {
        orders,
        chromium: executablePath,
        firstRowMsRuns: firstRow,
        scroll: {
          durationMs: round(scroll.elapsedMs),
          frames: scroll.frames.length,
          scrollHeightPx: scroll.scrollHeight,
          p50FrameMs: round(percentile(sorted, 50), 1),
          p99FrameMs: round(percentile(sorted, 99), 1),
          maxFrameMs: round(sorted.at(-1) ?? Number.NaN, 1),
          framesOver33Ms: sorted.filter((f) => f > 33).length,
          lastRowIndexShown: scroll.lastIndex,
        },
      },
    }
  } finally {
    await browser?.close().catch(() => undefined)
    if (host) await stopChild(host.child)
    dir.remove()
  }
}

// The browser-side code is plain JavaScript in strings: functions passed to
// Playwright would be serialized from tsx's output, whose helpers (`__name`)
// do not exist in the page.

/** Polls every frame for an order row laid out inside the viewport; records performance.now() (ms since navigation start). */
const FIRST_ROW_PROBE = `(() => {
  const check = () => {
    const row = document.querySelector(${JSON.stringify(ROW)})
    if (row) {
      const r = row.getBoundingClientRect()
      if (r.width > 0 && r.height > 0 && r.bottom > 0 && r.top < window.innerHeight) {
        window.__outpostFirstRowMs = performance.now()
        return
      }
    }
    requestAnimationFrame(check)
  }
  requestAnimationFrame(check)
})()`

/** Polled from Node: waitForFunction would `eval` the predicate, which the page's CSP forbids. */
async function waitForFirstRow(page: Page, timeoutMs = 30_000): Promise<number> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const v = (await page.evaluate('window.__outpostFirstRowMs ?? null')) as number | null
    if (typeof v === 'number') return v
    if (Date.now() > deadline) throw new Error(`no order row became visible within ${timeoutMs} ms`)
    await sleep(25)
  }
}

/** A fresh context (cold cache), recording the first frame with an order row laid out in view. */
async function openPage(browser: Browser): Promise<Page> {
  const context = await browser.newContext({ viewport: VIEWPORT })
  const page = await context.newPage()
  await page.addInitScript({ content: FIRST_ROW_PROBE })
  return page
}

interface ScrollResult {
  frames: number[]
  elapsedMs: number
  scrollHeight: number
  reachedBottom: boolean
  lastIndex: number | null
}

/** Top to bottom, one scroll step per frame, linear over `durationMs`; frame times from rAF timestamps. */
async function scrollList(page: Page, durationMs: number): Promise<ScrollResult> {
  await page.waitForSelector(LIST, { state: 'visible' })
  const script = `(async () => {
    const el = document.querySelector(${JSON.stringify(LIST)})
    if (!el) throw new Error('no order list')
    el.scrollTop = 0
    // Settle two frames at the top before the clock starts.
    await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(() => r())))
    const durationMs = ${Number(durationMs)}
    const frames = []
    return await new Promise((resolve) => {
      let start = null
      let last = 0
      let settle = 0
      const step = (now) => {
        if (start === null) start = now
        else frames.push(now - last)
        last = now
        const max = el.scrollHeight - el.clientHeight
        const p = Math.min(1, (now - start) / durationMs)
        el.scrollTop = Math.round(p * max)
        // A few more frames at the bottom so the last rows render (and count).
        if (p < 1 || settle++ < 10) {
          requestAnimationFrame(step)
          return
        }
        const rows = [...el.querySelectorAll(${JSON.stringify(ROW)})].map((r) => Number(r.dataset.index))
        resolve({
          frames,
          elapsedMs: now - start,
          scrollHeight: el.scrollHeight,
          reachedBottom: el.scrollTop >= el.scrollHeight - el.clientHeight - 2,
          lastIndex: rows.length > 0 ? Math.max(...rows) : null,
        })
      }
      requestAnimationFrame(step)
    })
  })()`
  return (await page.evaluate(script)) as ScrollResult
}

/** `npm run web` as its own process (node + tsx, as the e2e fixture starts it). */
async function startWebHost(dataDir: string): Promise<{ url: string; child: ChildProcess }> {
  const port = await freePort()
  const child = spawn(process.execPath, ['--import', 'tsx', join(REPO_ROOT, 'src-main/cli/web.ts'), '--port', String(port), '--data-dir', dataDir], {
    cwd: REPO_ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, OUTPOST_DATA_DIR: dataDir },
  })
  let output = ''
  await new Promise<void>((resolve, reject) => {
    // The host builds the renderer first when out/renderer is stale.
    const timer = setTimeout(() => reject(new Error(`no answer within 120 s:\n${output}`)), 120_000)
    child.stdout.on('data', (d: Buffer) => {
      output += d.toString()
      if (output.includes('Outpost is running at')) {
        clearTimeout(timer)
        resolve()
      }
    })
    child.stderr.on('data', (d: Buffer) => (output += d.toString()))
    child.once('exit', (code) => {
      clearTimeout(timer)
      reject(new Error(`exited with code ${code}:\n${output}`))
    })
  })
  return { url: `http://127.0.0.1:${port}`, child }
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  child.kill('SIGTERM')
  const timer = setTimeout(() => child.kill('SIGKILL'), 5_000)
  await exited
  clearTimeout(timer)
}

function firstLines(text: string, n = 6): string {
  return text.split('\n').filter((l) => l.trim() !== '').slice(0, n).join(' | ').slice(0, 600)
}
