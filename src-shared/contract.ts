/**
 * The one contract between the renderer and the main process.
 *
 * Main, preload, the browser host and the renderer all derive their types from
 * this file, so a method added here is a compile error everywhere it is not yet
 * wired. Schemas double as runtime validators: every value that crosses a
 * process boundary is `unknown` until one of these parses it.
 *
 * It lives in src-shared/ (with money.ts and the wire protocol) because main,
 * the preload, the web host and the renderer all import it; the preload only
 * exposes it (src-preload/index.ts).
 */
import { z } from 'zod'

// ---------------------------------------------------------------------------
// Limits shared by the form (for hints) and main (for enforcement).
// ---------------------------------------------------------------------------
export const LIMITS = {
  customerMax: 200,
  itemsMin: 1,
  itemsMax: 200,
  itemNameMax: 200,
  quantityMin: 1,
  quantityMax: 1_000_000,
  unitPriceMinorMax: 10_000_000_000,
  noteMax: 2_000,
  pageMax: 500,
} as const

// ---------------------------------------------------------------------------
// Errors. `code` is an i18n key (errors.<code>), `params` fill its placeholders,
// and `message` is an English fallback for logs. The renderer never shows a
// stack trace.
// ---------------------------------------------------------------------------
export const errorCodes = [
  'required',
  'too_short',
  'too_long',
  'too_small',
  'too_big',
  'not_integer',
  'invalid_type',
  'invalid_value',
  'invalid_currency',
  'invalid_number',
  'too_many_decimals',
  'unknown_key',
  'invalid_url',
  'validation_failed',
  'not_found',
  'not_dead',
  'internal',
  'database_newer',
  'storage_unavailable',
  /** The renderer could not reach its host at all (the browser host stopped): nothing was done. */
  'host_unreachable',
  // order lifecycle: the order changed since it was opened, or is cancelled
  'stale_version',
  'order_cancelled',
  /** A price that reads as two different amounts ("1.234" for a 3-decimal currency in a comma locale). */
  'ambiguous_number',
] as const
export const ErrorCode = z.enum(errorCodes)
export type ErrorCode = z.infer<typeof ErrorCode>

export const FieldError = z.object({
  /** Dotted path into the input, e.g. `customer`, `items.2.quantity`. */
  field: z.string(),
  code: ErrorCode,
  params: z.record(z.string(), z.union([z.string(), z.number()])).optional(),
  message: z.string(),
})
export type FieldError = z.infer<typeof FieldError>

export const AppError = z.object({
  code: ErrorCode,
  message: z.string(),
  params: z.record(z.string(), z.union([z.string(), z.number()])).optional(),
  fields: z.array(FieldError).optional(),
})
export type AppError = z.infer<typeof AppError>

export type Result<T> = { ok: true; value: T } | { ok: false; error: AppError }
export function resultSchema<T extends z.ZodType>(value: T) {
  return z.discriminatedUnion('ok', [
    z.object({ ok: z.literal(true), value }),
    z.object({ ok: z.literal(false), error: AppError }),
  ])
}

// ---------------------------------------------------------------------------
// Domain values
// ---------------------------------------------------------------------------
export const CurrencyCode = z.string().regex(/^[A-Z]{3}$/)
export const SyncState = z.enum(['pending', 'synced', 'failed'])
export type SyncState = z.infer<typeof SyncState>
export const OutboxStatus = z.enum(['pending', 'sent', 'dead'])
export type OutboxStatus = z.infer<typeof OutboxStatus>

/**
 * What the form sends. Prices arrive as the text a person typed ("12.50"):
 * main converts them with the currency's ISO 4217 minor digits, so the
 * renderer never does money arithmetic that counts.
 */
export const CreateOrderInput = z.strictObject({
  customer: z.string(),
  note: z.string().optional(),
  currency: z.string().optional(),
  items: z.array(
    z.strictObject({
      name: z.string(),
      quantity: z.union([z.number(), z.string()]),
      unitPrice: z.string(),
    }),
  ),
  /**
   * The UI locale the prices were typed in ("de-DE": "1.234,50"); main reads
   * them with the same rule as the form's preview (src-shared/money.ts).
   * Absent: plain "12.50" / "1,234.50".
   */
  locale: z.string().min(2).max(35).regex(/^[A-Za-z0-9-]+$/).optional(),
})
export type CreateOrderInput = z.infer<typeof CreateOrderInput>

export const LineItem = z.object({
  name: z.string(),
  /** Up to 3 decimals (1.5 kg); stored exactly as thousandths in main. */
  quantity: z.number().positive(),
  unitPriceMinor: z.number().int(),
  lineTotalMinor: z.number().int(),
})
export type LineItem = z.infer<typeof LineItem>

export const OrderSummary = z.object({
  id: z.string(),
  customer: z.string(),
  currency: z.string(),
  totalMinor: z.number().int(),
  createdAt: z.string(),
  itemCount: z.number().int(),
  syncState: SyncState,
  /** When the server confirmed it (synced) */
  syncedAt: z.string().nullable(),
  /** The server's reason (failed) */
  syncError: z.string().nullable(),
  /** Failed and the user chose not to retry it. */
  discarded: z.boolean(),
  /** What was ordered, shortened ("2 × Croissant, Tea +1"): list pages carry it. */
  itemsSummary: z.string().optional(),
  /** Grows by one per change (issue 11); the version an edit names. */
  version: z.number().int().min(1),
  state: z.enum(['open', 'cancelled']),
  /** The server never accepted any version of it (its OrderCreated was refused). */
  notOnServer: z.boolean().optional(),
})
export type OrderSummary = z.infer<typeof OrderSummary>

/** One day at a glance (or any range): takings per currency in integer minor units. */
export const DaySummary = z.object({
  from: z.string(),
  to: z.string(),
  count: z.number().int(),
  waiting: z.number().int(),
  attention: z.number().int(),
  totals: z.array(z.object({ currency: z.string(), totalMinor: z.number().int(), count: z.number().int() })),
})
export type DaySummary = z.infer<typeof DaySummary>
export const ItemSuggestion = z.object({ name: z.string(), unitPriceMinor: z.number().int().nullable(), currency: z.string() })
export type ItemSuggestion = z.infer<typeof ItemSuggestion>
const PrefixInput = z.strictObject({ prefix: z.string().max(200), limit: z.number().int().min(1).max(20).default(8) })

export const DeliveryAttempt = z.object({
  at: z.string(),
  httpStatus: z.number().int().nullable(),
  outcome: z.string(),
  error: z.string().nullable(),
})
export type DeliveryAttempt = z.infer<typeof DeliveryAttempt>

export const OutboxEventView = z.object({
  id: z.string(),
  type: z.string(),
  status: OutboxStatus,
  attempts: z.number().int(),
  nextAttemptAt: z.string().nullable(),
  lastError: z.string().nullable(),
  lastHttpStatus: z.number().int().nullable(),
  sentAt: z.string().nullable(),
  discardedAt: z.string().nullable(),
  createdAt: z.string(),
  history: z.array(DeliveryAttempt),
  /**
   * Settled by fixing a refused change (issue 11): `replaced` by the user's
   * correction, or `discarded` with the order back at the server's version.
   * It left the outbox and is never sent.
   */
  settled: z.enum(['replaced', 'discarded']).optional(),
})
export type OutboxEventView = z.infer<typeof OutboxEventView>

/** One entry of an order's history (issue 11): a version and how far its event got. */
export const OrderVersionView = z.object({
  version: z.number().int().min(1),
  kind: z.enum(['created', 'updated', 'cancelled']),
  at: z.string(),
  delivery: z.enum(['pending', 'sent', 'dead', 'discarded', 'unknown']),
})
export type OrderVersionView = z.infer<typeof OrderVersionView>

export const OrderDetail = OrderSummary.extend({
  note: z.string().nullable(),
  items: z.array(LineItem),
  events: z.array(OutboxEventView),
  /** Every version, oldest first. */
  versions: z.array(OrderVersionView).optional(),
  /** Why it was cancelled, when it was and a reason was given. */
  cancelReason: z.string().nullable().optional(),
})
export type OrderDetail = z.infer<typeof OrderDetail>

/** Sync states as the list filters them ("needs attention" and "discarded" are both dead events). */
export const SyncFilter = z.enum(['waiting', 'sent', 'attention', 'discarded'])
export type SyncFilter = z.infer<typeof SyncFilter>
const IsoInstant = z.iso.datetime({ offset: true })
/** Search and filters of the list, the count, the export. `from` inclusive, `to` exclusive (the renderer knows the user's day). */
export const OrderFilter = z.strictObject({
  q: z.string().max(200).optional(),
  sync: SyncFilter.optional(),
  cancelled: z.enum(['any', 'open', 'cancelled']).optional(),
  from: IsoInstant.optional(),
  to: IsoInstant.optional(),
})
export type OrderFilter = z.infer<typeof OrderFilter>
/** Keyset position: the last row of the previous page, newest first. */
export const OrderCursor = z.strictObject({ createdAt: z.string().max(40), id: z.string().min(1).max(100) })
export type OrderCursor = z.infer<typeof OrderCursor>

/**
 * A page, newest first. Give `after` (the previous page's `next`) to read on
 * by keyset; `offset` is only for a jump to a page whose predecessor is not
 * loaded, and walks the covering facet index, never the table.
 */
export const ListOrdersInput = z.strictObject({
  offset: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).default(0),
  limit: z.number().int().min(1).max(LIMITS.pageMax).default(50),
  after: OrderCursor.optional(),
  filter: OrderFilter.optional(),
})
export const OrderPage = z.object({
  items: z.array(OrderSummary),
  /** How many match the filter (all orders when there is none); at most `countCap` when `capped`. */
  total: z.number().int(),
  offset: z.number().int(),
  /** Every order, whatever the filter: "12 of 100,000". */
  all: z.number().int().optional(),
  capped: z.boolean().optional(),
  /** Where the next page starts, or null at the end. */
  next: OrderCursor.nullable().optional(),
})
export type OrderPage = z.infer<typeof OrderPage>

export const DeadEvent = z.object({
  eventId: z.string(),
  orderId: z.string(),
  customer: z.string(),
  totalMinor: z.number().int(),
  currency: z.string(),
  reason: z.string().nullable(),
  attempts: z.number().int(),
  lastHttpStatus: z.number().int().nullable(),
  lastResponse: z.string().nullable(),
  failedAt: z.string().nullable(),
  discarded: z.boolean(),
  /** Later changes of the same order held back behind this one (issue 11). */
  waiting: z.number().int().min(0).optional(),
  /** The event's type and version, and the order's version and state on this device. */
  type: z.string().optional(),
  eventVersion: z.number().int().min(1).optional(),
  orderVersion: z.number().int().min(1).optional(),
  orderState: z.enum(['open', 'cancelled']).optional(),
})
export type DeadEvent = z.infer<typeof DeadEvent>

// ---------------------------------------------------------------------------
// Sync status (pushed as an event, and fetched as a snapshot on load)
// ---------------------------------------------------------------------------
export const Connectivity = z.enum(['online', 'offline', 'unknown'])
export const ApiState = z.enum(['reachable', 'unreachable', 'server-error', 'unauthorized', 'not-configured'])
export const SyncPhase = z.enum(['idle', 'syncing', 'backing-off', 'paused'])
/** What went wrong with delivery, as an i18n key (`syncError.<code>`); the message holds the detail. */
export const SyncErrorCode = z.enum([
  'network',
  'timeout',
  'health_failed',
  'server_error',
  'rate_limited',
  'unauthorized',
  'rejected',
  'missing_result',
  'bad_response',
  'too_large',
  'internal',
])
export type SyncErrorCode = z.infer<typeof SyncErrorCode>
/**
 * The one state the header shows, decided in one place (core/sync/status-model.ts).
 * `offline` means the device itself has no network (the OS says so);
 * `unreachable` means the network is up but the server cannot be reached;
 * `server-error` means the server answers, with 5xx or garbage.
 */
export const SyncKind = z.enum([
  'empty',
  'synced',
  'waiting',
  'syncing',
  'attention',
  'offline',
  'unreachable',
  'server-error',
  'unauthorized',
  'paused',
  'not-configured',
])
export type SyncKind = z.infer<typeof SyncKind>
export const SyncStatus = z.object({
  kind: SyncKind,
  connectivity: Connectivity,
  api: ApiState,
  phase: SyncPhase,
  /** The user paused syncing in settings (as opposed to a 401 pause). */
  userPaused: z.boolean(),
  counts: z.object({
    pending: z.number().int(),
    sending: z.number().int(),
    dead: z.number().int(),
    /** Refused orders the user chose not to send: not synced, but nothing to do. */
    discarded: z.number().int(),
    sentToday: z.number().int(),
  }),
  /** Progress of the current run: done <= total; orders created during the run extend total. */
  progress: z.object({ done: z.number().int(), total: z.number().int() }).nullable(),
  lastSuccessAt: z.string().nullable(),
  lastError: z
    .object({ code: SyncErrorCode, message: z.string(), at: z.string(), httpStatus: z.number().int().nullable() })
    .nullable(),
  nextRetryAt: z.string().nullable(),
  oldestPendingAt: z.string().nullable(),
  /** Server clock-free "now" of the snapshot, so ages render consistently. */
  at: z.string(),
})
export type SyncStatus = z.infer<typeof SyncStatus>

export const SyncNowResult = z.object({
  outcome: z.enum(['synced', 'offline', 'unauthorized', 'not-configured', 'paused', 'partial']),
  pending: z.number().int(),
})
export type SyncNowResult = z.infer<typeof SyncNowResult>

// ---------------------------------------------------------------------------
// Settings
// ---------------------------------------------------------------------------
export const Language = z.enum(['en', 'zh-TW'])
export type Language = z.infer<typeof Language>

export const Settings = z.object({
  apiUrl: z.string().nullable(),
  /** Whether a token is set; the token itself never goes back to the renderer. */
  hasToken: z.boolean(),
  /** How the token is stored: the OS keychain, or a plain file in the data folder. */
  tokenStorage: z.enum(['os-encrypted', 'plaintext-file']),
  paused: z.boolean(),
  language: Language.nullable(),
  currency: z.string(),
  /** Where a value came from, so the UI can say why an edit may not stick. */
  apiUrlSource: z.enum(['flag', 'stored', 'env', 'none']),
  dataDir: z.string(),
  /**
   * Only in an updateSettings result: the API moved to another origin (scheme,
   * host or port), so the token was cleared and must be entered again.
   */
  tokenCleared: z.literal(true).optional(),
})
export type Settings = z.infer<typeof Settings>

export const UpdateSettingsInput = z.strictObject({
  apiUrl: z.string().nullable().optional(),
  /** A string sets it, null clears it, absent leaves it. */
  apiToken: z.string().nullable().optional(),
  paused: z.boolean().optional(),
  language: Language.nullable().optional(),
  currency: z.string().optional(),
})
export type UpdateSettingsInput = z.infer<typeof UpdateSettingsInput>

const EventIdInput = z.strictObject({ eventId: z.string().min(1).max(100) })
const OrderIdInput = z.strictObject({ id: z.string().min(1).max(100) })
const NoInput = z.undefined().or(z.strictObject({}))

// Order lifecycle (issue 11): the caller names the version it edited, so a
// stale edit is refused (`stale_version`) instead of overwriting another one.
export const UpdateOrderInput = z.strictObject({
  id: z.string().min(1).max(100),
  version: z.number().int().min(1),
  order: CreateOrderInput,
})
export type UpdateOrderInput = z.infer<typeof UpdateOrderInput>
export const CancelOrderInput = z.strictObject({
  id: z.string().min(1).max(100),
  version: z.number().int().min(1),
  reason: z.string().max(2000).nullable().optional(),
})
export type CancelOrderInput = z.infer<typeof CancelOrderInput>
export const OrderChangeResult = z.object({ id: z.string(), version: z.number().int(), eventId: z.string() })

// Fixing a refused change (issue 11). `version` is the order's version on this
// device as the card/form showed it: a change made since is refused as stale.
export const EditAndResendInput = z.strictObject({
  eventId: z.string().min(1).max(100),
  version: z.number().int().min(1),
  order: CreateOrderInput,
})
export type EditAndResendInput = z.infer<typeof EditAndResendInput>
export const DiscardChangeInput = z.strictObject({
  eventId: z.string().min(1).max(100),
  version: z.number().int().min(1),
})
export type DiscardChangeInput = z.infer<typeof DiscardChangeInput>
/** Where the order is after "Discard this change": the server's version, or not on the server at all. */
export const DiscardChangeResult = z.object({ id: z.string(), version: z.number().int(), notOnServer: z.boolean() })

// ---------------------------------------------------------------------------
// The method map: the single source of truth for operation names.
// ---------------------------------------------------------------------------
export const methods = {
  createOrder: { input: CreateOrderInput, output: OrderSummary },
  listOrders: { input: ListOrdersInput, output: OrderPage },
  getOrder: { input: OrderIdInput, output: OrderDetail },
  updateOrder: { input: UpdateOrderInput, output: OrderChangeResult },
  cancelOrder: { input: CancelOrderInput, output: OrderChangeResult },
  getStatus: { input: NoInput, output: SyncStatus },
  syncNow: { input: NoInput, output: SyncNowResult },
  listDeadEvents: { input: NoInput, output: z.array(DeadEvent) },
  retryEvent: { input: EventIdInput, output: z.object({ eventId: z.string() }) },
  discardEvent: { input: EventIdInput, output: z.object({ eventId: z.string() }) },
  editAndResend: { input: EditAndResendInput, output: OrderChangeResult },
  discardChange: { input: DiscardChangeInput, output: DiscardChangeResult },
  getSettings: { input: NoInput, output: Settings },
  updateSettings: { input: UpdateSettingsInput, output: Settings },
  summarizeDay: { input: z.strictObject({ from: IsoInstant, to: IsoInstant }), output: DaySummary },
  suggestCustomers: { input: PrefixInput, output: z.array(z.string()) },
  suggestItems: { input: PrefixInput, output: z.array(ItemSuggestion) },
} as const

export type Methods = typeof methods
export type MethodName = keyof Methods
export const methodNames = Object.keys(methods) as MethodName[]
export type MethodInput<K extends MethodName> = z.input<Methods[K]['input']>
export type MethodOutput<K extends MethodName> = z.output<Methods[K]['output']>

// ---------------------------------------------------------------------------
// Events pushed from main.
// ---------------------------------------------------------------------------
export const events = {
  status: SyncStatus,
  /** Orders whose sync state changed (or were created). */
  ordersChanged: z.object({ orderIds: z.array(z.string()), created: z.boolean() }),
} as const
export type Events = typeof events
export type EventName = keyof Events
export type EventPayload<K extends EventName> = z.output<Events[K]>
export const eventNames = Object.keys(events) as EventName[]

// ---------------------------------------------------------------------------
// CSV export (issue 12). A stream cannot cross the request/response contract,
// so each shell runs it as its own operation: Electron writes the file chosen
// in the save dialog (src-main/electron/export-ipc.ts), the browser host serves
// a download (src-main/web/export-route.ts). Both report the same progress.
// ---------------------------------------------------------------------------
export const ExportProgressView = z.object({ orders: z.number().int().min(0), rows: z.number().int().min(0) })
export type ExportProgressView = z.infer<typeof ExportProgressView>
export const ExportOutcome = z.discriminatedUnion('state', [
  z.object({ state: z.literal('done'), orders: z.number().int().min(0), rows: z.number().int().min(0), fileName: z.string() }),
  /** cancelled: stopped by Cancel (no file left); dismissed: the save dialog was closed; busy: another export runs. */
  z.object({ state: z.enum(['cancelled', 'dismissed', 'busy']) }),
  z.object({ state: z.literal('failed'), message: z.string() }),
])
export type ExportOutcome = z.infer<typeof ExportOutcome>
/** The browser host's view of one download, polled by the page. */
export const WebExportState = ExportProgressView.extend({ state: z.enum(['waiting', 'running', 'done', 'cancelled', 'failed']) })
export type WebExportState = z.infer<typeof WebExportState>
export const exportChannel = (part: 'start' | 'cancel' | 'progress'): string => `outpost:export:${part}`

/** IPC channel names, derived so no channel string is repeated elsewhere. */
export const invokeChannel = (name: MethodName): string => `outpost:invoke:${name}`
export const eventChannel = (name: EventName): string => `outpost:event:${name}`

/** What `window.outpost` offers, in Electron (preload) and the browser host (HTTP bridge). */
export type OutpostApi = {
  [K in MethodName]: (input: MethodInput<K>) => Promise<Result<MethodOutput<K>>>
} & {
  onStatus(listener: (status: EventPayload<'status'>) => void): () => void
  onOrdersChanged(listener: (change: EventPayload<'ordersChanged'>) => void): () => void
  /** Which host the renderer runs in. */
  readonly host: 'electron' | 'web'
  /**
   * Whether the host process is still there (the browser host can stop while
   * its page stays open). Absent where the page cannot outlive its host (Electron).
   */
  onHostState?(listener: (state: 'up' | 'stopped') => void): () => void
  /** Electron only: the save dialog, then the CSV streamed to that file (the browser host downloads instead). */
  exportCsvToFile?(filter: OrderFilter): Promise<ExportOutcome>
  cancelExport?(): Promise<void>
  onExportProgress?(listener: (progress: ExportProgressView) => void): () => void
}

declare global {
  interface Window {
    outpost?: OutpostApi
  }
}
