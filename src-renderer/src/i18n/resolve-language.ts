import type { Language } from '../../../src-shared/contract'

/**
 * The one language resolver, for the renderer (navigator.languages) and the
 * Electron shell (app.getPreferredSystemLanguages / getLocale), so the tray
 * and the window always agree.
 *
 * The saved setting wins. Otherwise the first preferred language we can
 * serve: Chinese in Traditional script (zh-Hant*, zh-TW, zh-HK, zh-MO, and
 * bare "zh") gets zh-TW; Chinese in Simplified script (zh-Hans*, zh-CN,
 * zh-SG, zh-MY) is skipped, as is anything else we have no catalogue for,
 * so a later preference can still match; English is the fallback.
 * Tags are accepted in BCP 47 ("zh-TW") and POSIX ("zh_TW.UTF-8") form.
 */
export function resolveLanguage(preference: string | null | undefined, preferred: readonly (string | null | undefined)[]): Language {
  if (preference === 'en' || preference === 'zh-TW') return preference
  for (const raw of preferred) {
    const tag = normalizeTag(raw)
    if (tag === null) continue
    const [lang, ...rest] = tag.split('-')
    if (lang === 'en') return 'en'
    if (lang !== 'zh') continue
    if (rest.length === 0 || rest.includes('hant')) return 'zh-TW'
    if (rest.includes('hans')) continue
    const region = rest.find((p) => /^[a-z]{2}$/.test(p))
    if (region === undefined || TRADITIONAL_REGIONS.has(region)) return 'zh-TW'
  }
  return 'en'
}

const TRADITIONAL_REGIONS: ReadonlySet<string> = new Set(['tw', 'hk', 'mo'])

/** "zh_TW.UTF-8@euro" → "zh-tw"; empty and "C"/"POSIX" → null. */
function normalizeTag(raw: string | null | undefined): string | null {
  if (!raw) return null
  const tag = raw.split(/[.@]/)[0]!.replace(/_/g, '-').toLowerCase().trim()
  if (tag === '' || tag === 'c' || tag === 'posix') return null
  return tag
}

/** The Intl locale for dates and money: the preferred English variant when there is one. */
export function localeFor(language: Language, preferred: readonly string[]): string {
  if (language === 'zh-TW') return 'zh-TW'
  const english = preferred.map((l) => l.split(/[.@]/)[0]!.replace(/_/g, '-')).find((l) => /^en(-|$)/i.test(l))
  return english ?? 'en-US'
}
