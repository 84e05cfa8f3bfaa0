import { useEffect } from 'react'
import { useT } from '../i18n/use-t'
import { useLanguage } from '../stores/language-store'

/** Keeps <html lang> and the window title in the UI language (screen readers pick voices by lang). */
export function useDocumentLanguage(): void {
  const language = useLanguage((s) => s.language)
  const t = useT()
  useEffect(() => {
    document.documentElement.lang = language
    document.title = t('app.title')
  }, [language, t])
}
