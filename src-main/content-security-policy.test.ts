import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { REPO_ROOT } from './cli/cli-support'
import { cspHeader, withDevCspMeta } from './content-security-policy'

describe('content security policy', () => {
  it('production allows no inline code and no remote origin', () => {
    expect(cspHeader()).not.toMatch(/unsafe|ws:|http:/)
  })

  it('development adds exactly the inline preamble and the dev server websocket', () => {
    const dev = cspHeader({ devServerOrigin: 'http://localhost:5173/' })
    expect(dev).toContain("script-src 'self' 'unsafe-inline'")
    expect(dev).toContain("connect-src 'self' ws://localhost:5173")
    expect(cspHeader({ devServerOrigin: 'https://127.0.0.1:*' })).toContain("connect-src 'self' wss://127.0.0.1:*")
  })

  it('the dev page meta tag gets the same dev policy (one relaxation, not two)', () => {
    const html = readFileSync(join(REPO_ROOT, 'src-renderer', 'index.html'), 'utf8')
    const out = withDevCspMeta(html)
    const meta = /http-equiv="Content-Security-Policy"\s+content="([^"]+)"/.exec(out)?.[1]
    expect(meta).toBe(cspHeader({ devServerOrigin: 'http://localhost:*' }).replace(/; frame-ancestors 'none'/, ''))
    const original = /http-equiv="Content-Security-Policy"\s+content="([^"]+)"/.exec(html)?.[1] ?? ''
    expect(out.replace(meta ?? '', 'POLICY')).toBe(html.replace(original, 'POLICY'))
  })
})
