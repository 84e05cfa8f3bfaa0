import { spawn } from 'node:child_process'
import { join } from 'node:path'
import { startReferenceApi } from '../reference-api/server'
import { REPO_ROOT } from '../cli/cli-support'
import { openSqlite } from '../core/db/native-sqlite'
import { waitFor } from './scripted-api'

export interface CrashRunOptions {
  dir: string
  orders: number
  kills: number
  failRate: number
  /** Upper bound for the random time a child runs before it is killed. */
  maxLifeMs?: number
  random?: () => number
  log?: (line: string) => void
  /** How long to wait for everything to drain after the last kill. */
  settleTimeoutMs?: number
}

export interface CrashRunResult {
  created: number
  acknowledged: number
  /** Acknowledged orders missing from the client database afterwards: must be 0. */
  acknowledgedMissing: number
  deliveredUnique: number
  lost: number
  duplicateEffects: number
  resends: number
  dead: number
  clientSent: number
  clientPending: number
  kills: number
  /** Order ids on the server but not in the client, or the reverse: must both be 0. */
  serverOnly: number
  clientOnly: number
  elapsedS: number
}

/**
 * Runs the core in a child process against the reference API with injected
 * faults (including "applied, then the connection dropped"), SIGKILLs it at
 * random moments, restarts it each time, then lets it finish and counts.
 */
export async function runCrashSoak(opts: CrashRunOptions): Promise<CrashRunResult> {
  const random = opts.random ?? Math.random
  const log = opts.log ?? (() => undefined)
  const maxLife = opts.maxLifeMs ?? 700
  const started = Date.now()
  const api = await startReferenceApi({ dbFile: join(opts.dir, 'reference-api.db'), failRate: opts.failRate, random })
  const dataDir = join(opts.dir, 'client')
  const acked = new Set<string>()

  const launch = () => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', join(REPO_ROOT, 'src-main/testing/relay-child.ts'), '--data-dir', dataDir, '--api-url', api.url, '--orders', String(opts.orders)],
      { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
    )
    let buffer = ''
    let ready = false
    const readyPromise = new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (d: Buffer) => {
        buffer += d.toString()
        let nl: number
        while ((nl = buffer.indexOf('\n')) >= 0) {
          const line = buffer.slice(0, nl)
          buffer = buffer.slice(nl + 1)
          if (line === 'ready' && !ready) {
            ready = true
            resolve()
          } else if (line.startsWith('ack ')) acked.add(line.slice(4))
        }
      })
      child.once('exit', (code, signal) => {
        if (!ready) reject(new Error(`child exited before ready (${code ?? signal})`))
      })
    })
    let stderr = ''
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
    return { child, readyPromise, exited, stderr: () => stderr }
  }

  const clientCounts = () => {
    const db = openSqlite(join(dataDir, 'outpost.db'), { readonly: true })
    try {
      db.pragma('busy_timeout = 2000')
      return db
        .prepare(
          `SELECT (SELECT count(*) FROM orders) AS orders,
                  (SELECT count(*) FROM outbox WHERE status = 'pending') AS pending,
                  (SELECT count(*) FROM outbox WHERE status = 'sent') AS sent,
                  (SELECT count(*) FROM outbox WHERE status = 'dead') AS dead`,
        )
        .get() as { orders: number; pending: number; sent: number; dead: number }
    } finally {
      db.close()
    }
  }

  try {
    for (let k = 0; k < opts.kills; k++) {
      const run = launch()
      await run.readyPromise
      await new Promise((r) => setTimeout(r, 30 + random() * maxLife))
      run.child.kill('SIGKILL')
      await run.exited
      log(`kill ${k + 1}/${opts.kills}: ${acked.size} acknowledged so far`)
    }
    const final = launch()
    await final.readyPromise
    await waitFor(
      () => {
        if (final.child.exitCode !== null) throw new Error(`child died: ${final.stderr()}`)
        const c = clientCounts()
        return c.orders >= opts.orders && c.pending === 0
      },
      opts.settleTimeoutMs ?? 120_000,
      'the outbox to drain',
    )
    final.child.kill('SIGTERM')
    await final.exited

    const client = clientCounts()
    const db = openSqlite(join(dataDir, 'outpost.db'), { readonly: true })
    const clientIds = new Set((db.prepare('SELECT id FROM orders').pluck().all() as string[]))
    db.close()
    const serverOrders = api.orders()
    const perOrder = new Map<string, number>()
    for (const o of serverOrders) perOrder.set(String(o.id), (perOrder.get(String(o.id)) ?? 0) + 1)
    const stats = api.stats()
    const deliveredUnique = perOrder.size
    return {
      created: client.orders,
      acknowledged: acked.size,
      acknowledgedMissing: [...acked].filter((id) => !clientIds.has(id)).length,
      deliveredUnique,
      lost: client.orders - deliveredUnique - client.dead,
      duplicateEffects: [...perOrder.values()].filter((n) => n > 1).length + stats.duplicateEffects,
      resends: stats.resends,
      dead: client.dead,
      clientSent: client.sent,
      clientPending: client.pending,
      kills: opts.kills,
      serverOnly: [...perOrder.keys()].filter((id) => !clientIds.has(id)).length,
      clientOnly: [...clientIds].filter((id) => !perOrder.has(id)).length,
      elapsedS: Math.round((Date.now() - started) / 100) / 10,
    }
  } finally {
    await api.close()
  }
}
