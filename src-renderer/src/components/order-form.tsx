import { useEffect, useMemo, useRef, useState, type FormEvent, type KeyboardEvent, type ReactElement } from 'react'
import type { DeadEvent, FieldError } from '../../../src-shared/contract'
import { formatMoney } from '../format/money'
import { useLocale, useT } from '../i18n/use-t'
import { registerSaveHandler, saveShortcutLabel } from '../hooks/save-shortcut'
import { draftHasContent, emptyDraft, emptyLine, normalizeCurrency, previewTotalMinor, type LineDraft, type OrderDraft } from '../orders/order-draft'
import { useEscape } from '../hooks/use-escape'
import { useAttention } from '../stores/attention-store'
import { useFormPrefill } from '../stores/form-prefill-store'
import { useOrders } from '../stores/orders-store'
import { useSettings } from '../stores/settings-store'
import { CurrencyOptions } from './currency-options'
import { FieldErrorText, indexFieldErrors, invalidProps } from './field-error'
import { Icon } from './icons'
import { loadCustomerSuggestions, priceTextFor, SuggestInput, useItemSuggestions } from './suggest-input'

/** DOM id for a field path from main ("items.0.name" → "order-items-0-name"). */
const domId = (path: string) => `order-${path.replace(/\./g, '-')}`

type LineField = 'name' | 'quantity' | 'unitPrice'

/** Editing a saved order: the version it was opened on, its content (the prefill, and what Undo restores). */
export interface OrderEdit {
  orderId: string
  version: number
  initial: OrderDraft
  /** Leaves the edit (after Save, or Cancel / Escape). */
  onClose(): void
  /** Edit and resend (issue 11): the refused change this edit corrects; saving sends it as that version. */
  resend?: DeadEvent
}

export function OrderForm({ edit }: { edit?: OrderEdit } = {}): ReactElement {
  const t = useT()
  const locale = useLocale()
  const defaultCurrency = useSettings((s) => s.settings?.currency ?? null)
  const [draft, setDraft] = useState<OrderDraft>(() => edit?.initial ?? useFormPrefill.getState().take() ?? emptyDraft(defaultCurrency ?? ''))
  const [currencyTouched, setCurrencyTouched] = useState(edit !== undefined || draft.customer !== '')
  const [errors, setErrors] = useState<FieldError[]>([])
  const [saving, setSaving] = useState(false)
  const [focusTarget, setFocusTarget] = useState<{ selector: string; tick: number } | null>(null)
  const formRef = useRef<HTMLFormElement>(null)

  // Duplicate while this form is already on screen: take the new prefill.
  const prefill = useFormPrefill((s) => s.draft)
  useEffect(() => {
    if (edit || !prefill) return
    const d = useFormPrefill.getState().take()
    if (!d) return
    setDraft(d)
    setCurrencyTouched(true)
    setErrors([])
  }, [prefill, edit])
  useEscape(() => edit?.onClose(), edit !== undefined)

  // The default currency arrives with settings; follow it until the user picks one.
  useEffect(() => {
    if (defaultCurrency && !currencyTouched) setDraft((d) => ({ ...d, currency: defaultCurrency }))
  }, [defaultCurrency, currencyTouched])

  useEffect(() => {
    if (focusTarget) formRef.current?.querySelector<HTMLElement>(focusTarget.selector)?.focus()
  }, [focusTarget])
  // Ctrl/Cmd+S saves this order while it has unsaved content (see save-shortcut.ts).
  const draftRef = useRef(draft)
  draftRef.current = draft
  useEffect(
    () =>
      registerSaveHandler(() => {
        if (!draftHasContent(draftRef.current)) return false
        formRef.current?.requestSubmit()
        return true
      }),
    [],
  )
  const focusLater = (selector: string) => setFocusTarget((f) => ({ selector, tick: (f?.tick ?? 0) + 1 }))

  const byField = useMemo(() => indexFieldErrors(errors), [errors])
  const shownFields = useMemo(() => {
    const s = new Set(['customer', 'currency', 'note', 'items'])
    draft.items.forEach((_, i) => ['name', 'quantity', 'unitPrice'].forEach((f) => s.add(`items.${i}.${f}`)))
    return s
  }, [draft.items])
  // Errors with no field on screen (e.g. an unexpected key) still get shown, at the top.
  const otherErrors = [...byField.values()].filter((e) => !shownFields.has(e.field))

  const clearError = (field: string) => {
    if (byField.has(field)) setErrors((es) => es.filter((e) => e.field !== field))
  }

  const currency = normalizeCurrency(draft.currency) || defaultCurrency || ''
  const totalMinor = previewTotalMinor({ currency, items: draft.items }, locale)
  const totalText = totalMinor === null || currency === '' ? '—' : formatMoney(totalMinor, currency, locale)

  const setLine = (index: number, field: LineField, value: string) => {
    setDraft((d) => ({ ...d, items: d.items.map((it, i) => (i === index ? { ...it, [field]: value } : it)) }))
    clearError(`items.${index}.${field}`)
  }

  const addLine = () => {
    const line = emptyLine()
    setDraft((d) => ({ ...d, items: [...d.items, line] }))
    clearError('items')
    focusLater(`[data-line-key="${line.key}"] [data-testid="line-item-name"]`)
  }

  const removeLine = (index: number) => {
    const remaining = draft.items.filter((_, i) => i !== index)
    setDraft((d) => ({ ...d, items: remaining }))
    // Item errors are indexed by position, which just shifted.
    setErrors((es) => es.filter((e) => !e.field.startsWith('items.')))
    const next = remaining[Math.min(index, remaining.length - 1)]
    focusLater(next ? `[data-line-key="${next.key}"] [data-testid="line-item-name"]` : '[data-testid="add-line-item"]')
  }

  async function submit(): Promise<void> {
    if (saving) return
    setSaving(true)
    const sent = draft
    // The store saves, shows the order at the top and toasts; the form shows field errors.
    const r = edit?.resend
      ? await useAttention.getState().resend(edit.resend, edit.version, sent)
      : edit
        ? await useOrders.getState().update(edit.orderId, edit.version, sent, edit.initial)
        : await useOrders.getState().create(sent)
    setSaving(false)
    if (r.ok && edit) {
      edit.onClose()
      return
    }
    if (r.ok) {
      setDraft(emptyDraft(normalizeCurrency(sent.currency) || defaultCurrency || ''))
      setErrors([])
      focusLater('[data-testid="order-customer"]')
      return
    }
    if (r.error.code === 'validation_failed' && r.error.fields && r.error.fields.length > 0) {
      setErrors(r.error.fields)
      // The first invalid field in reading order, once the errors are rendered.
      focusLater('[aria-invalid="true"]')
    }
  }

  const onSubmit = (e: FormEvent) => {
    e.preventDefault()
    void submit()
  }

  // Enter submits from inputs natively; in the note it makes a new line, so Ctrl/Cmd+Enter submits there.
  const onNoteKey = (e: KeyboardEvent<HTMLTextAreaElement>) => {
    if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
      e.preventDefault()
      formRef.current?.requestSubmit()
    }
  }

  return (
    <form ref={formRef} className="order-form" data-testid="order-form" onSubmit={onSubmit} noValidate aria-labelledby="order-form-title">
      <h2 id="order-form-title">{edit?.resend ? t('form.resendTitle') : edit ? t('form.editTitle') : t('form.title')}</h2>

      {otherErrors.map((e) => (
        <FieldErrorText key={e.field} error={e} domId={domId(e.field)} />
      ))}

      <div className="form-row two">
        <div className="field grow">
          <label htmlFor={domId('customer')}>{t('form.customer')}</label>
          <SuggestInput
            inputProps={{ ...invalidProps(byField.get('customer'), domId('customer')), 'data-testid': 'order-customer', type: 'text', autoComplete: 'off', autoFocus: true }}
            listLabel={t('form.customerSuggestions')}
            value={draft.customer}
            load={loadCustomerSuggestions}
            onPick={(s) => setDraft((d) => ({ ...d, customer: s.value }))}
            onChange={(v) => {
              setDraft((d) => ({ ...d, customer: v }))
              clearError('customer')
            }}
          />
          <FieldErrorText error={byField.get('customer')} domId={domId('customer')} />
        </div>
        <div className="field currency-field">
          <label htmlFor={domId('currency')}>{t('form.currency')}</label>
          <input
            {...invalidProps(byField.get('currency'), domId('currency'))}
            data-testid="order-currency"
            type="text"
            list="order-currency-options"
            autoComplete="off"
            spellCheck={false}
            maxLength={3}
            value={draft.currency}
            placeholder={defaultCurrency ?? ''}
            onChange={(e) => {
              setCurrencyTouched(true)
              setDraft({ ...draft, currency: e.target.value.toUpperCase() })
              clearError('currency')
            }}
          />
          <CurrencyOptions id="order-currency-options" />
          <FieldErrorText error={byField.get('currency')} domId={domId('currency')} />
        </div>
      </div>

      <fieldset className="items" aria-describedby={byField.get('items') ? 'order-items-error' : undefined}>
        <legend>{t('form.items')}</legend>
        <div className="line-head" aria-hidden="true">
          <span>{t('form.itemName')}</span>
          <span>{t('form.quantity')}</span>
          <span>{t('form.unitPrice')}</span>
          <span />
        </div>
        {draft.items.map((line, i) => (
          <LineItemFields
            key={line.key}
            line={line}
            index={i}
            errors={byField}
            currency={currency}
            onChange={setLine}
            onRemove={removeLine}
          />
        ))}
        <FieldErrorText error={byField.get('items')} domId={domId('items')} />
        <button type="button" className="secondary add-line" data-testid="add-line-item" onClick={addLine}>
          <span aria-hidden="true">+</span> {t('form.addItem')}
        </button>
      </fieldset>

      <div className="field">
        <label htmlFor={domId('note')}>{t('form.note')}</label>
        <textarea
          {...invalidProps(byField.get('note'), domId('note'))}
          data-testid="order-note"
          rows={2}
          value={draft.note}
          onKeyDown={onNoteKey}
          onChange={(e) => {
            setDraft({ ...draft, note: e.target.value })
            clearError('note')
          }}
        />
        <FieldErrorText error={byField.get('note')} domId={domId('note')} />
      </div>

      <div className="form-footer">
        <div className="total" title={t('form.totalHint')}>
          <span className="total-label">{t('form.total')}</span>
          <span className="total-value" data-testid="order-total">
            {totalText}
          </span>
        </div>
        {edit ? (
          <button type="button" className="secondary" data-testid="edit-cancel" aria-keyshortcuts="Escape" onClick={edit.onClose}>
            {t('form.editCancel')}
          </button>
        ) : null}
        {/* The keyboard hint is a tooltip (and the accessible description), not body text. */}
        <button
          type="submit"
          className="primary"
          data-testid="order-submit"
          aria-busy={saving}
          title={t('form.submitHint', { shortcut: saveShortcutLabel() })}
          aria-keyshortcuts="Enter Control+S Meta+S"
        >
          {saving ? <span className="spinner" aria-hidden="true" /> : <Icon name="check" />}
          <span>{saving ? t('form.saving') : edit?.resend ? t('form.resendSubmit') : edit ? t('form.editSubmit') : t('form.submit')}</span>
        </button>
      </div>
    </form>
  )
}

function LineItemFields(props: {
  line: LineDraft
  index: number
  errors: ReadonlyMap<string, FieldError>
  currency: string
  onChange: (index: number, field: LineField, value: string) => void
  onRemove: (index: number) => void
}): ReactElement {
  const { line, index, errors, currency, onChange, onRemove } = props
  const t = useT()
  const locale = useLocale()
  const loadItems = useItemSuggestions()
  const n = index + 1
  const path = (f: LineField) => `items.${index}.${f}`
  const input = (field: LineField, testId: string, label: string, extra: { inputMode?: 'numeric' | 'decimal' }) => {
    const p = path(field)
    return (
      <div className={`field line-${field}`}>
        <label htmlFor={domId(p)} className="visually-hidden">
          {label}
        </label>
        {field === 'name' ? (
          // An item name suggests previous items; picking one fills in its last price.
          <SuggestInput
            inputProps={{ ...invalidProps(errors.get(p), domId(p)), 'data-testid': testId, type: 'text', autoComplete: 'off' }}
            listLabel={t('form.itemSuggestions')}
            value={line.name}
            load={loadItems}
            onChange={(v) => onChange(index, 'name', v)}
            onPick={(s) => {
              onChange(index, 'name', s.value.name)
              const price = priceTextFor(s.value, currency, locale)
              if (price !== null) onChange(index, 'unitPrice', price)
            }}
          />
        ) : (
          <input
            {...invalidProps(errors.get(p), domId(p))}
            data-testid={testId}
            type="text"
            autoComplete="off"
            inputMode={extra.inputMode}
            value={line[field]}
            onChange={(e) => onChange(index, field, e.target.value)}
          />
        )}
      </div>
    )
  }
  const fields: [LineField, string][] = [
    ['name', t('form.itemName')],
    ['quantity', t('form.quantity')],
    ['unitPrice', t('form.unitPrice')],
  ]
  return (
    <div className="line-item" data-testid="line-item" data-line-key={line.key} role="group" aria-label={t('form.item', { index: n })}>
      {input('name', 'line-item-name', t('form.itemName'), {})}
      {input('quantity', 'line-item-qty', t('form.quantity'), { inputMode: 'decimal' })}
      {input('unitPrice', 'line-item-price', t('form.unitPrice'), { inputMode: 'decimal' })}
      <button
        type="button"
        className="ghost icon-button"
        data-testid="remove-line-item"
        aria-label={t('form.removeItem', { index: n })}
        title={t('form.removeItem', { index: n })}
        onClick={() => onRemove(index)}
      >
        <span aria-hidden="true">×</span>
      </button>
      {/* Below the whole line: the columns are too narrow for sentences. */}
      <div className="line-errors">
        {fields.map(([f, label]) => (
          <FieldErrorText key={f} error={errors.get(path(f))} domId={domId(path(f))} fieldLabel={label} />
        ))}
      </div>
    </div>
  )
}
