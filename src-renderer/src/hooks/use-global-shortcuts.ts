import { useEffect } from 'react'
import { useStatus } from '../stores/status-store'
import { trySaveShortcut } from './save-shortcut'

/**
 * Ctrl+S / Cmd+S saves the order being typed (which also sends it at once
 * when online); with nothing to save it syncs now. Never the browser's "Save page".
 */
export function useGlobalShortcuts(): void {
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if ((e.ctrlKey || e.metaKey) && !e.altKey && !e.shiftKey && e.key.toLowerCase() === 's') {
        e.preventDefault()
        if (e.repeat) return
        if (!trySaveShortcut()) void useStatus.getState().syncNow()
      }
    }
    window.addEventListener('keydown', onKey)
    return () => window.removeEventListener('keydown', onKey)
  }, [])
}
