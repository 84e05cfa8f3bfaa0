/**
 * Ctrl/Cmd+S: "save what I am typing" when the order form holds unsaved
 * content, otherwise "Sync now". The form registers how to save; the global
 * shortcut asks it first. One place, so the shortcut cannot mean two things.
 */
type SaveHandler = () => boolean

let handler: SaveHandler | null = null

/** The form's hook: returns true when it took the shortcut (it had content and saved). */
export function registerSaveHandler(next: SaveHandler): () => void {
  handler = next
  return () => {
    if (handler === next) handler = null
  }
}

export function trySaveShortcut(): boolean {
  return handler?.() ?? false
}

/** How the shortcut is written on this platform, for tooltips. */
export function saveShortcutLabel(): string {
  const mac = typeof navigator !== 'undefined' && /Mac|iPhone|iPad/.test(navigator.platform || navigator.userAgent)
  return mac ? '⌘S' : 'Ctrl+S'
}
