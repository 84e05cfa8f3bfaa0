import type { ReactElement } from 'react'
import type { FieldError } from '../../../src-shared/contract'
import { errorMessage } from '../i18n/error-message'
import { translateMessage } from '../i18n/translate'
import { useT } from '../i18n/use-t'
import { Icon } from './icons'

/** The id an input points its aria-describedby at. */
export function errorIdFor(domId: string): string {
  return `${domId}-error`
}

/** One field's error, next to it; `data-field` is the error's path as main reported it. */
export function FieldErrorText(props: {
  error: FieldError | undefined
  domId: string
  /** Names the field when the error is not right under it (line items share one error row). */
  fieldLabel?: string
}): ReactElement | null {
  const { error, domId, fieldLabel } = props
  const t = useT()
  if (!error) return null
  const text = translateMessage(t, errorMessage(error, error.field))
  return (
    <p id={errorIdFor(domId)} className="field-error" data-testid="field-error" data-field={error.field}>
      <Icon name="warning" />
      <span>{fieldLabel ? t('form.errorFor', { field: fieldLabel, message: text }) : text}</span>
    </p>
  )
}

/** First error per field path, in the order main reported them. */
export function indexFieldErrors(errors: readonly FieldError[]): Map<string, FieldError> {
  const map = new Map<string, FieldError>()
  for (const e of errors) if (!map.has(e.field)) map.set(e.field, e)
  return map
}

/** aria wiring for an input whose error (if any) is rendered by FieldErrorText with the same domId. */
export function invalidProps(error: FieldError | undefined, domId: string, describedBy?: string) {
  const ids = [error ? errorIdFor(domId) : undefined, describedBy].filter(Boolean).join(' ')
  return {
    id: domId,
    'aria-invalid': error ? (true as const) : undefined,
    'aria-describedby': ids === '' ? undefined : ids,
  }
}
