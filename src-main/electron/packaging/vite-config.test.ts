import { readFileSync } from 'node:fs'
import type { IndexHtmlTransformContext, IndexHtmlTransformHook } from 'vite'
import { describe, expect, it } from 'vitest'
import { devCspRelaxation } from '../../../electron.vite.config'
import { cspHeader } from '../../content-security-policy'
import { repoPath } from './repo'

const metaCsp = (html: string) => /http-equiv="Content-Security-Policy"\s+content="([^"]+)"/.exec(html)?.[1]

describe('electron.vite.config.ts dev CSP', () => {
  it('puts the development policy of content-security-policy.ts in the meta tag, frame-ancestors aside', async () => {
    const html = readFileSync(repoPath('src-renderer', 'index.html'), 'utf8')
    const hook = devCspRelaxation().transformIndexHtml as IndexHtmlTransformHook
    // Only the part of a Vite dev server the plugin reads.
    const ctx = { path: '/index.html', filename: 'index.html', server: { resolvedUrls: { local: ['http://localhost:5173/'], network: [] } } }
    const out = (await hook.call({} as ThisParameterType<typeof hook>, html, ctx as unknown as IndexHtmlTransformContext)) as string
    const dev = cspHeader({ devServerOrigin: 'http://localhost:5173/' })
    expect(metaCsp(out)).toBe(dev.replace(/; frame-ancestors [^;]+/, ''))
    expect(metaCsp(out)).toContain("connect-src 'self' ws://localhost:5173")
    // Everything but the meta tag is untouched.
    expect(out.replace(metaCsp(out) ?? '', '')).toBe(html.replace(metaCsp(html) ?? '', ''))
  })
})
