import { describe, expect, it } from 'vitest'
import { resolveLanguage } from '../../src-renderer/src/i18n/resolve-language'
import { pickShellLanguage, shellStrings } from './shell-strings'

describe('shell strings', () => {
  it('the tray and the window pick the same language for every locale', () => {
    // zh-MY and zh_TW used to give a zh-TW tray next to an English window.
    for (const locale of ['zh-MY', 'zh_TW', 'zh_TW.UTF-8', 'zh-SG', 'zh-CN', 'zh-HK', 'zh-Hant-MY', 'zh', 'en-GB', 'fr', '']) {
      expect(pickShellLanguage(null, locale), locale).toBe(resolveLanguage(null, [locale]))
    }
    expect(pickShellLanguage(null, 'zh_TW')).toBe('zh-TW')
    expect(pickShellLanguage(null, 'zh-MY')).toBe('en')
    expect(pickShellLanguage(null, ['fr-FR', 'zh-TW'])).toBe('zh-TW')
  })

  it('counts with real plurals in both languages', () => {
    expect(shellStrings.en.trayWaiting(1)).toBe('Outpost · 1 order waiting to sync')
    expect(shellStrings.en.trayWaiting(2)).toBe('Outpost · 2 orders waiting to sync')
    expect(shellStrings.en.quitQuestion(1)).toBe('1 order has not been sent yet.')
    expect(shellStrings.en.deadBody(0)).toBe('The server refused 0 orders. Open Outpost to retry or discard them.')
    expect(shellStrings['zh-TW'].trayWaiting(1)).toBe('Outpost · 1 筆訂單等待同步')
    expect(shellStrings['zh-TW'].quitSending(3, 10)).toBe('Outpost · 結束前正在送出第 3 / 10 筆…')
    expect(shellStrings.en.aboutDetail({ version: '1.0.0', electron: '33', dataDir: '/d' })).toBe('Version 1.0.0\nElectron 33\nData: /d')
  })
})
