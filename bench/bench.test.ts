import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import type { CrashRunResult } from '../src-main/testing/crash-harness'
import { buildReport, formatTable, KEYS, SCENARIO_NAMES, writeReport } from './lib/report'
import { median, percentile, tempDir } from './lib/util'
import { runWrite } from './scenarios/write'
import { parseSoakArgs, soakReport } from './soak'

describe('bench report', () => {
  const dir = tempDir('outpost-bench-test-')
  afterAll(() => dir.remove())

  it('a tiny write run fills its keys, and the JSON has every key of every scenario', async () => {
    const write = await runWrite({ orders: 40, blocks: 2, warmup: 5 })
    for (const k of KEYS.write) expect(write.values[k]).toBeGreaterThan(0)

    const file = join(dir.path, 'out', 'latest.json')
    writeReport(file, buildReport({ write, ui: { values: { firstRowMs: null, scrollP95FrameMs: null }, skipped: 'no Chromium' } }, 1.5))
    expect(existsSync(file)).toBe(true)
    const json = JSON.parse(readFileSync(file, 'utf8')) as Record<string, Record<string, unknown>>
    for (const s of SCENARIO_NAMES) {
      expect(Object.keys(json[s] ?? {})).toEqual([...KEYS[s]])
    }
    expect(json.write?.ratio).toBe(write.values.ratio)
    expect(json.drain?.ratio).toBeNull()
    expect(json.meta?.skipped).toEqual({ ui: 'no Chromium' })
    expect(json.meta?.scenarios).toEqual(['write', 'ui'])
    expect(Object.keys(json.meta?.targets ?? {})).toContain('write.ratio')

    const table = formatTable(buildReport({ write }, 1))
    expect(table).toContain('write.ordersPerSec')
    expect(table).not.toContain('drain.')
  })

  it('percentiles are nearest-rank; the median of an even count is the mean of the middle two', () => {
    const xs = Array.from({ length: 100 }, (_, i) => i + 1)
    expect(percentile(xs, 50)).toBe(50)
    expect(percentile(xs, 95)).toBe(95)
    expect(percentile(xs, 99)).toBe(99)
    expect(median([4, 1, 3, 2])).toBe(2.5)
    expect(median([3, 1, 2])).toBe(2)
  })
})

describe('soak', () => {
  const kinds = { create: 300, update: 150, cancel: 50 }
  const result = (over: Partial<CrashRunResult>): CrashRunResult => ({
    server: 'reference',
    engine: 'sqlite',
    seed: 7,
    created: 300,
    acknowledged: 299,
    acknowledgedMissing: 0,
    deliveredUnique: 300,
    lost: 0,
    duplicateEffects: 0,
    resends: 12,
    dead: 0,
    clientSent: 300,
    clientPending: 0,
    kills: 5,
    serverOnly: 0,
    clientOnly: 0,
    mismatched: 0,
    mismatchExamples: [],
    kinds,
    serverKinds: kinds,
    cancelledOrders: 50,
    serverEffects: { applied: 500, appliedIds: 500, duplicateEffects: 0, byKind: kinds, resends: 12, faults: 30, inboxRows: 500, wrongDevice: 0 },
    elapsedS: 4.2,
    ...over,
  })
  const opts = { server: 'reference', orders: 300, kills: 5, failRate: 0.3, seed: null, databaseUrl: null, out: '/tmp/x.json' } as const

  it('reports the issue keys first and fails on loss, duplicates or a missing acknowledged order', () => {
    const ok = soakReport(result({}), opts)
    expect(Object.keys(ok).slice(0, 7)).toEqual(['created', 'deliveredUnique', 'lost', 'duplicateEffects', 'resends', 'dead', 'elapsedS'])
    expect(ok.passed).toBe(true)
    expect(soakReport(result({ lost: 1, deliveredUnique: 299 }), opts).passed).toBe(false)
    expect(soakReport(result({ duplicateEffects: 1 }), opts).passed).toBe(false)
    expect(soakReport(result({ acknowledgedMissing: 1 }), opts).passed).toBe(false)
  })

  it('fails when any order differs, the kinds applied differ from those made, or the server stored an effect twice', () => {
    expect(soakReport(result({ mismatched: 1, mismatchExamples: ['o1: version client=3 server=2'] }), opts).failures).toEqual([
      '1 orders differ between the server and the app (o1: version client=3 server=2)',
    ])
    expect(soakReport(result({ serverKinds: { ...kinds, update: 149 } }), opts).failures).toEqual(['update: the app made 150, the server applied 149'])
    expect(soakReport(result({ serverEffects: { ...result({}).serverEffects, applied: 501 } }), opts).passed).toBe(false)
    expect(soakReport(result({ serverEffects: { ...result({}).serverEffects, inboxRows: 499 } }), opts).passed).toBe(false)
    expect(soakReport(result({ dead: 1 }), opts).passed).toBe(false)
    expect(soakReport(result({ clientOnly: 1 }), opts).passed).toBe(false)
  })

  it('parses its flags with the issue defaults', () => {
    expect(parseSoakArgs([])).toMatchObject({ orders: 2000, kills: 30, failRate: 0.3 })
    expect(parseSoakArgs(['--orders', '300', '--kills', '5', '--fail-rate', '0.1', '--out', 'x.json'])).toMatchObject({
      orders: 300,
      kills: 5,
      failRate: 0.1,
    })
    expect(() => parseSoakArgs(['--orders', 'many'])).toThrow(/whole number/)
    expect(() => parseSoakArgs(['--fail-rate', '2'])).toThrow(/from 0 to 1/)
    expect(() => parseSoakArgs(['--kils', '3'])).toThrow(/unknown option '--kils'/i)
    expect(parseSoakArgs([])).toMatchObject({ server: 'reference', seed: null })
    expect(parseSoakArgs(['--server', 'receiver', '--seed', '42'])).toMatchObject({ server: 'receiver', seed: 42 })
    expect((parseSoakArgs(['--server', 'receiver']) as { out: string }).out).toMatch(/soak-receiver\.json$/)
    expect(() => parseSoakArgs(['--server', 'postgres'])).toThrow(/--server must be reference or receiver/)
    expect(parseSoakArgs(['--server', 'receiver', '--database-url', 'postgres://u@127.0.0.1:5/db'])).toMatchObject({ databaseUrl: 'postgres://u@127.0.0.1:5/db' })
    expect(() => parseSoakArgs(['--database-url', 'postgres://x'])).toThrow(/for --server receiver/)
    expect(() => parseSoakArgs(['--server', 'receiver', '--database-url', 'mysql://x'])).toThrow(/postgres:\/\/ URL/)
  })
})
