import type { z } from 'zod'
import type { FieldError } from '../../src-shared/contract'
import { OutpostError } from './errors'

/** Turns zod's issues into the contract's field errors (i18n codes, dotted paths). */
export function zodIssuesToFieldErrors(issues: readonly z.core.$ZodIssue[]): FieldError[] {
  return issues.slice(0, 50).map((issue): FieldError => {
    const field = issue.path.map(String).join('.') || '(input)'
    switch (issue.code) {
      case 'unrecognized_keys':
        return { field: [field === '(input)' ? '' : field, issue.keys[0] ?? ''].filter(Boolean).join('.'), code: 'unknown_key', message: `Unexpected field: ${issue.keys.slice(0, 3).join(', ').slice(0, 100)}` }
      case 'too_big':
        return { field, code: 'too_big', message: `Too large.`, params: { max: Number(issue.maximum) } }
      case 'too_small':
        return { field, code: 'too_small', message: `Too small.`, params: { min: Number(issue.minimum) } }
      case 'invalid_type':
        return { field, code: 'invalid_type', message: `Expected ${issue.expected}.` }
      default:
        return { field, code: 'invalid_value', message: 'Invalid value.' }
    }
  })
}

/** Parses `raw` with `schema` or throws a `validation_failed` OutpostError. */
export function parseOrThrow<S extends z.ZodType>(schema: S, raw: unknown): z.output<S> {
  const r = schema.safeParse(raw)
  if (r.success) return r.data
  throw new OutpostError('validation_failed', 'Invalid request.', { fields: zodIssuesToFieldErrors(r.error.issues) })
}
