/**
 * The `server` scenario's devices: the events both sides write, and (run as
 * a child process) the load generator that POSTs them to the receivers.
 *
 * A child of its own so that its HTTP client work is not on the receivers'
 * event loops. It builds every request body before the clock starts (a
 * device's outbox already holds its events as JSON), then, per `run` line on
 * stdin, sends one block: every device at once, each device one batch at a
 * time (as the app's relay does per order), round robin over the instances by
 * device, each device with its own token. It answers one JSON line per block on stdout.
 */
import { readFileSync } from 'node:fs'
import { createInterface } from 'node:readline'
import { Pool } from 'undici'
import type { OrderCreatedPayload } from '../../src-shared/protocol'

export interface LoadSpec {
  devices: number
  /** Events per device per block. */
  perDevice: number
  batch: number
  /** Every Nth batch is sent twice at once, to both instances (0: never). */
  resendEvery: number
}

/** The unmeasured warm-up block: one batch per device, none sent twice. */
export const WARM_UP = 'w'
export const warmUpSpec = (spec: LoadSpec): LoadSpec => ({ ...spec, perDevice: Math.min(spec.perDevice, spec.batch), resendEvery: 0 })

export interface WireEventJson {
  id: string
  type: 'OrderCreated'
  aggregateId: string
  occurredAt: string
  payload: OrderCreatedPayload
}

export function makeEvent(block: string, device: number, i: number): WireEventJson {
  const orderId = `o-${block}-${device}-${i}`
  return {
    id: `e-${block}-${device}-${i}`,
    type: 'OrderCreated',
    aggregateId: orderId,
    occurredAt: '2025-01-02T03:04:05.000Z',
    payload: {
      id: orderId,
      version: 1,
      customer: `Customer ${device}-${i}`,
      note: i % 4 === 0 ? 'Deliver to the back door' : null,
      currency: 'EUR',
      items: [
        { name: 'Espresso beans 1 kg', quantity: 1 + (i % 3), unitPriceMinor: 1850 },
        { name: 'Oat milk', quantity: 6, unitPriceMinor: 225 },
        { name: 'Cheese', quantity: 1.5, unitPriceMinor: 333 },
      ],
      totalMinor: 1850 * (1 + (i % 3)) + 6 * 225 + 500,
      createdAt: '2025-01-02T03:04:05.000Z',
    },
  }
}

/** One block's batches, per device, in sending order; `twice` marks a batch sent to both instances at once. */
export function blockBatches(block: string, spec: LoadSpec): { events: WireEventJson[]; twice: boolean }[][] {
  const out: { events: WireEventJson[]; twice: boolean }[][] = []
  let n = 0
  for (let d = 0; d < spec.devices; d++) {
    const mine: { events: WireEventJson[]; twice: boolean }[] = []
    for (let i = 0; i < spec.perDevice; i += spec.batch) {
      const events = Array.from({ length: Math.min(spec.batch, spec.perDevice - i) }, (_, k) => makeEvent(block, d, i + k))
      mine.push({ events, twice: spec.resendEvery > 0 && ++n % spec.resendEvery === 0 })
    }
    out.push(mine)
  }
  return out
}

export interface BlockResult {
  ms: number
  /** Per request, ms (a batch sent twice counts once per request). */
  latencies: number[]
  accepted: number
  duplicate: number
  /** Events of a twice-sent batch that both instances (or neither) answered `accepted`. */
  doubleAnswers: number
}

async function main(): Promise<void> {
  const [urlsRaw, specRaw, blocksRaw, tokensFile] = process.argv.slice(2)
  if (!urlsRaw || !specRaw || !blocksRaw || !tokensFile) throw new Error('usage: server-load.ts <url,url> <spec json> <block,block,…> <tokens.json>')
  const urls = urlsRaw.split(',')
  const spec = JSON.parse(specRaw) as LoadSpec
  // One device token each (a file, not argv: tokens do not belong in `ps`).
  const tokens = JSON.parse(readFileSync(tokensFile, 'utf8')) as string[]
  if (tokens.length < spec.devices) throw new Error(`${tokens.length} tokens for ${spec.devices} devices`)
  const pools = urls.map((u) => new Pool(u, { connections: Math.ceil(spec.devices / urls.length) + 2, pipelining: 1 }))
  // Bodies serialized up front: the devices' cost is not what is measured.
  const prepared = new Map(
    blocksRaw.split(',').map((b) => [b, blockBatches(b, b === WARM_UP ? warmUpSpec(spec) : spec).map((mine) => mine.map((x) => ({ body: JSON.stringify({ events: x.events }), ids: x.events.map((e) => e.id), twice: x.twice })))]),
  )
  const post = async (pool: Pool, device: number, body: string): Promise<{ ms: number; statuses: Map<string, string> }> => {
    const headers = { 'content-type': 'application/json', authorization: `Bearer ${tokens[device]}` }
    for (let attempt = 1; ; attempt++) {
      const t = performance.now()
      const res = await pool.request({ path: '/events', method: 'POST', headers, body })
      const text = await res.body.text()
      const ms = performance.now() - t
      if (res.statusCode === 200) {
        const parsed = JSON.parse(text) as { results: { id: string; status: string }[] }
        return { ms, statuses: new Map(parsed.results.map((r) => [r.id, r.status])) }
      }
      // 503 = busy: the relay backs off and resends; so does a device here, a bounded number of times.
      if (res.statusCode !== 503 || attempt >= 20) throw new Error(`POST /events: ${res.statusCode} ${text.slice(0, 200)}`)
      await new Promise((r) => setTimeout(r, 50 * attempt))
    }
  }
  const rl = createInterface({ input: process.stdin })
  process.stdout.write('ready\n')
  for await (const line of rl) {
    const block = /^run (\S+)$/.exec(line)?.[1]
    if (!block) break
    const devices = prepared.get(block)
    if (!devices) throw new Error(`unknown block ${block}`)
    const result: BlockResult = { ms: 0, latencies: [], accepted: 0, duplicate: 0, doubleAnswers: 0 }
    const t0 = performance.now()
    await Promise.all(
      devices.map(async (mine, d) => {
        const pool = pools[d % pools.length] as Pool
        for (const b of mine) {
          if (!b.twice) {
            const r = await post(pool, d, b.body)
            result.latencies.push(r.ms)
            for (const id of b.ids) {
              const s = r.statuses.get(id)
              if (s !== 'accepted') throw new Error(`event ${id}: ${s ?? 'no result'}`)
              result.accepted++
            }
            continue
          }
          const other = pools[(d + 1) % pools.length] as Pool
          const [x, y] = await Promise.all([post(pool, d, b.body), post(other, d, b.body)])
          result.latencies.push(x.ms, y.ms)
          for (const id of b.ids) {
            const pair = [x.statuses.get(id), y.statuses.get(id)].sort().join('+')
            if (pair !== 'accepted+duplicate') result.doubleAnswers++
            result.accepted++
            result.duplicate++
          }
        }
      }),
    )
    result.ms = performance.now() - t0
    process.stdout.write(`${JSON.stringify(result)}\n`)
  }
  await Promise.all(pools.map((p) => p.close()))
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main().catch((err: unknown) => {
    process.stderr.write(`server-load: ${(err as Error).message}\n`)
    process.exit(1)
  })
}
