import { useMemo } from 'react'
import { useLanguage } from '../stores/language-store'
import { makeTranslate, type Translate } from './translate'

/** `t` bound to the current language; components re-render when it changes. */
export function useT(): Translate {
  const language = useLanguage((s) => s.language)
  const locale = useLanguage((s) => s.locale)
  return useMemo(() => makeTranslate(language, locale), [language, locale])
}

export function useLocale(): string {
  return useLanguage((s) => s.locale)
}
