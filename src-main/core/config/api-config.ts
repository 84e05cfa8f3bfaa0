import type { FieldError, Settings } from '../../../src-shared/contract'
import type { Logger, SecretBox } from '../core-types'
import { OutpostError } from '../errors'
import type { SettingsRepo } from '../settings/settings-repo'
import type { RelayConfig } from '../sync/relay'

/**
 * Where the API address and token come from, in one place. A flag wins over a
 * stored value, which wins over the environment. An edit in the settings view
 * is the user's latest word, so it replaces the flag for the rest of this run.
 */
export interface ApiValues {
  apiUrl?: string | undefined
  apiToken?: string | undefined
}

/** The one place the environment is read for the API (both CLIs and both shells call it). */
export function apiEnv(env: NodeJS.ProcessEnv = process.env): ApiValues {
  return { apiUrl: env.OUTPOST_API_URL, apiToken: env.OUTPOST_API_TOKEN }
}

export const TOKEN_MAX = 4096

export function blankToNull(v: string | null | undefined): string | null {
  if (v === undefined || v === null) return null
  const t = v.trim()
  return t === '' ? null : t
}

export function isHttpUrl(value: string): boolean {
  try {
    const u = new URL(value)
    return (u.protocol === 'http:' || u.protocol === 'https:') && u.hostname !== ''
  } catch {
    return false
  }
}

/** Scheme, host and port: what a token is bound to. */
export function apiOrigin(url: string | null): string | null {
  if (url === null) return null
  try {
    return new URL(url).origin
  } catch {
    return null
  }
}

// A token goes into an `Authorization` header: printable ASCII only. CR/LF
// would split the header (and every request would fail with a message that
// quotes the token), and anything outside ASCII is not a valid header byte.
const TOKEN_CHARS = /^[\x20-\x7e]+$/

/** The field errors for a token (already trimmed, non-empty); never quotes the token. */
export function tokenProblems(token: string): FieldError[] {
  if (token.length > TOKEN_MAX) return [{ field: 'apiToken', code: 'too_long', message: 'The token is too long.', params: { max: TOKEN_MAX } }]
  if (!TOKEN_CHARS.test(token)) {
    return [{ field: 'apiToken', code: 'invalid_value', message: 'The token may only contain printable ASCII characters (no line breaks).' }]
  }
  return []
}

export function urlProblems(url: string): FieldError[] {
  return isHttpUrl(url) ? [] : [{ field: 'apiUrl', code: 'invalid_url', message: 'Use an http:// or https:// address.' }]
}

/** Flags and environment are checked at start: a clear error that names the source, never the token. */
function checkStartupValues(values: { apiUrl: string | null; apiToken: string | null }, source: 'flag' | 'env'): void {
  const urlName = source === 'flag' ? '--api-url' : 'OUTPOST_API_URL'
  const tokenName = source === 'flag' ? '--api-token' : 'OUTPOST_API_TOKEN'
  if (values.apiUrl !== null && !isHttpUrl(values.apiUrl)) {
    throw new OutpostError('invalid_url', `${urlName}: the API URL must start with http:// or https:// (got "${values.apiUrl.slice(0, 100)}").`)
  }
  if (values.apiToken !== null) {
    const problem = tokenProblems(values.apiToken)[0]
    if (problem) throw new OutpostError('validation_failed', `${tokenName}: ${problem.message}`)
  }
}

/** For a CLI that hands flags on to another process (npm start): the same checks, before anything starts. */
export function checkApiValues(flags: ApiValues, env: ApiValues = {}): void {
  checkStartupValues({ apiUrl: blankToNull(flags.apiUrl), apiToken: blankToNull(flags.apiToken) }, 'flag')
  checkStartupValues({ apiUrl: blankToNull(env.apiUrl), apiToken: blankToNull(env.apiToken) }, 'env')
}

export interface ApiConfigDeps {
  settings: SettingsRepo
  secretBox: SecretBox
  log: Logger
  flags?: ApiValues | undefined
  env?: ApiValues | undefined
}

export class ApiConfig {
  private readonly flags: { apiUrl: string | null; apiToken: string | null }
  private readonly env: { apiUrl: string | null; apiToken: string | null }

  /** Throws `OutpostError` for an invalid flag or environment value. */
  constructor(private readonly deps: ApiConfigDeps) {
    this.flags = { apiUrl: blankToNull(deps.flags?.apiUrl), apiToken: blankToNull(deps.flags?.apiToken) }
    this.env = { apiUrl: blankToNull(deps.env?.apiUrl), apiToken: blankToNull(deps.env?.apiToken) }
    checkStartupValues(this.flags, 'flag')
    checkStartupValues(this.env, 'env')
  }

  url(): { value: string | null; source: Settings['apiUrlSource'] } {
    if (this.flags.apiUrl) return { value: this.flags.apiUrl, source: 'flag' }
    const stored = this.deps.settings.get('apiUrl')
    if (stored) return { value: stored, source: 'stored' }
    if (this.env.apiUrl) return { value: this.env.apiUrl, source: 'env' }
    return { value: null, source: 'none' }
  }

  /** What the relay reads before each batch. */
  relayConfig(): RelayConfig {
    return { apiUrl: this.url().value, token: this.token(), paused: this.deps.settings.get('paused') === 'true' }
  }

  /** The URL in effect once the stored value becomes `stored` (undefined: unchanged). An edit replaces the flag. */
  urlAfterEdit(stored: string | null | undefined): string | null {
    if (stored === undefined) return this.url().value
    return stored ?? this.env.apiUrl
  }

  token(): string | null {
    return this.flags.apiToken ?? this.storedToken() ?? this.env.apiToken
  }

  /** The user edited these in the settings view: their word replaces the flags for this run. */
  edited(what: { apiUrl: boolean; apiToken: boolean }): void {
    if (what.apiUrl) this.flags.apiUrl = null
    if (what.apiToken) this.flags.apiToken = null
  }

  /**
   * The API moved to another origin: no token given for the old one may reach
   * the new one. The stored token is the caller's to delete (in its
   * transaction); flag and environment tokens stop applying for this run.
   */
  forgetRuntimeTokens(): void {
    this.flags.apiToken = null
    this.env.apiToken = null
  }

  private storedToken(): string | null {
    const sealed = this.deps.settings.get('apiToken')
    if (sealed === null) return null
    let token: string
    try {
      token = this.deps.secretBox.open(sealed)
    } catch (err) {
      this.deps.log.warn('The stored API token could not be decrypted; ignoring it', { error: err instanceof Error ? err.name : 'unknown' })
      return null
    }
    // Stored by an older version that did not check it: it would break every request.
    if (tokenProblems(token).length > 0) {
      this.deps.log.warn('The stored API token has characters a header cannot carry; ignoring it')
      return null
    }
    return token
  }
}
