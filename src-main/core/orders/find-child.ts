/**
 * Test child: writes batches of creates, edits and cancels in one transaction
 * each, forever, until its parent SIGKILLs it. Prints "batch N" after each
 * commit so the parent can kill it between or inside batches.
 */
import { OutboxRepo } from '../outbox/outbox-repo'
import { openFindDatabase } from './find-test-db'
import { OrdersRepo } from './orders-repo'

const dir = process.argv[2]
if (!dir) throw new Error('usage: find-child <data-dir>')
const db = openFindDatabase(dir)
const orders = new OrdersRepo(db, new OutboxRepo(db))
const edit = db.prepare(`UPDATE orders SET customer = ?, version = version + 1 WHERE id = ?`)
const cancel = db.prepare(`UPDATE orders SET state = 'cancelled', version = version + 1 WHERE id = ?`)
const names = ['Café Lumière', '王小明', 'Zoë Park', 'Ana Müller']
for (let batch = 1; batch <= 100_000; batch++) {
  db.transaction(() => {
    for (let i = 0; i < 200; i++) {
      const n = batch * 1000 + i
      const { summary } = orders.create({
        customer: `${names[n % names.length]} ${n}`,
        note: i % 3 === 0 ? `note ${n}` : null,
        currency: 'EUR',
        items: [{ name: `Item ${n % 7}`, quantity: 1, unitPriceMinor: 100 + i, lineTotalMinor: 100 + i }],
        totalMinor: 100 + i,
      })
      if (i % 5 === 0) edit.run(`Edited ${n}`, summary.id)
      if (i % 11 === 0) cancel.run(summary.id)
    }
  })()
  process.stdout.write(`batch ${batch}\n`)
}
