/**
 * Keeps the bearer token out of anything a person or a log can read: error
 * messages (a fetch error may echo the header it refused), server bodies (a
 * hostile server may echo the Authorization header), status and logs.
 */
export function redact(text: string, token: string | null): string {
  let out = text
  if (token && token.length > 0) {
    out = out.split(token).join('[redacted]')
    // A token with CR/LF may be echoed in parts.
    for (const part of token.split(/[\r\n]+/)) if (part.length >= 6) out = out.split(part).join('[redacted]')
  }
  return out.replace(/(bearer\s+)[^\s"',;]+/gi, '$1[redacted]').replace(/(authorization["']?\s*[:=]\s*["']?)[^"',;\r\n]+/gi, '$1[redacted]')
}
