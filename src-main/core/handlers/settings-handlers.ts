import type { FieldError, Settings } from '../../../src-shared/contract'
import { apiOrigin, blankToNull, tokenProblems, urlProblems } from '../config/api-config'
import { OutpostError } from '../errors'
import { isCurrency } from '../orders/currency'
import type { HandlerDeps } from './handler-deps'
import type { HandlerMap } from './handler-types'

/** The settings view as the renderer sees it: never the token, only whether one is set. */
export function currentSettings(deps: HandlerDeps): Settings {
  const { settings, apiConfig } = deps
  const url = apiConfig.url()
  const language = settings.get('language')
  return {
    apiUrl: url.value,
    hasToken: apiConfig.token() !== null,
    tokenStorage: deps.secretBox.kind,
    paused: settings.get('paused') === 'true',
    language: language === 'en' || language === 'zh-TW' ? language : null,
    currency: deps.defaultCurrency(),
    apiUrlSource: url.source,
    dataDir: deps.dataDir,
  }
}

/** Settings: the API address and token, pause, language, default currency. */
export function settingsHandlers(deps: HandlerDeps) {
  const { db, settings, apiConfig, secretBox, relay } = deps
  const relayConfig = () => apiConfig.relayConfig()
  return {
    getSettings: () => currentSettings(deps),
    updateSettings: (patch) => {
      const errors: FieldError[] = []
      let apiUrl: string | null | undefined
      if (patch.apiUrl !== undefined) {
        apiUrl = blankToNull(patch.apiUrl)
        if (apiUrl !== null) errors.push(...urlProblems(apiUrl))
      }
      let currency: string | undefined
      if (patch.currency !== undefined) {
        currency = patch.currency.trim().toUpperCase()
        if (!isCurrency(currency)) errors.push({ field: 'currency', code: 'invalid_currency', message: 'Not an ISO 4217 currency code.' })
      }
      const token = patch.apiToken === undefined ? undefined : blankToNull(patch.apiToken)
      if (token) errors.push(...tokenProblems(token))
      if (errors.length > 0) throw new OutpostError('validation_failed', 'Some settings are invalid.', { fields: errors })

      const before = relayConfig()
      // The token belongs to the origin it was given for: moving the API to
      // another scheme, host or port (or to none) drops it, unless this same
      // edit gives a new one. Otherwise whoever can call updateSettings could
      // point Outpost at their own server and receive the bearer token.
      const moved = apiOrigin(before.apiUrl) !== apiOrigin(apiConfig.urlAfterEdit(apiUrl))
      const dropToken = moved && !token && before.token !== null
      db.transaction(() => {
        if (apiUrl !== undefined) settings.set('apiUrl', apiUrl)
        if (dropToken) settings.set('apiToken', null)
        else if (token !== undefined) settings.set('apiToken', token === null ? null : secretBox.seal(token))
        if (patch.paused !== undefined) settings.set('paused', patch.paused ? 'true' : 'false')
        if (patch.language !== undefined) settings.set('language', patch.language)
        if (currency !== undefined) settings.set('currency', currency)
      })()
      apiConfig.edited({ apiUrl: apiUrl !== undefined, apiToken: patch.apiToken !== undefined })
      if (moved && !token) apiConfig.forgetRuntimeTokens()
      const after = relayConfig()
      if (before.apiUrl !== after.apiUrl || before.token !== after.token || before.paused !== after.paused) {
        relay.configChanged()
      }
      deps.statusChanged()
      if (dropToken) deps.log.info('The API moved to another origin; its token was cleared')
      return dropToken ? { ...currentSettings(deps), tokenCleared: true as const } : currentSettings(deps)
    },
  } satisfies HandlerMap
}
