import { create } from 'zustand'
import type { Language } from '../../../src-shared/contract'
import { localeFor, resolveLanguage } from '../i18n/translate'

interface LanguageState {
  /** The saved setting; null follows the browser/OS. */
  preference: Language | null
  language: Language
  /** The Intl locale for money and dates. */
  locale: string
  setPreference(preference: Language | null): void
}

function browserLanguages(): readonly string[] {
  if (typeof navigator === 'undefined') return []
  return navigator.languages?.length ? navigator.languages : [navigator.language]
}

function resolved(preference: Language | null): Pick<LanguageState, 'preference' | 'language' | 'locale'> {
  const language = resolveLanguage(preference, browserLanguages())
  return { preference, language, locale: localeFor(language, browserLanguages()) }
}

export const useLanguage = create<LanguageState>()((set) => ({
  ...resolved(null),
  setPreference: (preference) => set(resolved(preference)),
}))
