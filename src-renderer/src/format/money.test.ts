import { describe, expect, it } from 'vitest'
import { formatMoney, minorDigits, minorToDecimalString, parseMajorUnits, parseQuantityMilli } from './money'

describe('minorDigits', () => {
  it('follows ISO 4217, not display preferences', () => {
    expect(minorDigits('USD')).toBe(2)
    expect(minorDigits('TWD')).toBe(2)
    expect(minorDigits('JPY')).toBe(0)
    expect(minorDigits('KWD')).toBe(3)
    expect(minorDigits('CLF')).toBe(4)
  })
})

describe('minorToDecimalString', () => {
  it('is exact', () => {
    expect(minorToDecimalString(1250, 2)).toBe('12.50')
    expect(minorToDecimalString(5, 2)).toBe('0.05')
    expect(minorToDecimalString(0, 2)).toBe('0.00')
    expect(minorToDecimalString(-5, 2)).toBe('-0.05')
    expect(minorToDecimalString(1234, 0)).toBe('1234')
    expect(minorToDecimalString(1234, 3)).toBe('1.234')
    expect(minorToDecimalString(9_007_199_254_740_991, 2)).toBe('90071992547409.91')
  })
})

describe('formatMoney', () => {
  // Intl output uses non-breaking spaces in some locales; compare without them.
  const norm = (s: string) => s.replace(/[\u00a0\u202f]/g, ' ')
  it('formats in the currency and locale', () => {
    expect(formatMoney(1250, 'USD', 'en-US')).toBe('$12.50')
    expect(formatMoney(123_456, 'USD', 'en-US')).toBe('$1,234.56')
    expect(formatMoney(1500, 'JPY', 'en-US')).toBe('¥1,500')
    expect(norm(formatMoney(1234, 'KWD', 'en-US'))).toBe('KWD 1.234')
    expect(formatMoney(1250, 'TWD', 'zh-TW')).toBe('$12.50')
  })
  it('keeps every cent of a huge amount', () => {
    expect(formatMoney(9_007_199_254_740_991, 'USD', 'en-US')).toBe('$90,071,992,547,409.91')
  })
  it('does not throw on a half-typed currency', () => {
    expect(formatMoney(1250, 'US', 'en-US')).toBe('12.50 US')
    expect(formatMoney(1250, '', 'en-US')).toBe('12.50')
  })
  it('accepts lower case', () => {
    expect(formatMoney(1250, 'usd', 'en-US')).toBe('$12.50')
  })
})

describe('parseMajorUnits', () => {
  it('parses what people type', () => {
    expect(parseMajorUnits('12.50', 'USD')).toEqual({ ok: true, minor: 1250 })
    expect(parseMajorUnits(' 7 ', 'USD')).toEqual({ ok: true, minor: 700 })
    expect(parseMajorUnits('.5', 'USD')).toEqual({ ok: true, minor: 50 })
    expect(parseMajorUnits('1,234.5', 'USD')).toEqual({ ok: true, minor: 123_450 })
    expect(parseMajorUnits('1500', 'JPY')).toEqual({ ok: true, minor: 1500 })
    expect(parseMajorUnits('0.1', 'USD')).toEqual({ ok: true, minor: 10 })
    expect(parseMajorUnits('1.230', 'USD')).toEqual({ ok: true, minor: 123 })
  })
  it('refuses what main refuses', () => {
    for (const bad of ['', '.', 'abc', '1,5', '-1', '1.234', '1e3', 'NaN']) {
      expect(parseMajorUnits(bad, 'USD').ok).toBe(false)
    }
    expect(parseMajorUnits('1.5', 'JPY').ok).toBe(false)
  })
})

describe('parseQuantityMilli', () => {
  it('reads up to 3 decimals exactly, with a point or a comma', () => {
    expect(parseQuantityMilli('3')).toBe(3000)
    expect(parseQuantityMilli(' 12 ')).toBe(12000)
    expect(parseQuantityMilli('1.5')).toBe(1500)
    expect(parseQuantityMilli('1,5')).toBe(1500)
    expect(parseQuantityMilli('0.001')).toBe(1)
    expect(parseQuantityMilli('2.675')).toBe(2675)
    for (const bad of ['', '-1', '1.2345', '1.', '.5', 'abc', '1e3']) expect(parseQuantityMilli(bad)).toBeNull()
  })
})
