/**
 * The one URL redaction for diagnostics and logs: scheme, host, port and path
 * stay (what support needs); credentials go, and a query string becomes the
 * marker `?[redacted]` so support can see there was one. Idempotent, so a
 * caller may apply it to an already-redacted value.
 */
export function redactUrl(raw: string | null): string | null {
  if (raw === null) return null
  try {
    const url = new URL(raw)
    return `${url.protocol}//${url.host}${url.pathname}${url.search ? '?[redacted]' : ''}`
  } catch {
    return '[unparsable]'
  }
}
