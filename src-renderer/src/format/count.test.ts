import { describe, expect, it } from 'vitest'
import { formatCount } from './count'

describe('formatCount', () => {
  it('groups thousands for the locale', () => {
    expect(formatCount(1234567, 'en-US')).toBe('1,234,567')
    expect(formatCount(1234, 'de-DE')).toBe('1.234')
    expect(formatCount(2, 'zh-TW')).toBe('2')
  })
})
