/**
 * "Export diagnostics": a zip a user can attach to a support request. It holds
 * versions, redacted settings, outbox counts and recent relay log lines; never
 * order contents and never the token.
 */
import { createWriteStream } from 'node:fs'
import { rename } from 'node:fs/promises'
import { ZipFile } from 'yazl'
import type { CoreDiagnostics } from '../core/core-types'
import { redactUrl } from '../core/util/redact-url'
import { redactText, redactValue } from './redact'

export interface AppInfo {
  name: string
  version: string
  packaged: boolean
  platform: string
  arch: string
  osRelease: string
  versions: { electron?: string | undefined; chrome?: string | undefined; node?: string | undefined }
  locale?: string | undefined
}

export interface DiagnosticsInput {
  app: AppInfo
  /** From core.diagnostics(); null when the core could not start. */
  core: CoreDiagnostics | null
  /** The last relay log lines (already limited to 200). */
  logLines: string[]
  /** Why the core is missing, if it is. */
  coreError?: string | undefined
  now?: Date
}

// One definition for the core and this zip (issue 14): see core/util/redact-url.ts.
export { redactUrl } from '../core/util/redact-url'

/** The JSON documents that go into the zip, by file name. Exported for tests. */
export function diagnosticsDocuments(input: DiagnosticsInput): Record<string, unknown> {
  const at = (input.now ?? new Date()).toISOString()
  const core = input.core
  const docs: Record<string, unknown> = {
    'app.json': { generatedAt: at, ...input.app },
  }
  if (core) {
    const status = core.status
    docs['settings.json'] = {
      apiUrl: redactUrl(core.settings.apiUrl),
      hasToken: core.settings.hasToken,
      paused: core.settings.paused,
      language: core.settings.language,
      currency: core.settings.currency,
    }
    docs['outbox.json'] = {
      schemaVersion: core.schemaVersion,
      orders: core.orders,
      outboxByStatus: { ...core.outboxByStatus },
      status: redactValue({
        connectivity: status.connectivity,
        api: status.api,
        phase: status.phase,
        userPaused: status.userPaused,
        counts: status.counts,
        lastSuccessAt: status.lastSuccessAt,
        // The server's wording may echo an order back: keep when and the status only.
        lastError: status.lastError ? { at: status.lastError.at, httpStatus: status.lastError.httpStatus } : null,
        nextRetryAt: status.nextRetryAt,
        oldestPendingAt: status.oldestPendingAt,
        at: status.at,
      }),
    }
  } else {
    docs['core-error.json'] = { error: redactText(input.coreError ?? 'The core was not running.') }
  }
  return docs
}

/** Builds the zip in memory. */
export function buildDiagnosticsZip(input: DiagnosticsInput): Promise<Buffer> {
  const zip = new ZipFile()
  const mtime = input.now ?? new Date()
  for (const [name, doc] of Object.entries(diagnosticsDocuments(input))) {
    zip.addBuffer(Buffer.from(`${JSON.stringify(doc, null, 2)}\n`), name, { mtime })
  }
  const log = input.logLines.map(redactText).join('\n')
  zip.addBuffer(Buffer.from(log.length > 0 ? `${log}\n` : ''), 'relay.log', { mtime })
  zip.addBuffer(
    Buffer.from(
      [
        'Outpost diagnostics',
        '',
        'app.json      app, OS and runtime versions',
        'settings.json settings without the token (the API URL is reduced to its host and path)',
        'outbox.json   outbox counts by status and the sync status',
        'relay.log     the last relay log lines, redacted',
        '',
        'No order contents (customers, notes, items) and no token are included.',
        '',
      ].join('\n'),
    ),
    'README.txt',
    { mtime },
  )
  zip.end()
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    zip.outputStream.on('data', (c: Buffer) => chunks.push(c))
    zip.outputStream.on('error', reject)
    zip.outputStream.on('end', () => resolve(Buffer.concat(chunks)))
  })
}

/** Writes the zip to `file` (via a temp file, so a failure leaves nothing half-written). */
export async function writeDiagnosticsZip(file: string, input: DiagnosticsInput): Promise<void> {
  const data = await buildDiagnosticsZip(input)
  const tmp = `${file}.partial`
  await new Promise<void>((resolve, reject) => {
    const out = createWriteStream(tmp)
    out.on('error', reject)
    out.end(data, () => resolve())
  })
  await rename(tmp, file)
}

export function defaultDiagnosticsFileName(now: Date = new Date()): string {
  const stamp = now.toISOString().replace(/[:.]/g, '-').slice(0, 19)
  return `outpost-diagnostics-${stamp}.zip`
}
