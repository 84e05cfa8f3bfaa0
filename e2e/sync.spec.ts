import type {} from '../src-preload/contract' // declares window.outpost
import { expect, test } from './fixtures'
import { createConfirmedOrder, saveScreenshot } from './ui-helpers'

test.describe('sync status', () => {
  test('offline orders wait, then sync by themselves when the API comes up', async ({ app, api }) => {
    const page = await app.start({ apiUrl: api.url })
    for (const customer of ['Offline 1', 'Offline 2', 'Offline 3']) await createConfirmedOrder(page, { customer })
    const indicator = page.getByTestId('sync-indicator')
    // Nothing listening is the server's absence, not the device's (issue 10): never "offline".
    await expect(indicator).toHaveAttribute('data-pending', '3')
    await expect(indicator).not.toHaveAttribute('data-connectivity', 'offline')
    await expect(page.getByTestId('order-row').and(page.locator('[data-sync-state="pending"]'))).toHaveCount(3)
    await saveScreenshot(page, 'offline', { readme: true })

    await api.start()
    // No click: the probe finds the API and the relay drains.
    await expect(indicator).toHaveAttribute('data-pending', '0', { timeout: 5_000 })
    await expect(indicator).toHaveAttribute('data-connectivity', 'online')
    await expect(page.getByTestId('order-row').and(page.locator('[data-sync-state="synced"]'))).toHaveCount(3, { timeout: 5_000 })
    expect(api.server!.orders().map((o) => o.customer).sort()).toEqual(['Offline 1', 'Offline 2', 'Offline 3'])
    await saveScreenshot(page, 'synced', { readme: true })
  })

  test('after a long outage, Sync now delivers at once instead of waiting for the next probe', async ({ app, api }) => {
    test.setTimeout(120_000)
    const page = await app.start({ apiUrl: api.url })
    await createConfirmedOrder(page, { customer: 'Patient' })
    await createConfirmedOrder(page, { customer: 'Impatient' })
    const indicator = page.getByTestId('sync-indicator')
    // Probes back off to every 1–2 s (equal jitter): after 8 s the schedule is at its longest interval.
    await expect(indicator).toHaveAttribute('data-pending', '2')
    await page.waitForTimeout(8_000)
    const status = await page.evaluate(async () => {
      const r = await window.outpost!.getStatus(undefined)
      return r.ok ? r.value : null
    })
    expect(status?.counts.pending).toBe(2)
    await saveScreenshot(page, 'retrying')
    await api.start()
    const clicked = Date.now()
    await page.getByTestId('sync-now').click()
    await expect(indicator).toHaveAttribute('data-pending', '0', { timeout: 2_000 })
    expect(Date.now() - clicked).toBeLessThan(2_000)
    await expect(page.getByTestId('order-row').and(page.locator('[data-sync-state="synced"]'))).toHaveCount(2)
  })

  test('Sync now while still offline says so', async ({ app, api }) => {
    const page = await app.start({ apiUrl: api.url })
    await createConfirmedOrder(page, { customer: 'Waiting' })
    await page.keyboard.press('Control+s')
    await expect(page.getByTestId('toast').last()).toContainText('Still offline: 1 orders will be sent when the connection returns')
  })

  test('a rejected order needs attention; Retry and Discard work and update the counts', async ({ app, api }) => {
    await api.start()
    const page = await app.start({ apiUrl: api.url })
    await createConfirmedOrder(page, { customer: 'REJECT Corp' })
    await createConfirmedOrder(page, { customer: 'Good Corp' })
    await createConfirmedOrder(page, { customer: 'REJECT Again' })
    const indicator = page.getByTestId('sync-indicator')
    await expect(indicator).toHaveAttribute('data-pending', '0')
    await expect(indicator).toContainText('2 need attention')
    await expect(page.getByTestId('attention-badge')).toHaveText('2')
    await expect(page.getByTestId('order-row').filter({ hasText: 'Good Corp' })).toHaveAttribute('data-sync-state', 'synced')
    const failed = page.getByTestId('order-row').filter({ hasText: 'REJECT Corp' })
    await expect(failed).toHaveAttribute('data-sync-state', 'failed')
    await expect(failed).toContainText('Customer is on the blocked list')

    await page.getByTestId('nav-attention').click()
    const view = page.getByTestId('attention-view')
    const dead = view.getByTestId('dead-event')
    await expect(dead).toHaveCount(2)
    await expect(dead.first()).toContainText('Customer is on the blocked list')
    await saveScreenshot(page, 'needs-attention', { readme: true })

    // Retry: back to pending, sent again (the server rejects it again: attempts go up).
    const corp = dead.filter({ hasText: 'REJECT Corp' })
    await corp.getByTestId('retry-event').click()
    const attempts = () =>
      app.query<{ attempts: number; status: string }>(
        `SELECT e.attempts, e.status FROM outbox e JOIN orders o ON o.id = e.aggregate_id WHERE o.customer = 'REJECT Corp'`,
      )
    await expect.poll(attempts, { timeout: 5_000 }).toEqual([{ attempts: 2, status: 'dead' }])
    await expect(page.getByTestId('dead-event').filter({ hasText: 'REJECT Corp' })).toHaveCount(1)
    await expect(page.getByTestId('attention-badge')).toHaveText('2')

    // Discard: confirmation, then the count drops and the order stays, not synced.
    await dead.filter({ hasText: 'REJECT Again' }).getByTestId('discard-event').click()
    await expect(page.getByTestId('confirm-dialog')).toBeVisible()
    await page.getByTestId('confirm-yes').click()
    await expect(page.getByTestId('attention-badge')).toHaveText('1')
    await expect(indicator).toContainText('1 need attention')
    expect(app.query(`SELECT id FROM orders WHERE customer = 'REJECT Again'`)).toHaveLength(1)
  })

  test('a 401 shows "Sign-in required"; fixing the token in settings resumes delivery', async ({ app, api }) => {
    await api.start({ token: 'right-token' })
    const page = await app.start({ apiUrl: api.url, apiToken: 'wrong-token' })
    await createConfirmedOrder(page, { customer: 'Locked Out' })
    const indicator = page.getByTestId('sync-indicator')
    await expect(indicator).toContainText('Sign-in required')
    await expect(indicator).toHaveAttribute('data-phase', 'paused')
    await saveScreenshot(page, 'sign-in-required', { readme: true })

    await page.getByTestId('nav-settings').click()
    await page.getByTestId('settings-api-token').fill('right-token')
    await page.getByTestId('settings-save').click()
    await expect(indicator).toHaveAttribute('data-pending', '0', { timeout: 5_000 })
    expect(api.server!.orders().map((o) => o.customer)).toEqual(['Locked Out'])
  })

  test('switching to 繁體中文 changes every visible string', async ({ app }) => {
    const page = await app.start()
    await createConfirmedOrder(page, { customer: 'Zhang' })
    await page.getByTestId('nav-settings').click()
    await page.getByTestId('settings-language').selectOption('zh-TW')
    await page.getByTestId('settings-save').click()
    await expect(page.locator('html')).toHaveAttribute('lang', 'zh-TW')
    for (const view of ['nav-settings', 'nav-attention', 'nav-orders']) {
      await page.getByTestId(view).click()
      const text = await page.locator('body').innerText()
      // Whatever Latin words remain must be data or names, not UI text.
      const allowed = new Set(['Zhang', 'Outpost', 'USD', 'API', 'URL', 'HTTP', 'Token'])
      const words = (text.match(/[A-Za-z]{3,}/g) ?? []).filter((w) => !allowed.has(w))
      expect(words, `English left on ${view}`).toEqual([])
    }
    await saveScreenshot(page, 'zh-TW', { readme: true })
  })
})
