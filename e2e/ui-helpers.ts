import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { expect, type Page } from '@playwright/test'
import { REPO_ROOT } from '../src-main/cli/cli-support'

export interface UiOrder {
  customer: string
  items?: { name: string; qty: string; price: string }[]
  note?: string
}

/** Fill the order form the way a person does, and submit with Enter. */
export async function createOrderViaUi(page: Page, order: UiOrder): Promise<void> {
  const form = page.getByTestId('order-form')
  await form.getByTestId('order-customer').fill(order.customer)
  const items = order.items ?? [{ name: 'Tea', qty: '2', price: '3.50' }]
  for (let i = 0; i < items.length; i++) {
    if (i > 0) await form.getByTestId('add-line-item').click()
    const line = form.getByTestId('line-item').nth(i)
    await line.getByTestId('line-item-name').fill(items[i]!.name)
    await line.getByTestId('line-item-qty').fill(items[i]!.qty)
    await line.getByTestId('line-item-price').fill(items[i]!.price)
  }
  if (order.note) await form.getByTestId('order-note').fill(order.note)
  await form.getByTestId('order-customer').press('Enter')
}

/** Create an order and wait until the UI confirms it (the row is in the list). */
export async function createConfirmedOrder(page: Page, order: UiOrder): Promise<void> {
  const rows = page.getByTestId('order-row').filter({ hasText: order.customer })
  const before = await rows.count()
  await createOrderViaUi(page, order)
  await expect(rows).toHaveCount(before + 1)
}

/**
 * Screenshots are test artefacts (test-results/screenshots). The README's are
 * the same shots, copied to docs/screenshots when the run is asked to
 * (`OUTPOST_UPDATE_SCREENSHOTS=1 npm run test:e2e`), so an ordinary test run
 * leaves the working tree clean.
 */
export async function saveScreenshot(page: Page, name: string, opts: { readme?: boolean } = {}): Promise<void> {
  const dirs = [join(REPO_ROOT, 'test-results', 'screenshots')]
  if (opts.readme && process.env.OUTPOST_UPDATE_SCREENSHOTS === '1') dirs.push(join(REPO_ROOT, 'docs', 'screenshots'))
  for (const dir of dirs) {
    mkdirSync(dir, { recursive: true })
    await page.screenshot({ path: join(dir, `${name}.png`) })
  }
}
