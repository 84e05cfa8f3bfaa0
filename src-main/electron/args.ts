/**
 * `--api-url` / `--api-token` from the command line (`--flag value` or
 * `--flag=value`), read with `node:util` parseArgs. Not strict: Electron and
 * Chromium put their own switches (`--no-sandbox`, `--inspect=…`) on the same
 * command line, and those are not ours to refuse.
 */
import { parseArgs } from 'node:util'

export interface ShellFlags {
  apiUrl?: string | undefined
  apiToken?: string | undefined
}

const OPTIONS = { 'api-url': { type: 'string' }, 'api-token': { type: 'string' } } as const
const KEYS: Record<keyof typeof OPTIONS, keyof ShellFlags> = { 'api-url': 'apiUrl', 'api-token': 'apiToken' }

export function parseShellFlags(argv: readonly string[]): ShellFlags {
  const { tokens } = parseArgs({ args: [...argv], options: OPTIONS, strict: false, allowPositionals: true, tokens: true })
  const flags: ShellFlags = {}
  for (const token of tokens) {
    if (token.kind !== 'option' || !(token.name in KEYS) || typeof token.value !== 'string') continue
    // `--api-url --api-token x`: parseArgs would take "--api-token" as the URL. A
    // separate value that looks like a switch is a missing value, not a value.
    if (!token.inlineValue && token.value.startsWith('--')) continue
    flags[KEYS[token.name as keyof typeof OPTIONS]] = token.value
  }
  return flags
}
