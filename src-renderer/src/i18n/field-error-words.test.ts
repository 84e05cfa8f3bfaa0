import { describe, expect, it } from 'vitest'
import { errorMessage } from './error-message'
import { makeTranslate } from './translate'

const en = makeTranslate('en', 'en-US')
const zh = makeTranslate('zh-TW', 'zh-TW')
const show = (t: typeof en, field: string, code: Parameters<typeof errorMessage>[0]['code'], params?: Record<string, number | string>) => {
  const m = errorMessage(params ? { code, params } : { code }, field)
  return t(m.key, m.params)
}

describe('order-form errors in words', () => {
  it.each([
    ['items', 'too_short', { min: 1 }, 'Add at least one item'],
    ['customer', 'required', undefined, 'Enter the customer’s name'],
    ['items.3.name', 'required', undefined, 'Enter what was sold'],
    ['items.0.quantity', 'too_many_decimals', undefined, 'Enter a quantity such as 2 or 1.5 (at most 3 decimals)'],
    ['items.0.quantity', 'too_small', { min: 0 }, 'The quantity must be more than 0'],
    ['items.1.unitPrice', 'invalid_number', { currency: 'USD' }, 'Enter a price such as 12.50'],
    // Not in the table: the generic text with its params.
    ['items.1.unitPrice', 'too_many_decimals', { currency: 'JPY' }, 'Too many decimal places for JPY'],
    ['note', 'too_long', { max: 2000 }, 'Too long: at most 2,000'],
  ] as const)('%s / %s', (field, code, params, text) => {
    expect(show(en, field, code, params)).toBe(text)
  })
  it('has real Traditional Chinese for the same cases', () => {
    expect(show(zh, 'items', 'too_short', { min: 1 })).toBe('請至少加入一個品項')
  })
})
