/**
 * A throwaway PostgreSQL cluster for tests and the bench: initdb in a temp
 * folder as the postgres user (PostgreSQL refuses root), on a free loopback
 * port, removed afterwards. null (with the reason) where PostgreSQL is not installed.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { chmodSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { freeLoopbackPort } from '../../src-main/cli/free-port'

export interface PgCluster {
  url: string
  /** The cluster's temp folder (removed by stop()). */
  dir: string
  stop(): Promise<void>
}

export function findPgBin(root = '/usr/lib/postgresql'): string | { skip: string } {
  if (!existsSync(root)) return { skip: `${root}/*/bin/initdb not found: install Debian's postgresql to run the PostgreSQL half` }
  const versions = readdirSync(root).filter((v) => existsSync(join(root, v, 'bin', 'initdb'))).sort((a, b) => Number(b) - Number(a))
  if (!versions[0]) return { skip: `${root}/*/bin/initdb not found: install Debian's postgresql to run the PostgreSQL half` }
  return join(root, versions[0], 'bin')
}

export async function startPgCluster(opts: { fsync?: boolean; settings?: Record<string, string>; pgRoot?: string } = {}): Promise<PgCluster | { skip: string }> {
  const bin = findPgBin(opts.pgRoot)
  if (typeof bin !== 'string') return bin
  const dir = mkdtempSync(join(tmpdir(), 'outpost-pg-'))
  chmodSync(dir, 0o777)
  const asRoot = process.getuid?.() === 0
  const run = (cmd: string, args: string[]) => (asRoot ? spawnSync('runuser', ['-u', 'postgres', '--', cmd, ...args], { encoding: 'utf8' }) : spawnSync(cmd, args, { encoding: 'utf8' }))
  const data = join(dir, 'data')
  const init = run(join(bin, 'initdb'), ['-D', data, '-A', 'trust', '-U', 'postgres', '--no-sync'])
  if (init.status !== 0) {
    rmSync(dir, { recursive: true, force: true })
    throw new Error(`initdb failed: ${(init.stderr || init.stdout).split('\n')[0]}`)
  }
  const port = await freeLoopbackPort()
  const args = ['-D', data, '-p', String(port), '-k', dir, '-h', '127.0.0.1', '-c', 'max_connections=200', '-c', `fsync=${opts.fsync === false ? 'off' : 'on'}`]
  for (const [k, v] of Object.entries(opts.settings ?? {})) args.push('-c', `${k}=${v}`)
  const child: ChildProcess = asRoot
    ? spawn('runuser', ['-u', 'postgres', '--', join(bin, 'postgres'), ...args], { stdio: ['ignore', 'ignore', 'pipe'] })
    : spawn(join(bin, 'postgres'), args, { stdio: ['ignore', 'ignore', 'pipe'] })
  let stderr = ''
  child.stderr?.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)))
  const url = `postgres://postgres@127.0.0.1:${port}/postgres`
  const deadline = Date.now() + 30_000
  for (;;) {
    const ready = spawnSync(join(bin, 'pg_isready'), ['-h', '127.0.0.1', '-p', String(port)], { encoding: 'utf8' })
    if (ready.status === 0) break
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill('SIGKILL')
      rmSync(dir, { recursive: true, force: true })
      throw new Error(`postgres did not start: ${stderr.split('\n').slice(-3).join(' ')}`)
    }
    await new Promise((r) => setTimeout(r, 100))
  }
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  return {
    url,
    dir,
    async stop() {
      // pg_ctl's fast shutdown, as the cluster's owner: runuser does not pass
      // SIGINT on, and a postmaster orphaned by killing runuser lingers (and
      // keeps this process alive through its stderr pipe) until it notices
      // its data folder is gone, up to a minute later.
      if (child.exitCode === null) run(join(bin, 'pg_ctl'), ['-D', data, '-m', 'fast', '-w', '-t', '20', 'stop'])
      let timer: NodeJS.Timeout | undefined
      await Promise.race([exited, new Promise((r) => (timer = setTimeout(r, 10_000)))])
      clearTimeout(timer)
      if (child.exitCode === null) child.kill('SIGKILL')
      child.stderr?.destroy()
      rmSync(dir, { recursive: true, force: true })
    },
  }
}

/** A fresh database in the cluster, so suites can share one cluster without sharing state. */
export async function createDatabase(clusterUrl: string, name: string): Promise<string> {
  const pg = (await import('pg')).default
  const c = new pg.Client({ connectionString: clusterUrl })
  await c.connect()
  try {
    await c.query(`CREATE DATABASE ${pg.escapeIdentifier(name)}`)
  } finally {
    await c.end()
  }
  return clusterUrl.replace(/\/[^/]*$/, `/${name}`)
}
