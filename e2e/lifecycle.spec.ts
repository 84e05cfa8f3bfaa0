import type {} from '../src-shared/contract' // declares window.outpost
import type { Page } from '@playwright/test'
import { expect, test } from './fixtures'
import { createConfirmedOrder, saveScreenshot } from './ui-helpers'

const row = (page: Page, customer: string) => page.getByTestId('order-row').filter({ hasText: customer })

async function openOrder(page: Page, customer: string): Promise<string> {
  await row(page, customer).first().click()
  await expect(page.getByTestId('detail-customer')).toHaveText(customer)
  return (await page.getByTestId('order-detail').locator('.mono').textContent()) ?? ''
}

/** Opens the edit form from the detail, replaces the customer and saves. */
async function editCustomer(page: Page, from: string, to: string): Promise<void> {
  await page.getByTestId('edit-order').click()
  const form = page.getByTestId('order-form')
  await expect(form.getByTestId('order-customer')).toHaveValue(from)
  await form.getByTestId('order-customer').fill(to)
  await form.getByTestId('order-submit').click()
  await expect(page.getByTestId('detail-customer')).toHaveText(to)
}

test.describe('order lifecycle', () => {
  test('edits made while the server is down are saved at once and reach it in version order', async ({ app, api }) => {
    const page = await app.start({ apiUrl: api.url })
    await createConfirmedOrder(page, { customer: 'Lin Tea', items: [{ name: 'Oolong', qty: '2', price: '3.50' }] })
    const id = await openOrder(page, 'Lin Tea')

    // The form is the new-order form, prefilled, and Escape leaves it without saving.
    await page.getByTestId('edit-order').click()
    const form = page.getByTestId('order-form')
    await expect(form.getByTestId('line-item-name')).toHaveValue('Oolong')
    await expect(form.getByTestId('line-item-qty')).toHaveValue('2')
    await expect(form.getByTestId('line-item-price')).toHaveValue('3.50')
    await form.getByTestId('order-customer').fill('Not saved')
    await page.keyboard.press('Escape')
    await expect(form).toHaveCount(0)
    await expect(page.getByTestId('detail-customer')).toHaveText('Lin Tea')

    await editCustomer(page, 'Lin Tea', 'Lin Tea House')
    await page.getByTestId('edit-order').click()
    await form.getByTestId('line-item-qty').fill('5')
    await form.getByTestId('order-submit').click()
    await expect(page.getByTestId('detail-total')).toHaveText('$17.50')
    await expect(page.getByTestId('order-version')).toHaveCount(3)
    await expect(page.getByTestId('order-version').and(page.locator('[data-delivery="pending"]'))).toHaveCount(3)
    await saveScreenshot(page, 'order-edited-offline')

    await page.getByTestId('detail-back').click()
    await expect(row(page, 'Lin Tea House')).toHaveAttribute('data-version', '3')
    expect(app.query<{ version: number }>('SELECT version FROM orders WHERE id = ?', id)).toEqual([{ version: 3 }])

    await api.start()
    await expect(row(page, 'Lin Tea House')).toHaveAttribute('data-sync-state', 'synced', { timeout: 10_000 })
    const onServer = api.server!.orders().find((o) => o.id === id)
    expect(onServer).toMatchObject({ version: 3, customer: 'Lin Tea House', state: 'open', items: [{ name: 'Oolong', quantity: 5, unitPriceMinor: 350 }] })
    // Out of order, the server would have refused a version (a gap or an older one).
    expect(api.server!.stats()).toMatchObject({ rejected: 0, applied: 3 })
    await openOrder(page, 'Lin Tea House')
    await expect(page.getByTestId('order-version').and(page.locator('[data-delivery="sent"]'))).toHaveCount(3)
  })

  test('an edit of a version changed elsewhere is refused in words, and nothing is overwritten', async ({ app, api }) => {
    const page = await app.start({ apiUrl: api.url })
    await createConfirmedOrder(page, { customer: 'Two Windows' })
    const id = await openOrder(page, 'Two Windows')
    await page.getByTestId('edit-order').click()
    // Another window saves version 2 while this form is still on version 1.
    const other = await page.evaluate(async (orderId) => {
      const r = await window.outpost!.updateOrder({ id: orderId, version: 1, order: { customer: 'Other Window', items: [{ name: 'Tea', quantity: 1, unitPrice: '1' }] } })
      return r.ok
    }, id)
    expect(other).toBe(true)
    await page.getByTestId('order-form').getByTestId('order-customer').fill('This Window')
    await page.getByTestId('order-form').getByTestId('order-submit').click()
    await expect(page.getByTestId('toast').filter({ hasText: 'This order was changed elsewhere since you opened it' })).toBeVisible()
    expect(app.query<{ customer: string; version: number }>('SELECT customer, version FROM orders WHERE id = ?', id)).toEqual([{ customer: 'Other Window', version: 2 }])
  })

  test('cancel with a reason: the order stays in the list marked cancelled, cannot be edited, and the server gets the reason', async ({ app, api }) => {
    await api.start()
    const page = await app.start({ apiUrl: api.url })
    await createConfirmedOrder(page, { customer: 'Void Me' })
    const id = await openOrder(page, 'Void Me')
    await page.getByTestId('cancel-order').click()
    const dialog = page.getByTestId('confirm-dialog')
    await expect(dialog).toBeVisible()
    // "No" keeps the order as it is.
    await page.getByTestId('confirm-no').click()
    await expect(dialog).toHaveCount(0)
    await expect(page.getByTestId('edit-order')).toBeVisible()

    await page.getByTestId('cancel-order').click()
    await dialog.getByTestId('cancel-reason').fill('Customer changed their mind')
    await page.getByTestId('confirm-yes').click()
    await expect(page.getByTestId('detail-cancelled')).toHaveText('This order is cancelled: Customer changed their mind')
    await expect(page.getByTestId('edit-order')).toHaveCount(0)
    await expect(page.getByTestId('cancel-order')).toHaveCount(0)
    await expect(page.getByTestId('order-version').last()).toHaveAttribute('data-kind', 'cancelled')
    await page.getByTestId('detail-back').click()
    await expect(row(page, 'Void Me')).toHaveAttribute('data-order-state', 'cancelled')
    await expect(row(page, 'Void Me')).toContainText('Cancelled')
    await expect(row(page, 'Void Me')).toHaveAttribute('data-sync-state', 'synced', { timeout: 10_000 })
    expect(api.server!.orders().find((o) => o.id === id)).toMatchObject({ version: 2, state: 'cancelled', cancelReason: 'Customer changed their mind' })
    // main refuses an edit of a cancelled order too, whatever the UI shows.
    const code = await page.evaluate(async (orderId) => {
      const r = await window.outpost!.updateOrder({ id: orderId, version: 2, order: { customer: 'Sneaky', items: [{ name: 'Tea', quantity: 1, unitPrice: '1' }] } })
      return r.ok ? 'ok' : r.error.code
    }, id)
    expect(code).toBe('order_cancelled')
  })

  test('duplicate starts a new order prefilled from an existing one', async ({ app }) => {
    const page = await app.start()
    await createConfirmedOrder(page, { customer: 'Regular', items: [{ name: 'Bread', qty: '3', price: '2.25' }], note: 'Sliced' })
    await openOrder(page, 'Regular')
    await page.getByTestId('duplicate-order').click()
    const form = page.getByTestId('order-form')
    await expect(form.getByTestId('order-customer')).toHaveValue('Regular')
    await expect(form.getByTestId('line-item-name')).toHaveValue('Bread')
    await expect(form.getByTestId('line-item-qty')).toHaveValue('3')
    await expect(form.getByTestId('line-item-price')).toHaveValue('2.25')
    await expect(form.getByTestId('order-note')).toHaveValue('Sliced')
    await form.getByTestId('order-submit').click()
    await expect(row(page, 'Regular')).toHaveCount(2)
    await expect(row(page, 'Regular').and(page.locator('[data-version="1"]'))).toHaveCount(2)
  })

  test('undo: of a new order cancels it, of an edit restores the previous version, both through the outbox', async ({ app, api }) => {
    await api.start()
    const page = await app.start({ apiUrl: api.url })
    await createConfirmedOrder(page, { customer: 'Oops Order' })
    await page.getByTestId('toast').filter({ hasText: 'Order saved' }).getByTestId('undo').click()
    await expect(row(page, 'Oops Order')).toHaveAttribute('data-order-state', 'cancelled')
    await expect(row(page, 'Oops Order')).toHaveAttribute('data-version', '2')

    await createConfirmedOrder(page, { customer: 'Keep Me' })
    const id = await openOrder(page, 'Keep Me')
    await editCustomer(page, 'Keep Me', 'Typo Here')
    await page.getByTestId('toast').filter({ hasText: 'Order saved' }).getByTestId('undo').click()
    await expect(page.getByTestId('detail-customer')).toHaveText('Keep Me')
    await expect(page.getByTestId('order-version')).toHaveCount(3)
    await page.getByTestId('detail-back').click()
    await expect(row(page, 'Keep Me')).toHaveAttribute('data-sync-state', 'synced', { timeout: 10_000 })
    expect(api.server!.orders().find((o) => o.id === id)).toMatchObject({ version: 3, customer: 'Keep Me', state: 'open' })
    const oops = api.server!.orders().find((o) => o.customer === 'Oops Order')
    expect(oops).toMatchObject({ version: 2, state: 'cancelled' })
  })
})

test.describe('order entry that fits real sales', () => {
  test('decimal quantities up to 3 places are previewed, saved exactly and shown; errors are in words', async ({ app }) => {
    const page = await app.start()
    const form = page.getByTestId('order-form')
    // No items at all: said in words, and nothing is written.
    await form.getByTestId('order-customer').fill('Rice Buyer')
    await form.getByTestId('remove-line-item').click()
    await form.getByTestId('order-submit').click()
    await expect(page.locator('[data-testid="field-error"][data-field="items"]')).toHaveText('Add at least one item')
    await form.getByTestId('add-line-item').click()
    const line = form.getByTestId('line-item').first()
    await line.getByTestId('line-item-name').fill('Rice')
    await line.getByTestId('line-item-qty').fill('1.2345')
    await line.getByTestId('line-item-price').fill('2.00')
    await form.getByTestId('order-submit').click()
    await expect(page.locator('[data-testid="field-error"][data-field="items.0.quantity"]')).toContainText('Enter a quantity such as 2 or 1.5')
    expect(app.query('SELECT id FROM orders')).toEqual([])

    await line.getByTestId('line-item-qty').fill('1,5')
    await expect(form.getByTestId('order-total')).toHaveText('$3.00')
    await form.getByTestId('order-submit').click()
    await expect(row(page, 'Rice Buyer')).toHaveCount(1)
    const [stored] = app.query<{ items: string }>('SELECT items FROM orders')
    expect(JSON.parse(stored!.items)).toMatchObject([{ name: 'Rice', quantityMilli: 1500, unitPriceMinor: 200 }])
    await openOrder(page, 'Rice Buyer')
    await expect(page.getByTestId('detail-item')).toContainText('1.5')
    await expect(page.getByTestId('detail-total')).toHaveText('$3.00')
  })
})

/** Through the reference API's development switch, as a backend person would flip it. */
async function fulfilOnServer(apiUrl: string, orderId: string): Promise<void> {
  const res = await fetch(`${apiUrl}/orders/${encodeURIComponent(orderId)}/fulfil`, { method: 'POST' })
  expect(res.status).toBe(200)
}

/** Closes the toasts, so a README screenshot shows only what its caption says. */
async function dismissToasts(page: Page): Promise<void> {
  const close = page.getByTestId('toast').locator('.toast-close')
  for (let i = 0; i < 5 && (await close.count()) > 0; i++) await close.first().click()
  await expect(page.getByTestId('toast')).toHaveCount(0)
}

/** Opens the edit form from the detail, changes the first line's quantity and saves. */
async function editQuantity(page: Page, qty: string): Promise<void> {
  await page.getByTestId('edit-order').click()
  const form = page.getByTestId('order-form')
  await form.getByTestId('line-item-qty').first().fill(qty)
  await form.getByTestId('order-submit').click()
  await expect(form).toHaveCount(0)
}

test.describe('fixing a refused change', () => {
  test('edit and resend: the correction goes out as the refused version, the waiting changes with it, and the server ends with it', async ({ app, api }) => {
    await api.start()
    const page = await app.start({ apiUrl: api.url })
    await createConfirmedOrder(page, {
      customer: 'Café Lumière',
      items: [
        { name: 'Matcha 100g', qty: '2', price: '12.00' },
        { name: 'Oat milk', qty: '1', price: '3.50' },
      ],
    })
    await expect(row(page, 'Café Lumière')).toHaveAttribute('data-sync-state', 'synced', { timeout: 10_000 })
    const id = await openOrder(page, 'Café Lumière')
    // Editing an order: the new-order form, prefilled (README screenshot).
    await page.getByTestId('edit-order').click()
    const form = page.getByTestId('order-form')
    await form.getByTestId('line-item-qty').first().fill('3')
    await expect(form.getByTestId('order-total')).toHaveText('$39.50')
    await dismissToasts(page)
    await form.getByTestId('line-item-qty').first().focus()
    await saveScreenshot(page, 'order-editing', { readme: true })
    // The server's test rule refuses customers named REJECT: this edit (version 2) is refused.
    await form.getByTestId('order-customer').fill('Café Lumière REJECT')
    await form.getByTestId('order-submit').click()
    await expect(page.getByTestId('detail-customer')).toHaveText('Café Lumière REJECT')
    await expect(page.getByTestId('order-version').last()).toHaveAttribute('data-delivery', 'dead', { timeout: 10_000 })
    // Two more changes wait behind it, never sent past it.
    await editQuantity(page, '4')
    await editQuantity(page, '5')
    await expect(page.getByTestId('order-version').and(page.locator('[data-delivery="pending"]'))).toHaveCount(2)

    await page.getByTestId('nav-attention').click()
    const card = page.getByTestId('dead-event').filter({ hasText: 'Café Lumière REJECT' })
    await expect(card.getByTestId('dead-waiting')).toHaveText('2 changes waiting behind this one')
    expect(api.server!.orders().find((o) => o.id === id)).toMatchObject({ version: 1, customer: 'Café Lumière' })

    await card.getByTestId('edit-and-resend').click()
    const resend = page.getByTestId('resend-form').getByTestId('order-form')
    // Prefilled with the order as it is on this device: the refused change and the two behind it.
    await expect(resend.getByTestId('order-customer')).toHaveValue('Café Lumière REJECT')
    await expect(resend.getByTestId('line-item-qty').first()).toHaveValue('5')
    await resend.getByTestId('order-customer').fill('Café Lumière (terrace)')
    await resend.getByTestId('order-submit').click()
    await expect(page.getByTestId('attention-empty')).toBeVisible({ timeout: 10_000 })

    await expect.poll(() => api.server!.orders().find((o) => o.id === id)?.customer, { timeout: 10_000 }).toBe('Café Lumière (terrace)')
    expect(api.server!.orders().find((o) => o.id === id)).toMatchObject({
      version: 2,
      state: 'open',
      items: [
        { name: 'Matcha 100g', quantity: 5, unitPriceMinor: 1200 },
        { name: 'Oat milk', quantity: 1, unitPriceMinor: 350 },
      ],
      totalMinor: 6350,
    })
    // Applied: the creation and the correction; the refused one was refused once, the waiting ones never arrived.
    expect(api.server!.stats()).toMatchObject({ applied: 2, rejected: 1 })
    await page.getByTestId('nav-orders').click()
    await expect(row(page, 'Café Lumière (terrace)')).toHaveAttribute('data-version', '2')
    await expect(row(page, 'Café Lumière (terrace)')).toHaveAttribute('data-sync-state', 'synced', { timeout: 10_000 })
    await openOrder(page, 'Café Lumière (terrace)')
    const versions = page.getByTestId('order-version')
    await expect(versions).toHaveCount(5)
    expect(await versions.evaluateAll((els) => els.map((e) => `${e.getAttribute('data-version')}:${e.getAttribute('data-delivery')}`))).toEqual([
      '1:sent',
      '2:discarded',
      '3:discarded',
      '4:discarded',
      '2:sent',
    ])
    await expect(page.locator('[data-testid="outbox-event"][data-settled="replaced"]')).toHaveCount(3)
    await expect(page.locator('[data-testid="outbox-event"][data-settled="replaced"]').first()).toContainText('Replaced by your correction')
  })

  test('discard this change: the order goes back to the version the server accepted, shown as such', async ({ app, api }) => {
    await api.start()
    const page = await app.start({ apiUrl: api.url })
    await createConfirmedOrder(page, { customer: 'Lin Tea House', items: [{ name: 'Oolong', qty: '2', price: '3.50' }] })
    await expect(row(page, 'Lin Tea House')).toHaveAttribute('data-sync-state', 'synced', { timeout: 10_000 })
    const id = await openOrder(page, 'Lin Tea House')
    await fulfilOnServer(api.url, id)
    await editCustomer(page, 'Lin Tea House', 'Lin Tea House (2 boxes)')
    await expect(page.getByTestId('order-version').last()).toHaveAttribute('data-delivery', 'dead', { timeout: 10_000 })
    await editQuantity(page, '3')
    await editQuantity(page, '4')

    await page.getByTestId('nav-attention').click()
    const card = page.getByTestId('dead-event').filter({ hasText: 'Lin Tea House' })
    await expect(card.getByTestId('dead-reason')).toHaveText('The order was fulfilled on the server and can no longer be changed')
    await expect(card.getByTestId('dead-waiting')).toHaveText('2 changes waiting behind this one')
    await expect(card.getByTestId('edit-and-resend')).toBeVisible()
    await dismissToasts(page)
    await saveScreenshot(page, 'refused-change', { readme: true })

    await card.getByTestId('discard-change').click()
    const dialog = page.getByTestId('confirm-dialog')
    await expect(dialog).toContainText('goes back to version 1, the last one the server accepted')
    await expect(dialog).toContainText('The 2 changes waiting behind it are discarded too.')
    await page.getByTestId('confirm-yes').click()
    await expect(page.getByTestId('toast').filter({ hasText: 'Change discarded: Lin Tea House (2 boxes) is back at version 1' })).toBeVisible()
    await expect(page.getByTestId('attention-empty')).toBeVisible()

    await page.getByTestId('nav-orders').click()
    const back = row(page, 'Lin Tea House')
    await expect(back).toHaveAttribute('data-version', '1')
    await expect(back).not.toContainText('2 boxes')
    await expect(back).toHaveAttribute('data-sync-state', 'synced')
    await openOrder(page, 'Lin Tea House')
    await expect(page.getByTestId('detail-total')).toHaveText('$7.00')
    expect(await page.getByTestId('order-version').evaluateAll((els) => els.map((e) => `${e.getAttribute('data-version')}:${e.getAttribute('data-delivery')}`))).toEqual([
      '1:sent',
      '2:discarded',
      '3:discarded',
      '4:discarded',
    ])
    expect(api.server!.orders().find((o) => o.id === id)).toMatchObject({ version: 1, customer: 'Lin Tea House', state: 'fulfilled' })
  })

  test('discarding a refused new order keeps it here, marked "Not on the server", in both languages', async ({ app, api }) => {
    await api.start()
    const page = await app.start({ apiUrl: api.url })
    await createConfirmedOrder(page, { customer: 'REJECT Never Sent' })
    await page.getByTestId('nav-attention').click()
    const card = page.getByTestId('dead-event').filter({ hasText: 'REJECT Never Sent' })
    await card.getByTestId('discard-change').click()
    await expect(page.getByTestId('confirm-dialog')).toContainText('The server never accepted the order for REJECT Never Sent')
    await page.getByTestId('confirm-yes').click()
    await expect(page.getByTestId('toast').filter({ hasText: 'Change discarded: REJECT Never Sent is not on the server' })).toBeVisible()
    await page.getByTestId('nav-orders').click()
    const kept = row(page, 'REJECT Never Sent')
    await expect(kept).toHaveAttribute('data-not-on-server', 'true')
    await expect(kept.getByTestId('row-not-on-server')).toHaveText('Not on the server')
    await openOrder(page, 'REJECT Never Sent')
    await expect(page.getByTestId('detail-not-on-server')).toHaveText('Not on the server: the server never accepted this order. It is kept on this device.')
    expect(api.server!.orders()).toEqual([])
    expect(app.query('SELECT id FROM orders')).toHaveLength(1)

    await page.getByTestId('detail-back').click()
    await page.getByTestId('nav-settings').click()
    await page.getByTestId('settings-language').selectOption('zh-TW')
    await page.getByTestId('settings-save').click()
    await expect(page.locator('html')).toHaveAttribute('lang', 'zh-TW')
    await page.getByTestId('nav-orders').click()
    await expect(row(page, 'REJECT Never Sent').getByTestId('row-not-on-server')).toHaveText('不在伺服器上')
    await openOrder(page, 'REJECT Never Sent')
    await expect(page.getByTestId('detail-not-on-server')).toHaveText('不在伺服器上：伺服器從未接受這筆訂單，訂單保留在這台裝置上。')
  })
})

test.describe('the list from the keyboard', () => {
  test('E edits the focused order and Delete cancels it through the confirmation; keys are shown; typing in inputs is untouched', async ({ app }) => {
    const page = await app.start()
    // "e" typed in the form is just a letter (the customer has two).
    await createConfirmedOrder(page, { customer: 'Keyed Eve', items: [{ name: 'Bread', qty: '1', price: '2.00' }] })
    await expect(page.getByTestId('order-form').getByTestId('order-customer')).toHaveValue('')
    await expect(page.getByTestId('list-keys-hint')).toHaveText('With an order selected: Enter opens it, E edits it, Delete cancels it')
    const keyed = row(page, 'Keyed Eve')
    await expect(keyed).toHaveAttribute('aria-keyshortcuts', /\bE\b.*\bDelete\b/)
    await saveScreenshot(page, 'list-keys')

    await keyed.focus()
    await page.keyboard.press('e')
    const form = page.getByTestId('order-detail').getByTestId('order-form')
    await expect(form.getByTestId('order-customer')).toHaveValue('Keyed Eve')
    await form.getByTestId('order-customer').fill('Keyed Eve Smith')
    await page.keyboard.press('Enter')
    await expect(page.getByTestId('detail-customer')).toHaveText('Keyed Eve Smith')
    await page.keyboard.press('Escape')
    await expect(page.getByTestId('order-detail')).toHaveCount(0)
    await expect(row(page, 'Keyed Eve Smith')).toHaveAttribute('data-version', '2')
    // Back on the list, focus is on the row again: Delete asks, No keeps it.
    await expect(row(page, 'Keyed Eve Smith')).toBeFocused()
    await page.keyboard.press('Delete')
    await expect(page.getByTestId('confirm-dialog')).toBeVisible()
    await page.keyboard.press('Escape')
    await expect(page.getByTestId('confirm-dialog')).toHaveCount(0)
    await expect(row(page, 'Keyed Eve Smith')).toHaveAttribute('data-order-state', 'open')
    await row(page, 'Keyed Eve Smith').focus()
    await page.keyboard.press('Backspace')
    await page.getByTestId('cancel-reason').fill('Left without paying')
    await page.getByTestId('confirm-yes').click()
    await expect(row(page, 'Keyed Eve Smith')).toHaveAttribute('data-order-state', 'cancelled')
    expect(app.query<{ cancel_reason: string }>('SELECT cancel_reason FROM orders')).toEqual([{ cancel_reason: 'Left without paying' }])
    // A cancelled order has no edit: E does nothing.
    await row(page, 'Keyed Eve Smith').focus()
    await page.keyboard.press('e')
    await expect(page.getByTestId('order-detail')).toHaveCount(0)
  })
})

test.describe('prices as the locale and currency write them', () => {
  test('"€12,50" and "1.234,50" are read exactly; an ambiguous price is refused in words', async ({ app }) => {
    const page = await app.start()
    const form = page.getByTestId('order-form')
    const line = form.getByTestId('line-item').first()
    await form.getByTestId('order-customer').fill('Euro Shop')
    await form.getByTestId('order-currency').fill('EUR')
    await line.getByTestId('line-item-name').fill('Cheese')
    await line.getByTestId('line-item-qty').fill('2')
    await line.getByTestId('line-item-price').fill('€12,50')
    await expect(form.getByTestId('order-total')).toHaveText('€25.00')
    await form.getByTestId('add-line-item').click()
    const second = form.getByTestId('line-item').nth(1)
    await second.getByTestId('line-item-name').fill('Wine case')
    await second.getByTestId('line-item-price').fill('1.234,50')
    await expect(form.getByTestId('order-total')).toHaveText('€1,259.50')
    await form.getByTestId('order-submit').click()
    await expect(row(page, 'Euro Shop')).toHaveCount(1)
    const [stored] = app.query<{ items: string; total_minor: number }>('SELECT items, total_minor FROM orders')
    expect(JSON.parse(stored!.items)).toEqual([
      { name: 'Cheese', quantityMilli: 2000, unitPriceMinor: 1250 },
      { name: 'Wine case', quantityMilli: 1000, unitPriceMinor: 123450 },
    ])
    expect(stored!.total_minor).toBe(125950)

    // A dinar price with only a grouping mark reads two ways (1234 or 1.234): refused, nothing written.
    await form.getByTestId('order-customer').fill('Dinar Shop')
    await form.getByTestId('order-currency').fill('KWD')
    await line.getByTestId('line-item-name').fill('Dates')
    await line.getByTestId('line-item-price').fill('1,234')
    await form.getByTestId('order-submit').click()
    await expect(page.locator('[data-testid="field-error"][data-field="items.0.unitPrice"]')).toContainText('can be read two ways')
    expect(app.query('SELECT id FROM orders')).toHaveLength(1)
    await line.getByTestId('line-item-price').fill('KWD 1.234')
    await form.getByTestId('order-submit').click()
    await expect(row(page, 'Dinar Shop')).toHaveCount(1)
    expect(app.query<{ total_minor: number }>(`SELECT total_minor FROM orders WHERE customer = 'Dinar Shop'`)).toEqual([{ total_minor: 1234 }])
  })
})

test.describe('prices in a comma-decimal English locale (en-DE)', () => {
  test.use({ locale: 'en-DE' })
  test('"1.234" is one thousand two hundred and thirty-four euros, and an edit is prefilled as "12,50"', async ({ app }) => {
    const page = await app.start()
    const form = page.getByTestId('order-form')
    const line = form.getByTestId('line-item').first()
    await form.getByTestId('order-customer').fill('Berlin Deli')
    await form.getByTestId('order-currency').fill('EUR')
    await line.getByTestId('line-item-name').fill('Platter')
    await line.getByTestId('line-item-price').fill('1.234')
    await form.getByTestId('add-line-item').click()
    const second = form.getByTestId('line-item').nth(1)
    await second.getByTestId('line-item-name').fill('Coffee')
    await second.getByTestId('line-item-price').fill('12,50')
    await form.getByTestId('order-submit').click()
    await expect(row(page, 'Berlin Deli')).toHaveCount(1)
    const [stored] = app.query<{ items: string }>('SELECT items FROM orders')
    expect(JSON.parse(stored!.items)).toMatchObject([{ unitPriceMinor: 123400 }, { unitPriceMinor: 1250 }])
    await openOrder(page, 'Berlin Deli')
    await page.getByTestId('edit-order').click()
    const edit = page.getByTestId('order-detail').getByTestId('order-form')
    await expect(edit.getByTestId('line-item-price').nth(1)).toHaveValue('12,50')
    await expect(edit.getByTestId('line-item-price').first()).toHaveValue('1234,00')
    // Saved unchanged, it is the same money.
    await edit.getByTestId('order-submit').click()
    await expect(page.getByTestId('detail-customer')).toHaveText('Berlin Deli')
    const [again] = app.query<{ items: string; version: number }>('SELECT items, version FROM orders')
    expect(again!.version).toBe(2)
    expect(JSON.parse(again!.items)).toMatchObject([{ unitPriceMinor: 123400 }, { unitPriceMinor: 1250 }])
  })
})
