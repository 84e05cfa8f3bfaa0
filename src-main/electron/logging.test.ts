import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { configureLogging, coreLogger, LOG_MAX_BYTES, RELAY_SCOPE } from './logging'

// electron-log's Node build: the same transports, hooks and rotation as the
// Electron one, without importing electron.
const require = createRequire(import.meta.url)
const nodeLog = require('electron-log/node') as typeof import('electron-log/node')

let dir = ''
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true })
  dir = ''
})

describe('configureLogging (electron-log)', () => {
  it('writes redacted lines to <logs>/main.log with the relay scope', () => {
    dir = mkdtempSync(join(tmpdir(), 'outpost-log-'))
    const log = nodeLog.create({ logId: `t1-${Date.now()}` })
    const { file } = configureLogging(log, { logsDir: dir, console: false })
    expect(file).toBe(join(dir, 'main.log'))
    expect(log.transports.file.maxSize).toBe(LOG_MAX_BYTES)

    const core = coreLogger(log.scope(RELAY_SCOPE))
    core.info('delivered batch', { count: 3, token: 'tok_secret' })
    core.warn('server rejected event', { payload: { customer: 'Alice', items: [{ name: 'Widget' }] }, httpStatus: 422 })
    core.error('request failed: Authorization: Bearer tok_abc')
    log.info('shell message with apiToken=hunter2')

    const text = readFileSync(file, 'utf8')
    expect(text).toContain('(relay)')
    expect(text).toContain('delivered batch')
    expect(text).toContain('httpStatus')
    for (const secret of ['tok_secret', 'Alice', 'Widget', 'tok_abc', 'hunter2']) expect(text).not.toContain(secret)
  })

  it('rotates past the size limit, keeping the previous file as main.old.log', () => {
    dir = mkdtempSync(join(tmpdir(), 'outpost-log-'))
    const log = nodeLog.create({ logId: `t2-${Date.now()}` })
    configureLogging(log, { logsDir: dir, console: false })
    log.transports.file.maxSize = 2_000
    for (let i = 0; i < 100; i++) log.info(`line ${i} ${'x'.repeat(40)}`)
    expect(readdirSync(dir).sort()).toEqual(['main.log', 'main.old.log'])
    expect(readFileSync(join(dir, 'main.log'), 'utf8')).toContain('line 99')
  })
})
