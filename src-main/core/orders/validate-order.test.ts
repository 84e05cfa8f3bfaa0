import { describe, expect, it } from 'vitest'
import { OutpostError } from '../errors'
import { minorDigits, parseMajorUnits } from './currency'
import { validateOrder } from './validate-order'

const good = { customer: 'Ada', items: [{ name: 'Tea', quantity: '2', unitPrice: '12.50' }] }

function fieldsOf(raw: unknown): { field: string; code: string }[] {
  try {
    validateOrder(raw, 'USD')
  } catch (err) {
    expect(err).toBeInstanceOf(OutpostError)
    const e = err as OutpostError
    expect(e.code).toBe('validation_failed')
    return (e.fields ?? []).map(({ field, code }) => ({ field, code }))
  }
  throw new Error('expected a validation error')
}

describe('order validation', () => {
  it('accepts a good order and computes money in minor units', () => {
    const o = validateOrder({ ...good, note: '  leave at door ' }, 'USD')
    expect(o).toEqual({
      customer: 'Ada',
      note: 'leave at door',
      currency: 'USD',
      items: [{ name: 'Tea', quantity: 2, unitPriceMinor: 1250, lineTotalMinor: 2500 }],
      totalMinor: 2500,
    })
  })

  it('customer: required after trimming, at most 200 characters', () => {
    expect(fieldsOf({ ...good, customer: '   ' })).toEqual([{ field: 'customer', code: 'required' }])
    expect(fieldsOf({ ...good, customer: 'x'.repeat(201) })).toEqual([{ field: 'customer', code: 'too_long' }])
    expect(validateOrder({ ...good, customer: ` ${'x'.repeat(200)} ` }, 'USD').customer).toHaveLength(200)
  })

  it('items: 1 to 200', () => {
    expect(fieldsOf({ ...good, items: [] })).toEqual([{ field: 'items', code: 'too_short' }])
    const many = Array.from({ length: 201 }, () => good.items[0])
    expect(fieldsOf({ ...good, items: many })).toEqual([{ field: 'items', code: 'too_long' }])
    expect(validateOrder({ ...good, items: many.slice(0, 200) }, 'USD').items).toHaveLength(200)
  })

  it('item name: 1 to 200 characters', () => {
    expect(fieldsOf({ ...good, items: [{ ...good.items[0], name: ' ' }] })).toEqual([{ field: 'items.0.name', code: 'required' }])
    expect(fieldsOf({ ...good, items: [{ ...good.items[0], name: 'n'.repeat(201) }] })).toEqual([{ field: 'items.0.name', code: 'too_long' }])
  })

  it('quantity: more than 0, at most 1,000,000, up to 3 decimals, stored exactly (issue 11)', () => {
    const q = (quantity: unknown) => ({ ...good, items: [{ ...good.items[0], quantity }] })
    expect(fieldsOf(q('0'))).toEqual([{ field: 'items.0.quantity', code: 'too_small' }])
    expect(fieldsOf(q(1_000_001))).toEqual([{ field: 'items.0.quantity', code: 'too_big' }])
    expect(validateOrder(q('1.5'), 'USD').items[0]?.quantity).toBe(1.5)
    expect(validateOrder(q('1,5'), 'USD').items[0]?.quantity).toBe(1.5)
    expect(validateOrder(q(2.5), 'USD').items[0]?.quantity).toBe(2.5)
    expect(fieldsOf(q('1.2345'))).toEqual([{ field: 'items.0.quantity', code: 'too_many_decimals' }])
    expect(fieldsOf(q(0.0001))).toEqual([{ field: 'items.0.quantity', code: 'too_many_decimals' }])
    // NaN and Infinity never come from the form (it sends text); they fail the shape check.
    expect(fieldsOf(q(Number.NaN))).toEqual([{ field: 'items.0.quantity', code: 'invalid_value' }])
    expect(fieldsOf(q(Number.POSITIVE_INFINITY))).toEqual([{ field: 'items.0.quantity', code: 'invalid_value' }])
    expect(fieldsOf(q('-3'))).toEqual([{ field: 'items.0.quantity', code: 'too_many_decimals' }])
    expect(validateOrder(q(1_000_000), 'USD').items[0]?.quantity).toBe(1_000_000)
    // 0.1 kg × 3 at 0.10: exact thousandths, line total rounded half up like the server (src-shared/protocol)
    const rice = validateOrder({ ...good, items: [{ name: 'Rice', quantity: '0.333', unitPrice: '1.50' }] }, 'USD')
    expect(rice.items[0]?.lineTotalMinor).toBe(50) // 0.333 × 150 = 49.95 → 50
    expect(rice.totalMinor).toBe(50)
  })

  it('unit price: major units as typed, converted with the currency’s ISO 4217 digits, 0 to 10^10 minor', () => {
    const p = (unitPrice: string, currency = 'USD') => ({ ...good, currency, items: [{ ...good.items[0], unitPrice }] })
    expect(validateOrder(p('0'), 'USD').items[0]?.unitPriceMinor).toBe(0)
    expect(validateOrder(p('1,234.5'), 'USD').items[0]?.unitPriceMinor).toBe(123450)
    expect(validateOrder(p('1500', 'JPY'), 'USD').items[0]?.unitPriceMinor).toBe(1500)
    expect(validateOrder(p('1.234', 'KWD'), 'USD').items[0]?.unitPriceMinor).toBe(1234)
    expect(validateOrder(p('100000000.00'), 'USD').items[0]?.unitPriceMinor).toBe(10_000_000_000)
    expect(fieldsOf(p('100000000.01'))).toEqual([{ field: 'items.0.unitPrice', code: 'too_big' }])
    expect(fieldsOf(p('1.5', 'JPY'))).toEqual([{ field: 'items.0.unitPrice', code: 'too_many_decimals' }])
    expect(fieldsOf(p('1.999'))).toEqual([{ field: 'items.0.unitPrice', code: 'too_many_decimals' }])
    for (const bad of ['', 'abc', '-1', '1,5', '1e3', 'NaN', 'Infinity', '12.50.1']) {
      expect(fieldsOf(p(bad))).toEqual([{ field: 'items.0.unitPrice', code: 'invalid_number' }])
    }
  })

  it('unit price in the form\'s locale: the same reading as the preview (src-shared/money.ts), still exact minor units', () => {
    const p = (unitPrice: string, currency: string, locale: string) => ({ ...good, currency, locale, items: [{ ...good.items[0], unitPrice }] })
    expect(validateOrder(p('12,50', 'EUR', 'de-DE'), 'USD').items[0]?.unitPriceMinor).toBe(1250)
    expect(validateOrder(p('1.234,50', 'EUR', 'de-DE'), 'USD').items[0]?.unitPriceMinor).toBe(123450)
    expect(validateOrder(p('€12,50', 'EUR', 'en-US'), 'USD').items[0]?.unitPriceMinor).toBe(1250)
    expect(validateOrder(p('$12.50', 'USD', 'zh-TW'), 'USD').items[0]?.unitPriceMinor).toBe(1250)
    expect(fieldsOf(p('1.234', 'KWD', 'de-DE'))).toEqual([{ field: 'items.0.unitPrice', code: 'ambiguous_number' }])
    expect(fieldsOf(p('12,505', 'EUR', 'de-DE'))).toEqual([{ field: 'items.0.unitPrice', code: 'too_many_decimals' }])
    // A locale that is not a locale tag is refused by the contract, not guessed at.
    expect(fieldsOf(p('1', 'EUR', 'de DE; drop'))).toEqual([{ field: 'locale', code: 'invalid_value' }])
  })

  it('note: at most 2,000 characters', () => {
    expect(fieldsOf({ ...good, note: 'n'.repeat(2001) })).toEqual([{ field: 'note', code: 'too_long' }])
    expect(validateOrder({ ...good, note: '' }, 'USD').note).toBeNull()
  })

  it('currency: an ISO 4217 code, defaulting to the setting', () => {
    expect(validateOrder(good, 'EUR').currency).toBe('EUR')
    expect(validateOrder({ ...good, currency: 'twd' }, 'USD').currency).toBe('TWD')
    expect(fieldsOf({ ...good, currency: 'XYZ' })).toEqual([{ field: 'currency', code: 'invalid_currency' }])
  })

  it('reports every invalid field at once', () => {
    const fields = fieldsOf({ customer: '', items: [{ name: '', quantity: '0', unitPrice: 'x' }] })
    expect(fields.map((f) => f.field)).toEqual(['customer', 'items.0.name', 'items.0.quantity', 'items.0.unitPrice'])
  })

  it('refuses a total that cannot be represented exactly', () => {
    const big = Array.from({ length: 200 }, () => ({ name: 'x', quantity: 1_000_000, unitPrice: '100000000' }))
    expect(fieldsOf({ customer: 'a', items: big })).toEqual([{ field: 'items', code: 'too_big' }])
  })
})

describe('hostile input is refused cleanly', () => {
  const cases: [string, unknown][] = [
    ['null', null],
    ['a string', 'order'],
    ['an array', [good]],
    ['wrong types', { customer: 42, items: 'many' }],
    ['extra keys', { ...good, totalMinor: 1 }],
    ['extra keys in an item', { ...good, items: [{ ...good.items[0], lineTotalMinor: 5 }] }],
    ['__proto__ key', JSON.parse('{"customer":"a","items":[],"__proto__":{"polluted":true}}')],
    ['constructor key', { ...good, constructor: { prototype: { polluted: true } } }],
    ['NaN quantity type', { ...good, items: [{ name: 'a', quantity: Number.NaN, unitPrice: '1' }] }],
    ['numeric price', { ...good, items: [{ name: 'a', quantity: 1, unitPrice: 1.5 }] }],
  ]
  for (const [name, raw] of cases) {
    it(name, () => {
      expect(() => validateOrder(raw, 'USD')).toThrowError(OutpostError)
      expect(({} as Record<string, unknown>).polluted).toBeUndefined()
    })
  }

  it('huge strings', () => {
    const huge = 'x'.repeat(5_000_000)
    expect(fieldsOf({ ...good, customer: huge })).toEqual([{ field: 'customer', code: 'too_long' }])
    expect(fieldsOf({ ...good, items: [{ name: 'a', quantity: huge, unitPrice: huge }] }).map((f) => f.field)).toEqual([
      'items.0.quantity',
      'items.0.unitPrice',
    ])
  })
})

describe('currency helpers', () => {
  it('knows ISO minor digits', () => {
    expect([minorDigits('USD'), minorDigits('JPY'), minorDigits('KWD'), minorDigits('TWD')]).toEqual([2, 0, 3, 2])
  })
  it('parses without floating point error', () => {
    expect(parseMajorUnits('0.29', 'USD')).toEqual({ ok: true, minor: 29 })
    expect(parseMajorUnits('.5', 'USD')).toEqual({ ok: true, minor: 50 })
    expect(parseMajorUnits('1.10', 'JPY')).toEqual({ ok: false, code: 'too_many_decimals' })
    expect(parseMajorUnits('1.00', 'JPY')).toEqual({ ok: true, minor: 1 })
  })
})
