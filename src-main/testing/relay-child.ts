/**
 * The app's core in a child process, for crash tests and the soak: it creates
 * orders until the database holds `--orders`, printing `ack <id>` after each
 * commit (the moment the UI would say "saved"), and keeps the relay running
 * until it is killed. Kill it with SIGKILL at any instant; start it again.
 */
import { parseArgs } from 'node:util'
import { createCore } from '../core/create-core'

const { values } = parseArgs({
  options: {
    'data-dir': { type: 'string' },
    'api-url': { type: 'string' },
    orders: { type: 'string', default: '0' },
    'create-every-ms': { type: 'string', default: '1' },
  },
})
const target = Number(values.orders)
const every = Number(values['create-every-ms'])

const core = createCore({
  dataDir: values['data-dir'] ?? '.',
  flags: { apiUrl: values['api-url'] },
  relay: { backoffBaseMs: 50, backoffCapMs: 800, probeMinMs: 50, probeMaxMs: 400, requestTimeoutMs: 3000 },
  log: { info: () => undefined, warn: () => undefined, error: (m, meta) => console.error(m, meta) },
})

async function main(): Promise<void> {
  process.stdout.write('ready\n')
  for (;;) {
    const page = await core.handlers.listOrders({ offset: 0, limit: 1 })
    if (!page.ok) throw new Error(page.error.message)
    if (page.value.total >= target) break
    const r = await core.handlers.createOrder({
      customer: `Soak ${page.value.total}`,
      items: [{ name: 'Widget', quantity: '2', unitPrice: '3.50' }],
    })
    if (!r.ok) throw new Error(r.error.message)
    process.stdout.write(`ack ${r.value.id}\n`)
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
