import { EventEmitter } from 'node:events'
import {
  ListOrdersInput,
  methods,
  UpdateSettingsInput,
  type EventName,
  type EventPayload,
  type FieldError,
  type MethodName,
  type Result,
  type Settings,
} from '../../src-preload/contract'
import type { Core, CoreDiagnostics, CoreHandlers, CoreOptions, Logger, SecretBox } from './core-types'
import { openDatabase, schemaVersion } from './db/open-database'
import { OutpostError } from './errors'
import { isCurrency } from './orders/currency'
import { OrdersRepo } from './orders/orders-repo'
import { validateOrder } from './orders/validate-order'
import { OutboxRepo } from './outbox/outbox-repo'
import { plaintextSecretBox, SettingsRepo } from './settings/settings-repo'
import { RelayLease } from './sync/lease'
import { createNodeHttpFetch } from './sync/node-http-fetch'
import { DEFAULT_TUNING, Relay, type RelayConfig } from './sync/relay'
import { computeStatus, Throttle } from './sync/status-model'
import { parseOrThrow } from './validation'

export const DEFAULT_CURRENCY = 'USD'

const consoleLogger: Logger = {
  info: () => undefined,
  warn: (m, meta) => console.warn(`[outpost] ${m}`, meta ?? ''),
  error: (m, meta) => console.error(`[outpost] ${m}`, meta ?? ''),
}

/** Builds the app without Electron: storage, relay, status, and one handler per contract method. */
export function createCore(options: CoreOptions): Core {
  const log = options.log ?? consoleLogger
  const now = options.now ?? Date.now
  const tuning = { ...DEFAULT_TUNING, ...options.relay }
  const secretBox: SecretBox = options.secretBox ?? plaintextSecretBox
  const db = openDatabase(options.dataDir, options.nativeBinding ? { nativeBinding: options.nativeBinding } : {})
  const outbox = new OutboxRepo(db)
  const orders = new OrdersRepo(db, outbox)
  const settings = new SettingsRepo(db)
  const emitter = new EventEmitter()
  emitter.setMaxListeners(100)

  // A flag wins over a stored value, which wins over the environment. An edit
  // in the settings view is the user's latest word, so it replaces the flag
  // for the rest of this run.
  const flags = { apiUrl: blankToNull(options.flags?.apiUrl), apiToken: blankToNull(options.flags?.apiToken) }
  const env = { apiUrl: blankToNull(options.env?.apiUrl), apiToken: blankToNull(options.env?.apiToken) }
  for (const url of [flags.apiUrl, env.apiUrl]) {
    if (url !== null && !isHttpUrl(url)) {
      db.close()
      throw new OutpostError('invalid_url', `The API URL must start with http:// or https:// (got "${url.slice(0, 100)}").`)
    }
  }

  const storedToken = (): string | null => {
    const sealed = settings.get('apiToken')
    if (sealed === null) return null
    try {
      return secretBox.open(sealed)
    } catch (err) {
      log.warn('The stored API token could not be decrypted; ignoring it', { error: String(err) })
      return null
    }
  }
  const effectiveApiUrl = (): { value: string | null; source: Settings['apiUrlSource'] } => {
    if (flags.apiUrl) return { value: flags.apiUrl, source: 'flag' }
    const stored = settings.get('apiUrl')
    if (stored) return { value: stored, source: 'stored' }
    if (env.apiUrl) return { value: env.apiUrl, source: 'env' }
    return { value: null, source: 'none' }
  }
  const relayConfig = (): RelayConfig => ({
    apiUrl: effectiveApiUrl().value,
    token: flags.apiToken ?? storedToken() ?? env.apiToken,
    paused: settings.get('paused') === 'true',
  })
  const defaultCurrency = (): string => settings.get('currency') ?? DEFAULT_CURRENCY

  let closed = false
  // Electron passes net.fetch; under plain Node the relay uses node:http.
  const nodeFetch = createNodeHttpFetch()
  const statusThrottle = new Throttle(100, () => {
    if (!closed) emitter.emit('status', status())
  }, now)
  const relay = new Relay({
    outbox,
    lease: new RelayLease(db, tuning.leaseTtlMs, now),
    config: relayConfig,
    tuning,
    fetch: options.fetch ?? nodeFetch,
    log,
    now,
    random: options.random ?? Math.random,
    onChange: (change) => {
      if (closed) return
      if (change.orderIds && change.orderIds.length > 0) emitter.emit('ordersChanged', { orderIds: change.orderIds, created: false })
      statusThrottle.request()
    },
  })

  const status = () => computeStatus(outbox, relay.snapshot(), relayConfig(), new Date(now()))

  const currentSettings = (): Settings => {
    const url = effectiveApiUrl()
    const language = settings.get('language')
    return {
      apiUrl: url.value,
      hasToken: relayConfig().token !== null,
      tokenStorage: secretBox.kind,
      paused: settings.get('paused') === 'true',
      language: language === 'en' || language === 'zh-TW' ? language : null,
      currency: defaultCurrency(),
      apiUrlSource: url.source,
      dataDir: options.dataDir,
    }
  }

  const impl: { [K in MethodName]: (input: unknown) => unknown } = {
    createOrder: (input) => {
      const order = validateOrder(input, defaultCurrency())
      const { summary } = orders.create(order, new Date(now()))
      emitter.emit('ordersChanged', { orderIds: [summary.id], created: true })
      statusThrottle.request()
      relay.kick()
      return summary
    },
    listOrders: (input) => {
      const { offset, limit } = parseOrThrow(ListOrdersInput, input ?? {})
      return { items: orders.page(offset, limit), total: orders.count(), offset }
    },
    getOrder: (input) => {
      const { id } = parseOrThrow(methods.getOrder.input, input)
      const order = orders.get(id)
      if (!order) throw new OutpostError('not_found', 'No such order.')
      return { ...order, events: outbox.eventsOf(id) }
    },
    getStatus: (input) => {
      parseOrThrow(methods.getStatus.input, input ?? undefined)
      return status()
    },
    syncNow: async (input) => {
      parseOrThrow(methods.syncNow.input, input ?? undefined)
      const outcome = await relay.syncNow()
      statusThrottle.request()
      return { outcome, pending: outbox.counts().pending }
    },
    listDeadEvents: (input) => {
      parseOrThrow(methods.listDeadEvents.input, input ?? undefined)
      return outbox.listDead()
    },
    retryEvent: (input) => {
      const { eventId } = parseOrThrow(methods.retryEvent.input, input)
      const orderId = outbox.retryDead(eventId)
      if (orderId === null) throw new OutpostError('not_dead', 'That event is not waiting for attention.')
      emitter.emit('ordersChanged', { orderIds: [orderId], created: false })
      statusThrottle.request()
      relay.kick(true)
      return { eventId }
    },
    discardEvent: (input) => {
      const { eventId } = parseOrThrow(methods.discardEvent.input, input)
      const orderId = outbox.discardDead(eventId, new Date(now()))
      if (orderId === null) throw new OutpostError('not_dead', 'That event is not waiting for attention.')
      emitter.emit('ordersChanged', { orderIds: [orderId], created: false })
      statusThrottle.request()
      return { eventId }
    },
    getSettings: (input) => {
      parseOrThrow(methods.getSettings.input, input ?? undefined)
      return currentSettings()
    },
    updateSettings: (input) => {
      const patch = parseOrThrow(UpdateSettingsInput, input)
      const errors: FieldError[] = []
      let apiUrl: string | null | undefined
      if (patch.apiUrl !== undefined) {
        apiUrl = blankToNull(patch.apiUrl)
        if (apiUrl !== null && !isHttpUrl(apiUrl)) {
          errors.push({ field: 'apiUrl', code: 'invalid_url', message: 'Use an http:// or https:// address.' })
        }
      }
      let currency: string | undefined
      if (patch.currency !== undefined) {
        currency = patch.currency.trim().toUpperCase()
        if (!isCurrency(currency)) errors.push({ field: 'currency', code: 'invalid_currency', message: 'Not an ISO 4217 currency code.' })
      }
      if (patch.apiToken && patch.apiToken.length > 4096) {
        errors.push({ field: 'apiToken', code: 'too_long', message: 'The token is too long.', params: { max: 4096 } })
      }
      if (errors.length > 0) throw new OutpostError('validation_failed', 'Some settings are invalid.', { fields: errors })

      const before = relayConfig()
      db.transaction(() => {
        if (apiUrl !== undefined) settings.set('apiUrl', apiUrl)
        if (patch.apiToken !== undefined) {
          const token = blankToNull(patch.apiToken)
          settings.set('apiToken', token === null ? null : secretBox.seal(token))
        }
        if (patch.paused !== undefined) settings.set('paused', patch.paused ? 'true' : 'false')
        if (patch.language !== undefined) settings.set('language', patch.language)
        if (currency !== undefined) settings.set('currency', currency)
      })()
      if (apiUrl !== undefined) flags.apiUrl = null
      if (patch.apiToken !== undefined) flags.apiToken = null
      const after = relayConfig()
      if (before.apiUrl !== after.apiUrl || before.token !== after.token || before.paused !== after.paused) {
        relay.configChanged()
      }
      statusThrottle.request()
      return currentSettings()
    },
  }

  const wrap =
    <K extends MethodName>(name: K) =>
    async (input: unknown): Promise<Result<never>> => {
      if (closed) return { ok: false, error: { code: 'storage_unavailable', message: 'Outpost is shutting down.' } }
      try {
        const value = await impl[name](input)
        return { ok: true, value: value as never }
      } catch (err) {
        return { ok: false, error: toAppError(err, name, log) }
      }
    }
  const handlers = Object.fromEntries(
    (Object.keys(impl) as MethodName[]).map((name) => [name, wrap(name)]),
  ) as unknown as CoreHandlers

  // Retention: confirmed events older than the window go; orders stay.
  const prune = () => {
    try {
      const removed = outbox.pruneSent(new Date(now() - tuning.retentionDays * 86_400_000))
      if (removed > 0) log.info('Pruned sent outbox rows', { removed })
    } catch (err) {
      log.warn('Pruning failed', { error: String(err) })
    }
  }
  prune()
  const pruneTimer = setInterval(prune, 86_400_000)
  pruneTimer.unref()

  if (options.startRelay !== false) relay.start()

  return {
    dataDir: options.dataDir,
    handlers,
    async invoke(method, input) {
      if (!Object.hasOwn(methods, method)) {
        return { ok: false, error: { code: 'not_found', message: `Unknown operation: ${String(method).slice(0, 50)}` } }
      }
      return handlers[method as MethodName](input)
    },
    on<K extends EventName>(event: K, listener: (payload: EventPayload<K>) => void) {
      emitter.on(event, listener)
      return () => {
        emitter.off(event, listener)
      }
    },
    setOsOnline: (online) => relay.setOsOnline(online),
    networkChanged: () => relay.networkChanged(),
    status,
    diagnostics(): CoreDiagnostics {
      const byStatus = db.prepare('SELECT status, count(*) AS n FROM outbox GROUP BY status').all() as { status: string; n: number }[]
      const s = currentSettings()
      return {
        schemaVersion: schemaVersion(db),
        outboxByStatus: Object.fromEntries(byStatus.map((r) => [r.status, r.n])),
        orders: orders.count(),
        settings: { apiUrl: redactUrl(s.apiUrl), hasToken: s.hasToken, paused: s.paused, language: s.language, currency: s.currency },
        status: status(),
      }
    },
    async shutdown() {
      if (closed) return
      await relay.stop()
      closed = true
      statusThrottle.cancel()
      clearInterval(pruneTimer)
      emitter.removeAllListeners()
      nodeFetch.close()
      db.close()
    },
  }
}

function toAppError(err: unknown, method: string, log: Logger) {
  if (err instanceof OutpostError) return err.toAppError()
  const code = (err as { code?: unknown })?.code
  if (typeof code === 'string' && /^SQLITE_(FULL|IOERR|READONLY|CANTOPEN|CORRUPT|NOTADB)/.test(code)) {
    log.error('Storage error', { method, code })
    return { code: 'storage_unavailable' as const, message: `The local database cannot be written (${code}). Nothing was saved.` }
  }
  log.error('Unexpected error in handler', { method, error: err instanceof Error ? err.stack ?? err.message : String(err) })
  return { code: 'internal' as const, message: 'Something went wrong. Nothing was saved.' }
}

function blankToNull(v: string | null | undefined): string | null {
  if (v === undefined || v === null) return null
  const t = v.trim()
  return t === '' ? null : t
}

export function isHttpUrl(value: string): boolean {
  try {
    const u = new URL(value)
    return (u.protocol === 'http:' || u.protocol === 'https:') && u.hostname !== ''
  } catch {
    return false
  }
}

/** Diagnostics keep the host but drop credentials and query strings. */
function redactUrl(url: string | null): string | null {
  if (!url) return url
  try {
    const u = new URL(url)
    u.username = ''
    u.password = ''
    u.search = ''
    return u.toString()
  } catch {
    return '(invalid)'
  }
}
