import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { APP_INDEX_URL, createAppProtocolHandler, isAppPageUrl, mimeTypeFor, resolveAppFile } from './app-protocol'

const renderer = '/opt/Outpost/resources/app.asar/out/renderer'

describe('isAppPageUrl: the one definition of "our page"', () => {
  it.each([
    [APP_INDEX_URL, true],
    ['app://outpost/', true],
    ['app://outpost/index.html#/orders/1', true],
    ['app://outpost/assets/index-abc.js', true],
    ['APP://OUTPOST/index.html', true],
    ['app://evil/index.html', false],
    ['app://outpost.evil/index.html', false],
    ['app://user@outpost/index.html', false],
    ['app://outpost:1/index.html', false],
    ['file:///opt/Outpost/resources/app.asar/out/renderer/index.html', false],
    ['https://example.com/', false],
    ['http://localhost:5173/', false],
    ['about:blank', false],
    ['javascript:alert(1)', false],
    ['garbage', false],
    ['', false],
  ])('%s → %s', (url, expected) => {
    expect(isAppPageUrl(url)).toBe(expected)
  })
  it('accepts the dev server origin only when one is given', () => {
    const dev = { devServerUrl: 'http://localhost:5173' }
    expect(isAppPageUrl('http://localhost:5173/index.html', dev)).toBe(true)
    expect(isAppPageUrl('http://localhost:5174/', dev)).toBe(false)
    expect(isAppPageUrl('ws://localhost:5173/', dev)).toBe(false)
    expect(isAppPageUrl('http://localhost:5173/', {})).toBe(false)
    expect(isAppPageUrl('http://localhost:5173/', { devServerUrl: 'not a url' })).toBe(false)
  })
  it('refuses null and undefined', () => {
    expect(isAppPageUrl(null)).toBe(false)
    expect(isAppPageUrl(undefined)).toBe(false)
  })
})

describe('resolveAppFile', () => {
  it.each([
    ['app://outpost/', 'index.html'],
    ['app://outpost/index.html', 'index.html'],
    ['app://outpost/index.html?x=1#/a', 'index.html'],
    ['app://outpost/assets/index-abc.js', 'assets/index-abc.js'],
    ['app://outpost/./assets//a%20b.css', 'assets/a b.css'],
    // The URL parser resolves plain dot segments before we see them.
    ['app://outpost/assets/../index.html', 'index.html'],
    ['app://outpost/../../etc/passwd', 'etc/passwd'],
    // …and treats %2e%2e as "..", so it cannot climb out either.
    ['app://outpost/%2e%2e/main/index.js', 'main/index.js'],
    ['app://outpost/assets/%2E%2E/%2E%2E/secret', 'secret'],
  ])('%s → %s', (url, rel) => {
    expect(resolveAppFile(renderer, url)).toEqual({ ok: true, file: join(renderer, rel) })
  })
  it.each([
    ['app://outpost/assets/..%2f..%2fmain%2findex.js', 403],
    ['app://outpost/..%2f..%2fetc%2fpasswd', 403],
    ['app://outpost/..%5c..%5cwindows', 400],
    ['app://outpost/a%00.html', 400],
    ['app://outpost/%E0%A4%A', 400],
    ['app://evil/index.html', 404],
    ['file:///etc/passwd', 404],
    ['not a url', 400],
  ])('%s is refused with %d', (url, status) => {
    const r = resolveAppFile(renderer, url)
    expect(r.ok).toBe(false)
    if (!r.ok) expect(r.status).toBe(status)
  })
})

describe('mimeTypeFor', () => {
  it.each([
    ['index.html', 'text/html; charset=utf-8'],
    ['a/b.JS', 'text/javascript; charset=utf-8'],
    ['x.css', 'text/css; charset=utf-8'],
    ['icon.svg', 'image/svg+xml'],
    ['font.woff2', 'font/woff2'],
    ['logo.png', 'image/png'],
    ['noext', 'application/octet-stream'],
    ['weird.exe', 'application/octet-stream'],
  ])('%s → %s', (file, type) => {
    expect(mimeTypeFor(file)).toBe(type)
  })
})

describe('createAppProtocolHandler (real files in a temp folder)', () => {
  let root: string
  let dir: string
  const csp = "default-src 'self'"
  const refused: string[] = []
  let handle: (r: Request) => Promise<Response>

  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'outpost-app-protocol-'))
    dir = join(root, 'renderer')
    mkdirSync(join(dir, 'assets'), { recursive: true })
    writeFileSync(join(dir, 'index.html'), '<!doctype html><title>Outpost</title>')
    writeFileSync(join(dir, 'assets', 'app.js'), 'console.log(1)')
    writeFileSync(join(root, 'secret.txt'), 'secret')
    symlinkSync(join(root, 'secret.txt'), join(dir, 'assets', 'link.txt'))
    handle = createAppProtocolHandler({ rendererDir: dir, csp, onRefused: (url, reason) => refused.push(`${url} ${reason}`) })
  })
  afterAll(() => rmSync(root, { recursive: true, force: true }))

  it('serves index.html with its type, the CSP and nosniff', async () => {
    const res = await handle(new Request('app://outpost/'))
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8')
    expect(res.headers.get('content-security-policy')).toBe(csp)
    expect(res.headers.get('x-content-type-options')).toBe('nosniff')
    expect(await res.text()).toContain('<title>Outpost</title>')
  })

  it('serves assets with their type', async () => {
    const res = await handle(new Request('app://outpost/assets/app.js'))
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toBe('text/javascript; charset=utf-8')
    expect(await res.text()).toBe('console.log(1)')
  })

  it('answers HEAD without a body', async () => {
    const res = await handle(new Request('app://outpost/index.html', { method: 'HEAD' }))
    expect(res.status).toBe(200)
    expect(await res.text()).toBe('')
  })

  it('refuses traversal, links out of the folder, folders, missing files and writes, with the CSP still on', async () => {
    const cases: Array<[Request, number]> = [
      [new Request('app://outpost/..%2fsecret.txt'), 403],
      [new Request('app://outpost/assets/link.txt'), 403],
      [new Request('app://outpost/assets'), 404],
      [new Request('app://outpost/missing.js'), 404],
      [new Request('app://outpost/index.html', { method: 'POST', body: 'x' }), 405],
      [new Request('app://other/index.html'), 404],
    ]
    for (const [request, status] of cases) {
      const res = await handle(request)
      expect(res.status, request.url).toBe(status)
      expect(res.headers.get('content-security-policy')).toBe(csp)
      expect(await res.text()).not.toContain('secret')
    }
    expect(refused).toHaveLength(cases.length)
  })
})
