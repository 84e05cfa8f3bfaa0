import { IntlMessageFormat } from 'intl-messageformat'
import type { Language } from '../../../src-shared/contract'
import { en, type MessageKey } from './en'
import { zhTW } from './zh-TW'

export type { MessageKey }
export { localeFor, resolveLanguage } from './resolve-language'
export type Params = Readonly<Record<string, string | number>>
export type Translate = (key: MessageKey, params?: Params) => string

/** A message not yet rendered, so toasts re-render when the language changes. */
export interface Translatable {
  key: MessageKey
  params?: Params
}

/** One catalogue per language: key → ICU MessageFormat text (plurals, numbers). */
export const dictionaries: Readonly<Record<Language, Readonly<Record<MessageKey, string>>>> = {
  en,
  'zh-TW': zhTW,
}

/** Renders a message kept untranslated (a toast, an error from main). */
export function translateMessage(t: Translate, message: Translatable): string {
  return t(message.key, message.params)
}

// The parts of the ICU AST this file reads (see @formatjs/icu-messageformat-parser's TYPE).
interface AstNode {
  type: number
  value?: unknown
  options?: Record<string, { value: AstNode[] }>
  children?: AstNode[]
}
const LITERAL = 0
const POUND = 7
const TAG = 8

const ARGUMENT = 1

/** Each argument a message uses, and whether it is only ever a plain {name} (not a plural, select or number). */
const argumentCache = new Map<string, Map<string, boolean>>()
function argumentsOf(template: string): Map<string, boolean> {
  const cached = argumentCache.get(template)
  if (cached) return cached
  const plain = new Map<string, boolean>()
  const walk = (nodes: readonly AstNode[]) => {
    for (const n of nodes) {
      if (n.type !== LITERAL && n.type !== POUND && n.type !== TAG && typeof n.value === 'string') {
        plain.set(n.value, (plain.get(n.value) ?? true) && n.type === ARGUMENT)
      }
      if (n.options) for (const o of Object.values(n.options)) walk(o.value)
      if (n.children) walk(n.children)
    }
  }
  walk(new IntlMessageFormat(template, 'en').getAst() as unknown as AstNode[])
  argumentCache.set(template, plain)
  return plain
}

/** The argument names a message uses ({count}, {count, plural, …}), sorted, each once. */
export function placeholdersOf(template: string): string[] {
  return [...argumentsOf(template).keys()].sort()
}

const numberFormats = new Map<string, Intl.NumberFormat>()
function groupNumber(n: number, locale: string): string {
  let f = numberFormats.get(locale)
  if (!f) {
    f = new Intl.NumberFormat(locale)
    numberFormats.set(locale, f)
  }
  return f.format(n)
}

const compiled = new Map<string, IntlMessageFormat>()
function formatter(template: string, locale: string): IntlMessageFormat {
  const id = `${locale}\u0000${template}`
  let f = compiled.get(id)
  if (!f) {
    f = new IntlMessageFormat(template, locale)
    compiled.set(id, f)
  }
  return f
}

/**
 * Renders an ICU message: plural rules of the locale, numbers grouped for it
 * ("1,000,000"). A missing param is shown as {name}, to be noticed, rather
 * than throwing in the middle of a render.
 */
export function formatMessage(template: string, params: Params | undefined, locale: string): string {
  const values: Record<string, string | number> = {}
  for (const [name, plain] of argumentsOf(template)) {
    const value = params?.[name]
    // ICU prints a plain {n} with String(); people read "1,234".
    values[name] = value === undefined ? `{${name}}` : plain && typeof value === 'number' ? groupNumber(value, locale) : value
  }
  const out = formatter(template, locale).format(values)
  return typeof out === 'string' ? out : String(out)
}


export function makeTranslate(language: Language, locale: string): Translate {
  const dict = dictionaries[language]
  return (key, params) => formatMessage(dict[key] ?? en[key], params, locale)
}
