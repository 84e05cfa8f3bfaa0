/**
 * Redaction for everything that reaches a log file or a diagnostics zip:
 * tokens (bearer headers, `apiToken`/`token` values, URL credentials) and
 * order contents (customer, note, items, payload). Pure functions.
 */

export const REDACTED = '[redacted]'

/** Keys whose values are secrets, and keys whose values are order contents. One list for keys and free text. */
const SECRET_KEYS = 'api[-_]?token|token|access[-_]?token|refresh[-_]?token|authorization|password|passwd|secret|api[-_]?key'
const CONTENT_KEYS = 'customer|customer[-_]?name|note|items|line[-_]?items|payload|body'
const SECRET_KEY = new RegExp(`^(?:${SECRET_KEYS})$`, 'i')
const CONTENT_KEY = new RegExp(`^(?:${CONTENT_KEYS})$`, 'i')

export function isSensitiveKey(key: string): boolean {
  return SECRET_KEY.test(key) || CONTENT_KEY.test(key)
}

// Longest alternatives first, so `customer_name` is not read as `customer`.
const KEY_NAMES = [...SECRET_KEYS.split('|'), ...CONTENT_KEYS.split('|')].sort((a, b) => b.length - a.length).join('|')

/**
 * Skips one JSON-ish value starting at `i` (string, array or object, balanced
 * and string-aware; otherwise up to a delimiter) and returns the index after it.
 */
function skipValue(text: string, i: number, spaces = false): number {
  const open = text[i]
  if (open === '"' || open === "'") {
    let j = i + 1
    while (j < text.length && text[j] !== open) j += text[j] === '\\' ? 2 : 1
    return Math.min(j + 1, text.length)
  }
  if (open === '[' || open === '{') {
    let depth = 0
    let j = i
    while (j < text.length) {
      const c = text[j]
      if (c === '"' || c === "'") {
        j = skipValue(text, j)
        continue
      }
      if (c === '[' || c === '{') depth++
      else if (c === ']' || c === '}') {
        depth--
        if (depth === 0) return j + 1
      }
      j++
    }
    return text.length
  }
  // Unquoted: up to the next delimiter. Names, notes and auth headers run to
  // the end of the line ("customer: Bob Smith", "Authorization: Token abc");
  // a token ends at a space. Over-redacting is safe.
  const stop = spaces ? /[\n\r,;&}\])"']/ : /[\s,;&}\])"']/
  let j = i
  while (j < text.length && !stop.test(text[j] ?? '')) j++
  while (j > i && /\s/.test(text[j - 1] ?? '')) j--
  return j
}

/** Masks secrets and order contents in free text (log messages, error strings, JSON). */
export function redactText(input: string): string {
  let text = input
  // Authorization headers and bearer tokens, wherever they appear.
  text = text.replace(/\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]+/gi, `$1 ${REDACTED}`)
  // Credentials inside URLs: https://user:pass@host
  text = text.replace(/\b([a-z][a-z0-9+.-]*:\/\/)[^\s/@:]+(?::[^\s/@]*)?@/gi, `$1${REDACTED}@`)
  // CLI flags: --api-token=abc / --api-token abc
  text = text.replace(/(--api-token(?:=|\s+))(?!\[redacted\])\S+/gi, `$1${REDACTED}`)
  // OUTPOST_API_TOKEN=abc
  text = text.replace(/(\b[A-Z_]*TOKEN=)[^\s&]+/g, `$1${REDACTED}`)

  // key: value / "key": value / key=value, with a JSON-aware skip of the value.
  const keyRe = new RegExp(`(["']?)\\b(${KEY_NAMES})\\1(\\s*[:=]\\s*)`, 'gi')
  let out = ''
  let last = 0
  let m: RegExpExecArray | null
  while ((m = keyRe.exec(text)) !== null) {
    const start = m.index + m[0].length
    if (start >= text.length) break
    const rest = text.slice(start, start + REDACTED.length + 2)
    if (rest.startsWith(REDACTED) || rest.startsWith(`"${REDACTED}"`)) continue
    // Already masked above as "Bearer [redacted]": keep the scheme, it helps support.
    if (/^(?:Bearer|Basic)\s+\[redacted\]/i.test(text.slice(start, start + 40))) continue
    const key = m[2] ?? ''
    const end = skipValue(text, start, CONTENT_KEY.test(key) || /^authorization$/i.test(key))
    if (end === start) continue
    const quoted = text[start] === '"' ? `"${REDACTED}"` : REDACTED
    out += text.slice(last, start) + quoted
    last = end
    keyRe.lastIndex = end
  }
  return out + text.slice(last)
}

/** Deep copy with sensitive keys masked and every string passed through redactText. */
export function redactValue(value: unknown, seen: WeakSet<object> = new WeakSet(), depth = 0): unknown {
  if (typeof value === 'string') return redactText(value)
  if (value === null || typeof value !== 'object') return value
  if (depth > 8) return '[deep]'
  if (seen.has(value)) return '[circular]'
  seen.add(value)
  if (value instanceof Error) {
    const copy = new Error(redactText(value.message))
    copy.name = value.name
    copy.stack = value.stack === undefined ? undefined : redactText(value.stack)
    return copy
  }
  if (value instanceof Date) return value
  if (Array.isArray(value)) return value.map((v) => redactValue(v, seen, depth + 1))
  const out: Record<string, unknown> = {}
  for (const [key, v] of Object.entries(value)) {
    out[key] = isSensitiveKey(key) ? REDACTED : redactValue(v, seen, depth + 1)
  }
  return out
}

/** An electron-log hook: redacts every argument of every message, for every transport. */
export function redactLogMessage<M extends { data: unknown[] }>(message: M): M {
  return { ...message, data: message.data.map((d) => redactValue(d)) }
}
