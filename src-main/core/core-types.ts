import type {
  EventName,
  EventPayload,
  MethodName,
  MethodOutput,
  Result,
  SyncStatus,
} from '../../src-shared/contract'
import type { Writable } from 'node:stream'
import type { ExportProgress } from './orders/order-export'
import type { FetchLike } from './sync/api-client'

/** Where log lines go. The Electron shell passes electron-log; tests and hosts a console logger. */
export interface Logger {
  info(message: string, meta?: Record<string, unknown>): void
  warn(message: string, meta?: Record<string, unknown>): void
  error(message: string, meta?: Record<string, unknown>): void
}

/**
 * How the API token is kept at rest. Electron seals it with `safeStorage`
 * (the OS keychain); the browser host has no keychain and keeps it in plain
 * text in the data folder, which the settings view says out loud.
 */
export interface SecretBox {
  readonly kind: 'os-encrypted' | 'plaintext-file'
  seal(plain: string): string
  open(sealed: string): string
}

export interface RelayTuning {
  batchSize: number
  maxBodyBytes: number
  concurrency: number
  requestTimeoutMs: number
  backoffBaseMs: number
  backoffCapMs: number
  probeMinMs: number
  probeMaxMs: number
  /** Delay between a new outbox row and the first attempt (coalesces bursts). */
  kickDelayMs: number
  leaseTtlMs: number
  retentionDays: number
  shutdownGraceMs: number
}

export interface CoreOptions {
  dataDir: string
  /** better-sqlite3 built for another ABI (Electron): see db/native-sqlite.ts. */
  nativeBinding?: string
  /** --api-url / --api-token: win over stored settings. */
  flags?: { apiUrl?: string | undefined; apiToken?: string | undefined }
  /** OUTPOST_API_URL / OUTPOST_API_TOKEN (read by `apiEnv()` in config/api-config.ts): lose to stored settings. */
  env?: { apiUrl?: string | undefined; apiToken?: string | undefined }
  secretBox?: SecretBox
  /** Electron passes `net.fetch` (system proxy, certificates); Node's fetch otherwise. */
  fetch?: FetchLike
  relay?: Partial<RelayTuning>
  log?: Logger
  /** Default true. Tests that only exercise storage turn the relay off. */
  startRelay?: boolean
  /**
   * Parse every handler's output with the contract too. Default: on under
   * vitest, so a handler that drifts from its schema fails the tests.
   */
  checkOutputs?: boolean
  /** Clock and randomness seams for deterministic tests. */
  now?: () => number
  random?: () => number
}

export type CoreHandlers = {
  [K in MethodName]: (input: unknown) => Promise<Result<MethodOutput<K>>>
}

/** Counts and redacted settings for "Export diagnostics": never order contents or the token. */
export interface CoreDiagnostics {
  schemaVersion: number
  outboxByStatus: Record<string, number>
  orders: number
  settings: { apiUrl: string | null; hasToken: boolean; paused: boolean; language: string | null; currency: string }
  status: SyncStatus
}

/** The whole app without Electron: what both shells adapt to their transport. */
export interface Core {
  readonly dataDir: string
  /** One validated handler per contract method; input is `unknown` until parsed. */
  readonly handlers: CoreHandlers
  /** Dispatch by name, for transports that receive the method as a string. */
  invoke(method: string, input: unknown): Promise<Result<unknown>>
  on<K extends EventName>(event: K, listener: (payload: EventPayload<K>) => void): () => void
  /** The OS's own view (Electron `net.isOnline`); null where the host has none. */
  setOsOnline(online: boolean | null): void
  /** OS network change or wake from sleep: re-probe from 1 s. */
  networkChanged(): void
  status(): SyncStatus
  diagnostics(): CoreDiagnostics
  /**
   * Streams the orders matching `filter` (unknown until validated) as CSV to
   * `writable` (Electron: a file from the save dialog; browser host: the
   * response). Rejects with ExportCancelled when `signal` aborts.
   */
  exportCsv(filter: unknown, writable: Writable, onProgress?: (p: ExportProgress) => void, signal?: AbortSignal): Promise<ExportProgress>
  /** Stop taking batches, give in-flight requests up to the grace period, close the database. */
  shutdown(): Promise<void>
}
