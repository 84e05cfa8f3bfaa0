import { defineConfig } from '@playwright/test'
import { chromiumLaunchOptions } from './src-main/testing/chromium'

export default defineConfig<{ outpostHost: 'web' | 'electron' }>({
  testDir: 'e2e',
  outputDir: 'test-results',
  globalSetup: './e2e/global-setup.ts',
  fullyParallel: false,
  workers: process.env.CI ? 1 : 2,
  retries: 0,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  reporter: [['list'], ['json', { outputFile: 'test-results/e2e-results.json' }]],
  use: {
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
    viewport: { width: 1200, height: 800 },
    // Shared by both projects: the app fixture asks for a page either way.
    browserName: 'chromium',
    launchOptions: chromiumLaunchOptions(),
  },
  projects: [
    { name: 'web' },
    {
      // The same specs against the real desktop app, where an Electron binary exists.
      name: 'electron',
      use: { outpostHost: 'electron' },
    },
  ],
})
