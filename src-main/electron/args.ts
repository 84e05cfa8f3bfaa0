/** `--api-url` / `--api-token` from the command line (`--flag value` or `--flag=value`). */
export interface ShellFlags {
  apiUrl?: string | undefined
  apiToken?: string | undefined
}

export function parseShellFlags(argv: readonly string[]): ShellFlags {
  const flags: ShellFlags = {}
  const names: Record<string, keyof ShellFlags> = { '--api-url': 'apiUrl', '--api-token': 'apiToken' }
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? ''
    const eq = arg.indexOf('=')
    const name = eq >= 0 ? arg.slice(0, eq) : arg
    const key = names[name]
    if (!key) continue
    if (eq >= 0) {
      flags[key] = arg.slice(eq + 1)
    } else {
      const next = argv[i + 1]
      if (next !== undefined && !next.startsWith('--')) {
        flags[key] = next
        i++
      }
    }
  }
  return flags
}
