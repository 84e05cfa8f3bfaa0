export { minorDigits, parseMajorUnits, type ParsedAmount } from '../../../src-shared/money'

let known: Set<string> | undefined
function knownCurrencies(): Set<string> {
  known ??= new Set(Intl.supportedValuesOf('currency'))
  return known
}

export function isCurrency(code: string): boolean {
  return /^[A-Z]{3}$/.test(code) && knownCurrencies().has(code)
}
