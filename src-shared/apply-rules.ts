/**
 * The receiver's rules (docs/sync-protocol.md §5–6), pure, in one place for
 * the reference API and the production server: validation, the dedup
 * decision and per-order version order. Storage stays with the caller: it
 * says which ids are already applied and what each order's current state is,
 * and writes what the plan says.
 */
import {
  EVENT_TYPES,
  PAYLOAD_SCHEMAS,
  describeIssues,
  quantityToThousandths,
  thousandthsToQuantity,
  type EventResult,
  type EventType,
  type ParsedEvent,
  type RejectionCode,
  type WireEvent,
} from './protocol'

export const PAYLOAD_NOT_OBJECT_MESSAGE = 'payload must be an object'
export const BLOCKED_CUSTOMER_MESSAGE = 'Customer is on the blocked list'

export type OrderState = 'open' | 'cancelled' | 'fulfilled'

/** The server's current state of one order. Quantities are exact integer thousandths. */
export interface ServerOrder {
  id: string
  version: number
  state: OrderState
  customer: string
  note: string | null
  currency: string
  items: { name: string; quantityMilli: number; unitPriceMinor: number }[]
  totalMinor: number
  createdAt: string
  updatedAt: string | null
  cancelledAt: string | null
  cancelReason: string | null
}

/** A `ServerOrder` as the wire shows it (reads, the changes feed): quantities as JSON numbers. */
export interface OrderView extends Omit<ServerOrder, 'items'> {
  items: { name: string; quantity: number; unitPriceMinor: number }[]
}

export function orderView(o: ServerOrder): OrderView {
  return { ...o, items: o.items.map((i) => ({ name: i.name, quantity: thousandthsToQuantity(i.quantityMilli), unitPriceMinor: i.unitPriceMinor })) }
}

/** Development rules a test double adds (the production receiver has none). */
export interface RulesPolicy {
  /** Refuse customers whose name contains `REJECT` (case-sensitive), so tests can provoke a rejection. */
  blockRejectCustomers?: boolean
}

export type Rejection = { code: RejectionCode; error: string }
export type ParseOutcome = { ok: true; event: ParsedEvent } | ({ ok: false } & Rejection)

/** Envelope (already shape-checked) → a typed event, or why it is `invalid`. */
export function parseEvent(e: WireEvent, policy: RulesPolicy = {}): ParseOutcome {
  if (!(EVENT_TYPES as readonly string[]).includes(e.type)) {
    return { ok: false, code: 'invalid', error: `Unknown event type "${e.type.slice(0, 50)}"` }
  }
  const type = e.type as EventType
  const p = e.payload
  if (typeof p !== 'object' || p === null || Array.isArray(p)) return { ok: false, code: 'invalid', error: PAYLOAD_NOT_OBJECT_MESSAGE }
  const parsed = PAYLOAD_SCHEMAS[type].safeParse(p)
  if (!parsed.success) return { ok: false, code: 'invalid', error: describeIssues(parsed.error.issues, `Invalid ${type}: `) }
  const payload = parsed.data
  if (payload.id !== e.aggregateId) {
    return { ok: false, code: 'invalid', error: `${type}: payload.id must equal aggregateId` }
  }
  if (policy.blockRejectCustomers && 'customer' in payload && payload.customer.includes('REJECT')) {
    return { ok: false, code: 'invalid', error: BLOCKED_CUSTOMER_MESSAGE }
  }
  return { ok: true, event: { id: e.id, type, orderId: e.aggregateId, occurredAt: e.occurredAt, payload } as ParsedEvent }
}

export type Decision = { kind: 'apply'; next: ServerOrder } | ({ kind: 'reject' } & Rejection)

/** A valid event against the order's current state (null: unknown to the server). */
export function decide(event: ParsedEvent, current: ServerOrder | null): Decision {
  if (event.type === 'OrderCreated') {
    if (current) return reject('conflict', 'An order with this id is already on the server')
    const p = event.payload
    return {
      kind: 'apply',
      next: {
        id: p.id,
        version: 1,
        state: 'open',
        customer: p.customer,
        note: p.note,
        currency: p.currency,
        items: toItems(p.items),
        totalMinor: p.totalMinor,
        createdAt: p.createdAt,
        updatedAt: null,
        cancelledAt: null,
        cancelReason: null,
      },
    }
  }
  if (!current) return reject('not_found', 'This order is not on the server (its first version never arrived)')
  if (current.state !== 'open') {
    return reject('conflict', `The order was ${current.state} on the server and can no longer be changed`)
  }
  const version = event.payload.version
  if (version <= current.version) {
    return reject('conflict', `The server already has version ${current.version} of this order; this change was made to an older version`)
  }
  if (version > current.version + 1) {
    return reject('version_gap', `The server has version ${current.version} of this order; version ${version} cannot follow it before version ${current.version + 1}`)
  }
  if (event.type === 'OrderCancelled') {
    const p = event.payload
    return { kind: 'apply', next: { ...current, version, state: 'cancelled', cancelledAt: p.cancelledAt, cancelReason: p.reason } }
  }
  const p = event.payload
  return {
    kind: 'apply',
    next: {
      ...current,
      version,
      customer: p.customer,
      note: p.note,
      currency: p.currency,
      items: toItems(p.items),
      totalMinor: p.totalMinor,
      createdAt: p.createdAt,
      updatedAt: p.updatedAt ?? null,
    },
  }
}

function reject(code: RejectionCode, error: string): Decision {
  return { kind: 'reject', code, error }
}

function toItems(items: { name: string; quantity: number; unitPriceMinor: number }[]): ServerOrder['items'] {
  // The schema already refused quantities this cannot convert.
  return items.map((i) => ({ name: i.name, quantityMilli: quantityToThousandths(i.quantity) ?? 0, unitPriceMinor: i.unitPriceMinor }))
}

export interface AppliedEvent {
  event: ParsedEvent
  /** The order's state after this event. */
  order: ServerOrder
}

export interface BatchPlan {
  /** One per input event, in input order. */
  results: EventResult[]
  /** Events to apply, in input order. */
  applied: AppliedEvent[]
  /** Each changed order's state before the batch (null: new) and after it. */
  changed: Map<string, { before: ServerOrder | null; after: ServerOrder }>
  /** Ids answered `rejected` (a caller that pre-inserted them must remove them). */
  rejectedIds: Set<string>
}

export interface BatchState {
  /** True when this id was applied before this batch (by any instance). */
  isApplied(id: string): boolean
  /** The order's state before this batch, or null. */
  order(id: string): ServerOrder | null
}

/**
 * Decides a whole batch, in order: an id applied before (or earlier in this
 * batch) is `duplicate`; an invalid event is `rejected`/`invalid`; the rest
 * are judged against the order's state as the earlier events of the batch
 * left it. A refused event changes nothing, so it never undoes the others.
 */
export function planBatch(events: readonly WireEvent[], state: BatchState, policy: RulesPolicy = {}): BatchPlan {
  const results: EventResult[] = []
  const applied: AppliedEvent[] = []
  const changed = new Map<string, { before: ServerOrder | null; after: ServerOrder }>()
  const appliedHere = new Set<string>()
  const rejectedIds = new Set<string>()
  for (const wire of events) {
    if (appliedHere.has(wire.id) || state.isApplied(wire.id)) {
      results.push({ id: wire.id, status: 'duplicate' })
      continue
    }
    const parsed = parseEvent(wire, policy)
    if (!parsed.ok) {
      results.push({ id: wire.id, status: 'rejected', error: parsed.error, code: parsed.code })
      rejectedIds.add(wire.id)
      continue
    }
    const ev = parsed.event
    const entry = changed.get(ev.orderId)
    const current = entry ? entry.after : state.order(ev.orderId)
    const decision = decide(ev, current)
    if (decision.kind === 'reject') {
      results.push({ id: wire.id, status: 'rejected', error: decision.error, code: decision.code })
      rejectedIds.add(wire.id)
      continue
    }
    appliedHere.add(wire.id)
    rejectedIds.delete(wire.id)
    applied.push({ event: ev, order: decision.next })
    changed.set(ev.orderId, { before: entry ? entry.before : current, after: decision.next })
    results.push({ id: wire.id, status: 'accepted' })
  }
  return { results, applied, changed, rejectedIds }
}
