import type { AppError } from '../../src-shared/contract'

/** The renderer's one way to say "the host failed us": an `internal` Result the UI shows in plain words. */
export function internalError(message: string): { ok: false; error: AppError } {
  return { ok: false, error: { code: 'internal', message } }
}
