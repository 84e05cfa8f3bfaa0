import { Agent as HttpAgent, request as httpRequest } from 'node:http'
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https'
import type { FetchLike } from './api-client'

/**
 * The relay's HTTP client under plain Node: node:http with keep-alive, behind
 * the small `fetch` subset ApiClient uses. Node's global fetch (undici) costs
 * several times more CPU and garbage per request, which is most of a drain's
 * client-side work. Electron passes its own `net.fetch` instead (system proxy
 * and certificates), so this is only the browser host's and the tests' client.
 */
export function createNodeHttpFetch(): FetchLike & { close(): void } {
  const agents = {
    'http:': new HttpAgent({ keepAlive: true, maxSockets: 4 }),
    'https:': new HttpsAgent({ keepAlive: true, maxSockets: 4 }),
  }
  const fetchLike = (input: string, init: RequestInit): Promise<Response> =>
    new Promise<Response>((resolve, reject) => {
      const url = new URL(input)
      if (url.protocol !== 'http:' && url.protocol !== 'https:') {
        reject(new TypeError(`Unsupported protocol ${url.protocol}`))
        return
      }
      const signal = init.signal ?? undefined
      if (signal?.aborted) {
        reject(signal.reason instanceof Error ? signal.reason : new DOMException('Aborted', 'AbortError'))
        return
      }
      const headers: Record<string, string> = {}
      new Headers(init.headers).forEach((v, k) => (headers[k] = v))
      const body = typeof init.body === 'string' ? Buffer.from(init.body) : null
      if (body) headers['content-length'] = String(body.length)
      const send = url.protocol === 'https:' ? httpsRequest : httpRequest
      const req = send(url, { method: init.method ?? 'GET', headers, agent: agents[url.protocol] }, (res) => {
        const chunks: Buffer[] = []
        res.on('data', (c: Buffer) => chunks.push(c))
        res.on('error', fail)
        res.on('aborted', () => fail(new Error('The connection closed before the response ended')))
        res.on('end', () => {
          if (!res.complete) {
            fail(new Error('The connection closed before the response ended'))
            return
          }
          cleanup()
          const responseHeaders = new Headers()
          for (const [k, v] of Object.entries(res.headers)) {
            if (typeof v === 'string') responseHeaders.set(k, v)
            else if (Array.isArray(v)) for (const item of v) responseHeaders.append(k, item)
          }
          const status = res.statusCode ?? 0
          const nullBody = status === 204 || status === 304 || (status >= 100 && status < 200)
          resolve(new Response(nullBody ? null : Buffer.concat(chunks), { status: Math.max(200, status) === status ? status : 599, headers: responseHeaders }))
        })
      })
      const onAbort = () => {
        req.destroy()
        fail(signal?.reason instanceof Error ? signal.reason : new DOMException('Aborted', 'AbortError'))
      }
      let settled = false
      function cleanup() {
        settled = true
        signal?.removeEventListener('abort', onAbort)
      }
      function fail(err: unknown) {
        if (settled) return
        cleanup()
        reject(err)
      }
      signal?.addEventListener('abort', onAbort, { once: true })
      req.on('error', fail)
      req.end(body ?? undefined)
    })
  return Object.assign(fetchLike, {
    close() {
      agents['http:'].destroy()
      agents['https:'].destroy()
    },
  })
}
