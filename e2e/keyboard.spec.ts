import { expect, test } from './fixtures'
import { createConfirmedOrder } from './ui-helpers'

test.describe('keyboard', () => {
  test('an order can be taken, opened and the sync details read without a mouse', async ({ app }) => {
    const page = await app.start()
    // Type an order and submit with Enter (no clicks).
    await page.getByTestId('order-customer').focus()
    await page.keyboard.type('Keyboard Kim')
    await page.keyboard.press('Tab') // currency
    await page.keyboard.press('Tab') // item name
    await page.keyboard.type('Soap')
    await page.keyboard.press('Tab')
    await page.keyboard.press('ControlOrMeta+a')
    await page.keyboard.type('3')
    await page.keyboard.press('Tab')
    await page.keyboard.type('1.50')
    await page.keyboard.press('Enter')
    const row = page.getByTestId('order-row').filter({ hasText: 'Keyboard Kim' })
    await expect(row).toHaveCount(1)
    await expect(row).toContainText('4.50')

    // A row opens with Enter, and Escape goes back.
    await row.focus()
    await page.keyboard.press('Enter')
    await expect(page.getByTestId('order-detail')).toBeVisible()
    await expect(page.getByTestId('order-detail')).toContainText('Soap')
    await page.keyboard.press('Escape')
    await expect(page.getByTestId('order-detail')).toBeHidden()

    // The sync indicator is a live region whose details open from the keyboard.
    const indicator = page.getByTestId('sync-indicator')
    await expect(indicator).toHaveAttribute('role', 'status')
    await expect(indicator).toHaveAttribute('aria-live', 'polite')
    await indicator.getByRole('button').first().focus()
    await page.keyboard.press('Enter')
    await expect(page.getByTestId('sync-details')).toBeVisible()
    await page.keyboard.press('Escape')
    await expect(page.getByTestId('sync-details')).toBeHidden()
  })

  test('every control in the header and form is reachable with Tab and shows a focus ring', async ({ app }) => {
    const page = await app.start()
    await createConfirmedOrder(page, { customer: 'Focus' })
    const seen = new Set<string>()
    await page.locator('body').focus()
    for (let i = 0; i < 30; i++) {
      await page.keyboard.press('Tab')
      const info = await page.evaluate(() => {
        const el = document.activeElement as HTMLElement | null
        if (!el || el === document.body) return null
        const style = getComputedStyle(el)
        const ring = style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0
        return { id: el.getAttribute('data-testid') ?? el.tagName.toLowerCase(), ring: ring || style.boxShadow !== 'none' }
      })
      if (!info) continue
      expect(info.ring, `${info.id} has a visible focus indicator`).toBe(true)
      seen.add(info.id)
    }
    for (const id of ['nav-orders', 'nav-attention', 'nav-settings', 'sync-now', 'order-customer', 'add-line-item', 'order-submit']) {
      expect(seen, `Tab reaches ${id}`).toContain(id)
    }
  })
})
