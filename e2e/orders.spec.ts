import { expect, test } from './fixtures'
import { createConfirmedOrder, createOrderViaUi, saveScreenshot } from './ui-helpers'

interface OutboxRow {
  id: string
  aggregate_id: string
  type: string
  status: string
}

test.describe('orders', () => {
  test('orders created in the UI are saved with one pending outbox row each, and listed newest first after a reload', async ({ app }) => {
    const page = await app.start()
    await createConfirmedOrder(page, { customer: 'Mei Lin', items: [{ name: 'Oolong', qty: '2', price: '12.50' }, { name: 'Cups', qty: '4', price: '1.25' }] })
    await createConfirmedOrder(page, { customer: 'Tomás', items: [{ name: 'Rice', qty: '1', price: '30' }] })

    const orders = app.query<{ id: string; customer: string; total_minor: number }>('SELECT id, customer, total_minor FROM orders ORDER BY created_at')
    expect(orders.map((o) => [o.customer, o.total_minor])).toEqual([
      ['Mei Lin', 3000],
      ['Tomás', 3000],
    ])
    const outbox = app.query<OutboxRow>('SELECT id, aggregate_id, type, status FROM outbox')
    for (const o of orders) {
      expect(outbox.filter((e) => e.aggregate_id === o.id)).toEqual([{ id: expect.any(String), aggregate_id: o.id, type: 'OrderCreated', status: 'pending' }])
    }

    await page.reload()
    const rows = page.getByTestId('order-row')
    await expect(rows).toHaveCount(2)
    await expect(rows.nth(0)).toContainText('Tomás')
    await expect(rows.nth(1)).toContainText('Mei Lin')
    await expect(rows.nth(0)).toHaveAttribute('data-order-id', orders[1]!.id)
    await expect(rows.nth(0)).toHaveAttribute('data-sync-state', 'pending')
    await saveScreenshot(page, 'orders', { readme: true })
  })

  test('the total is shown live as the form is filled', async ({ app }) => {
    const page = await app.start()
    const form = page.getByTestId('order-form')
    await form.getByTestId('line-item-name').fill('Beans')
    await form.getByTestId('line-item-qty').fill('3')
    await form.getByTestId('line-item-price').fill('2.10')
    await expect(form.getByTestId('order-total')).toContainText('6.30')
    await form.getByTestId('add-line-item').click()
    await expect(form.getByTestId('line-item')).toHaveCount(2)
    await form.getByTestId('line-item').nth(1).getByTestId('remove-line-item').click()
    await expect(form.getByTestId('line-item')).toHaveCount(1)
  })

  test('an empty customer shows a field error next to the field and writes nothing', async ({ app }) => {
    const page = await app.start()
    await createOrderViaUi(page, { customer: '   ' })
    const error = page.getByTestId('field-error').and(page.locator('[data-field="customer"]'))
    await expect(error).toBeVisible()
    await expect(page.getByTestId('order-customer')).toHaveAttribute('aria-invalid', 'true')
    await saveScreenshot(page, 'field-error')
    expect(app.query('SELECT id FROM orders')).toEqual([])
    expect(app.query('SELECT id FROM outbox')).toEqual([])
  })

  test('bad line items get their own field errors, and nothing is written', async ({ app }) => {
    const page = await app.start()
    await createOrderViaUi(page, { customer: 'Ada', items: [{ name: '', qty: '0', price: '1.999' }] })
    for (const field of ['items.0.name', 'items.0.quantity', 'items.0.unitPrice']) {
      await expect(page.locator(`[data-testid="field-error"][data-field="${field}"]`)).toBeVisible()
    }
    expect(app.query('SELECT id FROM orders')).toEqual([])
  })

  test('killing the host right after the UI confirmed an order loses nothing', async ({ app }) => {
    let page = await app.start()
    await createConfirmedOrder(page, { customer: 'Crash Tester' })
    await app.kill()
    page = await app.start()
    const row = page.getByTestId('order-row').filter({ hasText: 'Crash Tester' })
    await expect(row).toHaveCount(1)
    expect(app.query<{ status: string }>('SELECT status FROM outbox')).toEqual([{ status: 'pending' }])
  })
})
