/**
 * server: 200 simulated devices send events in batches through 2 receiver
 * instances against one throwaway PostgreSQL; baseline: the same rows written
 * straight as multi-row INSERT … ON CONFLICT DO NOTHING, one transaction per
 * batch, one connection. Standalone for now:
 *   npx tsx bench/scenarios/server.ts [--events 100000] [--devices 200] [--batch 50]
 */
import pg from 'pg'
import { parseArgs } from 'node:util'
import { openStore } from '../../src-server/open-store'
import { startServer } from '../../src-server/server'
import { createDatabase, startPgCluster } from '../../src-server/testing/pg-cluster'

export interface ServerBenchResult {
  'server.eventsPerSec': number
  'server.p99BatchMs': number
  'server.lost': number
  'server.duplicateEffects': number
  'server.baselineEventsPerSec': number
  'server.ratio': number
}

function makeEvent(device: number, i: number) {
  const orderId = `o-${device}-${i}`
  return {
    id: `e-${device}-${i}`,
    type: 'OrderCreated',
    aggregateId: orderId,
    occurredAt: '2025-01-02T03:04:05.000Z',
    payload: {
      id: orderId, version: 1, customer: `Customer ${i}`, note: null, currency: 'EUR',
      items: [{ name: 'Coffee', quantity: 2, unitPriceMinor: 250 }, { name: 'Cheese', quantity: 1.5, unitPriceMinor: 333 }],
      totalMinor: 1000, createdAt: '2025-01-02T03:04:05.000Z',
    },
  }
}

export async function runServerBench(opts: { events: number; devices: number; batch: number; log?: (l: string) => void }): Promise<ServerBenchResult | { skipped: string }> {
  const log = opts.log ?? console.log
  const cluster = await startPgCluster()
  if ('skip' in cluster) return { skipped: cluster.skip }
  try {
    const perDevice = Math.ceil(opts.events / opts.devices)
    const batches: ReturnType<typeof makeEvent>[][][] = []
    for (let d = 0; d < opts.devices; d++) {
      const evs = Array.from({ length: perDevice }, (_, i) => makeEvent(d, i))
      const mine: ReturnType<typeof makeEvent>[][] = []
      for (let i = 0; i < evs.length; i += opts.batch) mine.push(evs.slice(i, i + opts.batch))
      batches.push(mine)
    }
    const total = perDevice * opts.devices

    // Receiver: 2 instances, one database.
    const url = await createDatabase(cluster.url, 'receiver')
    const dbs = [await openStore({ databaseUrl: url, poolSize: 20 }), await openStore({ databaseUrl: url, poolSize: 20 })]
    const servers = await Promise.all(dbs.map((db) => startServer({ db, requireAuth: false })))
    const latencies: number[] = []
    const t0 = performance.now()
    await Promise.all(
      batches.map(async (mine, d) => {
        const target = servers[d % 2]!.url
        for (const b of mine) {
          const s = performance.now()
          const res = await fetch(`${target}/events`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ events: b }) })
          const body = (await res.json()) as { results: { status: string }[] }
          if (res.status !== 200 || body.results.some((r) => r.status !== 'accepted')) throw new Error(`batch failed: ${res.status} ${JSON.stringify(body).slice(0, 200)}`)
          latencies.push(performance.now() - s)
        }
      }),
    )
    const receiverS = (performance.now() - t0) / 1000
    const counts = (await dbs[0]!.query<{ n: number; d: number; o: number }>(
      `SELECT (SELECT count(*)::int FROM changes) AS n, (SELECT count(DISTINCT event_id)::int FROM changes) AS d, (SELECT count(*)::int FROM orders) AS o`,
    ))[0]!
    for (const s of servers) await s.close()
    for (const db of dbs) await db.close()
    latencies.sort((a, b) => a - b)
    const p99 = latencies[Math.floor(latencies.length * 0.99)] ?? 0

    // Baseline: the same rows, multi-row INSERT … ON CONFLICT DO NOTHING, one connection.
    const baseUrl = await createDatabase(cluster.url, 'baseline')
    const bdb = await openStore({ databaseUrl: baseUrl, poolSize: 1 })
    await bdb.close()
    const client = new pg.Client({ connectionString: baseUrl })
    await client.connect()
    let position = 0
    const b0 = performance.now()
    for (const mine of batches) {
      for (const b of mine) {
        const values = (cols: number, k: number) => `(${Array.from({ length: cols }, (_, c) => `$${k * cols + c + 1}`).join(', ')})`
        await client.query('BEGIN')
        await client.query(
          `INSERT INTO inbox (event_id, order_id, type) VALUES ${b.map((_, k) => values(3, k)).join(', ')} ON CONFLICT DO NOTHING`,
          b.flatMap((e) => [e.id, e.aggregateId, e.type]),
        )
        await client.query(
          `INSERT INTO orders (id, version, state, doc) VALUES ${b.map((_, k) => values(4, k)).join(', ')} ON CONFLICT DO NOTHING`,
          b.flatMap((e) => [e.aggregateId, 1, 'open', JSON.stringify(e.payload)]),
        )
        await client.query(
          `INSERT INTO changes (position, event_id, order_id, type, version, order_doc) VALUES ${b.map((_, k) => values(6, k)).join(', ')} ON CONFLICT DO NOTHING`,
          b.flatMap((e) => [++position, e.id, e.aggregateId, e.type, 1, JSON.stringify(e.payload)]),
        )
        await client.query('COMMIT')
      }
    }
    const baselineS = (performance.now() - b0) / 1000
    await client.end()

    const eventsPerSec = Math.round(total / receiverS)
    const baselineEventsPerSec = Math.round(total / baselineS)
    log(`receiver ${total} events in ${receiverS.toFixed(1)} s; baseline ${baselineS.toFixed(1)} s`)
    return {
      'server.eventsPerSec': eventsPerSec,
      'server.p99BatchMs': Math.round(p99 * 10) / 10,
      'server.lost': total - counts.d,
      'server.duplicateEffects': counts.n - counts.d + (counts.o === total ? 0 : Math.max(0, counts.o - total)),
      'server.baselineEventsPerSec': baselineEventsPerSec,
      'server.ratio': Math.round((eventsPerSec / baselineEventsPerSec) * 100) / 100,
    }
  } finally {
    await cluster.stop()
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseArgs({ options: { events: { type: 'string' }, devices: { type: 'string' }, batch: { type: 'string' } } })
  const r = await runServerBench({ events: Number(values.events ?? 100_000), devices: Number(values.devices ?? 200), batch: Number(values.batch ?? 50) })
  console.log(JSON.stringify(r, null, 2))
}
