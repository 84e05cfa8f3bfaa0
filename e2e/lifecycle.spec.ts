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
