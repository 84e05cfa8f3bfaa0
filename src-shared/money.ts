/**
 * Money rules shared by main (which enforces them) and the renderer (which
 * previews the total as a person types). Pure code, no Node or DOM APIs.
 *
 * ISO 4217 minor-unit digits: Intl's maximumFractionDigits is CLDR's display
 * preference and differs for a few codes (IDR, HUF… by ICU version), so the
 * exponent comes from the ISO table. Codes not listed have 2.
 */
const NON_TWO_DIGITS: Readonly<Record<string, number>> = {
  BIF: 0, CLP: 0, DJF: 0, GNF: 0, ISK: 0, JPY: 0, KMF: 0, KRW: 0, PYG: 0, RWF: 0,
  UGX: 0, UYI: 0, VND: 0, VUV: 0, XAF: 0, XOF: 0, XPF: 0,
  BHD: 3, IQD: 3, JOD: 3, KWD: 3, LYD: 3, OMR: 3, TND: 3,
  CLF: 4, UYW: 4,
}

export function minorDigits(code: string): number {
  return NON_TWO_DIGITS[code] ?? 2
}

/**
 * Integer minor units as a plain decimal string in the currency's ISO digits
 * ("1.50", "60", "-0.05"), without floating point: what parseMajorUnits reads
 * back, for the CSV export and for a price the form fills in.
 */
export function formatMinor(minor: number, currency: string): string {
  const digits = minorDigits(currency)
  if (digits === 0) return String(minor)
  const neg = minor < 0
  const s = String(Math.abs(minor)).padStart(digits + 1, '0')
  return `${neg ? '-' : ''}${s.slice(0, -digits)}.${s.slice(-digits)}`
}

export type ParsedAmount = { ok: true; minor: number } | { ok: false; code: 'invalid_number' | 'too_many_decimals' }

/**
 * What a person typed in major units ("12.50", "1,234.5", "7") → an integer
 * count of minor units, without floating point. Grouping commas are accepted
 * only in their proper places, so "1,5" is an error rather than a silent 15.
 */
export function parseMajorUnits(text: string, currency: string): ParsedAmount {
  const t = text.trim()
  const m = /^(\d{1,3}(?:,\d{3})+|\d+)?(?:\.(\d*))?$/.exec(t)
  if (!m || t === '' || t === '.' || (m[1] === undefined && (m[2] ?? '') === '')) return { ok: false, code: 'invalid_number' }
  const whole = (m[1] ?? '0').replace(/,/g, '')
  const frac = m[2] ?? ''
  const digits = minorDigits(currency)
  if (frac.replace(/0+$/, '').length > digits) return { ok: false, code: 'too_many_decimals' }
  if (whole.length > 15) return { ok: false, code: 'invalid_number' }
  const minor = Number(whole) * 10 ** digits + Number((frac + '0'.repeat(digits)).slice(0, digits) || '0')
  if (!Number.isSafeInteger(minor)) return { ok: false, code: 'invalid_number' }
  return { ok: true, minor }
}

/**
 * A quantity as typed ("2", "1.5", "1,5" in comma locales) → exact integer
 * thousandths (1.5 → 1500), read digit by digit so no float error enters.
 * Null when it is not a non-negative number with at most 3 decimals.
 */
export function parseQuantityMilliText(text: string): number | null {
  const m = /^(\d{1,9})(?:[.,](\d{1,3}))?$/.exec(text.trim())
  if (!m) return null
  return Number(m[1]) * 1000 + Number(((m[2] ?? '') + '000').slice(0, 3))
}
