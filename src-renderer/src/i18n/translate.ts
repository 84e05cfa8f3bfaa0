import type { Language } from '../../../src-preload/contract'
import { en, type MessageKey } from './en'
import { zhTW } from './zh-TW'

export type { MessageKey }
export type Params = Readonly<Record<string, string | number>>
export type Translate = (key: MessageKey, params?: Params) => string

/** A message not yet rendered, so toasts re-render when the language changes. */
export interface Translatable {
  key: MessageKey
  params?: Params
}

export const dictionaries: Readonly<Record<Language, Readonly<Record<MessageKey, string>>>> = {
  en,
  'zh-TW': zhTW,
}

/** Renders a message kept untranslated (a toast, an error from main). */
export function translateMessage(t: Translate, message: Translatable): string {
  return t(message.key, message.params)
}

const PLACEHOLDER = /\{(\w+)\}/g

/** The {placeholder} names a template uses, for the completeness test and for error params. */
export function placeholdersOf(template: string): string[] {
  return [...template.matchAll(PLACEHOLDER)].map((m) => m[1] ?? '').sort()
}

/** Numbers are grouped for the locale ("1,000,000"); a missing param stays visible as {name} to be noticed. */
export function interpolate(template: string, params: Params | undefined, locale: string): string {
  if (!params) return template
  return template.replace(PLACEHOLDER, (whole, name: string) => {
    const value = params[name]
    if (value === undefined) return whole
    return typeof value === 'number' ? new Intl.NumberFormat(locale).format(value) : value
  })
}

export function makeTranslate(language: Language, locale: string): Translate {
  const dict = dictionaries[language]
  return (key, params) => interpolate(dict[key] ?? en[key], params, locale)
}

/**
 * The UI language: the saved setting if any, else the first browser language
 * we can serve. Chinese in Traditional script (zh, zh-TW, zh-HK, zh-MO,
 * zh-Hant*) gets zh-TW; Simplified Chinese and everything else gets English.
 */
export function resolveLanguage(preference: Language | null, browserLanguages: readonly string[]): Language {
  if (preference) return preference
  for (const raw of browserLanguages) {
    const tag = raw.toLowerCase()
    if (tag === 'zh' || tag.startsWith('zh-hant') || /^zh-(tw|hk|mo)\b/.test(tag)) return 'zh-TW'
    if (tag.startsWith('zh')) return 'en'
    if (tag === 'en' || tag.startsWith('en-')) return 'en'
  }
  return 'en'
}

/** The Intl locale for dates and money: the browser's own English variant when it has one. */
export function localeFor(language: Language, browserLanguages: readonly string[]): string {
  if (language === 'zh-TW') return 'zh-TW'
  const english = browserLanguages.find((l) => /^en(-|$)/i.test(l))
  return english ?? 'en-US'
}
