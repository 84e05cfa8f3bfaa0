import type { SyncStatus } from '../../../src-shared/contract'
import { en } from '../i18n/en'
import { placeholdersOf, type MessageKey, type Translatable } from '../i18n/translate'

type SyncError = NonNullable<SyncStatus['lastError']>

/** The translated headline for the last sync error (`syncError.<code>`), with its HTTP status where the text has room for it. */
export function syncErrorMessage(error: Pick<SyncError, 'code' | 'httpStatus'>): Translatable {
  const key: MessageKey = `syncError.${error.code}`
  return { key, params: { status: error.httpStatus ?? '—' } }
}

/** Whether the headline already names the HTTP status (so it need not be repeated beside it). */
export function syncErrorShowsStatus(error: Pick<SyncError, 'code' | 'httpStatus'>): boolean {
  return error.httpStatus !== null && placeholdersOf(en[`syncError.${error.code}`]).includes('status')
}
