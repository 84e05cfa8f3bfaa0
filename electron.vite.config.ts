import { dirname, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import react from '@vitejs/plugin-react'
import { defineConfig } from 'electron-vite'
import type { Plugin } from 'vite'
import { withDevCspMeta } from './src-main/content-security-policy'

const root = dirname(fileURLToPath(import.meta.url))

/**
 * The dev server injects an inline React-refresh script and <style> tags,
 * which the production CSP forbids. For `electron-vite dev` only, the page's
 * meta CSP becomes the development policy from content-security-policy.ts
 * (the one definition, also sent as a header by the shell); builds keep the
 * strict meta tag. frame-ancestors is left out: a meta tag cannot carry it.
 */
export function devCspRelaxation(): Plugin {
  return {
    name: 'outpost-dev-csp',
    apply: 'serve',
    transformIndexHtml: (html, ctx) => {
      const origin = ctx.server?.resolvedUrls?.local[0] ?? `http://localhost:${ctx.server?.config.server.port ?? 5173}`
      return withDevCspMeta(html, origin)
    },
  }
}

// One build for three targets. The browser host serves out/renderer too, so
// the renderer is identical in Electron and in Chromium.
export default defineConfig({
  main: {
    build: {
      outDir: 'out/main',
      externalizeDeps: true,
      rollupOptions: { input: { index: resolve(root, 'src-main/electron/main.ts') } },
    },
  },
  preload: {
    build: {
      outDir: 'out/preload',
      // A sandboxed preload cannot `require` npm packages: bundle everything
      // into one CommonJS file.
      externalizeDeps: false,
      rollupOptions: {
        input: { index: resolve(root, 'src-preload/index.ts') },
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: resolve(root, 'src-renderer'),
    base: './',
    plugins: [react(), devCspRelaxation()],
    build: {
      outDir: resolve(root, 'out/renderer'),
      emptyOutDir: true,
      sourcemap: false,
      minify: true,
      rollupOptions: { input: resolve(root, 'src-renderer/index.html') },
    },
  },
})
