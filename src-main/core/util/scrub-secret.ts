import type { Logger } from '../core-types'

export const SECRET_MARK = '[redacted token]'

// Shorter "secrets" would blank out ordinary words; real tokens are longer.
const MIN_SECRET = 6

/** `text` with every occurrence of `secret` replaced by a marker. */
export function scrubSecret(text: string, secret: string | null): string {
  if (secret === null || secret.length < MIN_SECRET || !text.includes(secret)) return text
  return text.split(secret).join(SECRET_MARK)
}

/** The same for every string inside a JSON-like value (log meta, a status snapshot). */
export function scrubValue<T>(value: T, secret: string | null, depth = 0): T {
  if (secret === null || secret.length < MIN_SECRET) return value
  if (typeof value === 'string') return scrubSecret(value, secret) as T
  if (depth > 8 || value === null || typeof value !== 'object') return value
  if (Array.isArray(value)) return value.map((v: unknown) => scrubValue(v, secret, depth + 1)) as T
  const out: Record<string, unknown> = {}
  for (const [k, v] of Object.entries(value)) out[k] = scrubValue(v, secret, depth + 1)
  return out as T
}

/**
 * A Logger that never writes the token: a server may echo it back in an
 * error body, and that text travels into log lines and the status.
 */
export function scrubbingLogger(log: Logger, secret: () => string | null): Logger {
  const wrap = (fn: Logger['info']): Logger['info'] => (m, meta) => {
    const s = secret()
    fn(scrubSecret(m, s), meta === undefined ? undefined : scrubValue(meta, s))
  }
  return { info: wrap(log.info.bind(log)), warn: wrap(log.warn.bind(log)), error: wrap(log.error.bind(log)) }
}
