/**
 * Everything the shell reads from its environment and command line, read once
 * at start in one place (see "Environment variables the shell reads" in
 * docs/packaging.md). Plain data: main.ts passes `process.env`, `process.argv`
 * and `app.isPackaged`.
 */
import { parseShellFlags, type ShellFlags } from './args'

export interface ShellEnvironment {
  /** OUTPOST_DATA_DIR: tests give each run its own folder. */
  dataDirOverride: string | undefined
  /** ELECTRON_RENDERER_URL, honoured in development only. */
  devServerUrl: string | undefined
  /** --api-url / --api-token. */
  flags: ShellFlags
  /** OUTPOST_API_URL / OUTPOST_API_TOKEN (below stored settings and flags). */
  apiEnv: { apiUrl: string | undefined; apiToken: string | undefined }
  /** OUTPOST_QUIT_NOTE_TIMEOUT_MS: how long the quit question may wait for an answer; 0 quits without asking. */
  quitAskTimeoutMs: number
}

export const DEFAULT_QUIT_ASK_TIMEOUT_MS = 30_000

const nonEmpty = (v: string | undefined): string | undefined => (v === undefined || v === '' ? undefined : v)

export function readShellEnvironment(input: {
  env: Readonly<Record<string, string | undefined>>
  argv: readonly string[]
  isPackaged: boolean
}): ShellEnvironment {
  const { env } = input
  const rawTimeout = nonEmpty(env.OUTPOST_QUIT_NOTE_TIMEOUT_MS)
  const timeout = rawTimeout === undefined ? Number.NaN : Number(rawTimeout)
  return {
    dataDirOverride: nonEmpty(env.OUTPOST_DATA_DIR),
    devServerUrl: input.isPackaged ? undefined : nonEmpty(env.ELECTRON_RENDERER_URL),
    flags: parseShellFlags(input.argv),
    apiEnv: { apiUrl: env.OUTPOST_API_URL, apiToken: env.OUTPOST_API_TOKEN },
    quitAskTimeoutMs: Number.isFinite(timeout) && timeout >= 0 ? timeout : DEFAULT_QUIT_ASK_TIMEOUT_MS,
  }
}
