import { describe, expect, it } from 'vitest'
import { formatQuantity } from './quantity'

describe('formatQuantity', () => {
  it('keeps up to 3 decimals and groups for the locale', () => {
    expect(formatQuantity(1.5, 'en-US')).toBe('1.5')
    expect(formatQuantity(2, 'en-US')).toBe('2')
    expect(formatQuantity(1234.125, 'en-US')).toBe('1,234.125')
    expect(formatQuantity(0.001, 'zh-TW')).toBe('0.001')
  })
})
