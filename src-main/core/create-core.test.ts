import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { tempDir } from '../testing/temp-dir'
import type { Core } from './core-types'
import { createCore } from './create-core'
import { openSqlite } from './db/native-sqlite'
import { join } from 'node:path'
import { acceptAll, startScriptedApi, waitFor } from '../testing/scripted-api'

let dir: ReturnType<typeof tempDir>
let core: Core | null = null
beforeEach(() => {
  dir = tempDir()
})
afterEach(async () => {
  await core?.shutdown()
  core = null
  dir.remove()
})

const open = (opts: Partial<Parameters<typeof createCore>[0]> = {}) => {
  core = createCore({ dataDir: dir.path, startRelay: false, ...opts })
  return core
}
const rows = (sql: string) => {
  const db = openSqlite(join(dir.path, 'outpost.db'), { readonly: true })
  try {
    return db.prepare(sql).all()
  } finally {
    db.close()
  }
}

describe('core handlers', () => {
  it('createOrder validates, computes the total in main, and emits ordersChanged', async () => {
    const c = open()
    const seen: unknown[] = []
    c.on('ordersChanged', (e) => seen.push(e))
    const r = await c.handlers.createOrder({ customer: ' Bo ', items: [{ name: 'Rice', quantity: '2', unitPrice: '3.25' }] })
    expect(r.ok).toBe(true)
    if (!r.ok) return
    expect(r.value).toMatchObject({ customer: 'Bo', totalMinor: 650, currency: 'USD', syncState: 'pending' })
    expect(seen).toEqual([{ orderIds: [r.value.id], created: true }])
    expect(rows('SELECT aggregate_id, status, type FROM outbox')).toEqual([{ aggregate_id: r.value.id, status: 'pending', type: 'OrderCreated' }])
  })

  it('bad input gets field errors and writes nothing', async () => {
    const c = open()
    const r = await c.handlers.createOrder({ customer: '', items: [{ name: 'Rice', quantity: '2', unitPrice: '3.25' }] })
    expect(r).toEqual({
      ok: false,
      error: { code: 'validation_failed', message: expect.any(String), fields: [{ field: 'customer', code: 'required', message: expect.any(String) }] },
    })
    expect(rows('SELECT count(*) AS n FROM orders')).toEqual([{ n: 0 }])
    expect(rows('SELECT count(*) AS n FROM outbox')).toEqual([{ n: 0 }])
  })

  it('hostile calls through invoke never throw and never crash the process', async () => {
    const c = open()
    for (const input of [undefined, null, 42, 'x', [], { __proto__: { a: 1 } }, { customer: 'a', items: [], extra: true }]) {
      const r = await c.invoke('createOrder', input)
      expect(r.ok).toBe(false)
    }
    expect(await c.invoke('dropTables', {})).toMatchObject({ ok: false, error: { code: 'not_found' } })
    expect(await c.invoke('__proto__', {})).toMatchObject({ ok: false, error: { code: 'not_found' } })
    expect(await c.invoke('listOrders', { offset: -1, limit: 10 })).toMatchObject({ ok: false, error: { code: 'validation_failed' } })
    expect(await c.invoke('listOrders', { offset: 0, limit: 10_000 })).toMatchObject({ ok: false, error: { code: 'validation_failed' } })
    expect(await c.invoke('getOrder', { id: 'nope' })).toMatchObject({ ok: false, error: { code: 'not_found' } })
  })

  it('listOrders pages newest first and getOrder shows the outbox history', async () => {
    const c = open()
    const ids: string[] = []
    for (const name of ['a', 'b', 'c']) {
      const r = await c.handlers.createOrder({ customer: name, items: [{ name: 'x', quantity: 1, unitPrice: '1' }] })
      if (r.ok) ids.push(r.value.id)
    }
    const page = await c.handlers.listOrders({ offset: 0, limit: 2 })
    expect(page.ok && page.value.total).toBe(3)
    expect(page.ok && page.value.items.map((o) => o.customer)).toEqual(['c', 'b'])
    const detail = await c.handlers.getOrder({ id: ids[0] })
    expect(detail.ok && detail.value.events).toEqual([expect.objectContaining({ type: 'OrderCreated', status: 'pending', attempts: 0, history: [] })])
  })
})

describe('settings', () => {
  it('default currency is USD until changed, and then applies to new orders', async () => {
    const c = open()
    expect((await c.handlers.getSettings(undefined)).ok && (await c.handlers.getSettings(undefined))).toMatchObject({ value: { currency: 'USD' } })
    await c.handlers.updateSettings({ currency: 'twd' })
    const r = await c.handlers.createOrder({ customer: 'a', items: [{ name: 'x', quantity: 1, unitPrice: '10' }] })
    expect(r.ok && r.value.currency).toBe('TWD')
  })

  it('API URL: a flag wins over the stored value, which wins over the environment', async () => {
    let c = open({ env: { apiUrl: 'http://env.example' } })
    expect((await c.handlers.getSettings(undefined)).ok).toBe(true)
    let s = await c.handlers.getSettings(undefined)
    expect(s.ok && [s.value.apiUrl, s.value.apiUrlSource]).toEqual(['http://env.example', 'env'])
    await c.handlers.updateSettings({ apiUrl: 'http://stored.example' })
    s = await c.handlers.getSettings(undefined)
    expect(s.ok && [s.value.apiUrl, s.value.apiUrlSource]).toEqual(['http://stored.example', 'stored'])
    await c.shutdown()
    c = open({ env: { apiUrl: 'http://env.example' }, flags: { apiUrl: 'http://flag.example' } })
    s = await c.handlers.getSettings(undefined)
    expect(s.ok && [s.value.apiUrl, s.value.apiUrlSource]).toEqual(['http://flag.example', 'flag'])
  })

  it('refuses a URL that is not http or https, with a field error', async () => {
    const c = open()
    const r = await c.handlers.updateSettings({ apiUrl: 'ftp://files.example' })
    expect(r).toMatchObject({ ok: false, error: { code: 'validation_failed', fields: [{ field: 'apiUrl', code: 'invalid_url' }] } })
    expect(() => createCore({ dataDir: join(dir.path, 'other'), startRelay: false, flags: { apiUrl: 'javascript:alert(1)' } })).toThrow(/http:\/\/ or https:\/\//)
  })

  it('never returns the token, only whether one is set; the box seals it at rest', async () => {
    const c = open({ secretBox: { kind: 'os-encrypted', seal: (p) => `sealed:${Buffer.from(p).toString('base64')}`, open: (s) => Buffer.from(s.slice(7), 'base64').toString() } })
    const r = await c.handlers.updateSettings({ apiToken: 's3cret' })
    expect(r.ok && r.value).toMatchObject({ hasToken: true, tokenStorage: 'os-encrypted' })
    expect(JSON.stringify(r)).not.toContain('s3cret')
    expect(rows(`SELECT value FROM settings WHERE key = 'apiToken'`)).toEqual([{ value: `sealed:${Buffer.from('s3cret').toString('base64')}` }])
    const cleared = await c.handlers.updateSettings({ apiToken: null })
    expect(cleared.ok && cleared.value.hasToken).toBe(false)
  })

  it('status says "not configured" without an API URL, and orders stay local', async () => {
    const c = open()
    await c.handlers.createOrder({ customer: 'a', items: [{ name: 'x', quantity: 1, unitPrice: '1' }] })
    const s = c.status()
    expect(s).toMatchObject({ api: 'not-configured', counts: { pending: 1, dead: 0 } })
    const sync = await c.handlers.syncNow(undefined)
    expect(sync.ok && sync.value).toEqual({ outcome: 'not-configured', pending: 1 })
  })
})

describe('issue 9 bug 4: a token that cannot go into an HTTP header', () => {
  const bad = ['abc\r\nX-Evil: 1', 'abc\ndef', 'tok\u0000en', 'jeton-é', 'tab\there']

  it('is a field error when set, and nothing is stored', async () => {
    const c = open()
    for (const token of bad) {
      const r = await c.handlers.updateSettings({ apiToken: token })
      expect(r, JSON.stringify(token)).toMatchObject({ ok: false, error: { code: 'validation_failed', fields: [{ field: 'apiToken', code: 'invalid_value' }] } })
      expect(JSON.stringify(r)).not.toContain(token)
    }
    expect(rows(`SELECT count(*) AS n FROM settings WHERE key = 'apiToken'`)).toEqual([{ n: 0 }])
    expect(await c.handlers.updateSettings({ apiToken: 'Abc-123._~+/=' })).toMatchObject({ ok: true, value: { hasToken: true } })
  })

  it('is a clear startup error from a flag or the environment, naming the source but not the token', () => {
    const token = 'secret\r\nX: y'
    expect(() => open({ flags: { apiToken: token } })).toThrow(/^--api-token: The token may only contain printable ASCII/)
    expect(() => open({ env: { apiToken: token } })).toThrow(/^OUTPOST_API_TOKEN: /)
    try {
      open({ flags: { apiToken: token } })
    } catch (err) {
      expect(String(err)).not.toContain('secret')
    }
    core = null
  })

  it('never reaches the status, a log line or diagnostics, even when a hostile server echoes it', async () => {
    const token = 'tok-3f9a7c2e-secret'
    const api = await startScriptedApi((req) => ({ status: 500, body: { error: `bad credentials ${req.authorization ?? ''}` } }))
    const lines: string[] = []
    const log = { info: (m: string, meta?: object) => lines.push(m + JSON.stringify(meta ?? {})), warn: (m: string, meta?: object) => lines.push(m + JSON.stringify(meta ?? {})), error: (m: string, meta?: object) => lines.push(m + JSON.stringify(meta ?? {})) }
    try {
      const c = open({ startRelay: true, flags: { apiUrl: api.url, apiToken: token }, log, relay: { kickDelayMs: 0 } })
      await c.handlers.createOrder({ customer: 'a', items: [{ name: 'x', quantity: 1, unitPrice: '1' }] })
      await waitFor(() => c.status().lastError !== null, 5000, 'an error')
      expect(api.requests[0]?.authorization).toBe(`Bearer ${token}`)
      expect(c.status().lastError?.message).toContain('bad credentials')
      expect(JSON.stringify(c.status())).not.toContain(token)
      expect(JSON.stringify(c.diagnostics())).not.toContain(token)
      expect(lines.join('\n')).not.toContain(token)
    } finally {
      await core?.shutdown()
      core = null
      await api.close()
    }
  })
})

describe('issue 9 bug 5: the token is bound to the API origin', () => {
  const stored = () => rows(`SELECT count(*) AS n FROM settings WHERE key = 'apiToken'`)

  it('moving the API to another scheme, host or port clears the stored token, and says so', async () => {
    const c = open()
    for (const next of ['https://api.example', 'http://other.example', 'http://api.example:8080', null]) {
      expect(await c.handlers.updateSettings({ apiUrl: 'http://api.example', apiToken: 'tok-123456' })).toMatchObject({ ok: true, value: { hasToken: true } })
      const r = await c.handlers.updateSettings({ apiUrl: next })
      expect(r, String(next)).toMatchObject({ ok: true, value: { hasToken: false, tokenCleared: true } })
      expect(stored(), String(next)).toEqual([{ n: 0 }])
    }
  })

  it('keeps the token for the same origin, and when the same edit gives a new one', async () => {
    const c = open()
    await c.handlers.updateSettings({ apiUrl: 'http://api.example', apiToken: 'tok-123456' })
    const samePath = await c.handlers.updateSettings({ apiUrl: 'http://api.example:80/v2/' })
    expect(samePath.ok && samePath.value).toMatchObject({ hasToken: true })
    expect(samePath.ok && samePath.value.tokenCleared).toBeUndefined()
    const moved = await c.handlers.updateSettings({ apiUrl: 'https://new.example', apiToken: 'tok-654321' })
    expect(moved.ok && moved.value).toMatchObject({ hasToken: true })
    expect(moved.ok && moved.value.tokenCleared).toBeUndefined()
    expect((await c.handlers.updateSettings({ paused: true })).ok).toBe(true)
    expect(stored()).toEqual([{ n: 1 }])
  })

  it('a token from a flag or the environment does not follow the API to another origin either', async () => {
    const api = await startScriptedApi(acceptAll)
    try {
      const c = open({ flags: { apiUrl: 'http://127.0.0.1:1', apiToken: 'flag-token-1' }, env: { apiToken: 'env-token-1' } })
      const r = await c.handlers.updateSettings({ apiUrl: api.url })
      expect(r).toMatchObject({ ok: true, value: { hasToken: false, tokenCleared: true } })
      await c.handlers.createOrder({ customer: 'a', items: [{ name: 'x', quantity: 1, unitPrice: '1' }] })
      await c.handlers.syncNow(undefined)
      expect(api.requests.map((q) => q.authorization)).toEqual([undefined])
    } finally {
      await api.close()
    }
  })
})

describe('diagnostics', () => {
  it('keep the API host and mark a query string as redacted, never dropping the marker', async () => {
    const c = open()
    await c.handlers.updateSettings({ apiUrl: 'https://user:pw@api.example:8443/v1?key=abc' })
    expect(c.diagnostics().settings.apiUrl).toBe('https://api.example:8443/v1?[redacted]')
  })
})
