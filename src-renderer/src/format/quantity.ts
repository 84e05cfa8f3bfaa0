const formatters = new Map<string, Intl.NumberFormat>()

/** A quantity for the locale with its decimals (up to the 3 stored): "1.5", "1,234.25". */
export function formatQuantity(q: number, locale: string): string {
  let f = formatters.get(locale)
  if (!f) {
    f = new Intl.NumberFormat(locale, { maximumFractionDigits: 3 })
    formatters.set(locale, f)
  }
  return f.format(q)
}
