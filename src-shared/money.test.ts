import { describe, expect, it } from 'vitest'
import { formatMinorForInput, localeSeparators, parseLocalizedAmount, parseMajorUnits, type ParsedAmount } from './money'

const ok = (minor: number): ParsedAmount => ({ ok: true, minor })
const no = (code: 'invalid_number' | 'too_many_decimals' | 'ambiguous_number'): ParsedAmount => ({ ok: false, code })

describe('localeSeparators', () => {
  it('come from Intl', () => {
    expect(localeSeparators('en-US')).toEqual({ decimal: '.', group: ',' })
    expect(localeSeparators('de-DE')).toEqual({ decimal: ',', group: '.' })
    expect(localeSeparators('zh-TW')).toEqual({ decimal: '.', group: ',' })
    expect(localeSeparators('fr-FR').decimal).toBe(',')
  })
})

// [typed, currency, locale, result]: the locale's way, the currency's symbol
// ignored, the other convention when the locale's does not fit, refusals.
const table: [string, string, string, ParsedAmount][] = [
  ['12.50', 'USD', 'en-US', ok(1250)],
  ['$12.50', 'USD', 'en-US', ok(1250)],
  ['US$12.50', 'USD', 'zh-TW', ok(1250)],
  ['$12.50', 'USD', 'zh-TW', ok(1250)],
  ['12,50', 'EUR', 'de-DE', ok(1250)],
  ['€12,50', 'EUR', 'de-DE', ok(1250)],
  ['12,50 €', 'EUR', 'de-DE', ok(1250)],
  ['12,50\u00a0€', 'EUR', 'fr-FR', ok(1250)],
  ['EUR 12,50', 'EUR', 'de-DE', ok(1250)],
  ['1.234,50', 'EUR', 'de-DE', ok(123450)],
  ['1.234.567,5', 'EUR', 'de-DE', ok(123456750)],
  ['1 234,50', 'EUR', 'fr-FR', ok(123450)],
  ['1\u202f234,50', 'EUR', 'fr-FR', ok(123450)],
  ['1,234.50', 'USD', 'en-US', ok(123450)],
  ['1,234', 'USD', 'en-US', ok(123400)],
  ['1.234', 'EUR', 'de-DE', ok(123400)],
  // the other convention, where the locale's reading does not fit
  ['12.50', 'EUR', 'de-DE', ok(1250)],
  ['12,50', 'EUR', 'en-US', ok(1250)],
  ['€12,50', 'EUR', 'en-US', ok(1250)],
  ['1.234,50', 'EUR', 'en-US', ok(123450)],
  ['1,5', 'USD', 'en-US', ok(150)],
  ['7', 'JPY', 'de-DE', ok(7)],
  ['1.500', 'JPY', 'de-DE', ok(1500)],
  ['1,234', 'KWD', 'de-DE', ok(1234)],
  // ambiguous: only a grouping character, and both readings are amounts
  ['1.234', 'KWD', 'de-DE', no('ambiguous_number')],
  ['1,234', 'KWD', 'en-US', no('ambiguous_number')],
  // too many decimals for the currency, read the locale's way
  ['12.345', 'USD', 'en-US', no('too_many_decimals')],
  ['12,345', 'EUR', 'de-DE', no('too_many_decimals')],
  ['1,5', 'JPY', 'de-DE', no('too_many_decimals')],
  // not an amount
  ['', 'USD', 'en-US', no('invalid_number')],
  ['abc', 'USD', 'en-US', no('invalid_number')],
  ['1,2.3', 'USD', 'en-US', no('invalid_number')],
  ['12,5,0', 'EUR', 'de-DE', no('invalid_number')],
  ['£12.50', 'USD', 'en-US', no('invalid_number')],
  ['-12.50', 'USD', 'en-US', no('invalid_number')],
  ['1e3', 'USD', 'en-US', no('invalid_number')],
  ['1 234.50', 'USD', 'en-US', no('invalid_number')],
  ['9999999999999999', 'USD', 'en-US', no('invalid_number')],
]

describe('parseLocalizedAmount', () => {
  it.each(table)('%s (%s, %s)', (typed, currency, locale, expected) => {
    expect(parseLocalizedAmount(typed, currency, locale)).toEqual(expected)
  })

  it('gives exact integers where float arithmetic would not (0.29 × 100 = 28.999…)', () => {
    expect(parseLocalizedAmount('0,29', 'EUR', 'de-DE')).toEqual(ok(29))
    expect(parseLocalizedAmount('90.071.992.547.409,91', 'EUR', 'de-DE')).toEqual(ok(9_007_199_254_740_991))
  })

  it('reads back what formatMinorForInput writes, in every locale and digit count', () => {
    for (const locale of ['en-US', 'de-DE', 'fr-FR', 'zh-TW', 'de-CH']) {
      for (const [minor, currency] of [[1250, 'EUR'], [1500, 'KWD'], [1234, 'KWD'], [7, 'JPY'], [123456789, 'USD']] as const) {
        expect(parseLocalizedAmount(formatMinorForInput(minor, currency, locale), currency, locale), `${locale} ${currency} ${minor}`).toEqual(ok(minor))
      }
    }
  })

  it('parseMajorUnits keeps the plain rule (export round trip): "1,5" is not 15', () => {
    expect(parseMajorUnits('1,5', 'USD')).toEqual(no('invalid_number'))
    expect(parseMajorUnits('1,234.5', 'USD')).toEqual(ok(123450))
  })
})
