import { minorDigits, parseMajorUnits, parseQuantityMilliText } from '../../../src-shared/money'

// One set of money rules for main and the preview, so they cannot drift apart.
export { minorDigits, parseMajorUnits }
/** Exact thousandths of a typed quantity ("1.5" → 1500), as main reads it. */
export const parseQuantityMilli = parseQuantityMilliText

/** "1250", 2 → "12.50" exactly, with no floating point on the way. */
export function minorToDecimalString(minor: number, digits: number): `${number}` {
  const negative = minor < 0
  const abs = String(Math.abs(Math.trunc(minor)))
  if (digits === 0) return `${negative ? '-' : ''}${abs}` as `${number}`
  const padded = abs.padStart(digits + 1, '0')
  return `${negative ? '-' : ''}${padded.slice(0, -digits)}.${padded.slice(-digits)}` as `${number}`
}

const formatters = new Map<string, Intl.NumberFormat | null>()

function currencyFormatter(currency: string, locale: string, digits: number): Intl.NumberFormat | null {
  const cacheKey = `${locale}|${currency}|${digits}`
  let f = formatters.get(cacheKey)
  if (f === undefined) {
    try {
      f = new Intl.NumberFormat(locale, {
        style: 'currency',
        currency,
        minimumFractionDigits: digits,
        maximumFractionDigits: digits,
      })
    } catch {
      // Malformed code (a half-typed "US"): the caller shows a plain number.
      f = null
    }
    formatters.set(cacheKey, f)
  }
  return f
}

/**
 * Formats an amount in minor units. The decimal string goes to Intl as is
 * (Intl reads numeric strings exactly), so large amounts keep every cent.
 */
export function formatMoney(minor: number, currency: string, locale: string): string {
  const code = currency.trim().toUpperCase()
  const digits = minorDigits(code)
  const decimal = minorToDecimalString(minor, digits)
  const f = currencyFormatter(code, locale, digits)
  if (f) return f.format(decimal)
  const plain = new Intl.NumberFormat(locale, { minimumFractionDigits: digits, maximumFractionDigits: digits }).format(decimal)
  return code ? `${plain} ${code}` : plain
}

