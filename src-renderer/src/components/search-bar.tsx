import { useEffect, useState, type ReactElement } from 'react'
import { useT } from '../i18n/use-t'
import { useOrders } from '../stores/orders-store'

const SEARCH_DEBOUNCE_MS = 150

/** Search as you type over customer, item names and note; Escape clears it. */
export function SearchBar(): ReactElement {
  const t = useT()
  const setFilter = useOrders((s) => s.setFilter)
  // Coming back to the list keeps the search that is still in force.
  const [text, setText] = useState(() => useOrders.getState().filter.q ?? '')
  useEffect(() => {
    const timer = setTimeout(() => {
      const { filter } = useOrders.getState()
      const q = text.trim()
      if ((filter.q ?? '') !== q) {
        const { q: _old, ...rest } = filter
        setFilter(q ? { ...rest, q } : rest)
      }
    }, SEARCH_DEBOUNCE_MS)
    return () => clearTimeout(timer)
  }, [text, setFilter])
  return (
    <input
      type="search"
      className="order-search"
      data-testid="order-search"
      aria-label={t('find.search')}
      placeholder={t('find.search')}
      value={text}
      maxLength={200}
      onChange={(e) => setText(e.target.value)}
      onKeyDown={(e) => {
        if (e.key === 'Escape' && text !== '') {
          e.preventDefault()
          setText('')
        }
      }}
    />
  )
}
