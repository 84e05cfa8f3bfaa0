/**
 * The core's fetch in the Electron shell: `net.fetch` (system proxy and
 * certificate store) with redirects never followed. Whatever the caller asks
 * for, `redirect` is forced to 'manual', so a batch and the bearer token are
 * never re-sent to wherever a hostile or misconfigured server points; the 3xx
 * comes back to the API client, which treats it as a bad response. The
 * redirect's own body is dropped unread.
 */
import type { FetchLike } from '../core/sync/api-client'

/** `net.fetch`'s shape, as far as the core uses it. */
export type NetFetch = (input: string, init: RequestInit) => Promise<Response>

/** Stands for a redirect whose code the fetch hid (an `opaqueredirect`, status 0). */
export const HIDDEN_REDIRECT_STATUS = 300

export function isRedirect(response: Pick<Response, 'status' | 'type'>): boolean {
  return response.type === 'opaqueredirect' || (response.status >= 300 && response.status < 400)
}

export function noRedirectFetch(netFetch: NetFetch): FetchLike {
  return async (input, init) => {
    const response = await netFetch(input, { ...init, redirect: 'manual' })
    if (!isRedirect(response)) return response
    void response.body?.cancel().catch(() => undefined)
    const status = response.status >= 300 && response.status < 400 ? response.status : HIDDEN_REDIRECT_STATUS
    return new Response(null, { status, statusText: 'Redirect not followed', headers: response.headers })
  }
}
