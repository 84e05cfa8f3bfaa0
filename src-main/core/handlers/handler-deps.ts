import type { SyncStatus } from '../../../src-shared/contract'
import type { ApiConfig } from '../config/api-config'
import type { Logger, SecretBox } from '../core-types'
import type { SqliteDatabase } from '../db/native-sqlite'
import type { OrdersRepo } from '../orders/orders-repo'
import type { OutboxRepo } from '../outbox/outbox-repo'
import type { SettingsRepo } from '../settings/settings-repo'
import type { Relay } from '../sync/relay'

/** What handler groups get from the composition root (create-core.ts). */
export interface HandlerDeps {
  readonly dataDir: string
  readonly db: SqliteDatabase
  readonly orders: OrdersRepo
  readonly outbox: OutboxRepo
  readonly settings: SettingsRepo
  readonly apiConfig: ApiConfig
  readonly secretBox: SecretBox
  readonly relay: Relay
  readonly log: Logger
  readonly now: () => number
  /** Pushes `ordersChanged` to the renderer. */
  ordersChanged(orderIds: string[], created: boolean): void
  /** Something the status shows may have changed: pushes a (throttled) status event. */
  statusChanged(): void
  status(): SyncStatus
  /** The currency new orders get when the form names none. */
  defaultCurrency(): string
}
