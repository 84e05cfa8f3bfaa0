/**
 * The app's core in a child process, for crash tests and the soak. Until the
 * database holds `--orders` orders it makes a seeded random mix of changes
 * (`--mix create,update,cancel`, default 0.6,0.3,0.1) through the core's
 * handlers, exactly as the window would: a create, an edit of an open order
 * (customer, items, prices, note, currency changed) or a cancellation with a
 * reason. Before changing an order it reads it back through `getOrder`, so a
 * restarted child carries on from the database, never from memory. After each
 * handler returns (the moment the UI would say "saved") it prints
 * `ack <id> <version>`; when the target is reached, `created`. The relay runs
 * until the process is killed. Kill it with SIGKILL at any instant; start it
 * again. Any refused change (a stale version included) is a bug: the child
 * prints it and exits 1.
 */
import { parseArgs } from 'node:util'
import { createCore } from '../core/create-core'
import { DEFAULT_MIX, formatMix, parseMix, pickKind, randomOrderInput, randomReason } from './soak-mix'
import { seededRandom } from './seeded-random'

const { values } = parseArgs({
  options: {
    'data-dir': { type: 'string' },
    'api-url': { type: 'string' },
    'api-token': { type: 'string' },
    orders: { type: 'string', default: '0' },
    'create-every-ms': { type: 'string', default: '1' },
    seed: { type: 'string', default: '1' },
    mix: { type: 'string', default: formatMix(DEFAULT_MIX) },
  },
})
const target = Number(values.orders)
const every = Number(values['create-every-ms'])
const random = seededRandom(Number(values.seed))
const mix = parseMix(values.mix)

const core = createCore({
  dataDir: values['data-dir'] ?? '.',
  flags: { apiUrl: values['api-url'], apiToken: values['api-token'] },
  relay: { backoffBaseMs: 50, backoffCapMs: 800, probeMinMs: 50, probeMaxMs: 400, requestTimeoutMs: 3000 },
  log: { info: () => undefined, warn: () => undefined, error: (m, meta) => console.error(m, meta) },
})

type Outcome<T> = { ok: true; value: T } | { ok: false; error: { code: string; message: string } }
function must<T>(what: string, r: Outcome<T>): T {
  if (!r.ok) throw new Error(`${what} refused: ${r.error.code}: ${r.error.message}`)
  return r.value
}

async function main(): Promise<void> {
  process.stdout.write('ready\n')
  for (;;) {
    const total = must('listOrders', await core.handlers.listOrders({ offset: 0, limit: 1 })).total
    if (total >= target) break
    const open = must('listOrders(open)', await core.handlers.listOrders({ offset: 0, limit: 1, filter: { cancelled: 'open' } })).total
    const kind = pickKind(random(), mix, open)
    if (kind === 'create') {
      const o = must('createOrder', await core.handlers.createOrder(randomOrderInput(random, `#${total + 1}`)))
      process.stdout.write(`ack ${o.id} ${o.version}\n`)
    } else {
      // Which order is the test's choice; its current version comes from the database, as the detail view reads it.
      const page = must('listOrders(pick)', await core.handlers.listOrders({ offset: Math.floor(random() * open), limit: 1, filter: { cancelled: 'open' } }))
      const id = page.items[0]?.id
      if (!id) throw new Error(`no open order at a position below the open count ${open}`)
      const detail = must('getOrder', await core.handlers.getOrder({ id }))
      if (detail.state !== 'open') throw new Error(`order ${id} listed as open but is ${detail.state}`)
      const r =
        kind === 'update'
          ? must('updateOrder', await core.handlers.updateOrder({ id, version: detail.version, order: randomOrderInput(random, `#${total}e`) }))
          : must('cancelOrder', await core.handlers.cancelOrder({ id, version: detail.version, reason: randomReason(random) }))
      process.stdout.write(`ack ${r.id} ${r.version}\n`)
    }
    if (every > 0) await new Promise((res) => setTimeout(res, every))
  }
  process.stdout.write('created\n')
}

process.on('SIGTERM', () => {
  void core.shutdown().then(() => process.exit(0))
})
main().catch((err: unknown) => {
  console.error(err)
  process.exit(1)
})
setInterval(() => undefined, 60_000) // keep running until killed
