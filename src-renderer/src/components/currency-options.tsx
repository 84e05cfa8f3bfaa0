import { useMemo, type ReactElement } from 'react'
import { useLocale } from '../i18n/use-t'

const COMMON = ['USD', 'TWD', 'EUR', 'GBP', 'JPY', 'CNY', 'HKD', 'SGD', 'AUD', 'CAD', 'KRW', 'CHF']

/** Suggestions for a currency input: common codes first, then every code Intl knows, with local names. */
export function CurrencyOptions({ id }: { id: string }): ReactElement {
  const locale = useLocale()
  const options = useMemo(() => {
    let names: Intl.DisplayNames | null = null
    try {
      names = new Intl.DisplayNames([locale], { type: 'currency' })
    } catch {
      names = null
    }
    const all = typeof Intl.supportedValuesOf === 'function' ? Intl.supportedValuesOf('currency') : []
    const codes = [...COMMON, ...all.filter((c) => !COMMON.includes(c))]
    return codes.map((code) => ({ code, name: names?.of(code) ?? code }))
  }, [locale])
  return (
    <datalist id={id}>
      {options.map((o) => (
        <option key={o.code} value={o.code}>
          {o.name}
        </option>
      ))}
    </datalist>
  )
}
