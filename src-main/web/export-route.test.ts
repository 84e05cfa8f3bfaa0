import { mkdirSync, writeFileSync } from 'node:fs'
import { createServer, request } from 'node:http'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import { parse } from 'csv-parse/sync'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { WebExportState } from '../../src-shared/contract'
import { createCore } from '../core/create-core'
import type { Core } from '../core/core-types'
import { DB_FILE_NAME } from '../core/db/open-database'
import { openSqlite } from '../core/db/native-sqlite'
import { tempDir } from '../testing/temp-dir'
import { waitFor } from '../testing/scripted-api'
import { EXPORT_CANCEL_PATH, EXPORT_START_PATH, EXPORT_STATE_PATH, TICKET_TTL_MS, WebExports } from './export-route'
import { startWebHost, type WebHost } from './web-host'

let dir: ReturnType<typeof tempDir>
let core: Core
let host: WebHost
let secret: string
beforeEach(async () => {
  dir = tempDir()
  const staticDir = join(dir.path, 'renderer')
  mkdirSync(staticDir)
  writeFileSync(join(staticDir, 'index.html'), '<!doctype html><title>Outpost</title>')
  core = createCore({ dataDir: join(dir.path, 'data'), startRelay: false })
  host = await startWebHost({ core, port: 0, staticDir })
  const html = await (await fetch(`${host.url}/`)).text()
  secret = /<meta name="outpost-session" content="([^"]+)">/.exec(html)?.[1] ?? ''
})
afterEach(async () => {
  await host.close()
  await core.shutdown()
  dir.remove()
})

const post = (path: string, body: unknown, session: string | null = secret) =>
  fetch(`${host.url}${path}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...(session ? { 'X-Outpost-Session': session } : {}) },
    body: JSON.stringify(body),
  })
const state = async (id: string) =>
  WebExportState.parse(await (await fetch(`${host.url}${EXPORT_STATE_PATH}?id=${id}`, { headers: { 'X-Outpost-Session': secret } })).json())

async function seed(n: number) {
  for (let i = 0; i < n; i++) {
    const r = await core.handlers.createOrder({ customer: i === 0 ? 'Café "Lumière"' : `Shop ${i}`, currency: 'EUR', items: [{ name: 'Tea', quantity: 1, unitPrice: '3' }] })
    expect(r.ok).toBe(true)
  }
}

describe('the browser host CSV download', () => {
  it('start → a one-time link (no session secret in it) → the CSV as an attachment → state done', async () => {
    await seed(3)
    const started = (await (await post(EXPORT_START_PATH, { filter: { q: 'cafe' } })).json()) as { id: string; url: string }
    expect(started.url).not.toContain(secret)
    expect(await state(started.id)).toEqual({ state: 'waiting', orders: 0, rows: 0 })
    // A navigation: no session header.
    const res = await fetch(`${host.url}${started.url}`)
    expect(res.status).toBe(200)
    expect(res.headers.get('content-disposition')).toMatch(/^attachment; filename="outpost-orders-\d{4}-\d{2}-\d{2}\.csv"$/)
    const records = parse(Buffer.from(await res.arrayBuffer()), { bom: true, columns: true }) as Record<string, string>[]
    expect(records.map((r) => r.customer)).toEqual(['Café "Lumière"'])
    await waitFor(async () => (await state(started.id)).state === 'done', 2000)
    expect(await state(started.id)).toEqual({ state: 'done', orders: 1, rows: 1 })
    // Spent: the same link opens nothing, and without it the route is closed.
    expect((await fetch(`${host.url}${started.url}`)).status).toBe(401)
    expect((await fetch(`${host.url}${started.url.replace(/ticket=[^&]+/, 'ticket=guess')}`)).status).toBe(401)
  })

  it('needs the session to start, refuses a bad filter in words, and a cancel before the download spends the link', async () => {
    expect((await post(EXPORT_START_PATH, { filter: {} }, null)).status).toBe(401)
    const bad = await post(EXPORT_START_PATH, { filter: { sync: 'nonsense' } })
    expect(bad.status).toBe(400)
    expect(await bad.json()).toMatchObject({ error: { message: 'The export filter is not valid.' } })
    const started = (await (await post(EXPORT_START_PATH, { filter: {} })).json()) as { id: string; url: string }
    expect((await post(EXPORT_CANCEL_PATH, { id: started.id })).status).toBe(200)
    expect((await state(started.id)).state).toBe('cancelled')
    expect((await fetch(`${host.url}${started.url}`)).status).toBe(401)
  })

  it('Cancel during the download stops the stream in main: the browser gets a cut-off response, the state says cancelled', async () => {
    // More than the loopback socket's buffers hold, written straight into the file (creating them one by one would take minutes).
    const db = openSqlite(join(dir.path, 'data', DB_FILE_NAME))
    db.prepare(
      `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 60000)
       INSERT INTO orders (id, customer, note, currency, items, total_minor, created_at)
       SELECT printf('seed-%06d', i), printf('Customer %d', i), NULL, 'EUR', '[{"name":"Tea","quantity":1,"unitPriceMinor":300,"lineTotalMinor":300}]', 300,
              strftime('%Y-%m-%dT%H:%M:%fZ', 'now', printf('-%d seconds', i)) FROM n`,
    ).run()
    db.close()
    const started = (await (await post(EXPORT_START_PATH, { filter: {} })).json()) as { id: string; url: string }
    // A reader that takes the headers and then stops reading, as a browser saving slowly to disk would.
    const { aborted, resume } = await new Promise<{ aborted: Promise<boolean>; resume: () => void }>((resolve, reject) => {
      const req = request(`${host.url}${started.url}`, (res) => {
        res.pause()
        res.on('error', () => undefined) // 'aborted': expected here
        resolve({ aborted: new Promise((r) => res.once('close', () => r(!res.complete))), resume: () => res.resume() })
      })
      req.on('error', reject)
      req.end()
    })
    await waitFor(async () => (await state(started.id)).state === 'running', 2000)
    await post(EXPORT_CANCEL_PATH, { id: started.id })
    // Reading again (a paused socket would not notice the close), the response ends cut off.
    resume()
    expect(await aborted).toBe(true)
    await waitFor(async () => (await state(started.id)).state === 'cancelled', 2000)
    expect((await state(started.id)).orders).toBeLessThan(60000)
  })

  it('a link never opened lapses after the ticket lifetime, and the page hears it failed', async () => {
    let now = 1_000_000
    const exports = new WebExports(core, () => now)
    const server = createServer((req, res) => void exports.handle(req, res, new URL(req.url ?? '/', 'http://127.0.0.1')))
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
    try {
      const started = (await (await fetch(`${base}${EXPORT_START_PATH}`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{"filter":{}}' })).json()) as { id: string; url: string }
      const link = new URL(started.url, base)
      expect(exports.hasTicket(link)).toBe(true)
      now += TICKET_TTL_MS + 1
      expect(exports.hasTicket(link)).toBe(false)
      expect(await (await fetch(`${base}${EXPORT_STATE_PATH}?id=${started.id}`)).json()).toEqual({ state: 'failed', orders: 0, rows: 0 })
      expect(exports.hasTicket(new URL('http://127.0.0.1/api/export.csv?id=nope&ticket=x'))).toBe(false)
    } finally {
      server.close()
    }
  })
})
