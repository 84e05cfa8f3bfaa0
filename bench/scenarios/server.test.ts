import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { KEYS } from '../lib/report'
import { openStore } from '../../src-server/open-store'
import { receiveBatch } from '../../src-server/receiver'
import { createDatabase, findPgBin, startPgCluster } from '../../src-server/testing/pg-cluster'
import { countEffects, runServer } from './server'
import { makeEvent } from './server-load'

describe('server scenario', () => {
  it('a tiny run through 2 receiver processes and the baseline fills every key, with nothing lost or doubled', async () => {
    const bin = findPgBin()
    if (typeof bin !== 'string') {
      console.warn(`server scenario test skipped: ${bin.skip}`)
      return
    }
    const r = await runServer({ events: 600, devices: 6, batch: 10, blocks: 2, poolSize: 2, resendEvery: 3 })
    expect(r.skipped).toBeUndefined()
    for (const k of KEYS.server) expect(r.values[k], k).not.toBeNull()
    expect(r.values.eventsPerSec).toBeGreaterThan(0)
    expect(r.values.baselineEventsPerSec).toBeGreaterThan(0)
    expect(r.values.ratio).toBeGreaterThan(0)
    expect(r.values.lost).toBe(0)
    expect(r.values.duplicateEffects).toBe(0)
    // Twice-sent batches: every event answered accepted by exactly one instance.
    expect(r.details?.answeredBothOrNeither).toBe(0)
    expect(r.details?.counted).toMatchObject({ inbox: 660, orders: 660, changes: 660 })
  }, 120_000)

  it('the count from the database sees a lost event, a doubled effect and a stray row', async () => {
    const cluster = await startPgCluster({ fsync: false })
    if ('skip' in cluster) {
      console.warn(`skipped: ${cluster.skip}`)
      return
    }
    try {
      const url = await createDatabase(cluster.url, 'count')
      const db = await openStore({ databaseUrl: url, poolSize: 1 })
      const sent = Array.from({ length: 5 }, (_, i) => makeEvent('t', 0, i))
      await receiveBatch(db, sent, null)
      expect(await countEffects(url, sent)).toMatchObject({ lost: 0, duplicateEffects: 0, changes: 5 })
      await db.query(`DELETE FROM changes WHERE event_id = $1`, [sent[0]?.id])
      await db.query(`INSERT INTO changes (position, event_id, order_id, type, version, order_doc) SELECT 1000, event_id, order_id, type, version, order_doc FROM changes WHERE event_id = $1`, [sent[1]?.id])
      expect(await countEffects(url, sent)).toMatchObject({ lost: 1, duplicateEffects: 1 })
      await receiveBatch(db, [makeEvent('stray', 0, 0)], null)
      expect(await countEffects(url, sent)).toMatchObject({ lost: 1, duplicateEffects: 3 })
      await db.close()
    } finally {
      await cluster.stop()
    }
  })

  it('without PostgreSQL binaries it is skipped with the reason, every value null', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'outpost-no-pg-'))
    try {
      const r = await runServer({ events: 10, devices: 1, pgRoot: empty })
      expect(r.skipped).toMatch(/initdb not found/)
      expect(Object.values(r.values).every((v) => v === null)).toBe(true)
    } finally {
      rmSync(empty, { recursive: true, force: true })
    }
  })
})
