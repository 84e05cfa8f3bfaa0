/**
 * Crash safety end to end: a child process runs the core and makes a seeded
 * mix of creates, edits and cancellations through its handlers while 30% of
 * POSTs fail (503, 429, dropped, applied-then-dropped) and it is SIGKILLed
 * over and over; afterwards every order on the server must equal the app's
 * final state of it and every event must have been applied exactly once.
 * Run against the reference API, the receiver on PGlite, and the receiver on
 * a real PostgreSQL (a throwaway cluster; skipped with the reason printed
 * where PostgreSQL is not installed).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createDatabase, startPgCluster, type PgCluster } from '../../../src-server/testing/pg-cluster'
import { runCrashSoak, type CrashRunOptions, type CrashRunResult } from '../../testing/crash-harness'
import { tempDir } from '../../testing/temp-dir'

interface Case {
  name: string
  orders: number
  kills: number
  options: () => Promise<Pick<CrashRunOptions, 'server' | 'databaseUrl'> | { skip: string }>
}

let cluster: PgCluster | null = null
let clusterSkip: string | null = null

const cases: Case[] = [
  { name: 'the reference API', orders: 500, kills: 20, options: async () => ({ server: 'reference' }) },
  { name: 'the receiver on PGlite', orders: 200, kills: 8, options: async () => ({ server: 'receiver' }) },
  {
    name: 'the receiver on PostgreSQL',
    orders: 200,
    kills: 8,
    async options() {
      if (!cluster) {
        const c = await startPgCluster({ fsync: false })
        if ('skip' in c) clusterSkip = c.skip
        else cluster = c
      }
      if (!cluster) return { skip: clusterSkip ?? 'no PostgreSQL' }
      return { server: 'receiver', databaseUrl: await createDatabase(cluster.url, 'crash') }
    },
  },
]

afterAll(async () => {
  await cluster?.stop()
})

for (const c of cases) {
  describe(`crash safety against ${c.name}`, () => {
    const dir = tempDir('outpost-crash-')
    let result: CrashRunResult | null = null
    let skip: string | null = null
    beforeAll(async () => {
      const o = await c.options()
      if ('skip' in o) {
        skip = o.skip
        console.warn(`crash test against ${c.name} skipped: ${o.skip}`)
        return
      }
      result = await runCrashSoak({ dir: dir.path, orders: c.orders, kills: c.kills, failRate: 0.3, ...o })
      console.log(`crash test (${c.name}):`, JSON.stringify({ ...result, serverEffects: undefined }))
    }, 300_000)
    afterAll(() => dir.remove())
    const run = (): CrashRunResult | null => {
      if (skip) {
        console.warn(`skipped: ${skip}`)
        return null
      }
      if (!result) throw new Error('the run did not produce a result')
      return result
    }

    it(`${c.orders} orders, edited and cancelled, through 30% faults and ${c.kills} SIGKILLs: every order on the server equals the app's`, () => {
      const r = run()
      if (!r) return
      expect(r.kills).toBe(c.kills)
      expect(r.created).toBe(c.orders)
      expect(r.deliveredUnique).toBe(c.orders)
      expect(r.serverOnly).toBe(0)
      expect(r.clientOnly).toBe(0)
      expect(r.mismatchExamples).toEqual([])
      expect(r.mismatched).toBe(0)
      expect(r.lost).toBe(0)
      // The mix really happened: edits and cancellations, not only creates.
      expect(r.kinds.create).toBe(c.orders)
      expect(r.kinds.update).toBeGreaterThan(c.orders / 5)
      expect(r.kinds.cancel).toBeGreaterThan(c.orders / 50)
      expect(r.cancelledOrders).toBe(r.kinds.cancel)
    })

    it('each event was applied exactly once, counted from the server storage', () => {
      const r = run()
      if (!r) return
      expect(r.duplicateEffects).toBe(0)
      expect(r.serverKinds).toEqual(r.kinds)
      const total = r.kinds.create + r.kinds.update + r.kinds.cancel
      expect(r.serverEffects.applied).toBe(total)
      expect(r.serverEffects.appliedIds).toBe(total)
      if (r.server === 'receiver') {
        expect(r.serverEffects.inboxRows).toBe(total)
        expect(r.serverEffects.wrongDevice).toBe(0)
      }
      // The faults did happen, and some applied events came back as resends.
      expect(r.serverEffects.faults).toBeGreaterThan(0)
      expect(r.resends).toBeGreaterThan(0)
    })

    it('the app shows every change as sent, and no acknowledged change was lost', () => {
      const r = run()
      if (!r) return
      expect(r.clientSent).toBe(r.kinds.create + r.kinds.update + r.kinds.cancel)
      expect(r.clientPending).toBe(0)
      expect(r.dead).toBe(0)
      expect(r.acknowledged).toBeGreaterThan(0)
      expect(r.acknowledgedMissing).toBe(0)
    })
  })
}
