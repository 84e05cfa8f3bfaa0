import { useEffect, useRef } from 'react'

/**
 * Calls `onEscape` for an Escape press that nothing closer handled: popovers
 * and dialogs call preventDefault on their own Escape, so one press closes
 * one thing.
 */
export function useEscape(onEscape: () => void, enabled = true): void {
  const handler = useRef(onEscape)
  handler.current = onEscape
  useEffect(() => {
    if (!enabled) return
    const listener = (e: KeyboardEvent) => {
      if (e.key !== 'Escape' || e.defaultPrevented) return
      if (document.querySelector('dialog[open]')) return
      handler.current()
    }
    window.addEventListener('keydown', listener)
    return () => window.removeEventListener('keydown', listener)
  }, [enabled])
}
