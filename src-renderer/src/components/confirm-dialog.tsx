import { useEffect, useRef, type ReactElement, type ReactNode } from 'react'

/**
 * A modal confirmation on the native <dialog>: showModal() makes the rest of
 * the page inert (focus stays inside) and Escape cancels. Focus returns to
 * whatever opened it, or to `fallbackFocus` if that is gone.
 */
export function ConfirmDialog(props: {
  title: string
  children: ReactNode
  confirmLabel: string
  cancelLabel: string
  onConfirm: () => void
  onCancel: () => void
  fallbackFocus?: () => HTMLElement | null
}): ReactElement {
  const { title, children, confirmLabel, cancelLabel, onConfirm, onCancel, fallbackFocus } = props
  const ref = useRef<HTMLDialogElement>(null)
  const cancelRef = useRef<HTMLButtonElement>(null)

  useEffect(() => {
    const dialog = ref.current
    const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null
    if (dialog && !dialog.open) dialog.showModal()
    // The safe choice has focus, so a stray Enter does not discard.
    cancelRef.current?.focus()
    return () => {
      if (dialog?.open) dialog.close()
      const target = opener?.isConnected ? opener : (fallbackFocus?.() ?? null)
      // After React has finished removing the dialog.
      requestAnimationFrame(() => target?.focus())
    }
    // Runs once per opening; the callbacks do not re-open it.
    // oxlint-disable-next-line react-hooks/exhaustive-deps
  }, [])

  return (
    <dialog
      ref={ref}
      className="dialog"
      data-testid="confirm-dialog"
      aria-labelledby="confirm-dialog-title"
      aria-describedby="confirm-dialog-body"
      onCancel={(e) => {
        // Escape: let React unmount it rather than the browser closing it under us.
        e.preventDefault()
        onCancel()
      }}
    >
      <h2 id="confirm-dialog-title">{title}</h2>
      <div id="confirm-dialog-body">{children}</div>
      <div className="dialog-actions">
        <button ref={cancelRef} type="button" className="secondary" data-testid="confirm-no" onClick={onCancel}>
          {cancelLabel}
        </button>
        <button type="button" className="danger" data-testid="confirm-yes" onClick={onConfirm}>
          {confirmLabel}
        </button>
      </div>
    </dialog>
  )
}
