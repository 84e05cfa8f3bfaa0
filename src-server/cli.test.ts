/**
 * `npm run server` refusing to start: bad flags, an unreachable database, a
 * data folder it cannot use, a port in use and a database written by a newer
 * server each print one line on stderr (no stack trace) and exit non-zero.
 */
import { spawn } from 'node:child_process'
import { createServer, type Server } from 'node:net'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { REPO_ROOT } from '../src-main/cli/cli-support'
import { freeLoopbackPort } from '../src-main/cli/free-port'
import { tempDir } from '../src-main/testing/temp-dir'
import { openStore } from './open-store'

const dir = tempDir('outpost-server-cli-')
afterAll(() => dir.remove())

function runCli(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const p = spawn(process.execPath, ['--import', 'tsx', join(REPO_ROOT, 'src-server/cli.ts'), ...args], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    p.stdout.on('data', (d: Buffer) => (stdout += d.toString()))
    p.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
    const timer = setTimeout(() => p.kill('SIGKILL'), 60_000)
    p.once('exit', (code) => {
      clearTimeout(timer)
      resolve({ code, stdout, stderr })
    })
  })
}

async function expectOneLine(args: string[], code: number, pattern: RegExp): Promise<string> {
  const r = await runCli(args)
  expect(r.code, r.stderr).toBe(code)
  expect(r.stdout).toBe('')
  const lines = r.stderr.trimEnd().split('\n')
  expect(lines, r.stderr).toHaveLength(1)
  expect(lines[0]).toMatch(/^outpost-server: /)
  expect(lines[0]).toMatch(pattern)
  return lines[0] ?? ''
}

describe('npm run server refuses to start with one line', () => {
  it('bad flags and arguments: exit 2', async () => {
    await expectOneLine(['--bogus'], 2, /unknown flag --bogus/)
    await expectOneLine(['--port', 'abc'], 2, /--port must be a whole number from 0 to 65535, got "abc"/)
    await expectOneLine(['--port'], 2, /--port/)
    await expectOneLine(['--log-level', 'loud'], 2, /--log-level must be one of/)
    await expectOneLine(['--data-dir', 'x', '--database-url', 'postgres://127.0.0.1/x'], 2, /not both/)
    await expectOneLine(['token', 'create'], 2, /token create needs --device/)
    await expectOneLine(['serve'], 2, /unexpected argument "serve"/)
  }, 120_000)

  it('an unreachable database: exit 1', async () => {
    const port = await freeLoopbackPort()
    const line = await expectOneLine(['--port', '0', '--database-url', `postgres://outpost:secret@127.0.0.1:${port}/outpost`], 1, new RegExp(`cannot reach the database at 127\\.0\\.0\\.1:${port}/outpost: .*ECONNREFUSED`))
    expect(line).not.toContain('secret')
  })

  it('a data folder that is a file: exit 1', async () => {
    const file = join(dir.path, 'a-file')
    writeFileSync(file, 'not a folder')
    await expectOneLine(['--port', '0', '--data-dir', file], 1, /cannot use .*a-file as the data folder/)
  })

  it('a database written by a newer server: exit 1, and it is left as it was', async () => {
    const data = join(dir.path, 'newer')
    const db = await openStore({ dataDir: data })
    await db.query('UPDATE outpost_schema SET version = 99')
    await db.close()
    await expectOneLine(['--port', '0', '--data-dir', data], 1, /schema version 99, newer than this server \(1\); upgrade the server/)
    const again = await import('./db').then((m) => m.openPglite(data))
    expect(await again.query('SELECT version FROM outpost_schema')).toEqual([{ version: 99 }])
    await again.close()
  }, 60_000)

  it('a PGlite data folder in use by a running server: a second process is refused; a stale lock is taken over', async () => {
    const data = join(dir.path, 'shared')
    const server = spawn(process.execPath, ['--import', 'tsx', join(REPO_ROOT, 'src-server/cli.ts'), '--port', '0', '--data-dir', data, '--log-level', 'warn'], {
      cwd: REPO_ROOT,
      stdio: ['ignore', 'pipe', 'inherit'],
    })
    const exited = new Promise<number | null>((resolve) => server.once('exit', (code) => resolve(code)))
    try {
      await new Promise<void>((resolve, reject) => {
        let out = ''
        server.stdout.on('data', (d: Buffer) => {
          out += d.toString()
          if (out.includes('listening on')) resolve()
        })
        void exited.then(() => reject(new Error(`server exited: ${out}`)))
      })
      await expectOneLine(['token', 'list', '--data-dir', data], 1, new RegExp(`is in use by process ${server.pid} \\(a running server\\?\\)`))
    } finally {
      server.kill('SIGTERM')
      expect(await exited).toBe(0)
    }
    expect((await runCli(['token', 'list', '--data-dir', data])).code).toBe(0)
    // A lock left by a process that is gone (killed): taken over.
    const gone = spawn(process.execPath, ['-e', ''])
    await new Promise((r) => gone.once('exit', r))
    writeFileSync(join(data, 'outpost-server.lock'), String(gone.pid))
    const r = await runCli(['token', 'create', '--device', 'After a crash', '--data-dir', data])
    expect(r.code, r.stderr).toBe(0)
    expect(r.stdout).toContain('"After a crash"')
  }, 90_000)

  it('a port in use: exit 1', async () => {
    const blocker: Server = createServer()
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', () => resolve()))
    const port = (blocker.address() as { port: number }).port
    try {
      await expectOneLine(['--port', String(port), '--data-dir', join(dir.path, 'busy')], 1, new RegExp(`port ${port} is already in use`))
    } finally {
      blocker.close()
    }
  }, 60_000)
})
