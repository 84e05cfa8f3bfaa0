import { describe, expect, it } from 'vitest'
import { errorCodes, SyncErrorCode } from '../../../src-shared/contract'
import { syncErrorMessage, syncErrorShowsStatus } from '../sync/sync-error'
import { en } from './en'
import { errorMessage } from './error-message'
import { dictionaries, formatMessage, localeFor, makeTranslate, placeholdersOf, resolveLanguage, translateMessage, type MessageKey } from './translate'
import { zhTW } from './zh-TW'

const languages = Object.entries(dictionaries)

describe('message dictionaries', () => {
  const enKeys = Object.keys(en).sort()

  it.each(languages)('%s has exactly the English key set', (_lang, dict) => {
    const keys = Object.keys(dict).sort()
    expect(keys.filter((k) => !enKeys.includes(k))).toEqual([]) // extra
    expect(enKeys.filter((k) => !keys.includes(k))).toEqual([]) // missing
  })

  it.each(languages)('%s uses the same placeholders as English for every key', (_lang, dict) => {
    const mismatches = enKeys.filter((k) => {
      const other = (dict as Record<string, string>)[k]
      return other === undefined || placeholdersOf(other).join() !== placeholdersOf(en[k as keyof typeof en]).join()
    })
    expect(mismatches).toEqual([])
  })

  it.each(languages)('%s: every message is valid ICU and renders with its arguments filled', (lang, dict) => {
    const bad = Object.entries(dict).filter(([, v]) => {
      const params = Object.fromEntries(placeholdersOf(v).map((n) => [n, n === 'configured' ? 'yes' : 2]))
      try {
        return /\{\w+\}/.test(formatMessage(v, params, lang))
      } catch {
        return true
      }
    })
    expect(bad.map(([k]) => k)).toEqual([])
  })

  it.each(languages)('%s has no empty messages', (_lang, dict) => {
    expect(Object.entries(dict).filter(([, v]) => v.trim() === '').map(([k]) => k)).toEqual([])
  })

  it.each(languages)('%s has a message for every error code in the contract', (_lang, dict) => {
    const missing = errorCodes.filter((code) => !(`errors.${code}` in dict))
    expect(missing).toEqual([])
  })

  it.each(languages)('%s has a message for every sync error code in the contract', (_lang, dict) => {
    const missing = SyncErrorCode.options.filter((code) => !(`syncError.${code}` in dict))
    expect(missing).toEqual([])
  })

  it('zh-TW is actually translated (not a copy of English)', () => {
    const same = Object.keys(en).filter(
      (k) => zhTW[k as keyof typeof en] === en[k as keyof typeof en] && /[a-z]{3,}/.test(en[k as keyof typeof en]),
    )
    // Brand and language names stay as they are.
    expect(same.filter((k) => !['app.name', 'settings.languageZh'].includes(k))).toEqual([])
  })

  it('uses the phrasing the product asked for', () => {
    const zh = makeTranslate('zh-TW', 'zh-TW')
    expect(zh('sync.offline', { count: 3 })).toBe('離線 · 3 筆待傳送')
    expect(zh('sync.allSynced')).toBe('全部已同步')
    expect(zh('nav.attention')).toBe('需要處理')
    expect(zh('syncNow.label')).toBe('立即同步')
    expect(zh('nav.settings')).toBe('設定')
    expect(zh('nav.orders')).toBe('訂單')
  })
})

describe('t()', () => {
  it('fills placeholders and groups numbers for the locale', () => {
    expect(formatMessage('{count} waiting', { count: 1234 }, 'en-US')).toBe('1,234 waiting')
    expect(formatMessage('Hi {name}', { name: 'Ann' }, 'en-US')).toBe('Hi Ann')
  })
  it('leaves an unfilled placeholder visible', () => {
    expect(formatMessage('at most {max}', {}, 'en-US')).toBe('at most {max}')
  })
  it('translates by language', () => {
    expect(makeTranslate('en', 'en-US')('nav.orders')).toBe('Orders')
    expect(makeTranslate('zh-TW', 'zh-TW')('nav.orders')).toBe('訂單')
  })
})

/** Every message with a plural argument, so the 0/1/2 check covers new ones too. */
const pluralKeys = (Object.keys(en) as MessageKey[]).filter((k) => /\{\s*count\s*,\s*plural/.test(en[k]))

describe('plurals', () => {
  const enT = makeTranslate('en', 'en-US')
  const zhT = makeTranslate('zh-TW', 'zh-TW')

  it('there are plural messages to check', () => {
    expect(pluralKeys.length).toBeGreaterThan(8)
  })

  it.each(pluralKeys)('%s: English says 1 differently from 2, and never "1 orders"', (key) => {
    const params = { count: 1, configured: 'yes' }
    const one = enT(key, params)
    const two = enT(key, { ...params, count: 2 })
    expect(one).toContain('1')
    expect(two).toContain('2')
    expect(one.replace('1', 'N')).not.toBe(two.replace('2', 'N'))
    expect(one).not.toMatch(/\b1 (orders|need\b|are\b|have\b)/)
    expect(two).not.toMatch(/\b2 (order|needs|is|has)\b/)
  })

  it.each(pluralKeys)('%s: Chinese renders 0, 1 and 2 with the number and no leftover syntax', (key) => {
    for (const count of [0, 1, 2]) {
      const text = zhT(key, { count, configured: 'yes' })
      expect(text).not.toMatch(/[{}#]/)
      if (!(count === 0 && /=0/.test(dictionaries['zh-TW'][key]))) expect(text).toContain(String(count))
    }
  })

  it('0, 1 and 2 read right in both languages', () => {
    const cases: [MessageKey, number, string, string][] = [
      ['sync.attention', 0, '0 need attention', '0 筆需要處理'],
      ['sync.attention', 1, '1 needs attention', '1 筆需要處理'],
      ['sync.attention', 2, '2 need attention', '2 筆需要處理'],
      ['syncNow.offline', 0, 'Still offline: nothing is waiting when the connection returns', '仍然離線:沒有等待中的訂單'],
      ['syncNow.offline', 1, 'Still offline: 1 order will be sent when the connection returns', '仍然離線:連線恢復後會傳送 1 筆訂單'],
      ['syncNow.offline', 2, 'Still offline: 2 orders will be sent when the connection returns', '仍然離線:連線恢復後會傳送 2 筆訂單'],
      ['syncNow.partial', 1, '1 order is still waiting', '仍有 1 筆訂單待傳送'],
      ['syncNow.partial', 2, '2 orders are still waiting', '仍有 2 筆訂單待傳送'],
      ['shell.trayWaiting', 1, 'Outpost · 1 order waiting to sync', 'Outpost · 1 筆訂單等待同步'],
      ['shell.trayWaiting', 2, 'Outpost · 2 orders waiting to sync', 'Outpost · 2 筆訂單等待同步'],
      ['shell.quitQuestion', 1, '1 order has not been sent yet.', '還有 1 筆訂單尚未送出。'],
      ['shell.quitQuestion', 2, '2 orders have not been sent yet.', '還有 2 筆訂單尚未送出。'],
      ['find.todayOrders', 1, '1 order', '1 筆訂單'],
      ['find.todayOrders', 2, '2 orders', '2 筆訂單'],
      ['find.todayAttention', 1, '1 needs attention', '1 筆需要處理'],
      ['find.todayAttention', 2, '2 need attention', '2 筆需要處理'],
      ['nav.attentionBadge', 1, '1 order needs attention', '1 筆需要處理'],
    ]
    for (const [key, count, english, chinese] of cases) {
      expect(enT(key, { count }), key).toBe(english)
      expect(zhT(key, { count }), key).toBe(chinese)
    }
  })

  it('the terminal line says whether a server is set up', () => {
    expect(enT('cli.quitWaiting', { count: 1, configured: 'yes' })).toBe('1 order is waiting to sync. It will be sent next time Outpost runs.')
    expect(enT('cli.quitWaiting', { count: 2, configured: 'no' })).toBe(
      '2 orders are waiting to sync. No server is set up, so they stay on this device until one is (Settings › API address, or --api-url).',
    )
  })

  it('numbers are grouped for the locale inside plurals', () => {
    expect(enT('syncNow.partial', { count: 12_345 })).toBe('12,345 orders are still waiting')
  })
})

describe('errorMessage()', () => {
  const t = makeTranslate('en', 'en-US')
  const show = (e: Parameters<typeof errorMessage>[0], field?: string) => {
    const m = errorMessage(e, field)
    return t(m.key, m.params)
  }
  it('uses errors.<code> with params', () => {
    expect(show({ code: 'too_long', params: { max: 200 } })).toBe('Too long: at most 200')
    expect(show({ code: 'too_many_decimals', params: { currency: 'JPY' } })).toBe('Too many decimal places for JPY')
    expect(show({ code: 'required' })).toBe('Required')
  })
  it('falls back to plain wording when params are missing', () => {
    expect(show({ code: 'too_big' })).toBe('Too large')
  })
  it('does not show a price limit in minor units', () => {
    expect(show({ code: 'too_big', params: { max: 10_000_000_000 } }, 'items.0.unitPrice')).toBe('Too large')
    expect(show({ code: 'too_big', params: { max: 1_000_000 } }, 'items.0.quantity')).toBe('Must be at most 1,000,000')
  })
  it('every error code renders in both languages without a stray placeholder when params are given', () => {
    for (const [lang, _dict] of languages) {
      const tr = makeTranslate(lang as 'en' | 'zh-TW', lang)
      for (const code of errorCodes) {
        const m = errorMessage({ code, params: { min: 1, max: 2, currency: 'USD' } })
        expect(tr(m.key, m.params)).not.toMatch(/\{\w+\}/)
      }
    }
  })
})

describe('syncErrorMessage()', () => {
  const t = makeTranslate('en', 'en-US')
  it('names the HTTP status when the text has room for it', () => {
    const e = { code: 'server_error', httpStatus: 503 } as const
    expect(translateMessage(t, syncErrorMessage(e))).toBe('The server had a problem (HTTP 503)')
    expect(syncErrorShowsStatus(e)).toBe(true)
    expect(syncErrorShowsStatus({ code: 'rejected', httpStatus: 422 })).toBe(false)
  })
  it('renders every code in both languages without a stray placeholder', () => {
    for (const [lang] of languages) {
      const tr = makeTranslate(lang as 'en' | 'zh-TW', lang)
      for (const code of SyncErrorCode.options) {
        expect(translateMessage(tr, syncErrorMessage({ code, httpStatus: 500 }))).not.toMatch(/\{\w+\}/)
        expect(translateMessage(tr, syncErrorMessage({ code, httpStatus: null }))).not.toMatch(/\{\w+\}/)
      }
    }
  })
})

describe('language choice', () => {
  it('prefers the saved setting', () => {
    expect(resolveLanguage('zh-TW', ['en-US'])).toBe('zh-TW')
    expect(resolveLanguage('en', ['zh-TW'])).toBe('en')
  })
  it('maps Traditional Chinese browser locales to zh-TW', () => {
    for (const tag of ['zh', 'zh-TW', 'zh-Hant', 'zh-Hant-TW', 'zh-Hant-HK', 'zh-HK']) {
      expect(resolveLanguage(null, [tag])).toBe('zh-TW')
    }
  })
  it('uses English otherwise', () => {
    for (const tag of ['en-US', 'en-GB', 'zh-CN', 'zh-Hans', 'zh-SG', 'zh-MY', 'zh_CN.UTF-8', 'fr-FR', 'ja', 'C', '']) {
      expect(resolveLanguage(null, [tag]), tag).toBe('en')
    }
    expect(resolveLanguage(null, [])).toBe('en')
  })
  it('reads POSIX locale names the way the OS gives them', () => {
    for (const tag of ['zh_TW', 'zh_TW.UTF-8', 'zh_HK.Big5', 'ZH-tw', 'zh-Hant-MY']) {
      expect(resolveLanguage(null, [tag]), tag).toBe('zh-TW')
    }
  })
  it('skips a language it cannot serve and takes the next preference', () => {
    expect(resolveLanguage(null, ['fr-FR', 'zh-TW', 'en'])).toBe('zh-TW')
    expect(resolveLanguage(null, ['zh-CN', 'zh-TW'])).toBe('zh-TW')
    expect(resolveLanguage(null, ['ja', 'en-GB', 'zh-TW'])).toBe('en')
  })
  it('picks an Intl locale', () => {
    expect(localeFor('zh-TW', ['en-US'])).toBe('zh-TW')
    expect(localeFor('en', ['en-GB'])).toBe('en-GB')
    expect(localeFor('en', ['zh-TW'])).toBe('en-US')
  })
})
