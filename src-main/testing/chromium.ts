import { existsSync } from 'node:fs'

/**
 * How our tests and benchmarks launch Chromium: Debian's build where present
 * (these machines cannot download Playwright's), with the flags that keep it
 * off the network. Playwright's own browser elsewhere.
 */
export const SYSTEM_CHROMIUM = '/usr/bin/chromium'

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
]

export function chromiumLaunchOptions(): { args: string[]; executablePath?: string } {
  return existsSync(SYSTEM_CHROMIUM) ? { args: CHROMIUM_ARGS, executablePath: SYSTEM_CHROMIUM } : { args: CHROMIUM_ARGS }
}
