import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import type { Core } from '../core/core-types'
import { createCore } from '../core/create-core'
import { startReferenceApi, type ReferenceApi } from '../reference-api/server'
import { tempDir } from '../testing/temp-dir'
import { sendBeforeQuit, type SendProgress } from './send-before-quit'

// A real core (SQLite in a temp folder) and a real reference API on 127.0.0.1.
const cleanups: Array<() => Promise<void> | void> = []
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c()
})

async function setup(api: { latencyMs?: number; failRate?: number } | null) {
  const dir = tempDir()
  cleanups.push(() => dir.remove())
  let server: ReferenceApi | null = null
  if (api) {
    server = await startReferenceApi({ port: 0, dbFile: join(dir.path, 'api.db'), ...api })
    const s = server
    cleanups.push(() => s.close())
  }
  const core: Core = createCore({
    dataDir: join(dir.path, 'data'),
    flags: server ? { apiUrl: server.url } : {},
    relay: { backoffBaseMs: 5_000, backoffCapMs: 5_000, probeMinMs: 5_000, probeMaxMs: 5_000 },
  })
  cleanups.push(() => core.shutdown())
  for (let i = 0; i < 3; i++) {
    const r = await core.handlers.createOrder({ customer: `C${i}`, items: [{ name: 'tea', quantity: 1, unitPrice: '2.00' }] })
    expect(r.ok).toBe(true)
  }
  return { core, server }
}

describe('sendBeforeQuit', () => {
  it('sends what is waiting and reports progress that never passes the total', async () => {
    const { core, server } = await setup({ latencyMs: 100 })
    const progress: SendProgress[] = []
    const outcome = await sendBeforeQuit(core, { timeoutMs: 5_000, onProgress: (p) => progress.push(p) })
    expect(outcome).toEqual({ kind: 'sent', remaining: 0 })
    expect(server?.orders()).toHaveLength(3)
    expect(progress[0]).toEqual({ sent: 0, total: 3 })
    expect(progress.at(-1)).toEqual({ sent: 3, total: 3 })
    for (const p of progress) expect(p.sent).toBeLessThanOrEqual(p.total)
  })

  it('gives up at the time limit while the server keeps failing, and the orders stay waiting', async () => {
    const { core, server } = await setup({ failRate: 1 })
    const started = Date.now()
    const outcome = await sendBeforeQuit(core, { timeoutMs: 400 })
    expect(outcome).toEqual({ kind: 'timed-out', remaining: 3 })
    expect(Date.now() - started).toBeLessThan(2_000)
    expect(server?.orders()).toHaveLength(0)
    expect(core.status().counts.pending).toBe(3)
  })

  it('stops at once when no server is set up', async () => {
    const { core } = await setup(null)
    const started = Date.now()
    const outcome = await sendBeforeQuit(core, { timeoutMs: 5_000 })
    expect(outcome).toEqual({ kind: 'stopped', remaining: 3, reason: 'not-configured' })
    expect(Date.now() - started).toBeLessThan(1_000)
  })

  it('has nothing to do when nothing is waiting', async () => {
    const dir = tempDir()
    cleanups.push(() => dir.remove())
    const core = createCore({ dataDir: dir.path, startRelay: false })
    cleanups.push(() => core.shutdown())
    expect(await sendBeforeQuit(core)).toEqual({ kind: 'sent', remaining: 0 })
  })
})
