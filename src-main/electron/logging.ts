/**
 * electron-log set up for Outpost: one rotating file in the OS logs folder
 * (main.log, ~1 MB, the previous one kept as main.old.log), every message
 * redacted before any transport sees it, and an adapter to the core's Logger.
 * Typed with electron-log's own types, and tested with its Node build.
 */
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { LogFunctions as ElectronLogFunctions, Logger, NodeLogger } from 'electron-log'
import type { Logger as CoreLogger } from '../core/core-types'
import { redactLogMessage, redactText } from './redact'

export const LOG_FILE = 'main.log'
export const OLD_LOG_FILE = 'main.old.log'
export const LOG_MAX_BYTES = 1024 * 1024
/** Scope of the core's messages: the relay, storage and status. */
export const RELAY_SCOPE = 'relay'

/** electron-log's own types: the main-process logger and its Node build share them. */
export type ElectronLog = Pick<NodeLogger, 'hooks' | 'transports' | 'scope'>
export type LogFunctions = Pick<ElectronLogFunctions, 'error' | 'warn' | 'info'>
type LogMessage = Parameters<Logger['hooks'][number]>[0]

export interface LoggingOptions {
  logsDir: string
  /** Log to the console too (development). */
  console: boolean
}

/** Points the file transport at `<logsDir>/main.log`, sets rotation and installs redaction. */
export function configureLogging(log: ElectronLog, options: LoggingOptions): { file: string } {
  const file = join(options.logsDir, LOG_FILE)
  log.transports.file.resolvePathFn = () => file
  // Past the limit electron-log's default archiveLogFn renames main.log to
  // main.old.log (replacing the previous old one) and starts afresh.
  log.transports.file.maxSize = LOG_MAX_BYTES
  log.transports.file.level = 'info'
  log.transports.file.format = '[{y}-{m}-{d} {h}:{i}:{s}.{ms}] [{level}]{scope} {text}'
  log.transports.console.level = options.console ? 'info' : false
  log.hooks.push((message: LogMessage) => redactLogMessage(message))
  return { file }
}

/** The core's Logger over an electron-log scope. Metadata goes through the same redaction hook. */
export function coreLogger(scoped: LogFunctions): CoreLogger {
  const call = (fn: LogFunctions['info'], message: string, meta?: Record<string, unknown>) => (meta === undefined ? fn(message) : fn(message, meta))
  return {
    info: (m, meta) => call(scoped.info, m, meta),
    warn: (m, meta) => call(scoped.warn, m, meta),
    error: (m, meta) => call(scoped.error, m, meta),
  }
}

/**
 * The last `count` relay lines (scope `(relay)`), oldest first, from the
 * current log and the previous one, redacted again on the way out in case an
 * old line predates a redaction rule.
 */
export function lastRelayLines(logsDir: string, count = 200): string[] {
  const lines: string[] = []
  for (const name of [OLD_LOG_FILE, LOG_FILE]) {
    const path = join(logsDir, name)
    if (!existsSync(path)) continue
    let text: string
    try {
      text = readFileSync(path, 'utf8')
    } catch {
      continue
    }
    for (const line of text.split(/\r?\n/)) {
      if (line.includes(`(${RELAY_SCOPE})`)) lines.push(line)
    }
  }
  return lines.slice(-count).map(redactText)
}
