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

export type ParsedAmount = { ok: true; minor: number } | { ok: false; code: 'invalid_number' | 'too_many_decimals' | 'ambiguous_number' }

/**
 * What a person typed in major units ("12.50", "1,234.5", "7") → an integer
 * count of minor units, without floating point. Grouping commas are accepted
 * only in their proper places, so "1,5" is an error rather than a silent 15.
 */
export function parseMajorUnits(text: string, currency: string): ParsedAmount {
  return readAmount(text.trim(), currency, { decimal: '.', group: ',' }) ?? { ok: false, code: 'invalid_number' }
}

/** How a locale writes numbers: its decimal and grouping characters. */
export interface Separators {
  decimal: string
  group: string
}

const separatorCache = new Map<string, Separators>()

/** Learnt from Intl (formatToParts), never from a hand-written table. An unknown locale reads as en-US. */
export function localeSeparators(locale: string): Separators {
  let s = separatorCache.get(locale)
  if (s) return s
  let parts: Intl.NumberFormatPart[]
  try {
    parts = new Intl.NumberFormat(locale, { useGrouping: true }).formatToParts(1234567.5)
  } catch {
    parts = new Intl.NumberFormat('en-US').formatToParts(1234567.5)
  }
  s = { decimal: parts.find((p) => p.type === 'decimal')?.value ?? '.', group: parts.find((p) => p.type === 'group')?.value ?? ',' }
  separatorCache.set(locale, s)
  return s
}

/** The currency's symbols and code as a price may be typed with them ("$", "US$", "€", "EUR"). */
function currencyMarks(currency: string, locale: string): string[] {
  const marks = new Set<string>([currency])
  for (const loc of [locale, 'en-US']) {
    for (const currencyDisplay of ['symbol', 'narrowSymbol'] as const) {
      try {
        const part = new Intl.NumberFormat(loc, { style: 'currency', currency, currencyDisplay }).formatToParts(1).find((p) => p.type === 'currency')
        if (part) marks.add(part.value)
      } catch {
        // Not a currency Intl knows (a half-typed code): nothing to strip.
      }
    }
  }
  return [...marks].sort((a, b) => b.length - a.length)
}

const SPACES = /[\s\u00a0\u202f]/
const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')

/**
 * A price as a person types it in their locale and the order's currency →
 * integer minor units, exactly (no floating point): "12,50" in de-DE or
 * "1.234,50" (EUR), "$12.50", "€12,50" and "12,50 €" (the currency's own
 * symbol or code is ignored), "1 234,50" in fr-FR.
 *
 * The locale's convention is read first. A number that does not fit it is read
 * the other way round ("12.50" typed in a comma locale, "12,50" in en-US), so
 * a price prefilled or pasted in the other convention still works. A number
 * whose only separator is the locale's grouping character and that both
 * conventions read as valid but different amounts ("1.234" KWD in de-DE:
 * 1234 or 1.234) is refused as `ambiguous_number` rather than guessed.
 */
export function parseLocalizedAmount(text: string, currency: string, locale: string): ParsedAmount {
  let t = text.trim()
  for (const mark of currencyMarks(currency, locale)) {
    if (t.startsWith(mark)) {
      t = t.slice(mark.length).trim()
      break
    }
    if (t.endsWith(mark)) {
      t = t.slice(0, -mark.length).trim()
      break
    }
  }
  const own = localeSeparators(locale)
  const other: Separators = own.decimal === ',' ? { decimal: '.', group: ',' } : { decimal: ',', group: '.' }
  const mine = readAmount(t, currency, own)
  const theirs = readAmount(t, currency, other)
  if (mine === null) return theirs ?? { ok: false, code: 'invalid_number' }
  if (!t.includes(own.decimal) && mine.ok && theirs?.ok && theirs.minor !== mine.minor) return { ok: false, code: 'ambiguous_number' }
  return mine
}

/**
 * The one reading of a typed price, for main and the form's preview alike:
 * in the UI locale when the form names it, else the plain "12.50" rule.
 */
export function readPrice(text: string, currency: string, locale: string | undefined): ParsedAmount {
  return locale === undefined ? parseMajorUnits(text, currency) : parseLocalizedAmount(text, currency, locale)
}

/**
 * One convention's reading, or null when the text does not have its shape:
 * digits, grouping only in groups of three, one decimal separator.
 */
function readAmount(t: string, currency: string, sep: Separators): ParsedAmount | null {
  const group = SPACES.test(sep.group) ? '[\\s\\u00a0\\u202f]' : sep.group === '’' || sep.group === "'" ? "['’]" : escapeRe(sep.group)
  const m = new RegExp(`^(\\d{1,3}(?:${group}\\d{3})+|\\d+)?(?:${escapeRe(sep.decimal)}(\\d*))?$`).exec(t)
  if (!m || t === '' || (m[1] === undefined && (m[2] ?? '') === '')) return null
  const whole = (m[1] ?? '0').replace(/\D/g, '')
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

/**
 * Integer minor units as a price field shows them in a locale, without
 * grouping ("12,50" in de-DE, "12.50" in en-US): what parseLocalizedAmount
 * reads back to exactly the same amount, for prefills (edit, duplicate, a
 * suggested item's last price).
 */
export function formatMinorForInput(minor: number, currency: string, locale: string): string {
  const plain = formatMinor(minor, currency)
  const { decimal } = localeSeparators(locale)
  return decimal === '.' ? plain : plain.replace('.', decimal)
}
