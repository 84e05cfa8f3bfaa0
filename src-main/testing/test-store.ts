import { afterEach, beforeEach } from 'vitest'
import { openDatabase } from '../core/db/open-database'
import type { SqliteDatabase } from '../core/db/native-sqlite'
import { OrdersRepo } from '../core/orders/orders-repo'
import { OutboxRepo } from '../core/outbox/outbox-repo'
import { tempDir } from './temp-dir'

export interface TestStore {
  readonly db: SqliteDatabase
  readonly outbox: OutboxRepo
  readonly orders: OrdersRepo
}

/**
 * A real, migrated database file in a fresh temp folder for each test of the
 * calling file, with the orders and outbox repos; closed and removed after
 * each. Call at the top level of a test file.
 */
export function useTestStore(): TestStore {
  let current: (TestStore & { remove(): void }) | null = null
  beforeEach(() => {
    const dir = tempDir()
    const db = openDatabase(dir.path)
    const outbox = new OutboxRepo(db)
    current = { db, outbox, orders: new OrdersRepo(db, outbox), remove: () => dir.remove() }
  })
  afterEach(() => {
    current?.db.close()
    current?.remove()
    current = null
  })
  const get = (): TestStore => {
    if (!current) throw new Error('useTestStore: used outside a test')
    return current
  }
  return {
    get db() {
      return get().db
    },
    get outbox() {
      return get().outbox
    },
    get orders() {
      return get().orders
    },
  }
}
