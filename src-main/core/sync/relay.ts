import type { SyncErrorCode } from '../../../src-shared/contract'
import type { Logger, RelayTuning } from '../core-types'
import type { EventOutcome, OutboxEvent, OutboxRepo } from '../outbox/outbox-repo'
import { ApiClient, eventsBody, type FetchLike, type PostOutcome } from './api-client'
import { checkResults, decide, decideProbe, probeDelay, retryDelay, type ApiHealth, type Decision, type Observed } from './delivery-policy'
import type { RelayLease } from './lease'
import { GroupCommit } from './group-commit'
import { redact } from './redact'
import { clampDelay, WakeSchedule, type WakeReason } from './wake-schedule'

export type { ApiHealth } from './delivery-policy'

export const DEFAULT_TUNING: RelayTuning = {
  batchSize: 100,
  maxBodyBytes: 1024 * 1024,
  concurrency: 2,
  requestTimeoutMs: 15_000,
  backoffBaseMs: 1_000,
  backoffCapMs: 5 * 60_000,
  // Equal jitter on 1 s, 2 s, 3 s: a fleet spreads out, and delivery follows
  // the server's return within ~3 s after any outage (docs/architecture.md).
  probeMinMs: 1_000,
  probeMaxMs: 3_000,
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

/** Relay state the status model needs beyond what SQLite holds. */
export interface RelaySnapshot {
  api: 'unknown' | 'reachable' | 'unreachable' | 'server-error' | 'unauthorized' | 'not-configured'
  /** Only from setOsOnline (Electron net.isOnline / the web host's interface check); null where unknown. */
  osOnline: boolean | null
  authPaused: boolean
  draining: boolean
  sending: number
  /** done <= total always; the status model extends total by what is still pending (runProgress), so rows created during a run count. */
  progress: { done: number; total: number } | null
  lastError: { code: SyncErrorCode; message: string; at: string; httpStatus: number | null } | null
  /** Next scheduled wake-up: a backoff coming due, the next health probe, or a lease retry. */
  nextRetryAt: number | null
  probing: boolean
}

/** What the liveness invariant (relay-invariants.ts) looks at. */
export interface RelayInspection {
  snapshot: RelaySnapshot
  /** Sending is allowed: configured, not paused by the user or a 401, not stopping. */
  sendingAllowed: boolean
  /** The API is known to be down: rows wait for the health probe. */
  waitingForProbe: boolean
  wakes: Partial<Record<WakeReason, number>>
  token: string | null
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
  /** Called when the relay has finished a step (a drain or a probe) and armed its next wake-up. Tests check invariants here. */
  onSettled?: () => void
}

type BatchVerdict = 'continue' | 'halt'

/** A batch taken for this pass, with its request body. */
interface Claimed {
  batch: OutboxEvent[]
  body: string
}

/** A request on its way; `answer` never rejects (ApiClient turns every failure into an outcome). */
interface InFlight {
  batch: OutboxEvent[]
  answer: Promise<PostOutcome>
}

interface Judged {
  decision: Decision
  /** Why a results list breaks the protocol, or null. */
  violation: string | null
}

/** A batch's outcomes waiting for the pass's shared commit. */
interface Recorded {
  batch: OutboxEvent[]
  outcomes: EventOutcome[]
}

/**
 * The longest an answer's record waits for the other slots' answers to share
 * its commit (group-commit.ts). They come one server batch apart (~5 ms on a
 * quiet machine, tens on a busy disk); a request stuck until its timeout must
 * not hold the other slot's record back for long.
 */
const GROUP_WAIT_MS = 100

/** Lets pending I/O run: node:http writes a request's bytes on the next tick, so this is what makes it leave now. */
const yieldToIo = (): Promise<void> => new Promise((resolve) => setImmediate(resolve))

/**
 * Delivers the outbox: at least once, in per-order order, with backoff that
 * survives restarts (it lives in SQLite), and without a polling loop. It wakes
 * for: a new row (kick), a backoff coming due, a health probe while the API
 * is down, a lease retry, the OS saying it is online again, or "Sync now".
 * Liveness: whenever an event is pending and sending is allowed, one of those
 * wake-ups is armed (see `settle()` and relay-invariants.ts).
 *
 * What an answer means is decided in delivery-policy.ts; this class applies
 * the decision: records it in SQLite, then arms the next wake-up.
 *
 * Every status change is committed before the relay moves on, so a kill at
 * any instant loses nothing: an event is only marked sent after the server
 * confirmed it, and a resend carries the same id.
 */
export class Relay {
  private api: ApiHealth = 'unknown'
  /** The API did not answer (or its probe failed): new rows wait for the probe instead of failing one by one. */
  private waitForProbe = false
  private probeFailures = 0
  private authPaused = false
  private lastError: RelaySnapshot['lastError'] = null
  private progress: RelaySnapshot['progress'] = null
  private batchSize: number
  private readonly inFlight = new Set<string>()
  private readonly requests = new Set<Promise<unknown>>()
  private readonly wakes: WakeSchedule
  /** The running pass's shared mark-sent transactions (one pass at a time). */
  private group: GroupCommit<Recorded, number> | null = null

  private drainPromise: Promise<void> | null = null
  private rerun = false
  private rerunIgnoresBackoff = false
  private stopping = false
  /** After stop(): the database may be closed, so late answers are dropped (and resent next run). */
  private stopped = false
  private osOnline: boolean | null = null

  constructor(private readonly deps: RelayDeps) {
    this.batchSize = deps.tuning.batchSize
    this.wakes = new WakeSchedule(deps.now)
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
    if (this.wakes.has('kick')) return
    this.wakes.set('kick', this.deps.tuning.kickDelayMs, () => {
      // While the API is known to be down, new rows wait for the probe (which
      // is armed: see settle()): no point in a request per order when every one would fail.
      if (this.waitForProbe && !this.rerunIgnoresBackoff) {
        this.settle()
        return
      }
      void this.drain(this.rerunIgnoresBackoff)
    })
  }

  /** API URL, token or pause changed: forget what we knew about the old server. */
  configChanged(): void {
    this.authPaused = false
    this.waitForProbe = false
    this.batchSize = this.deps.tuning.batchSize
    this.lastError = null
    const cfg = this.deps.config()
    this.api = cfg.apiUrl ? 'unknown' : 'not-configured'
    this.stopProbing()
    this.changed()
    if (cfg.apiUrl && !cfg.paused) void this.probeNow()
    else this.settle()
  }

  /** The OS's view of the network (Electron `net.isOnline`); null where unknown. Only shown, never concluded from errors. */
  setOsOnline(online: boolean | null): void {
    const was = this.osOnline
    this.osOnline = online
    if (online === true && was === false) this.networkChanged()
    this.changed()
  }

  /** Any OS network change or wake from sleep: re-probe, from the shortest interval. */
  networkChanged(): void {
    if (this.stopping) return
    if (this.wakes.has('probe') || this.waitForProbe || this.api === 'unknown') {
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
    // 'offline' is the contract's word for "the server could not be reached"; the status says which.
    if (!reachable) return this.api === 'unauthorized' ? 'unauthorized' : 'offline'
    await this.drain(true)
    if (this.authPaused) return 'unauthorized'
    if (this.waitForProbe) return 'offline'
    return this.deps.outbox.counts().pending === 0 ? 'synced' : 'partial'
  }

  snapshot(): RelaySnapshot {
    return {
      api: this.api,
      osOnline: this.osOnline,
      authPaused: this.authPaused,
      draining: this.drainPromise !== null,
      sending: this.inFlight.size,
      progress: this.progress,
      lastError: this.lastError,
      nextRetryAt: this.wakes.next(['due', 'probe', 'lease'])?.at ?? null,
      probing: this.wakes.has('probe'),
    }
  }

  inspect(): RelayInspection {
    const cfg = this.deps.config()
    const wakes: Partial<Record<WakeReason, number>> = {}
    for (const r of ['kick', 'due', 'probe', 'lease'] as const) {
      const at = this.wakes.at(r)
      if (at !== null) wakes[r] = at
    }
    return {
      snapshot: this.snapshot(),
      sendingAllowed: !!cfg.apiUrl && !cfg.paused && !this.authPaused && !this.stopping,
      waitingForProbe: this.waitForProbe,
      wakes,
      token: cfg.token,
    }
  }

  /** Graceful quit: no new batches, in-flight requests get the grace period, then the lease goes. */
  async stop(): Promise<void> {
    this.stopping = true
    this.wakes.close()
    const grace = new Promise<void>((resolve) => setTimeout(resolve, clampDelay(this.deps.tuning.shutdownGraceMs)).unref?.())
    await Promise.race([Promise.allSettled([...this.requests, this.drainPromise ?? Promise.resolve()]), grace])
    this.stopped = true
    this.releaseLease()
  }

  // -------------------------------------------------------------------------
  // Health probe
  // -------------------------------------------------------------------------

  /** Returns whether the API answered 2xx. Arms the next probe while it does not. */
  private async probeNow(drainOnSuccess = true): Promise<boolean> {
    const cfg = this.deps.config()
    if (!cfg.apiUrl || this.stopping) return false
    this.wakes.clear('probe')
    const client = this.client(cfg)
    const result = await this.track(client.health())
    if (this.stopping || this.stopped) return false
    const verdict = decideProbe(
      result.kind === 'network' ? { kind: 'network' } : result.kind === 'bad-response' ? { kind: 'bad-response' } : result,
    )
    if (verdict.up) {
      // Not on the first probe after start: backoff stored by a previous run still holds.
      const wasDown = this.waitForProbe
      this.waitForProbe = false
      this.probeFailures = 0
      if (!this.authPaused) this.api = 'reachable'
      if (this.lastError && wasDown && this.lastError.httpStatus === null) this.lastError = null
      this.changed()
      // The API is back: send everything now, backoff notwithstanding. Backoff
      // protects a struggling server; this one just said it is fine.
      if (drainOnSuccess) void this.drain(wasDown)
      else this.settle()
      return true
    }
    if (verdict.api === 'unauthorized' && result.kind === 'http') {
      this.setUnauthorized(result.httpStatus, `HTTP ${result.httpStatus}`)
      this.settle()
      return false
    }
    this.waitForProbe = true
    this.api = verdict.api
    this.recordError(
      verdict.code ?? 'health_failed',
      result.kind === 'network' || result.kind === 'bad-response'
        ? result.message
        : `Health check failed: HTTP ${result.kind === 'http' ? result.httpStatus : '?'}`,
      result.kind === 'http' || result.kind === 'bad-response' ? result.httpStatus : null,
    )
    this.settle()
    return false
  }

  private scheduleProbe(): void {
    if (this.stopping || this.wakes.has('probe')) return
    const delay = probeDelay(this.probeFailures, { minMs: this.deps.tuning.probeMinMs, maxMs: this.deps.tuning.probeMaxMs }, this.deps.random)
    this.probeFailures++
    this.wakes.set('probe', delay, () => void this.probeNow())
    this.changed()
  }

  private stopProbing(): void {
    this.wakes.clear('probe')
    this.probeFailures = 0
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
    this.wakes.clear('due')
    this.drainPromise = (async () => {
      let force = ignoreBackoff || this.rerunIgnoresBackoff
      this.rerunIgnoresBackoff = false
      try {
        do {
          this.rerun = false
          await this.drainPasses(force)
          force = this.rerunIgnoresBackoff
          this.rerunIgnoresBackoff = false
        } while (this.rerun && !this.stopping && !this.waitForProbe && !this.authPaused)
      } catch (err) {
        if (this.stopped) return
        this.deps.log.error('Relay drain failed', { error: this.redact(String(err)) })
        this.recordError('internal', `Internal error while syncing: ${String(err)}`, null)
      } finally {
        this.drainPromise = null
        this.progress = null
        if (!this.stopped) {
          // Idle: let another process on this data folder send its orders at once.
          if (!this.stopping) this.releaseLease()
          this.settle()
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
    this.wakes.clear('lease')
    this.progress = { done: 0, total: this.deps.outbox.pendingCount() }
    this.changed()
    let force = ignoreBackoff
    for (let pass = 0; pass < 1000; pass++) {
      const result = await this.runPass(cfg, force)
      force = false
      if (result.halted || result.delivered === 0 || this.stopping) break
    }
  }

  /**
   * One pass with `concurrency` slots, each keeping one request in flight.
   * A slot claims and serialises its next batch while its request travels,
   * and when a results list comes back (the policy continues on it), the
   * next request leaves before the answer is recorded: the server works on
   * it while this thread does the SQLite transaction (the relay's biggest
   * cost). Nothing is reported before it is recorded. A batch claimed early
   * holds only events whose earlier events were already confirmed when it
   * was claimed (nextBatch), so per-order order holds; one never sent (the
   * pass halted) stays pending.
   */
  private async runPass(cfg: RelayConfig, ignoreBackoff: boolean): Promise<{ delivered: number; halted: boolean }> {
    let cursor = 0
    let delivered = 0
    let halted = false
    const client = this.client(cfg)
    // Checked before every request leaves, not only at claim time: a batch
    // claimed early may leave one request-timeout later, and must not leave
    // after another process has taken the lease over.
    const leased = (): boolean => {
      if (this.deps.lease.acquire()) return true
      this.scheduleLeaseRetry()
      halted = true
      return false
    }
    const claim = (): Claimed | null => {
      if (halted || this.stopping) return null
      if (!leased()) return null
      const candidates = this.deps.outbox.nextBatch({
        now: this.deps.now(),
        limit: this.batchSize,
        afterSeq: cursor,
        ignoreBackoff,
      })
      if (candidates.length === 0) return null
      const batch = this.fitToBody(candidates)
      const last = batch[batch.length - 1]
      // Advanced at claim time: the other slot's next claim starts after it.
      if (last) cursor = Math.max(cursor, last.seq)
      return { batch, body: eventsBody(batch) }
    }
    const slots = Math.max(1, this.deps.tuning.concurrency)
    const group = new GroupCommit<Recorded, number>(slots, (items) => this.commitTogether(items), GROUP_WAIT_MS)
    this.group = group
    // A slot that fails (its commit failed) halts the pass, and the pass ends
    // only when every slot has left: a slot still running after its pass
    // ended would send what the next pass claims again.
    let failed = false
    let failure: unknown
    const slot = async (): Promise<void> => {
      try {
        await this.runSlot(client, claim, () => halted, leased, (result) => {
          delivered += result.delivered
          if (result.verdict === 'halt') halted = true
        })
      } catch (err) {
        halted = true
        if (!failed) failure = err
        failed = true
      } finally {
        group.leave()
      }
    }
    try {
      await Promise.all(Array.from({ length: slots }, () => slot()))
    } finally {
      this.group = null
    }
    if (failed) throw failure
    return { delivered, halted }
  }

  /** One slot of a pass: a request in flight at all times, the next one claimed meanwhile (see runPass). */
  private async runSlot(
    client: ApiClient,
    claim: () => Claimed | null,
    halted: () => boolean,
    leased: () => boolean,
    count: (result: { delivered: number; verdict: BatchVerdict }) => void,
  ): Promise<void> {
    const first = claim()
    let current = first ? this.post(client, first) : null
    while (current) {
      // Let the request's bytes leave (node:http writes on the next tick) before claiming.
      await yieldToIo()
      let next = claim()
      const res = await current.answer
      const judged = this.judge(current.batch, res)
      let following: InFlight | null = null
      if (judged.decision.action === 'apply-results' && next && !halted() && !this.stopping && !this.stopped && leased()) {
        following = this.post(client, next)
        next = null
        await yieldToIo()
      }
      count(await this.applyJudged(client, current.batch, res, judged))
      if (!following && !halted() && !this.stopping) {
        if (next && !leased()) next = null
        next ??= claim()
        following = next ? this.post(client, next) : null
      }
      current = following
    }
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

  /** Starts one request; its events count as "sending" until the answer is in. */
  private post(client: ApiClient, claimed: Claimed): InFlight {
    const { batch, body } = claimed
    for (const e of batch) this.inFlight.add(e.id)
    this.changed()
    const answer = this.track(client.postEvents(body)).finally(() => {
      for (const e of batch) this.inFlight.delete(e.id)
    })
    return { batch, answer }
  }

  /** One request and its recorded answer, start to end (used where batches go one after the other: halves). */
  private async sendBatch(client: ApiClient, batch: OutboxEvent[]): Promise<{ delivered: number; verdict: BatchVerdict }> {
    if (batch.length === 0) return { delivered: 0, verdict: 'continue' }
    const { answer } = this.post(client, { batch, body: eventsBody(batch) })
    const res = await answer
    return this.applyJudged(client, batch, res, this.judge(batch, res))
  }

  /** What the answer means (pure: delivery-policy.ts decides), before anything is recorded. */
  private judge(batch: OutboxEvent[], res: PostOutcome): Judged {
    let violation: string | null = null
    if (res.kind === 'results') {
      violation = checkResults(
        batch.map((e) => e.id),
        res.results.map((r) => r.id),
      )
    }
    const observed: Observed =
      res.kind === 'results'
        ? violation
          ? { kind: 'protocol-violation', httpStatus: res.httpStatus }
          : { kind: 'results', httpStatus: res.httpStatus }
        : res.kind === 'bad-body'
          ? { kind: 'bad-body', httpStatus: res.httpStatus }
          : res.kind === 'network'
            ? { kind: 'network', timedOut: res.timedOut }
            : { kind: 'http', httpStatus: res.httpStatus, batchSize: batch.length }
    return { decision: decide(observed), violation }
  }

  /** The policy's decision → the record. */
  private async applyJudged(
    client: ApiClient,
    batch: OutboxEvent[],
    res: PostOutcome,
    { decision: d, violation }: Judged,
  ): Promise<{ delivered: number; verdict: BatchVerdict }> {
    // An answer after the grace period: the record is closed. The events stay
    // pending and go again (same ids) next time; the server dedups.
    if (this.stopped) return { delivered: 0, verdict: 'halt' }
    if (violation) this.deps.log.warn('Protocol violation in a results list; the whole batch goes again', { detail: this.redact(violation), events: batch.length })
    const now = this.deps.now()
    this.api = d.api
    const httpStatus = res.kind === 'network' ? null : res.httpStatus
    const message = res.kind === 'results' ? (violation ?? '') : res.message

    switch (d.action) {
      case 'apply-results': {
        if (res.kind !== 'results') throw new Error('unreachable: results decision without results')
        this.waitForProbe = false
        const byId = new Map(res.results.map((x) => [x.id, x]))
        const outcomes: EventOutcome[] = batch.map((e) => {
          const r = byId.get(e.id)
          if (!r) return this.retryOutcome(e, now, null, res.httpStatus, 'The server did not report on this event.')
          if (r.status === 'rejected') {
            return { id: e.id, kind: 'dead', httpStatus: res.httpStatus, error: r.error ?? 'Rejected by the server.', reply: JSON.stringify(r) }
          }
          return { id: e.id, kind: 'sent', httpStatus: res.httpStatus, outcome: r.status, reply: JSON.stringify(r) }
        })
        const delivered = this.group ? await this.group.record({ batch, outcomes }) : this.apply(batch, outcomes)
        if (delivered === null) return { delivered: 0, verdict: 'halt' }
        const failed = outcomes.find((o) => o.kind === 'dead' || o.kind === 'retry')
        if (failed && (failed.kind === 'dead' || failed.kind === 'retry')) {
          this.recordError(failed.kind === 'dead' ? 'rejected' : 'missing_result', failed.error, res.httpStatus)
        } else this.lastError = null
        return { delivered, verdict: 'continue' }
      }
      case 'retry-batch': {
        const retryAfter = d.honourRetryAfter && res.kind === 'http' ? res.retryAfterMs : null
        this.apply(batch, batch.map((e) => this.retryOutcome(e, now, retryAfter, httpStatus, message)))
        if (d.waitForProbe) this.waitForProbe = true
        else this.waitForProbe = false
        this.recordError(d.code, message, httpStatus)
        return { delivered: 0, verdict: 'halt' }
      }
      case 'pause-auth': {
        // Not the events' fault: no attempt is used up, and nothing is retried
        // until the token changes or the user asks.
        this.apply(batch, batch.map((e) => ({ id: e.id, kind: 'retry', httpStatus, error: message, nextAttemptAt: now, countsAsAttempt: false })))
        this.setUnauthorized(httpStatus ?? 401, message)
        return { delivered: 0, verdict: 'halt' }
      }
      case 'halve': {
        this.batchSize = Math.max(1, Math.floor(batch.length / 2))
        this.deps.log.info('Batch too large; halving', { batchSize: this.batchSize })
        return this.sendHalves(client, batch)
      }
      case 'split':
        return this.sendHalves(client, batch)
      case 'dead': {
        const [only] = batch
        if (only) this.apply(batch, [{ id: only.id, kind: 'dead', httpStatus, error: message, reply: null }])
        this.recordError(d.code, message, httpStatus)
        return { delivered: 0, verdict: 'continue' }
      }
    }
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
    const delay = retryDelay(e.attempts + 1, retryAfterMs, this.deps.tuning, this.deps.random)
    return { id: e.id, kind: 'retry', httpStatus, error: this.redact(error), nextAttemptAt: now + delay, countsAsAttempt: true }
  }

  /** Update the record (one transaction), then tell the UI which orders changed. */
  private apply(batch: OutboxEvent[], outcomes: EventOutcome[]): number {
    this.deps.outbox.applyOutcomes(outcomes, new Date(this.deps.now()))
    return this.applied(batch, outcomes)
  }

  /** The pass's shared commit (group-commit.ts): every waiting batch's outcomes in one transaction. Null: stopped, nothing recorded. */
  private commitTogether(items: Recorded[]): number[] | null {
    if (this.stopped) return null
    this.deps.outbox.applyOutcomes(
      items.flatMap((i) => i.outcomes),
      new Date(this.deps.now()),
    )
    return items.map((i) => this.applied(i.batch, i.outcomes))
  }

  /** After a commit: progress, and which orders changed. Returns how many events were delivered. */
  private applied(batch: OutboxEvent[], outcomes: EventOutcome[]): number {
    const delivered = outcomes.filter((o) => o.kind === 'sent').length
    if (this.progress) {
      // done <= total; orders created during the run extend the total where
      // the status is computed (runProgress adds what is still pending), not
      // here: a count of the pending rows per batch would be on the hot path.
      const done = this.progress.done + delivered
      this.progress = { done, total: Math.max(this.progress.total, done) }
    }
    const changedIds = new Set(outcomes.filter((o) => o.kind !== 'retry').map((o) => o.id))
    const orderIds = batch.filter((e) => changedIds.has(e.id)).map((e) => e.aggregateId)
    this.deps.onChange(orderIds.length > 0 ? { orderIds } : {})
    return delivered
  }

  private setUnauthorized(status: number, message: string): void {
    this.authPaused = true
    this.api = 'unauthorized'
    this.waitForProbe = false
    this.stopProbing()
    this.recordError('unauthorized', `Authorization required (${message})`, status)
  }

  /** `code` is what the UI translates; `message` is the English detail (server text included, token never). */
  private recordError(code: SyncErrorCode, message: string, httpStatus: number | null): void {
    this.lastError = { code, message: this.redact(message), at: new Date(this.deps.now()).toISOString(), httpStatus }
    this.changed()
  }

  private redact(text: string): string {
    return redact(text, this.deps.config().token)
  }

  /**
   * After every step: arm the one wake-up that fits, so that whenever an
   * event is pending and sending is allowed, something will wake the relay.
   * API down → the health probe; otherwise the earliest deliverable event's
   * backoff (already due counts: it goes at once).
   */
  private settle(): void {
    if (this.stopping || this.stopped) return
    const cfg = this.deps.config()
    const allowed = !!cfg.apiUrl && !cfg.paused && !this.authPaused
    if (!allowed) {
      this.wakes.clear('due')
      this.stopProbing()
    } else if (this.waitForProbe) {
      this.wakes.clear('due')
      this.scheduleProbe()
    } else if (this.wakes.has('lease')) {
      // Another process is sending; the lease retry is the wake-up.
      this.wakes.clear('due')
    } else if (!this.drainPromise) {
      const due = this.deps.outbox.nextDueAt()
      if (due === null) this.wakes.clear('due')
      else this.wakes.set('due', Math.max(0, due - this.deps.now()) + 5, () => void this.drain(false))
    }
    this.changed()
    this.deps.onSettled?.()
  }

  private scheduleLeaseRetry(): void {
    if (this.wakes.has('lease') || this.stopping) return
    // Short and jittered: the holder releases as soon as its drain ends.
    const delay = Math.min(this.deps.tuning.leaseTtlMs, 200 + this.deps.random() * 300)
    this.wakes.set('lease', delay, () => void this.drain(false))
  }

  private releaseLease(): void {
    try {
      this.deps.lease.release()
    } catch (err) {
      this.deps.log.warn('Could not release the relay lease', { error: String(err) })
    }
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
