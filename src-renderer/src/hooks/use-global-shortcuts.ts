import { useEffect } from 'react'
import { useStatus } from '../stores/status-store'

/** Ctrl+S / Cmd+S anywhere syncs now (and never opens the browser's "Save page"). */
export function useGlobalShortcuts(): void {
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if ((e.ctrlKey || e.metaKey) && !e.altKey && !e.shiftKey && e.key.toLowerCase() === 's') {
        e.preventDefault()
        if (!e.repeat) void useStatus.getState().syncNow()
      }
    }
    window.addEventListener('keydown', onKey)
    return () => window.removeEventListener('keydown', onKey)
  }, [])
}
