/**
 * The sync protocol's wire format (docs/sync-protocol.md), in one place for
 * the app's client, the reference API and the production receiver.
 * Pure: zod only, no Node or DOM APIs.
 */
import { z } from 'zod'

/** Limits a receiver enforces (the client sends at most 100 events per request by default). */
export const MAX_EVENTS_PER_REQUEST = 1000
export const MAX_BODY_BYTES = 1024 * 1024

export const PAYLOAD_LIMITS = {
  customerMax: 200,
  noteMax: 2000,
  reasonMax: 2000,
  itemsMax: 200,
  itemNameMax: 200,
  /** In whole units; quantities are exact thousandths below this. */
  quantityMax: 1_000_000,
  unitPriceMinorMax: 10_000_000_000,
} as const

export const EVENT_TYPES = ['OrderCreated', 'OrderUpdated', 'OrderCancelled'] as const
export type EventType = (typeof EVENT_TYPES)[number]

export const REJECTION_CODES = ['conflict', 'invalid', 'not_found', 'version_gap'] as const
export type RejectionCode = (typeof REJECTION_CODES)[number]

export const EVENT_STATUSES = ['accepted', 'duplicate', 'rejected'] as const
export type EventStatus = (typeof EVENT_STATUSES)[number]

// ---------------------------------------------------------------------------
// Envelope and request. A body that fails these is a 400 for the whole batch;
// a payload that fails its type's schema is one `rejected`/`invalid` result.

// id, type and aggregateId are stored by a receiver before the payload is
// judged (the inbox), so they must be storable text (see storableText below).
export const WireEvent = z.object({
  id: storableText(200, 1),
  type: storableText(200, 1),
  aggregateId: storableText(200, 1),
  occurredAt: z.string().min(1).max(100),
  payload: z.unknown().refine((v) => v !== undefined, { message: 'payload is required' }),
})
/** `payload` stays `unknown` until its type's schema parses it (the refine only says it is present). */
export type WireEvent = Omit<z.infer<typeof WireEvent>, 'payload'> & { payload: unknown }

export const EventsRequest = z.object({ events: z.array(WireEvent).min(1) })
export type EventsRequest = z.infer<typeof EventsRequest>

// ---------------------------------------------------------------------------
// Results.

// What a receiver sends is the strict type below; what a client parses is
// lenient where a conforming client must tolerate an older or newer server: a
// rejection without a sentence, or with a code this version does not know,
// is still a rejection of that one event, not a broken answer for the batch.
export const EventResult = z.union([
  z.object({ id: z.string(), status: z.enum(['accepted', 'duplicate']) }),
  z.object({ id: z.string(), status: z.literal('rejected'), error: z.string().optional(), code: z.string().max(100).optional() }),
])
export type EventResult =
  | { id: string; status: 'accepted' | 'duplicate' }
  | { id: string; status: 'rejected'; error: string; code?: RejectionCode }

export const EventsResponse = z.object({ results: z.array(EventResult) })
export type EventsResponse = z.infer<typeof EventsResponse>

// ---------------------------------------------------------------------------
// Payloads.

/**
 * Text PostgreSQL can store: no NUL and no lone UTF-16 surrogate (both are
 * refused by `text`/`jsonb` and would fail a whole batch instead of one event).
 */
function storableText(max: number, min = 0) {
  return z
    .string()
    .min(min)
    .max(max)
    .refine((s) => !s.includes('\u0000') && !/\p{Cs}/u.test(s), { message: 'contains characters that cannot be stored' })
}

const isoTimestamp = z
  .string()
  .max(100)
  .refine((s) => /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/.test(s) && Number.isFinite(Date.parse(s)), {
    message: 'must be an ISO 8601 timestamp',
  })

/**
 * A quantity as JSON carries it (1.5) → integer thousandths (1500), exactly.
 * The decimal text of the number is read digit by digit, so 0.1 + 0.2 style
 * float error never enters; more than 3 decimals is refused, not rounded.
 * Returns null when the number is not a positive quantity with ≤ 3 decimals.
 */
export function quantityToThousandths(q: number): number | null {
  if (!Number.isFinite(q) || q <= 0) return null
  // String(q) is the shortest text that reads back as q; numbers it writes in
  // exponent form are either below 1e-6 or above 1e21, both out of range.
  const m = /^(\d+)(?:\.(\d{1,3}))?$/.exec(String(q))
  if (!m) return null
  const whole = Number(m[1])
  const frac = Number(((m[2] ?? '') + '000').slice(0, 3))
  const milli = whole * 1000 + frac
  return Number.isSafeInteger(milli) && milli > 0 ? milli : null
}

/** Integer thousandths → the JSON number (1500 → 1.5); the nearest double, as parsing "1.5" gives. */
export function thousandthsToQuantity(milli: number): number {
  return milli / 1000
}

/**
 * A line's total in minor units: quantity × unit price, rounded half up to a
 * whole minor unit (only decimal quantities round). BigInt: 10^9 thousandths ×
 * 10^10 minor units exceeds 2^53.
 */
export function lineTotalMinor(quantityMilli: number, unitPriceMinor: number): bigint {
  return (BigInt(quantityMilli) * BigInt(unitPriceMinor) + 500n) / 1000n
}

const LineItem = z.object({
  name: storableText(PAYLOAD_LIMITS.itemNameMax, 1),
  quantity: z
    .number()
    .positive()
    .max(PAYLOAD_LIMITS.quantityMax)
    .refine((q) => quantityToThousandths(q) !== null, { message: 'must have at most 3 decimals' }),
  unitPriceMinor: z.number().int().min(0).max(PAYLOAD_LIMITS.unitPriceMinorMax),
})

const OrderFields = {
  id: z.string().min(1).max(200),
  customer: storableText(PAYLOAD_LIMITS.customerMax, 1),
  note: storableText(PAYLOAD_LIMITS.noteMax).nullable(),
  currency: z.string().regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code such as EUR'),
  items: z.array(LineItem).min(1).max(PAYLOAD_LIMITS.itemsMax),
  totalMinor: z.number().int().min(0),
  createdAt: isoTimestamp,
}

function checkTotal(
  o: { items: { quantity: number; unitPriceMinor: number }[]; totalMinor: number },
  ctx: z.core.$RefinementCtx,
): void {
  let sum = 0n
  for (const it of o.items) sum += lineTotalMinor(quantityToThousandths(it.quantity) ?? 0, it.unitPriceMinor)
  if (sum > BigInt(Number.MAX_SAFE_INTEGER)) {
    ctx.addIssue({ code: 'custom', path: ['totalMinor'], message: 'the order total is too large' })
  } else if (BigInt(o.totalMinor) !== sum) {
    ctx.addIssue({ code: 'custom', path: ['totalMinor'], message: `is ${o.totalMinor}, but the items add up to ${sum}` })
  }
}

/** `OrderCreated`: a missing `version` (clients before the lifecycle events) means 1. */
export const OrderCreatedPayload = z
  .object({ ...OrderFields, version: z.literal(1).optional() })
  .superRefine(checkTotal)
  .transform((o) => ({ ...o, version: 1 as const }))
export type OrderCreatedPayload = z.infer<typeof OrderCreatedPayload>

/** `OrderUpdated`: the order's full new state, with its new version. */
export const OrderUpdatedPayload = z
  .object({ ...OrderFields, version: z.number().int().min(2).max(Number.MAX_SAFE_INTEGER), updatedAt: isoTimestamp.optional() })
  .superRefine(checkTotal)
export type OrderUpdatedPayload = z.infer<typeof OrderUpdatedPayload>

export const OrderCancelledPayload = z.object({
  id: z.string().min(1).max(200),
  version: z.number().int().min(2).max(Number.MAX_SAFE_INTEGER),
  reason: storableText(PAYLOAD_LIMITS.reasonMax).nullable(),
  cancelledAt: isoTimestamp,
})
export type OrderCancelledPayload = z.infer<typeof OrderCancelledPayload>

export const PAYLOAD_SCHEMAS = {
  OrderCreated: OrderCreatedPayload,
  OrderUpdated: OrderUpdatedPayload,
  OrderCancelled: OrderCancelledPayload,
} as const

/** One event after validation: its envelope and its typed payload. */
export type ParsedEvent =
  | { id: string; type: 'OrderCreated'; orderId: string; occurredAt: string; payload: OrderCreatedPayload }
  | { id: string; type: 'OrderUpdated'; orderId: string; occurredAt: string; payload: OrderUpdatedPayload }
  | { id: string; type: 'OrderCancelled'; orderId: string; occurredAt: string; payload: OrderCancelledPayload }

/** The human sentence for the first few zod issues, e.g. `items.0.quantity: must have at most 3 decimals`. */
export function describeIssues(issues: readonly z.core.$ZodIssue[], prefix: string): string {
  const parts = issues.slice(0, 3).map((i) => (i.path.length ? `${i.path.join('.')}: ${i.message}` : i.message))
  const more = issues.length > 3 ? ` (+${issues.length - 3} more)` : ''
  return `${prefix}${parts.join('; ')}${more}`
}
