import { describe, expect, it } from 'vitest'
import { draftFromOrder, emptyDraft, normalizeCurrency, previewTotalMinor, toCreateOrderInput, type OrderDraft } from './order-draft'

const line = (name: string, quantity: string, unitPrice: string, key = 1) => ({ key, name, quantity, unitPrice })

describe('previewTotalMinor', () => {
  it('sums quantity × price in minor units without float error', () => {
    const items = [line('a', '3', '0.10'), line('b', '1', '0.20')]
    expect(previewTotalMinor({ currency: 'USD', items })).toBe(50)
  })
  it('ignores half-typed lines', () => {
    const items = [line('a', '2', '12.50'), line('b', '', '3'), line('c', '1', '1.2.3')]
    expect(previewTotalMinor({ currency: 'USD', items })).toBe(2500)
  })
  it('uses the currency minor digits', () => {
    expect(previewTotalMinor({ currency: 'JPY', items: [line('a', '2', '1500')] })).toBe(3000)
    expect(previewTotalMinor({ currency: 'jpy', items: [line('a', '1', '1.5')] })).toBe(0)
  })
  it('gives up (null) rather than show an unsafe sum', () => {
    const items = Array.from({ length: 3 }, (_, i) => line('x', '999999999', '99999999999', i))
    expect(previewTotalMinor({ currency: 'USD', items })).toBeNull()
  })
  it('is 0 for an empty form', () => {
    expect(previewTotalMinor(emptyDraft('USD'))).toBe(0)
  })
})

describe('toCreateOrderInput', () => {
  it('sends text as typed, currency upper-cased', () => {
    const draft: OrderDraft = { customer: ' Ann ', currency: 'twd', note: 'n', items: [line('Tea', '2', '12.50')] }
    expect(toCreateOrderInput(draft)).toEqual({
      customer: ' Ann ',
      note: 'n',
      currency: 'TWD',
      items: [{ name: 'Tea', quantity: '2', unitPrice: '12.50' }],
    })
  })
  it('leaves the currency to main when the field is empty', () => {
    const draft: OrderDraft = { customer: 'A', currency: '  ', note: '', items: [] }
    expect(toCreateOrderInput(draft)).not.toHaveProperty('currency')
  })
  it('starts with one line item', () => {
    expect(emptyDraft('USD').items).toHaveLength(1)
  })
})

describe('normalizeCurrency', () => {
  it('trims and upper-cases; empty stays empty', () => {
    expect(normalizeCurrency(' twd ')).toBe('TWD')
    expect(normalizeCurrency('   ')).toBe('')
  })
})

describe('draftFromOrder', () => {
  it('gives back prices that parse to the same minor units, in the currency digits', () => {
    const d = draftFromOrder({
      customer: 'Ana',
      currency: 'JPY',
      note: null,
      items: [{ name: 'Tea', quantity: 2, unitPriceMinor: 1500, lineTotalMinor: 3000 }],
    })
    expect(d).toMatchObject({ customer: 'Ana', currency: 'JPY', note: '', items: [{ name: 'Tea', quantity: '2', unitPrice: '1500' }] })
    const usd = draftFromOrder({ customer: 'B', currency: 'USD', note: 'n', items: [{ name: 'x', quantity: 1, unitPriceMinor: 5, lineTotalMinor: 5 }] })
    expect(usd.items[0]!.unitPrice).toBe('0.05')
    expect(previewTotalMinor(usd)).toBe(5)
  })
})

describe('previewTotalMinor with decimal quantities', () => {
  it('totals 1.5 kg and rounds each line half up, as main does', () => {
    expect(previewTotalMinor({ currency: 'USD', items: [line('Rice', '1.5', '2.00')] })).toBe(300)
    expect(previewTotalMinor({ currency: 'USD', items: [line('Rice', '1,5', '2.00')] })).toBe(300)
    // 0.333 × 0.05 = 0.01665 → 2 cents (half up), not 1.
    expect(previewTotalMinor({ currency: 'USD', items: [line('a', '0.333', '0.05')] })).toBe(2)
    expect(previewTotalMinor({ currency: 'USD', items: [line('a', '1.2345', '1')] })).toBe(0)
  })
})

describe('prices in the UI locale (issue 11)', () => {
  it('an edit is prefilled the locale way and reads back to the same minor units, in the preview and in what main gets', () => {
    const order = { customer: 'C', currency: 'KWD', note: null, items: [{ name: 'Dates', quantity: 1, unitPriceMinor: 1500, lineTotalMinor: 1500 }] }
    const de = draftFromOrder(order, 'de-DE')
    expect(de.items[0]!.unitPrice).toBe('1,500')
    // Read as de-DE: 1.500 dinars, not 1500.
    expect(previewTotalMinor(de, 'de-DE')).toBe(1500)
    expect(toCreateOrderInput(de, 'de-DE')).toMatchObject({ locale: 'de-DE', items: [{ unitPrice: '1,500' }] })
    expect(draftFromOrder(order, 'en-US').items[0]!.unitPrice).toBe('1.500')
  })

  it('previews what was typed with the currency symbol and the locale separators', () => {
    expect(previewTotalMinor({ currency: 'EUR', items: [line('a', '2', '€12,50')] }, 'en-US')).toBe(2500)
    expect(previewTotalMinor({ currency: 'EUR', items: [line('a', '1', '1.234,50')] }, 'de-DE')).toBe(123450)
    // ambiguous: counts as nothing until it is clear, as main refuses it
    expect(previewTotalMinor({ currency: 'KWD', items: [line('a', '1', '1,234')] }, 'en-US')).toBe(0)
  })
})
