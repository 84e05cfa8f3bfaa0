import type { Logger } from '../core-types'

/**
 * The one console Logger (hosts without electron-log: the browser host, CLIs,
 * tests, bench). Meta is printed as JSON so a line stays one line. `info` is
 * off unless asked for: a relay logs on every batch.
 */
export function consoleLogger(options: { prefix?: string; info?: boolean } = {}): Logger {
  const prefix = `[${options.prefix ?? 'outpost'}]`
  const line = (m: string, meta?: Record<string, unknown>) => (meta ? `${prefix} ${m} ${JSON.stringify(meta)}` : `${prefix} ${m}`)
  return {
    info: options.info ? (m, meta) => console.log(line(m, meta)) : () => undefined,
    warn: (m, meta) => console.warn(line(m, meta)),
    error: (m, meta) => console.error(line(m, meta)),
  }
}
