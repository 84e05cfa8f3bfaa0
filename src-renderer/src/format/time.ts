const cache = new Map<string, Intl.DateTimeFormat>()

function formatter(locale: string, options: Intl.DateTimeFormatOptions, id: string): Intl.DateTimeFormat {
  const key = `${locale}|${id}`
  let f = cache.get(key)
  if (!f) {
    f = new Intl.DateTimeFormat(locale, options)
    cache.set(key, f)
  }
  return f
}

function parse(iso: string): Date | null {
  const d = new Date(iso)
  return Number.isNaN(d.getTime()) ? null : d
}

/** "12:04" */
export function formatClock(iso: string, locale: string): string {
  const d = parse(iso)
  return d ? formatter(locale, { hour: '2-digit', minute: '2-digit' }, 'clock').format(d) : iso
}

/** "Nov 27, 2025, 12:04 PM": the full moment, for details and titles. */
export function formatDateTime(iso: string, locale: string): string {
  const d = parse(iso)
  return d ? formatter(locale, { dateStyle: 'medium', timeStyle: 'short' }, 'datetime').format(d) : iso
}
