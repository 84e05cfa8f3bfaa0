import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { WireEvent } from '../core/sync/api-client'

export interface ScriptedRequest {
  at: number
  events: WireEvent[]
  authorization: string | undefined
}

export type ScriptedReply =
  | { status: number; body?: unknown; headers?: Record<string, string> }
  /** Close the socket without answering. */
  | 'drop'
  /** Write the answer yourself (huge, endless, malformed, redirecting…). */
  | { raw: (res: ServerResponse, req: IncomingMessage) => void }

/**
 * A real loopback HTTP server whose answer to each POST /events is decided by
 * the test. Relay tests use it where the reference server's fixed behaviours
 * are not enough (a 400 for one particular event, a 413 above a size).
 */
export async function startScriptedApi(
  decide: (req: ScriptedRequest, index: number) => ScriptedReply | Promise<ScriptedReply>,
  opts: { health?: () => number | { raw: (res: ServerResponse, req: IncomingMessage) => void } } = {},
) {
  const requests: ScriptedRequest[] = []
  let healthChecks = 0
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      void (async () => {
        if (req.url === '/health') {
          healthChecks++
          const h = opts.health?.() ?? 200
          if (typeof h === 'number') res.writeHead(h).end('{"ok":true}')
          else h.raw(res, req)
          return
        }
        let body: { events?: WireEvent[] } = {}
        try {
          body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as { events?: WireEvent[] }
        } catch {
          // A request that is not JSON (a redirect target receiving GETs): recorded with no events.
        }
        const entry: ScriptedRequest = { at: Date.now(), events: body.events ?? [], authorization: req.headers.authorization }
        requests.push(entry)
        const reply = await decide(entry, requests.length - 1)
        if (reply === 'drop') {
          req.socket.destroy()
          return
        }
        if ('raw' in reply) {
          reply.raw(res, req)
          return
        }
        const text = typeof reply.body === 'string' ? reply.body : JSON.stringify(reply.body ?? {})
        res.writeHead(reply.status, { 'Content-Type': 'application/json', ...reply.headers }).end(text)
      })()
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const port = (server.address() as AddressInfo).port
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    get healthChecks() {
      return healthChecks
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve())
        server.closeAllConnections()
      }),
  }
}

/** The normal answer: every event accepted. */
export function acceptAll(req: ScriptedRequest): ScriptedReply {
  return { status: 200, body: { results: req.events.map((e) => ({ id: e.id, status: 'accepted' })) } }
}

/** Poll until `check` holds (or fail after `timeoutMs`). For waiting on real timers and sockets. */
export async function waitFor(check: () => boolean | Promise<boolean>, timeoutMs = 10_000, what = 'condition'): Promise<void> {
  const start = Date.now()
  while (!(await check())) {
    if (Date.now() - start > timeoutMs) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 10))
  }
}
