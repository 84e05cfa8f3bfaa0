import { expect, test } from './fixtures'
import { createConfirmedOrder } from './ui-helpers'

test.describe('find', () => {
  test('search as you type finds an order by accent-free prefix and by Chinese prefix, with "N of M"', async ({ app }) => {
    const page = await app.start()
    await createConfirmedOrder(page, { customer: 'Café Lumière', items: [{ name: 'Croissant', qty: '2', price: '1.50' }] })
    await createConfirmedOrder(page, { customer: '王小明', items: [{ name: '珍珠奶茶', qty: '1', price: '60' }] })
    await createConfirmedOrder(page, { customer: 'Tomás', items: [{ name: 'Rice', qty: '1', price: '30' }] })
    const rows = page.getByTestId('order-row')
    await expect(rows).toHaveCount(3)
    const today = page.getByTestId('today-summary')
    await expect(today.getByTestId('today-count')).toHaveText('3')
    await expect(today.locator('[data-testid="today-total"][data-currency="USD"]')).toContainText('93.00')

    const search = page.getByTestId('order-search')
    await search.fill('cafe')
    await expect(rows).toHaveCount(1)
    await expect(rows.first()).toContainText('Café Lumière')
    await expect(page.getByTestId('order-list-count')).toHaveText('1 of 3')

    await search.fill('珍珠')
    await expect(rows).toHaveCount(1)
    await expect(rows.first()).toContainText('王小明')

    await search.press('Escape')
    await expect(rows).toHaveCount(3)
    await expect(page.getByTestId('order-list-count')).toHaveCount(0)

    // Nothing has reached a server: all three are waiting, none sent.
    await page.getByTestId('filter-sync-state').selectOption('sent')
    await expect(rows).toHaveCount(0)
    await expect(page.getByTestId('order-list-count')).toHaveText('0 of 3')
    await page.getByTestId('filter-sync-state').selectOption('waiting')
    await expect(rows).toHaveCount(3)
    await search.fill('tom')
    await expect(rows).toHaveCount(1)
    await page.getByTestId('filter-chip').click()
    await expect(page.getByTestId('filter-chip')).toHaveCount(0)
    await expect(rows).toHaveCount(1)
  })

  test('the count reads in Traditional Chinese', async ({ app }) => {
    const page = await app.start()
    await createConfirmedOrder(page, { customer: 'Zoë', items: [{ name: 'Tea', qty: '1', price: '3' }] })
    await createConfirmedOrder(page, { customer: 'Ann', items: [{ name: 'Tea', qty: '1', price: '3' }] })
    await page.getByTestId('nav-settings').click()
    await page.getByTestId('settings-language').selectOption('zh-TW')
    await page.getByTestId('settings-save').click()
    await expect(page.locator('html')).toHaveAttribute('lang', 'zh-TW')
    await page.getByTestId('nav-orders').click()
    await page.getByTestId('order-search').fill('zoe')
    await expect(page.getByTestId('order-row')).toHaveCount(1)
    await expect(page.getByTestId('order-list-count')).toHaveText('2 筆中的 1 筆')
  })
})
