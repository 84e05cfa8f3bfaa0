import type { Translate } from '../i18n/translate'

/**
 * A short, calm duration: "30 s", "2 min", "3 h", "2 d". Seconds go in steps
 * of 5 so a live region that shows a countdown does not change every second.
 */
export function formatDuration(ms: number, t: Translate): string {
  const s = Math.max(0, ms) / 1000
  if (s < 55) return t('time.seconds', { n: Math.max(5, Math.ceil(s / 5) * 5) })
  const min = Math.max(1, Math.round(s / 60))
  if (min < 60) return t('time.minutes', { n: min })
  const h = Math.round(min / 60)
  if (h < 48) return t('time.hours', { n: h })
  return t('time.days', { n: Math.round(h / 24) })
}

/** "2 min ago", or "just now" for the first few seconds. */
export function formatAgo(ms: number, t: Translate): string {
  if (ms < 10_000) return t('time.justNow')
  return t('time.ago', { time: formatDuration(ms, t) })
}

/** Milliseconds from `now` until an ISO time (negative when past); null when absent or unreadable. */
export function msUntil(iso: string | null, now: number): number | null {
  if (iso === null) return null
  const at = Date.parse(iso)
  return Number.isNaN(at) ? null : at - now
}
