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

/** Today: just the time; earlier: a short date and the time. Keeps list rows scannable. */
export function formatWhen(iso: string, locale: string, now: number = Date.now()): string {
  const d = parse(iso)
  if (!d) return iso
  const today = new Date(now)
  const sameDay =
    d.getFullYear() === today.getFullYear() && d.getMonth() === today.getMonth() && d.getDate() === today.getDate()
  if (sameDay) return formatClock(iso, locale)
  return formatter(locale, { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' }, 'short').format(d)
}
