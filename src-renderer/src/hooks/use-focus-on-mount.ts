import { useEffect, type RefObject } from 'react'

/** Moves focus to a view's heading when the view opens, so keyboard and screen-reader users land in it. */
export function useFocusOnMount(ref: RefObject<HTMLElement | null>): void {
  useEffect(() => {
    ref.current?.focus({ preventScroll: true })
  }, [ref])
}
