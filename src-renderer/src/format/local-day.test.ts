import { describe, expect, it } from 'vitest'
import { dayEndIso, dayHeading, dayOfEnd, dayOfStart, dayStartIso, formatDay, localDayOf } from './local-day'

describe('local days as filter instants', () => {
  it('round-trips a day through its start and its exclusive end', () => {
    for (const day of ['2026-01-01', '2026-02-28', '2024-02-29', '2026-12-31']) {
      expect(dayOfStart(dayStartIso(day)!)).toBe(day)
      expect(dayOfEnd(dayEndIso(day)!)).toBe(day)
    }
  })
  it('the end of a day is the start of the next', () => {
    expect(dayEndIso('2026-12-31')).toBe(dayStartIso('2027-01-01'))
    expect(dayEndIso('2024-02-28')).toBe(dayStartIso('2024-02-29'))
  })
  it('refuses what is not a day', () => {
    expect(dayStartIso('')).toBeNull()
    expect(dayStartIso('2026-1-1')).toBeNull()
    expect(dayEndIso('yesterday')).toBeNull()
    expect(dayOfStart('nonsense')).toBe('')
  })
  it('writes a day in the locale', () => {
    expect(formatDay('2026-12-01', 'en-US')).toBe('Dec 1, 2026')
    expect(formatDay('2026-12-01', 'zh-TW')).toBe('2026年12月1日')
  })
  it('heads the list with Today, Yesterday, then the date, by local day', () => {
    const now = new Date(2026, 2, 1, 0, 30).getTime() // just after midnight, the day after Feb 28
    expect(dayHeading(localDayOf(new Date(2026, 2, 1, 0, 5).toISOString()), now)).toEqual({ kind: 'today' })
    expect(dayHeading(localDayOf(new Date(2026, 1, 28, 23, 59).toISOString()), now)).toEqual({ kind: 'yesterday' })
    expect(dayHeading(localDayOf(new Date(2026, 1, 27, 12).toISOString()), now)).toEqual({ kind: 'date', day: '2026-02-27' })
  })
})
