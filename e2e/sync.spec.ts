import type {} from '../src-shared/contract' // declares window.outpost
import { expect, test } from './fixtures'
import { createConfirmedOrder, saveScreenshot } from './ui-helpers'

test.describe('sync status', () => {
  test('offline orders wait, then sync by themselves when the API comes up', async ({ app, api }) => {
    const page = await app.start({ apiUrl: api.url })
    for (const customer of ['Market 1', 'Market 2', 'Market 3']) await createConfirmedOrder(page, { customer })
    const indicator = page.getByTestId('sync-indicator')
    // Nothing listens on the API's port: the server is unreachable, the device is not offline.
    await expect(indicator).toHaveAttribute('data-kind', 'unreachable')
    await expect(indicator).toHaveAttribute('data-pending', '3')
    await expect(indicator).toContainText('Server unreachable')
    await indicator.getByRole('button').click()
    await expect(page.getByTestId('sync-advice')).toContainText('Check the server address in Settings')
    // What a person sees (innerText: rendered text only) never says "Offline".
    expect(await page.locator('body').innerText()).not.toMatch(/offline/i)
    await page.keyboard.press('Escape')
    await expect(page.getByTestId('order-row').and(page.locator('[data-sync-state="pending"]'))).toHaveCount(3)
    await saveScreenshot(page, 'server-unreachable', { readme: true })

    await api.start()
    // No click: the probe finds the API and the relay drains.
    await expect(indicator).toHaveAttribute('data-pending', '0', { timeout: 5_000 })
    await expect(indicator).toHaveAttribute('data-kind', 'synced')
    await expect(page.getByTestId('order-row').and(page.locator('[data-sync-state="synced"]'))).toHaveCount(3, { timeout: 5_000 })
    expect(api.server!.orders().map((o) => o.customer).sort()).toEqual(['Market 1', 'Market 2', 'Market 3'])
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

  test('Sync now with the server down says the server, in proper plurals, and the message goes when it is back', async ({ app, api }) => {
    const page = await app.start({ apiUrl: api.url })
    await createConfirmedOrder(page, { customer: 'Waiting' })
    // The form is empty again, so Ctrl+S means Sync now.
    await page.keyboard.press('Control+s')
    const toast = page.getByTestId('toast').filter({ hasText: 'The server could not be reached' })
    await expect(toast).toHaveText(/The server could not be reached: 1 order will be sent when it is back/)
    await api.start()
    await expect(page.getByTestId('sync-indicator')).toHaveAttribute('data-kind', 'synced', { timeout: 10_000 })
    await expect(toast).toHaveCount(0)
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
    // The reason in words; the HTTP status and raw body only behind "Technical details".
    await expect(dead.first().getByTestId('technical-http-status')).toBeHidden()
    expect(await dead.first().innerText()).not.toContain('HTTP')
    await saveScreenshot(page, 'needs-attention', { readme: true })
    await dead.first().getByTestId('technical-details').locator('summary').click()
    await expect(dead.first().getByTestId('technical-http-status')).toBeVisible()

    // Retry: back to pending, sent again (the server rejects it again: attempts go up).
    const corp = dead.filter({ hasText: 'REJECT Corp' })
    await corp.getByTestId('retry-event').click()
    const attempts = () =>
      app.query<{ attempts: number; status: string }>(
        `SELECT e.attempts, e.status FROM outbox e JOIN orders o ON o.id = e.aggregate_id WHERE o.customer = 'REJECT Corp'`,
      )
    await expect.poll(attempts, { timeout: 5_000 }).toEqual([{ attempts: 2, status: 'dead' }])
    // "Queued to send again" is replaced by what happened: refused again.
    await expect(page.getByTestId('toast').filter({ hasText: 'Refused again: REJECT Corp' })).toHaveCount(1)
    await expect(page.getByTestId('toast').filter({ hasText: 'Queued to send again' })).toHaveCount(0)
    await expect(page.getByTestId('dead-event').filter({ hasText: 'REJECT Corp' })).toHaveCount(1)
    await expect(page.getByTestId('attention-badge')).toHaveText('2')

    // Discard: confirmation, then the count drops and the order stays, not synced.
    await dead.filter({ hasText: 'REJECT Again' }).getByTestId('discard-event').click()
    await expect(page.getByTestId('confirm-dialog')).toBeVisible()
    await page.getByTestId('confirm-yes').click()
    await expect(page.getByTestId('attention-badge')).toHaveText('1')
    await expect(indicator).toContainText('1 needs attention')
    expect(app.query(`SELECT id FROM orders WHERE customer = 'REJECT Again'`)).toHaveLength(1)

    // The discarded row says so, and once nothing else is wrong the header does not claim "All synced".
    await corp.getByTestId('discard-event').click()
    await page.getByTestId('confirm-yes').click()
    await page.getByTestId('nav-orders').click()
    const discarded = page.getByTestId('order-row').filter({ hasText: 'REJECT Again' })
    await expect(discarded).toHaveAttribute('data-sync-state', 'discarded')
    await expect(discarded).toContainText('Discarded, not sent')
    await expect(indicator).toHaveAttribute('data-kind', 'synced')
    await expect(indicator).toContainText('Nothing waiting · 2 discarded, not sent')
    await expect(indicator).not.toContainText('All synced')
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
    // Real glyphs: the CJK font is in the stack and installed, so text is not drawn in boxes.
    const family = await page.locator('body').evaluate((el) => getComputedStyle(el).fontFamily)
    expect(family).toContain('Noto Sans CJK TC')
    for (const view of ['nav-settings', 'nav-attention', 'nav-orders']) {
      await page.getByTestId(view).click()
      // The data folder is a path (data), not UI text.
      const path = (await page.getByTestId('data-dir').count()) > 0 ? await page.getByTestId('data-dir').innerText() : ''
      const text = (await page.locator('body').innerText()).replace(path, '')
      // Whatever Latin words remain must be data or names, not UI text.
      const allowed = new Set(['Zhang', 'Outpost', 'USD', 'API', 'URL', 'HTTP', 'Token'])
      const words = (text.match(/[A-Za-z]{3,}/g) ?? []).filter((w) => !allowed.has(w))
      expect(words, `English left on ${view}`).toEqual([])
    }
    await saveScreenshot(page, 'zh-TW', { readme: true })
  })
})
