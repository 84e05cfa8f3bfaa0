/**
 * `npm run demo -- --web`: the app in the browser host against the real
 * receiver (src-server, embedded PostgreSQL, --insecure-no-auth), both
 * started by the demo. An order made in the page reaches the receiver.
 */
import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { expect, test } from '@playwright/test'
import { REPO_ROOT } from '../src-main/cli/cli-support'
import { createConfirmedOrder } from './ui-helpers'

test('npm run demo -- --web: the page syncs an order to the receiver it started', async ({ page }, testInfo) => {
  test.skip(testInfo.project.name === 'electron', 'the demo under test is the browser host; the web project runs it')
  test.setTimeout(120_000)
  const dir = mkdtempSync(join(tmpdir(), 'outpost-demo-e2e-'))
  const demo = spawn(process.execPath, ['--import', 'tsx', join(REPO_ROOT, 'src-main/cli/demo.ts'), '--web', '--port', '0', '--data-dir', dir], {
    cwd: REPO_ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  const exited = new Promise<number | null>((resolve) => demo.once('exit', (code) => resolve(code)))
  let stdout = ''
  let stderr = ''
  demo.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
  try {
    const urls = await new Promise<{ receiver: string; app: string }>((resolve, reject) => {
      demo.stdout.on('data', (d: Buffer) => {
        stdout += d.toString()
        const receiver = /Receiver \(embedded PostgreSQL[^)]*\): (\S+)/.exec(stdout)?.[1]
        const app = /open (http\S+)/.exec(stdout)?.[1]
        if (receiver && app) resolve({ receiver, app })
      })
      void exited.then((code) => reject(new Error(`demo exited (${code}):\n${stdout}\n${stderr}`)))
    })
    expect(stderr).toContain('WARNING: --insecure-no-auth')
    expect(await (await fetch(`${urls.receiver}/health`)).json()).toEqual({ ok: true })

    await page.goto(urls.app)
    await createConfirmedOrder(page, { customer: 'Demo stall' })
    await expect(page.getByTestId('sync-indicator')).toHaveAttribute('data-kind', 'synced', { timeout: 15_000 })
    await expect
      .poll(async () => ((await (await fetch(`${urls.receiver}/orders`)).json()) as { orders: { customer: string; version: number }[] }).orders, { timeout: 15_000 })
      .toEqual([expect.objectContaining({ customer: 'Demo stall', version: 1 })])

    // SIGTERM stops the app and the receiver it started.
    demo.kill('SIGTERM')
    expect(await exited).toBe(0)
    await expect(fetch(`${urls.receiver}/health`)).rejects.toThrow()
  } finally {
    if (demo.exitCode === null) demo.kill('SIGKILL')
    rmSync(dir, { recursive: true, force: true })
  }
})
