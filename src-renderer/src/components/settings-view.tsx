import { useEffect, useMemo, useRef, useState, type FormEvent, type ReactElement } from 'react'
import type { FieldError, Language, Settings, UpdateSettingsInput } from '../../../src-shared/contract'
import { useFocusOnMount } from '../hooks/use-focus-on-mount'
import { useT } from '../i18n/use-t'
import { normalizeCurrency } from '../orders/order-draft'
import { useSettings } from '../stores/settings-store'
import { useUi } from '../stores/ui-store'
import { ConfirmDialog } from './confirm-dialog'
import { CurrencyOptions } from './currency-options'
import { FieldErrorText, indexFieldErrors, invalidProps } from './field-error'
import { Icon } from './icons'

const domId = (field: string) => `settings-${field.replace(/\./g, '-')}`

export function SettingsView(): ReactElement {
  const t = useT()
  const settings = useSettings((s) => s.settings)
  const headingRef = useRef<HTMLHeadingElement>(null)
  useFocusOnMount(headingRef)
  return (
    <section className="panel settings-view" data-testid="settings-view" aria-labelledby="settings-title">
      <div className="view-head">
        <h1 id="settings-title" ref={headingRef} tabIndex={-1}>
          {t('settings.title')}
        </h1>
      </div>
      {settings ? <SettingsForm settings={settings} /> : <p className="muted">{t('app.loading')}</p>}
    </section>
  )
}

/**
 * One way for every field: each is a draft until Save, the page says when
 * something is unsaved, and leaving with unsaved changes asks first
 * (in-app navigation and closing the tab alike).
 */
function SettingsForm({ settings }: { settings: Settings }): ReactElement {
  const t = useT()
  const update = useSettings((s) => s.update)
  const [apiUrl, setApiUrl] = useState(settings.apiUrl ?? '')
  const [token, setToken] = useState('')
  const [currency, setCurrency] = useState(settings.currency)
  // Local mirrors so the control moves the instant it is used (a controlled
  // input bound to the store would snap back until main answers).
  const [paused, setPaused] = useState(settings.paused)
  const [language, setLanguage] = useState<Language | null>(settings.language)
  const [errors, setErrors] = useState<FieldError[]>([])
  const [saving, setSaving] = useState(false)
  const [focusTick, setFocusTick] = useState(0)
  const formRef = useRef<HTMLFormElement>(null)
  const byField = useMemo(() => indexFieldErrors(errors), [errors])
  const shown = new Set(['apiUrl', 'apiToken', 'paused', 'language', 'currency'])
  const otherErrors = [...byField.values()].filter((e) => !shown.has(e.field))

  useEffect(() => {
    if (focusTick > 0) formRef.current?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus()
  }, [focusTick])

  async function send(input: UpdateSettingsInput, success: 'settings.saved' | 'settings.tokenCleared' | null) {
    const r = await update(input)
    const ui = useUi.getState()
    if (r.ok) {
      setErrors((es) => es.filter((e) => !(e.field in input)))
      if (success) ui.toast({ key: success }, 'success')
      return true
    }
    if (r.error.code === 'validation_failed' && r.error.fields?.length) {
      setErrors(r.error.fields)
      setFocusTick((n) => n + 1)
    } else ui.toastError(r.error)
    return false
  }

  const onSubmit = async (e: FormEvent) => {
    e.preventDefault()
    if (saving) return
    setSaving(true)
    // Only what changed: re-sending an address that came from --api-url would
    // quietly store it. Compared with what main last confirmed, not with this render's props.
    const saved = useSettings.getState().settings ?? settings
    const input: UpdateSettingsInput = {}
    const url = apiUrl.trim() === '' ? null : apiUrl.trim()
    if (url !== saved.apiUrl) input.apiUrl = url
    const code = normalizeCurrency(currency)
    if (code !== saved.currency) input.currency = code
    if (paused !== saved.paused) input.paused = paused
    if (language !== saved.language) input.language = language
    // Empty means "keep the saved token": the token is never sent back to fill the field.
    if (token !== '') input.apiToken = token
    const ok = await send(input, 'settings.saved')
    setSaving(false)
    if (ok) {
      setToken('')
      const now = useSettings.getState().settings
      if (now) {
        setApiUrl(now.apiUrl ?? '')
        setCurrency(now.currency)
        setPaused(now.paused)
        setLanguage(now.language)
      }
    }
  }

  const clearField = (field: string) => setErrors((es) => es.filter((e) => e.field !== field))

  const dirty =
    (apiUrl.trim() === '' ? null : apiUrl.trim()) !== settings.apiUrl ||
    token !== '' ||
    normalizeCurrency(currency) !== settings.currency ||
    paused !== settings.paused ||
    language !== settings.language
  const dirtyRef = useRef(dirty)
  dirtyRef.current = dirty
  const pendingNav = useUi((s) => s.pendingNav)
  useEffect(() => {
    const ui = useUi.getState()
    ui.setLeaveGuard(() => dirtyRef.current)
    const onBeforeUnload = (e: BeforeUnloadEvent) => {
      if (dirtyRef.current) e.preventDefault()
    }
    window.addEventListener('beforeunload', onBeforeUnload)
    return () => {
      ui.setLeaveGuard(null)
      window.removeEventListener('beforeunload', onBeforeUnload)
    }
  }, [])

  return (
    <form ref={formRef} className="settings-form" onSubmit={(e) => void onSubmit(e)} noValidate>
      {otherErrors.map((e) => (
        <FieldErrorText key={e.field} error={e} domId={domId(e.field)} />
      ))}

      <fieldset>
        <legend>{t('settings.syncSection')}</legend>
        <div className="field">
          <label htmlFor={domId('apiUrl')}>{t('settings.apiUrl')}</label>
          <input
            {...invalidProps(byField.get('apiUrl'), domId('apiUrl'), 'settings-apiUrl-hint')}
            data-testid="settings-api-url"
            type="url"
            inputMode="url"
            autoComplete="off"
            spellCheck={false}
            placeholder="https://"
            value={apiUrl}
            onChange={(e) => {
              setApiUrl(e.target.value)
              clearField('apiUrl')
            }}
          />
          <p className="hint" id="settings-apiUrl-hint">
            {settings.apiUrlSource === 'flag' ? t('settings.apiUrlFromFlag') : t('settings.apiUrlHint')}
          </p>
          <FieldErrorText error={byField.get('apiUrl')} domId={domId('apiUrl')} />
        </div>

        <div className="field">
          <label htmlFor={domId('apiToken')}>{t('settings.apiToken')}</label>
          <div className="inline">
            <input
              {...invalidProps(byField.get('apiToken'), domId('apiToken'), settings.hasToken ? 'settings-apiToken-hint' : undefined)}
              data-testid="settings-api-token"
              type="password"
              autoComplete="new-password"
              spellCheck={false}
              placeholder={settings.hasToken ? t('settings.tokenSaved') : ''}
              value={token}
              onChange={(e) => {
                setToken(e.target.value)
                clearField('apiToken')
              }}
            />
            {settings.hasToken ? (
              <button
                type="button"
                className="secondary"
                data-testid="settings-clear-token"
                onClick={() => {
                  setToken('')
                  void send({ apiToken: null }, 'settings.tokenCleared')
                }}
              >
                {t('settings.clearToken')}
              </button>
            ) : null}
          </div>
          {settings.hasToken ? (
            <p className="hint" id="settings-apiToken-hint">
              {t('settings.tokenHint')}
            </p>
          ) : null}
          <FieldErrorText error={byField.get('apiToken')} domId={domId('apiToken')} />
          {settings.hasToken && settings.tokenStorage === 'plaintext-file' ? (
            <div className="warning" data-testid="token-warning" role="note">
              <Icon name="warning" />
              <div className="grow">
                <span id="settings-token-warning-text">{t('settings.tokenWarning')}</span>
                <PathField path={settings.dataDir} labelledBy="settings-token-warning-text" />
              </div>
            </div>
          ) : null}
        </div>

        <div className="field checkbox">
          <input
            {...invalidProps(byField.get('paused'), domId('paused'), 'settings-paused-hint')}
            data-testid="settings-paused"
            type="checkbox"
            checked={paused}
            onChange={(e) => {
              setPaused(e.target.checked)
              clearField('paused')
            }}
          />
          <label htmlFor={domId('paused')}>{t('settings.paused')}</label>
          <p className="hint" id="settings-paused-hint">
            {t('settings.pausedHint')}
          </p>
          <FieldErrorText error={byField.get('paused')} domId={domId('paused')} />
        </div>
      </fieldset>

      <fieldset>
        <legend>{t('settings.generalSection')}</legend>
        <div className="field">
          <label htmlFor={domId('language')}>{t('settings.language')}</label>
          <select
            {...invalidProps(byField.get('language'), domId('language'))}
            data-testid="settings-language"
            value={language ?? ''}
            onChange={(e) => {
              const value = e.target.value
              const next: Language | null = value === 'en' || value === 'zh-TW' ? value : null
              setLanguage(next)
              clearField('language')
            }}
          >
            <option value="">{t('settings.languageSystem')}</option>
            <option value="en" lang="en">
              {t('settings.languageEn')}
            </option>
            <option value="zh-TW" lang="zh-TW">
              {t('settings.languageZh')}
            </option>
          </select>
          <FieldErrorText error={byField.get('language')} domId={domId('language')} />
        </div>

        <div className="field narrow">
          <label htmlFor={domId('currency')}>{t('settings.currency')}</label>
          <input
            {...invalidProps(byField.get('currency'), domId('currency'), 'settings-currency-hint')}
            data-testid="settings-currency"
            type="text"
            list="settings-currency-options"
            autoComplete="off"
            spellCheck={false}
            maxLength={3}
            value={currency}
            onChange={(e) => {
              setCurrency(e.target.value.toUpperCase())
              clearField('currency')
            }}
          />
          <CurrencyOptions id="settings-currency-options" />
          <p className="hint" id="settings-currency-hint">
            {t('settings.currencyHint')}
          </p>
          <FieldErrorText error={byField.get('currency')} domId={domId('currency')} />
        </div>

        {settings.hasToken && settings.tokenStorage === 'plaintext-file' ? null : (
          <div className="field">
            <span className="label" id="settings-data-dir-label">
              {t('settings.dataDir')}
            </span>
            <PathField path={settings.dataDir} labelledBy="settings-data-dir-label" />
          </div>
        )}
      </fieldset>

      <div className="form-footer">
        {dirty ? (
          <span className="unsaved-note" data-testid="settings-unsaved" role="status">
            {t('settings.unsaved')}
          </span>
        ) : null}
        <button type="submit" className="primary" data-testid="settings-save" aria-busy={saving} disabled={saving}>
          {saving ? <span className="spinner" aria-hidden="true" /> : null}
          <span>{saving ? t('settings.saving') : t('settings.save')}</span>
        </button>
      </div>
      {pendingNav ? (
        <ConfirmDialog
          title={t('settings.leaveTitle')}
          confirmLabel={t('settings.leaveYes')}
          cancelLabel={t('settings.leaveNo')}
          onCancel={() => useUi.getState().resolvePendingNav(false)}
          onConfirm={() => useUi.getState().resolvePendingNav(true)}
          fallbackFocus={() => formRef.current?.querySelector<HTMLElement>('[data-testid="settings-save"]') ?? null}
        >
          <p>{t('settings.leaveBody')}</p>
        </ConfirmDialog>
      ) : null}
    </form>
  )
}

/**
 * The data folder as text (it is not something to edit), with a Copy button:
 * the path can be pasted into a file manager or a support message.
 */
function PathField({ path, labelledBy }: { path: string; labelledBy: string }): ReactElement {
  const t = useT()
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(path)
      useUi.getState().toast({ key: 'settings.dataDirCopied' }, 'success')
    } catch {
      // No clipboard here: the text itself selects whole on click.
    }
  }
  return (
    <div className="path-row">
      <code className="path-text mono" aria-labelledby={labelledBy} data-testid="data-dir">
        {path}
      </code>
      <button type="button" className="secondary" data-testid="data-dir-copy" onClick={() => void copy()}>
        <Icon name="copy" /> <span>{t('settings.dataDirCopy')}</span>
      </button>
    </div>
  )
}
