import type { AppError, ErrorCode, FieldError } from '../../src-shared/contract'

/**
 * An error meant for the user: it carries an i18n code, never a stack. Anything
 * else thrown inside a handler is logged and reported as `internal`.
 */
export class OutpostError extends Error {
  readonly code: ErrorCode
  readonly params: Record<string, string | number> | undefined
  readonly fields: FieldError[] | undefined

  constructor(
    code: ErrorCode,
    message: string,
    extra: { params?: Record<string, string | number>; fields?: FieldError[] } = {},
  ) {
    super(message)
    this.name = 'OutpostError'
    this.code = code
    this.params = extra.params
    this.fields = extra.fields
  }

  toAppError(): AppError {
    const error: AppError = { code: this.code, message: this.message }
    if (this.params) error.params = this.params
    if (this.fields) error.fields = this.fields
    return error
  }
}
