import { migration001 } from './001-initial'
import { migration002 } from './002-settings-and-lease'
import { migration003 } from './003-delivery-history'
import { migration004 } from './004-order-lifecycle'
import { migration005 } from './005-search'
import { migration006 } from './006-settled-events'
import { migration007 } from './007-cjk-search'
import { migration008 } from './008-lean-outbox-facets'
import type { Migration } from './migration'

/** Every migration, in order. Append only: never edit a shipped one. */
export const migrations: readonly Migration[] = [migration001, migration002, migration003, migration004, migration005, migration006, migration007, migration008]

export const LATEST_VERSION = migrations.length
export type { Migration }
