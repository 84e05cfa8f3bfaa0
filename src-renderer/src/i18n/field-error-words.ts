import type { ErrorCode } from '../../../src-shared/contract'
import type { MessageKey } from './translate'

/**
 * Order-form errors in a shopkeeper's words ("Add at least one item", not
 * "Too short: at least 1"): a field path pattern and an error code from main
 * map to a sentence that needs no params. First match wins; anything not
 * listed keeps the generic errors.<code> text.
 */
export const fieldErrorWords: readonly { field: RegExp; code: ErrorCode; key: MessageKey }[] = [
  { field: /^items$/, code: 'too_short', key: 'fieldWords.itemsEmpty' },
  { field: /^customer$/, code: 'required', key: 'fieldWords.customerRequired' },
  { field: /^items\.\d+\.name$/, code: 'required', key: 'fieldWords.itemNameRequired' },
  { field: /^items\.\d+\.quantity$/, code: 'too_many_decimals', key: 'fieldWords.quantityInvalid' },
  { field: /^items\.\d+\.quantity$/, code: 'invalid_type', key: 'fieldWords.quantityInvalid' },
  { field: /^items\.\d+\.quantity$/, code: 'too_small', key: 'fieldWords.quantityZero' },
  { field: /^items\.\d+\.unitPrice$/, code: 'invalid_number', key: 'fieldWords.priceInvalid' },
  { field: /^items\.\d+\.unitPrice$/, code: 'required', key: 'fieldWords.priceInvalid' },
  { field: /^items\.\d+\.unitPrice$/, code: 'ambiguous_number', key: 'fieldWords.priceAmbiguous' },
]

export function fieldErrorWordsFor(field: string, code: ErrorCode): MessageKey | null {
  return fieldErrorWords.find((w) => w.code === code && w.field.test(field))?.key ?? null
}
