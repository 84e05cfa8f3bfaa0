import { describe, expect, it } from 'vitest'
import { errorCodes, SyncErrorCode } from '../../../src-preload/contract'
import { syncErrorMessage, syncErrorShowsStatus } from '../sync/sync-error'
import { en } from './en'
import { errorMessage } from './error-message'
import { dictionaries, interpolate, localeFor, makeTranslate, placeholdersOf, resolveLanguage, translateMessage } from './translate'
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
    expect(interpolate('{count} waiting', { count: 1234 }, 'en-US')).toBe('1,234 waiting')
    expect(interpolate('Hi {name}', { name: 'Ann' }, 'en-US')).toBe('Hi Ann')
  })
  it('leaves an unfilled placeholder visible', () => {
    expect(interpolate('at most {max}', {}, 'en-US')).toBe('at most {max}')
  })
  it('translates by language', () => {
    expect(makeTranslate('en', 'en-US')('nav.orders')).toBe('Orders')
    expect(makeTranslate('zh-TW', 'zh-TW')('nav.orders')).toBe('訂單')
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
    for (const tag of ['en-US', 'en-GB', 'zh-CN', 'zh-Hans', 'fr-FR', 'ja']) {
      expect(resolveLanguage(null, [tag])).toBe('en')
    }
    expect(resolveLanguage(null, [])).toBe('en')
  })
  it('picks an Intl locale', () => {
    expect(localeFor('zh-TW', ['en-US'])).toBe('zh-TW')
    expect(localeFor('en', ['en-GB'])).toBe('en-GB')
    expect(localeFor('en', ['zh-TW'])).toBe('en-US')
  })
})
