const formatters = new Map<string, Intl.NumberFormat>()

/** A count grouped for the locale: "1,234" (en-US), "1,234" (zh-TW). */
export function formatCount(n: number, locale: string): string {
  let f = formatters.get(locale)
  if (!f) {
    f = new Intl.NumberFormat(locale, { maximumFractionDigits: 0 })
    formatters.set(locale, f)
  }
  return f.format(n)
}
