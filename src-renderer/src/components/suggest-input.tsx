import { useEffect, useId, useRef, useState, type InputHTMLAttributes, type KeyboardEvent, type ReactElement } from 'react'
import type { ItemSuggestion } from '../../../src-shared/contract'
import { formatMinor, formatMinorForInput } from '../../../src-shared/money'
import { call } from '../api'
import { formatMoney } from '../format/money'
import { useLocale } from '../i18n/use-t'

export interface Suggestion<T> {
  key: string
  label: string
  detail?: string
  value: T
}

/** Typing pauses this long before asking main, so a burst of keys makes one query. */
const SUGGEST_DEBOUNCE_MS = 120
const SUGGEST_LIMIT = 8

type InputProps = Omit<InputHTMLAttributes<HTMLInputElement>, 'value' | 'onChange' | 'onKeyDown' | 'onBlur' | 'role'> & {
  'data-testid': string
}

/**
 * A text input with suggestions from history under it: ArrowDown/ArrowUp
 * move through them, Enter takes the highlighted one (with none highlighted
 * Enter still submits the form), Escape closes the list, a click takes one.
 */
export function SuggestInput<T>(props: {
  inputProps: InputProps
  value: string
  onChange: (value: string) => void
  load: (prefix: string) => Promise<Suggestion<T>[]>
  onPick: (s: Suggestion<T>) => void
  listLabel: string
}): ReactElement {
  const { inputProps, value, onChange, load, onPick, listLabel } = props
  const listId = useId()
  const [items, setItems] = useState<Suggestion<T>[]>([])
  const [open, setOpen] = useState(false)
  const [active, setActive] = useState(-1)
  // Only what the person typed asks for suggestions (not a value just picked or reset).
  const [query, setQuery] = useState<string | null>(null)
  const seq = useRef(0)
  const loadRef = useRef(load)
  loadRef.current = load

  useEffect(() => {
    if (query === null) return
    const prefix = query.trim()
    const mine = ++seq.current
    if (prefix === '') {
      setItems([])
      return
    }
    const timer = setTimeout(() => {
      void loadRef.current(prefix).then((found) => {
        // A slower answer to an older prefix must not replace a newer one.
        if (mine !== seq.current) return
        setItems(found)
        setActive(-1)
      })
    }, SUGGEST_DEBOUNCE_MS)
    return () => clearTimeout(timer)
  }, [query])

  // Nothing to suggest when the only entry is exactly what is already there.
  const shown = items.length === 1 && items[0]?.label === value ? [] : items
  const expanded = open && shown.length > 0

  const pick = (s: Suggestion<T>) => {
    seq.current++
    setQuery(null)
    setOpen(false)
    setItems([])
    setActive(-1)
    onPick(s)
  }

  const onKeyDown = (e: KeyboardEvent<HTMLInputElement>) => {
    if (!expanded) {
      if (e.key === 'ArrowDown' && shown.length > 0) {
        e.preventDefault()
        setOpen(true)
        setActive(0)
      }
      return
    }
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault()
      const last = shown.length - 1
      const down = e.key === 'ArrowDown'
      setActive((a) => (down ? (a >= last ? 0 : a + 1) : a <= 0 ? last : a - 1))
    } else if (e.key === 'Enter' && active >= 0 && active < shown.length) {
      e.preventDefault()
      const s = shown[active]
      if (s) pick(s)
    } else if (e.key === 'Escape') {
      e.preventDefault()
      e.stopPropagation()
      setOpen(false)
      setActive(-1)
    }
  }

  return (
    <div className="suggest">
      <input
        {...inputProps}
        role="combobox"
        aria-autocomplete="list"
        aria-expanded={expanded}
        aria-controls={listId}
        aria-activedescendant={expanded && active >= 0 ? `${listId}-${active}` : undefined}
        value={value}
        onChange={(e) => {
          onChange(e.target.value)
          setQuery(e.target.value)
          setOpen(true)
        }}
        onKeyDown={onKeyDown}
        onBlur={() => setOpen(false)}
      />
      {expanded ? (
        <ul className="suggestions" id={listId} role="listbox" aria-label={listLabel}>
          {shown.map((s, i) => (
            <li
              key={s.key}
              id={`${listId}-${i}`}
              role="option"
              aria-selected={i === active}
              className={i === active ? 'active' : undefined}
              data-testid="suggestion"
              // Mouse down, not click: the input would lose focus (and close the list) first.
              onMouseDown={(e) => {
                e.preventDefault()
                pick(s)
              }}
            >
              <span>{s.label}</span>
              {s.detail ? <span className="muted">{s.detail}</span> : null}
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  )
}

/** Previous customers starting with what was typed (main's indexed customer table). */
export async function loadCustomerSuggestions(prefix: string): Promise<Suggestion<string>[]> {
  const r = await call('suggestCustomers', { prefix, limit: SUGGEST_LIMIT })
  return r.ok ? r.value.map((c) => ({ key: c, label: c, value: c })) : []
}

/** Previous items with their last price (main's indexed item table). */
export function useItemSuggestions(): (prefix: string) => Promise<Suggestion<ItemSuggestion>[]> {
  const locale = useLocale()
  return async (prefix) => {
    const r = await call('suggestItems', { prefix, limit: SUGGEST_LIMIT })
    if (!r.ok) return []
    return r.value.map((it) => ({
      key: `${it.name}|${it.currency}`,
      label: it.name,
      detail: it.unitPriceMinor === null ? undefined : formatMoney(it.unitPriceMinor, it.currency, locale),
      value: it,
    }))
  }
}

/** The price field's text for a picked item, when its last price is in the order's currency. */
export function priceTextFor(item: ItemSuggestion, orderCurrency: string, locale?: string): string | null {
  if (item.unitPriceMinor === null || item.currency !== orderCurrency) return null
  // In the locale the form reads prices in, so "1,500" KWD in de-DE is not read as 1500.
  return locale === undefined ? formatMinor(item.unitPriceMinor, item.currency) : formatMinorForInput(item.unitPriceMinor, item.currency, locale)
}
