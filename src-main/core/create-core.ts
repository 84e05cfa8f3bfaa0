import { EventEmitter } from 'node:events'
import { methods, OrderFilter, type EventName, type EventPayload, type MethodName } from '../../src-shared/contract'
import { ApiConfig } from './config/api-config'
import type { Core, CoreDiagnostics, CoreOptions, SecretBox } from './core-types'
import { openDatabase, schemaVersion } from './db/open-database'
import { combineHandlers, createDispatcher } from './handlers/dispatch'
import type { HandlerDeps } from './handlers/handler-deps'
import { findHandlers } from './handlers/find-handlers'
import { orderHandlers } from './handlers/orders-handlers'
import { currentSettings, settingsHandlers } from './handlers/settings-handlers'
import { syncHandlers } from './handlers/sync-handlers'
import { exportCsv } from './orders/order-export'
import { OrdersRepo } from './orders/orders-repo'
import { parseOrThrow } from './validation'
import { OutboxRepo } from './outbox/outbox-repo'
import { plaintextSecretBox, SettingsRepo } from './settings/settings-repo'
import { RelayLease } from './sync/lease'
import { createNodeHttpFetch } from './sync/node-http-fetch'
import { DEFAULT_TUNING, Relay } from './sync/relay'
import { systemTimers, throttle } from '../../src-shared/throttle'
import { computeStatus } from './sync/status-model'
import { consoleLogger } from './util/console-logger'
import { redactUrl } from './util/redact-url'
import { scrubbingLogger, scrubValue } from './util/scrub-secret'

export const DEFAULT_CURRENCY = 'USD'

/**
 * Builds the app without Electron: storage, relay, status, and the handlers.
 *
 * This is the composition root. The handlers themselves live in
 * `handlers/*-handlers.ts`, one group per concern; a new contract method is
 * its schema in src-shared/contract.ts plus one handler in a group (listed in
 * `combineHandlers` below). The dispatcher parses every input with the
 * contract before a handler runs.
 */
export function createCore(options: CoreOptions): Core {
  const rawLog = options.log ?? consoleLogger()
  const now = options.now ?? Date.now
  const tuning = { ...DEFAULT_TUNING, ...options.relay }
  const secretBox: SecretBox = options.secretBox ?? plaintextSecretBox
  const db = openDatabase(options.dataDir, options.nativeBinding ? { nativeBinding: options.nativeBinding } : {})
  const outbox = new OutboxRepo(db)
  const orders = new OrdersRepo(db, outbox)
  const settings = new SettingsRepo(db)
  const emitter = new EventEmitter()
  emitter.setMaxListeners(100)

  let apiConfig: ApiConfig
  try {
    apiConfig = new ApiConfig({ settings, secretBox, log: rawLog, flags: options.flags, env: options.env })
  } catch (err) {
    db.close()
    throw err
  }
  // The token never reaches a log line or the status, even when a server
  // echoes it back in an error body (issue 9).
  const log = scrubbingLogger(rawLog, () => apiConfig.token())
  const defaultCurrency = (): string => settings.get('currency') ?? DEFAULT_CURRENCY

  let closed = false
  // Electron passes net.fetch; under plain Node the relay uses node:http.
  const nodeFetch = createNodeHttpFetch()
  const statusThrottle = throttle(() => {
    if (!closed) emitter.emit('status', status())
  }, 100, { ...systemTimers, now })
  const relay = new Relay({
    outbox,
    lease: new RelayLease(db, tuning.leaseTtlMs, now),
    config: () => apiConfig.relayConfig(),
    tuning,
    fetch: options.fetch ?? nodeFetch,
    log,
    now,
    random: options.random ?? Math.random,
    onChange: (change) => {
      if (closed) return
      if (change.orderIds && change.orderIds.length > 0) emitter.emit('ordersChanged', { orderIds: change.orderIds, created: false })
      statusThrottle()
    },
  })

  const status = () => {
    const config = apiConfig.relayConfig()
    return scrubValue(computeStatus(outbox, relay.snapshot(), config, new Date(now())), config.token)
  }

  const deps: HandlerDeps = {
    dataDir: options.dataDir,
    db,
    orders,
    outbox,
    settings,
    apiConfig,
    secretBox,
    relay,
    log,
    now,
    ordersChanged: (orderIds, created) => emitter.emit('ordersChanged', { orderIds, created }),
    statusChanged: () => statusThrottle(),
    status,
    defaultCurrency,
  }
  // Every group of handlers, by concern. Add a group here; a method handled
  // twice or not at all throws at startup.
  const impl = combineHandlers({
    orders: orderHandlers(deps),
    find: findHandlers(deps),
    sync: syncHandlers(deps),
    settings: settingsHandlers(deps),
  })
  const handlers = createDispatcher(impl, {
    log,
    isClosed: () => closed,
    checkOutputs: options.checkOutputs ?? process.env.VITEST !== undefined,
  })

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
    exportCsv: (filter, writable, onProgress, signal) =>
      exportCsv(db, parseOrThrow(OrderFilter, filter ?? {}), writable, onProgress, signal),
    setOsOnline: (online) => relay.setOsOnline(online),
    networkChanged: () => relay.networkChanged(),
    status,
    diagnostics(): CoreDiagnostics {
      const byStatus = db.prepare('SELECT status, count(*) AS n FROM outbox GROUP BY status').all() as { status: string; n: number }[]
      const s = currentSettings(deps)
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
