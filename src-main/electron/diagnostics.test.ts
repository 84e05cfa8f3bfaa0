import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import type { CoreDiagnostics } from '../core/core-types'
import { buildDiagnosticsZip, defaultDiagnosticsFileName, redactUrl, writeDiagnosticsZip, type DiagnosticsInput } from './diagnostics'
import { lastRelayLines } from './logging'
import yauzl from 'yauzl'

/** Every entry of a zip, read with yauzl: an independent check of what yazl wrote. */
function readZip(zip: Buffer): Promise<Array<{ name: string; data: Buffer }>> {
  return new Promise((resolve, reject) => {
    yauzl.fromBuffer(zip, { lazyEntries: true, strictFileNames: true, validateEntrySizes: true }, (err, file) => {
      if (err) return reject(err)
      const entries: Array<{ name: string; data: Buffer }> = []
      file.on('error', reject)
      file.on('end', () => resolve(entries))
      file.on('entry', (entry: yauzl.Entry) => {
        file.openReadStream(entry, (openErr, stream) => {
          if (openErr) return reject(openErr)
          const chunks: Buffer[] = []
          stream.on('data', (c: Buffer) => chunks.push(c))
          stream.on('error', reject)
          stream.on('end', () => {
            entries.push({ name: entry.fileName, data: Buffer.concat(chunks) })
            file.readEntry()
          })
        })
      })
      file.readEntry()
    })
  })
}

const core: CoreDiagnostics = {
  schemaVersion: 3,
  outboxByStatus: { pending: 4, sent: 10, dead: 1 },
  orders: 15,
  settings: { apiUrl: 'https://bob:pw@api.example.com/v1?key=abc', hasToken: true, paused: false, language: 'zh-TW', currency: 'TWD' },
  status: {
    kind: 'attention',
    connectivity: 'online',
    api: 'reachable',
    phase: 'backing-off',
    userPaused: false,
    counts: { pending: 4, sending: 0, dead: 1, discarded: 0, sentToday: 10 },
    progress: null,
    lastSuccessAt: '2025-01-01T10:00:00.000Z',
    lastError: { code: 'rejected', message: 'HTTP 422: customer "Alice Secret" rejected, token=tok_123', at: '2025-01-01T10:01:00.000Z', httpStatus: 422 },
    nextRetryAt: '2025-01-01T10:02:00.000Z',
    oldestPendingAt: '2025-01-01T09:00:00.000Z',
    at: '2025-01-01T10:01:30.000Z',
  },
}

const app: DiagnosticsInput['app'] = {
  name: 'Outpost',
  version: '1.2.3',
  packaged: true,
  platform: 'linux',
  arch: 'x64',
  osRelease: '6.1.0',
  versions: { electron: '45.5.0', chrome: '140.0', node: '22.0.0' },
  locale: 'en-US',
}

let dir = ''
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true })
  dir = ''
})

function logText(): string {
  const lines: string[] = []
  for (let i = 0; i < 260; i++) {
    lines.push(`[2025-01-01 10:00:00.000] [info]  (relay)   batch ${i} sent, Authorization: Bearer tok_${i}`)
    if (i % 50 === 0) lines.push(`[2025-01-01 10:00:00.000] [info]  (relay)   sending {"customer":"Alice Secret","items":[{"name":"Widget"}]}`)
    lines.push(`[2025-01-01 10:00:00.000] [info]            window focused ${i}`)
  }
  return `${lines.join('\n')}\n`
}

describe('diagnostics zip', () => {
  it('holds versions, redacted settings, outbox counts and the last 200 relay lines, and no order contents or token', async () => {
    dir = mkdtempSync(join(tmpdir(), 'outpost-diag-'))
    writeFileSync(join(dir, 'main.log'), logText())
    const logLines = lastRelayLines(dir, 200)
    expect(logLines).toHaveLength(200)

    const file = join(dir, defaultDiagnosticsFileName(new Date('2025-01-01T10:02:03Z')))
    expect(file.endsWith('outpost-diagnostics-2025-01-01T10-02-03.zip')).toBe(true)
    await writeDiagnosticsZip(file, { app, core, logLines, now: new Date('2025-01-01T10:02:03Z') })
    const zipBytes = readFileSync(file)
    expect(existsSync(`${file}.partial`)).toBe(false)

    const entries = await readZip(zipBytes)
    expect(entries.map((e) => e.name).sort()).toEqual(['README.txt', 'app.json', 'outbox.json', 'relay.log', 'settings.json'])
    const get = (name: string) => entries.find((e) => e.name === name)?.data.toString('utf8') ?? ''

    expect(JSON.parse(get('app.json'))).toMatchObject({ version: '1.2.3', platform: 'linux', arch: 'x64', versions: { electron: '45.5.0' } })
    expect(JSON.parse(get('settings.json'))).toEqual({
      apiUrl: 'https://api.example.com/v1?[redacted]',
      hasToken: true,
      paused: false,
      language: 'zh-TW',
      currency: 'TWD',
    })
    const outbox = JSON.parse(get('outbox.json'))
    expect(outbox.outboxByStatus).toEqual({ pending: 4, sent: 10, dead: 1 })
    expect(outbox.orders).toBe(15)
    expect(outbox.status.counts).toEqual({ pending: 4, sending: 0, dead: 1, discarded: 0, sentToday: 10 })

    const relay = get('relay.log').trimEnd().split('\n')
    expect(relay).toHaveLength(200)
    expect(relay.every((l) => l.includes('(relay)'))).toBe(true)
    expect(relay.at(-1)).toContain('batch 259 sent')

    const everything = entries.map((e) => e.data.toString('utf8')).join('\n')
    for (const secret of ['Alice Secret', 'Widget', 'tok_', 'pw@', 'key=abc']) expect(everything).not.toContain(secret)

    // Cross-check with the system unzip where there is one.
    const unzip = spawnSync('unzip', ['-tq', file], { encoding: 'utf8' })
    if (!unzip.error) expect(unzip.status, unzip.stdout + unzip.stderr).toBe(0)
  })

  it('still exports app info when the core is not running', async () => {
    const zip = await buildDiagnosticsZip({ app, core: null, logLines: [], coreError: 'database_newer: token=abc' })
    const entries = await readZip(zip)
    const names = entries.map((e) => e.name)
    expect(names).toContain('core-error.json')
    expect(names).not.toContain('outbox.json')
    const err = entries.find((e) => e.name === 'core-error.json')?.data.toString() ?? ''
    expect(err).not.toContain('abc')
  })

  it('reduces URLs to scheme, host and path', () => {
    expect(redactUrl('https://u:p@h.example:8443/a/b?token=x#f')).toBe('https://h.example:8443/a/b?[redacted]')
    expect(redactUrl(null)).toBeNull()
    expect(redactUrl('nope')).toBe('[unparsable]')
  })
})
