import type { ErrorCode } from '../../../src-shared/contract'
import { en } from './en'
import { fieldErrorWordsFor } from './field-error-words'
import { placeholdersOf, type MessageKey, type Params, type Translatable } from './translate'

const plainKeys: Partial<Record<ErrorCode, MessageKey>> = {
  too_short: 'errorsPlain.too_short',
  too_long: 'errorsPlain.too_long',
  too_small: 'errorsPlain.too_small',
  too_big: 'errorsPlain.too_big',
  too_many_decimals: 'errorsPlain.too_many_decimals',
}

/**
 * The message for an error code from main. Main may omit the params a text
 * needs (e.g. "order total too large" has no max), and a price's max is in
 * minor units, which would mislead a person: both get the plain wording.
 */
export function errorMessage(error: { code: ErrorCode; params?: Params | undefined }, field?: string): Translatable {
  const words = field === undefined ? null : fieldErrorWordsFor(field, error.code)
  if (words) return { key: words }
  const key: MessageKey = `errors.${error.code}`
  const params = error.params ?? {}
  const plain = plainKeys[error.code]
  const inMinorUnits = field !== undefined && /(^|\.)unitPrice$/.test(field) && error.code === 'too_big'
  const complete = placeholdersOf(en[key]).every((name) => params[name] !== undefined)
  if (plain && (inMinorUnits || !complete)) return { key: plain }
  return { key, params }
}
