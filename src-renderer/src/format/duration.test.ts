import { describe, expect, it } from 'vitest'
import { makeTranslate } from '../i18n/translate'
import { formatAgo, formatDuration, msUntil } from './duration'

const en = makeTranslate('en', 'en-US')
const zh = makeTranslate('zh-TW', 'zh-TW')

describe('formatDuration', () => {
  it.each([
    [0, '5 s'],
    [1_000, '5 s'],
    [29_400, '30 s'],
    [30_000, '30 s'],
    [54_000, '55 s'],
    [56_000, '1 min'],
    [120_000, '2 min'],
    [59 * 60_000, '59 min'],
    [60 * 60_000, '1 h'],
    [47 * 3600_000, '47 h'],
    [72 * 3600_000, '3 d'],
  ])('%d ms → %s', (ms, text) => {
    expect(formatDuration(ms, en)).toBe(text)
  })
  it('speaks zh-TW', () => {
    expect(formatDuration(30_000, zh)).toBe('30 秒')
    expect(formatDuration(120_000, zh)).toBe('2 分鐘')
    expect(formatDuration(3 * 3600_000, zh)).toBe('3 小時')
    expect(formatDuration(72 * 3600_000, zh)).toBe('3 天')
  })
})

describe('formatAgo', () => {
  it('says just now for the first seconds', () => {
    expect(formatAgo(2000, en)).toBe('just now')
    expect(formatAgo(2000, zh)).toBe('剛剛')
  })
  it('says how long ago after that', () => {
    expect(formatAgo(120_000, en)).toBe('2 min ago')
    expect(formatAgo(120_000, zh)).toBe('2 分鐘前')
  })
})

describe('msUntil', () => {
  it('handles null, bad and good times', () => {
    expect(msUntil(null, 0)).toBeNull()
    expect(msUntil('not a date', 0)).toBeNull()
    expect(msUntil('1970-01-01T00:00:01.000Z', 0)).toBe(1000)
  })
})
