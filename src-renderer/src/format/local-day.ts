/**
 * The user's calendar days as the list's filter instants: a day is from its
 * local midnight (inclusive) to the next local midnight (exclusive), so a
 * "to" day includes the whole of that day, wherever the user is.
 */

const DAY = /^(\d{4})-(\d{2})-(\d{2})$/

function localMidnight(day: string, addDays = 0): Date | null {
  const m = DAY.exec(day)
  if (!m) return null
  const d = new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3]) + addDays)
  return Number.isNaN(d.getTime()) ? null : d
}

function toDay(d: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0')
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`
}

/** "2026-12-01" → the instant its local day starts; null for anything else. */
export function dayStartIso(day: string): string | null {
  return localMidnight(day)?.toISOString() ?? null
}

/** "2026-12-01" → the instant the next local day starts (an exclusive end). */
export function dayEndIso(day: string): string | null {
  return localMidnight(day, 1)?.toISOString() ?? null
}

/** The local day an inclusive start instant falls on ("" when unreadable). */
export function dayOfStart(iso: string): string {
  const d = new Date(iso)
  return Number.isNaN(d.getTime()) ? '' : toDay(d)
}

/** The last local day before an exclusive end instant ("" when unreadable). */
export function dayOfEnd(iso: string): string {
  const d = new Date(new Date(iso).getTime() - 1)
  return Number.isNaN(d.getTime()) ? '' : toDay(d)
}

/** A day as the user's locale writes it ("Dec 1, 2026", "2026年12月1日"). */
export function formatDay(day: string, locale: string): string {
  const d = localMidnight(day)
  return d ? new Intl.DateTimeFormat(locale, { dateStyle: 'medium' }).format(d) : day
}

/** The local day an instant falls on ("2026-12-01"), "" when unreadable. */
export function localDayOf(iso: string): string {
  return dayOfStart(iso)
}

/** A date heading of the list: "today", "yesterday", or the day itself. */
export function dayHeading(day: string, now: number = Date.now()): { kind: 'today' } | { kind: 'yesterday' } | { kind: 'date'; day: string } {
  const today = dayOfStart(new Date(now).toISOString())
  if (day === today) return { kind: 'today' }
  const y = new Date(now)
  y.setDate(y.getDate() - 1)
  if (day === dayOfStart(y.toISOString())) return { kind: 'yesterday' }
  return { kind: 'date', day }
}
