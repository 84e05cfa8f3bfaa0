import type { SyncErrorCode } from '../../../src-preload/contract'
import type { Logger, RelayTuning } from '../core-types'
import type { EventOutcome, OutboxEvent, OutboxRepo } from '../outbox/outbox-repo'
import { ApiClient, toWireEvent, type FetchLike, type PostOutcome } from './api-client'
import { fullJitterDelay, nextProbeDelay } from './backoff'
import type { RelayLease } from './lease'

export const DEFAULT_TUNING: RelayTuning = {
  batchSize: 100,
  maxBodyBytes: 1024 * 1024,
  concurrency: 2,
  requestTimeoutMs: 15_000,
  backoffBaseMs: 1_000,
  backoffCapMs: 5 * 60_000,
  probeMinMs: 1_000,
  probeMaxMs: 30_000,
  kickDelayMs: 10,
  leaseTtlMs: 30_000,
  retentionDays: 30,
  shutdownGraceMs: 2_000,
}

export interface RelayConfig {
  apiUrl: string | null
  token: string | null
  paused: boolean
}

export type ApiHealth = 'unknown' | 'reachable' | 'unreachable' | 'unauthorized' | 'not-configured'

/** Relay state the status model needs beyond what SQLite holds. */
export interface RelaySnapshot {
  api: ApiHealth
  /** The last failure was at the network level (no HTTP answer). */
  networkDown: boolean
  authPaused: boolean
  draining: boolean
  sending: number
  progress: { done: number; total: number } | null
  lastError: { code: SyncErrorCode; message: string; at: string; httpStatus: number | null } | null
  /** Next scheduled wake-up: a backoff coming due, or the next health probe. */
  nextRetryAt: number | null
  probing: boolean
}

export interface RelayDeps {
  outbox: OutboxRepo
  lease: RelayLease
  config: () => RelayConfig
  tuning: RelayTuning
  fetch?: FetchLike
  log: Logger
  now: () => number
  random: () => number
  /** Called after anything the status model shows may have changed. */
  onChange: (change: { orderIds?: string[] }) => void
}

type BatchVerdict = 'continue' | 'halt'

/**
 * Delivers the outbox: at least once, in per-order order, with backoff that
 * survives restarts (it lives in SQLite), and without a polling loop. It wakes
 * for: a new row (kick), a backoff coming due (timer), a successful health
 * probe after an outage, the OS saying it is online again, or "Sync now".
 *
 * Every status change is committed before the relay moves on, so a kill at
 * any instant loses nothing: an event is only marked sent after the server
 * confirmed it, and a resend carries the same id.
 */
export class Relay {
  private api: ApiHealth = 'unknown'
  private networkDown = false
  private authPaused = false
  private lastError: RelaySnapshot['lastError'] = null
  private progress: RelaySnapshot['progress'] = null
  private batchSize: number
  private readonly inFlight = new Set<string>()
  private readonly requests = new Set<Promise<unknown>>()

  private drainPromise: Promise<void> | null = null
  private rerun = false
  private rerunIgnoresBackoff = false
  private stopping = false
  /** After stop(): the database may be closed, so late answers are dropped (and resent next run). */
  private stopped = false

  private kickTimer: NodeJS.Timeout | null = null
  private dueTimer: NodeJS.Timeout | null = null
  private dueAt: number | null = null
  private probeTimer: NodeJS.Timeout | null = null
  private probeAt: number | null = null
  private probeDelay: number | null = null
  private leaseTimer: NodeJS.Timeout | null = null
  private osOnline: boolean | null = null

  constructor(private readonly deps: RelayDeps) {
    this.batchSize = deps.tuning.batchSize
  }

  // -------------------------------------------------------------------------
  // Triggers
  // -------------------------------------------------------------------------

  /** Start: find out whether the API is there, then drain what a previous run left. */
  start(): void {
    const cfg = this.deps.config()
    if (!cfg.apiUrl) {
      this.api = 'not-configured'
      this.changed()
      return
    }
    void this.probeNow()
  }

  /** A new outbox row (or a retry the user asked for): first attempt within ~10 ms. */
  kick(ignoreBackoff = false): void {
    if (this.stopping) return
    if (ignoreBackoff) this.rerunIgnoresBackoff = true
    if (this.kickTimer) return
    this.kickTimer = setTimeout(() => {
      this.kickTimer = null
      // While the API is known to be down, new rows wait for the probe: no
      // point in a request per order when every one would fail.
      if (this.networkDown && !this.rerunIgnoresBackoff) return
      void this.drain(this.rerunIgnoresBackoff)
    }, this.deps.tuning.kickDelayMs)
    this.kickTimer.unref?.()
  }

  /** API URL, token or pause changed: forget what we knew about the old server. */
  configChanged(): void {
    this.authPaused = false
    this.networkDown = false
    this.batchSize = this.deps.tuning.batchSize
    this.lastError = null
    const cfg = this.deps.config()
    this.api = cfg.apiUrl ? 'unknown' : 'not-configured'
    this.stopProbing()
    this.changed()
    if (cfg.apiUrl && !cfg.paused) void this.probeNow()
  }

  /** The OS's view of the network (Electron `net.isOnline`); null where unknown. */
  setOsOnline(online: boolean | null): void {
    const was = this.osOnline
    this.osOnline = online
    if (online === true && was === false) this.networkChanged()
    this.changed()
  }

  /** Any OS network change or wake from sleep: re-probe, from 1 s. */
  networkChanged(): void {
    if (this.stopping) return
    if (this.probeTimer || this.networkDown || this.api === 'unknown') {
      this.stopProbing()
      void this.probeNow()
    }
  }

  /**
   * "Sync now": probe and send at once, ignoring backoff and a 401 pause (the
   * user may have fixed the token on the server side).
   */
  async syncNow(): Promise<'synced' | 'offline' | 'unauthorized' | 'not-configured' | 'paused' | 'partial'> {
    const cfg = this.deps.config()
    if (!cfg.apiUrl) return 'not-configured'
    if (cfg.paused) return 'paused'
    this.authPaused = false
    this.stopProbing()
    const reachable = await this.probeNow(false)
    if (!reachable) return this.api === 'unauthorized' ? 'unauthorized' : 'offline'
    await this.drain(true)
    if (this.authPaused) return 'unauthorized'
    if (this.networkDown) return 'offline'
    return this.deps.outbox.counts().pending === 0 ? 'synced' : 'partial'
  }

  snapshot(): RelaySnapshot {
    const candidates = [this.dueAt, this.probeAt].filter((x): x is number => x !== null)
    return {
      api: this.api,
      networkDown: this.networkDown || this.osOnline === false,
      authPaused: this.authPaused,
      draining: this.drainPromise !== null,
      sending: this.inFlight.size,
      progress: this.progress,
      lastError: this.lastError,
      nextRetryAt: candidates.length > 0 ? Math.min(...candidates) : null,
      probing: this.probeTimer !== null,
    }
  }

  /** Graceful quit: no new batches, in-flight requests get the grace period, then the lease goes. */
  async stop(): Promise<void> {
    this.stopping = true
    for (const t of [this.kickTimer, this.dueTimer, this.probeTimer, this.leaseTimer]) if (t) clearTimeout(t)
    this.kickTimer = this.dueTimer = this.probeTimer = this.leaseTimer = null
    const grace = new Promise<void>((resolve) => setTimeout(resolve, this.deps.tuning.shutdownGraceMs).unref?.())
    await Promise.race([Promise.allSettled([...this.requests, this.drainPromise ?? Promise.resolve()]), grace])
    this.stopped = true
    try {
      this.deps.lease.release()
    } catch (err) {
      this.deps.log.warn('Could not release the relay lease', { error: String(err) })
    }
  }

  // -------------------------------------------------------------------------
  // Health probe
  // -------------------------------------------------------------------------

  /** Returns whether the API answered 2xx. Schedules the next probe while it does not. */
  private async probeNow(drainOnSuccess = true): Promise<boolean> {
    const cfg = this.deps.config()
    if (!cfg.apiUrl || this.stopping) return false
    this.probeAt = null
    const client = this.client(cfg)
    const result = await this.track(client.health())
    if (this.stopping || this.stopped) return false
    if (result.kind === 'ok') {
      // Not on the first probe after start: backoff stored by a previous run still holds.
      const wasDown = this.networkDown || this.api === 'unreachable'
      this.networkDown = false
      this.probeDelay = null
      if (!this.authPaused) this.api = 'reachable'
      if (this.lastError && wasDown && this.lastError.httpStatus === null) this.lastError = null
      this.changed()
      // The API is back: send everything now, backoff notwithstanding. Backoff
      // protects a struggling server; this one just said it is fine.
      if (drainOnSuccess) void this.drain(wasDown)
      return true
    }
    if (result.kind === 'http' && (result.httpStatus === 401 || result.httpStatus === 403)) {
      this.setUnauthorized(result.httpStatus, `HTTP ${result.httpStatus}`)
      return false
    }
    this.networkDown = result.kind === 'network'
    this.api = 'unreachable'
    this.recordError(
      result.kind === 'network' ? 'network' : 'health_failed',
      result.kind === 'network' ? result.message : `Health check failed: HTTP ${result.httpStatus}`,
      result.kind === 'http' ? result.httpStatus : null,
    )
    this.scheduleProbe()
    return false
  }

  private scheduleProbe(): void {
    if (this.stopping || this.probeTimer) return
    this.probeDelay = nextProbeDelay(this.probeDelay, { minMs: this.deps.tuning.probeMinMs, maxMs: this.deps.tuning.probeMaxMs })
    this.probeAt = this.deps.now() + this.probeDelay
    this.probeTimer = setTimeout(() => {
      this.probeTimer = null
      void this.probeNow()
    }, this.probeDelay)
    this.probeTimer.unref?.()
    this.changed()
  }

  private stopProbing(): void {
    if (this.probeTimer) clearTimeout(this.probeTimer)
    this.probeTimer = null
    this.probeAt = null
    this.probeDelay = null
  }

  // -------------------------------------------------------------------------
  // Draining
  // -------------------------------------------------------------------------

  /** One drain at a time; a trigger during a drain makes it run once more. */
  drain(ignoreBackoff = false): Promise<void> {
    if (this.drainPromise) {
      this.rerun = true
      if (ignoreBackoff) this.rerunIgnoresBackoff = true
      return this.drainPromise
    }
    this.drainPromise = (async () => {
      let force = ignoreBackoff || this.rerunIgnoresBackoff
      this.rerunIgnoresBackoff = false
      try {
        do {
          this.rerun = false
          await this.drainPasses(force)
          force = this.rerunIgnoresBackoff
          this.rerunIgnoresBackoff = false
        } while (this.rerun && !this.stopping && !this.networkDown && !this.authPaused)
      } catch (err) {
        if (this.stopped) return
        this.deps.log.error('Relay drain failed', { error: String(err) })
        this.recordError('internal', `Internal error while syncing: ${String(err)}`, null)
      } finally {
        this.drainPromise = null
        this.progress = null
        if (!this.stopped) {
          this.scheduleDue()
          this.changed()
        }
      }
    })()
    return this.drainPromise
  }

  /**
   * Repeated passes over the pending events in creation order. A pass visits
   * each eligible event at most once (a seq cursor), so a retried event is not
   * hammered within a pass even when backoff is ignored. Another pass runs
   * while the previous one delivered something: that is how a later event of
   * an order goes out once the earlier one is confirmed.
   */
  private async drainPasses(ignoreBackoff: boolean): Promise<void> {
    const cfg = this.deps.config()
    if (!cfg.apiUrl) {
      this.api = 'not-configured'
      return
    }
    if (cfg.paused || this.authPaused || this.stopping) return
    if (!this.deps.lease.acquire()) {
      this.deps.log.info('Another process holds the relay lease; not draining', { holder: this.deps.lease.holder() })
      this.scheduleLeaseRetry()
      return
    }
    const startPending = this.deps.outbox.counts().pending
    this.progress = { done: 0, total: startPending }
    this.changed()
    let force = ignoreBackoff
    for (let pass = 0; pass < 1000; pass++) {
      const result = await this.runPass(cfg, force)
      force = false
      if (result.halted || result.delivered === 0 || this.stopping) break
    }
  }

  private async runPass(cfg: RelayConfig, ignoreBackoff: boolean): Promise<{ delivered: number; halted: boolean }> {
    let cursor = 0
    let delivered = 0
    let halted = false
    const client = this.client(cfg)
    const worker = async (): Promise<void> => {
      while (!halted && !this.stopping) {
        if (!this.deps.lease.acquire()) {
          halted = true
          return
        }
        const candidates = this.deps.outbox.nextBatch({
          now: this.deps.now(),
          limit: this.batchSize,
          afterSeq: cursor,
          ignoreBackoff,
        })
        if (candidates.length === 0) return
        const batch = this.fitToBody(candidates)
        const last = batch[batch.length - 1]
        if (last) cursor = Math.max(cursor, last.seq)
        const result = await this.sendBatch(client, batch)
        delivered += result.delivered
        if (result.verdict === 'halt') halted = true
      }
    }
    const workers = Array.from({ length: Math.max(1, this.deps.tuning.concurrency) }, () => worker())
    await Promise.all(workers)
    return { delivered, halted }
  }

  /** Trim a batch so its JSON stays under the body limit (at least one event always goes). */
  private fitToBody(batch: OutboxEvent[]): OutboxEvent[] {
    let bytes = 12
    const out: OutboxEvent[] = []
    for (const e of batch) {
      const size = Buffer.byteLength(e.payload) + 200
      if (out.length > 0 && bytes + size > this.deps.tuning.maxBodyBytes) break
      bytes += size
      out.push(e)
    }
    return out
  }

  private async sendBatch(client: ApiClient, batch: OutboxEvent[]): Promise<{ delivered: number; verdict: BatchVerdict }> {
    if (batch.length === 0) return { delivered: 0, verdict: 'continue' }
    for (const e of batch) this.inFlight.add(e.id)
    this.changed()
    let outcome: PostOutcome
    try {
      const body = JSON.stringify({ events: batch.map(toWireEvent) })
      outcome = await this.track(client.postEvents(body))
    } finally {
      for (const e of batch) this.inFlight.delete(e.id)
    }
    return this.settle(client, batch, outcome)
  }

  private async settle(client: ApiClient, batch: OutboxEvent[], res: PostOutcome): Promise<{ delivered: number; verdict: BatchVerdict }> {
    // An answer after the grace period: the record is closed. The events stay
    // pending and go again (same ids) next time; the server dedups.
    if (this.stopped) return { delivered: 0, verdict: 'halt' }
    const now = this.deps.now()
    if (res.kind === 'results') {
      this.api = 'reachable'
      this.networkDown = false
      const outcomes: EventOutcome[] = batch.map((e) => {
        const r = res.results.get(e.id)
        if (!r) return this.retryOutcome(e, now, null, res.httpStatus, 'The server did not report on this event.')
        if (r.status === 'rejected') {
          return { id: e.id, kind: 'dead', httpStatus: res.httpStatus, error: r.error ?? 'Rejected by the server.', reply: JSON.stringify(r) }
        }
        return { id: e.id, kind: 'sent', httpStatus: res.httpStatus, outcome: r.status, reply: JSON.stringify(r) }
      })
      const delivered = this.apply(batch, outcomes)
      const failed = outcomes.find((o) => o.kind === 'dead' || o.kind === 'retry')
      if (failed && (failed.kind === 'dead' || failed.kind === 'retry')) {
        this.recordError(failed.kind === 'dead' ? 'rejected' : 'missing_result', failed.error, res.httpStatus)
      }
      else this.lastError = null
      return { delivered, verdict: 'continue' }
    }
    if (res.kind === 'bad-body') {
      this.apply(batch, batch.map((e) => this.retryOutcome(e, now, null, res.httpStatus, res.message)))
      this.recordError('bad_response', res.message, res.httpStatus)
      return { delivered: 0, verdict: 'halt' }
    }
    if (res.kind === 'network') {
      this.apply(batch, batch.map((e) => this.retryOutcome(e, now, null, null, res.message)))
      this.networkDown = !res.timedOut
      this.api = 'unreachable'
      this.recordError(res.timedOut ? 'timeout' : 'network', res.message, null)
      this.scheduleProbe()
      return { delivered: 0, verdict: 'halt' }
    }
    const status = res.httpStatus
    if (status === 401 || status === 403) {
      // Not the events' fault: no attempt is used up, and nothing is retried
      // until the token changes or the user asks.
      this.apply(batch, batch.map((e) => ({ id: e.id, kind: 'retry', httpStatus: status, error: res.message, nextAttemptAt: now, countsAsAttempt: false })))
      this.setUnauthorized(status, res.message)
      return { delivered: 0, verdict: 'halt' }
    }
    if (status === 413) {
      if (batch.length > 1) {
        this.batchSize = Math.max(1, Math.floor(batch.length / 2))
        this.deps.log.info('Batch too large; halving', { batchSize: this.batchSize })
        return this.sendHalves(client, batch)
      }
      const [only] = batch
      if (only) this.apply(batch, [{ id: only.id, kind: 'dead', httpStatus: status, error: res.message, reply: null }])
      this.recordError('too_large', res.message, status)
      return { delivered: 0, verdict: 'continue' }
    }
    if (status === 408 || status === 425 || status === 429 || status >= 500) {
      this.api = status >= 500 ? 'unreachable' : 'reachable'
      this.networkDown = false
      this.apply(batch, batch.map((e) => this.retryOutcome(e, now, res.retryAfterMs, status, res.message)))
      this.recordError(status === 429 ? 'rate_limited' : 'server_error', res.message, status)
      return { delivered: 0, verdict: 'halt' }
    }
    if (status >= 400 && status < 500) {
      this.api = 'reachable'
      if (batch.length > 1) return this.sendHalves(client, batch)
      const [only] = batch
      if (only) this.apply(batch, [{ id: only.id, kind: 'dead', httpStatus: status, error: res.message, reply: null }])
      this.recordError('rejected', res.message, status)
      return { delivered: 0, verdict: 'continue' }
    }
    // 1xx/3xx that fetch did not follow: unexpected, retry later.
    this.apply(batch, batch.map((e) => this.retryOutcome(e, now, null, status, res.message)))
    this.recordError('bad_response', res.message, status)
    return { delivered: 0, verdict: 'halt' }
  }

  /** Isolate a bad event: send each half on its own, stopping if one half says stop. */
  private async sendHalves(client: ApiClient, batch: OutboxEvent[]): Promise<{ delivered: number; verdict: BatchVerdict }> {
    const mid = Math.ceil(batch.length / 2)
    const first = await this.sendBatch(client, batch.slice(0, mid))
    if (first.verdict === 'halt' || this.stopping) return first
    const second = await this.sendBatch(client, batch.slice(mid))
    return { delivered: first.delivered + second.delivered, verdict: second.verdict }
  }

  private retryOutcome(e: OutboxEvent, now: number, retryAfterMs: number | null, httpStatus: number | null, error: string): EventOutcome {
    const attempt = e.attempts + 1
    const backoff = fullJitterDelay(attempt, { baseMs: this.deps.tuning.backoffBaseMs, capMs: this.deps.tuning.backoffCapMs }, this.deps.random)
    const delay = retryAfterMs ?? backoff
    return { id: e.id, kind: 'retry', httpStatus, error, nextAttemptAt: now + delay, countsAsAttempt: true }
  }

  /** Update the record (one transaction), then tell the UI which orders changed. */
  private apply(batch: OutboxEvent[], outcomes: EventOutcome[]): number {
    this.deps.outbox.applyOutcomes(outcomes, new Date(this.deps.now()))
    const delivered = outcomes.filter((o) => o.kind === 'sent').length
    if (this.progress) this.progress = { ...this.progress, done: this.progress.done + delivered }
    const changedIds = new Set(outcomes.filter((o) => o.kind !== 'retry').map((o) => o.id))
    const orderIds = batch.filter((e) => changedIds.has(e.id)).map((e) => e.aggregateId)
    this.deps.onChange(orderIds.length > 0 ? { orderIds } : {})
    return delivered
  }

  private setUnauthorized(status: number, message: string): void {
    this.authPaused = true
    this.api = 'unauthorized'
    this.networkDown = false
    this.stopProbing()
    this.recordError('unauthorized', `Authorization required (${message})`, status)
  }

  /** `code` is what the UI translates; `message` is the English detail (server text included). */
  private recordError(code: SyncErrorCode, message: string, httpStatus: number | null): void {
    this.lastError = { code, message, at: new Date(this.deps.now()).toISOString(), httpStatus }
    this.changed()
  }

  /** Wake when the earliest backoff comes due. */
  private scheduleDue(): void {
    if (this.dueTimer) clearTimeout(this.dueTimer)
    this.dueTimer = null
    this.dueAt = null
    if (this.stopping || this.authPaused || this.networkDown) return
    const cfg = this.deps.config()
    if (!cfg.apiUrl || cfg.paused) return
    const now = this.deps.now()
    const due = this.deps.outbox.nextDueAt(now)
    if (due === null) return
    this.dueAt = due
    this.dueTimer = setTimeout(() => {
      this.dueTimer = null
      this.dueAt = null
      void this.drain(false)
    }, Math.max(0, due - now) + 5)
    this.dueTimer.unref?.()
  }

  private scheduleLeaseRetry(): void {
    if (this.leaseTimer || this.stopping) return
    this.leaseTimer = setTimeout(() => {
      this.leaseTimer = null
      void this.drain(false)
    }, Math.min(5_000, this.deps.tuning.leaseTtlMs))
    this.leaseTimer.unref?.()
  }

  private client(cfg: RelayConfig): ApiClient {
    return new ApiClient({
      apiUrl: cfg.apiUrl ?? '',
      token: cfg.token,
      timeoutMs: this.deps.tuning.requestTimeoutMs,
      now: this.deps.now,
      ...(this.deps.fetch ? { fetch: this.deps.fetch } : {}),
    })
  }

  private track<T>(p: Promise<T>): Promise<T> {
    this.requests.add(p)
    void p.finally(() => this.requests.delete(p)).catch(() => undefined)
    return p
  }

  private changed(): void {
    if (this.stopped) return
    this.deps.onChange({})
  }
}
