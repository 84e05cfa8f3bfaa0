import { Readable } from 'node:stream'
import { Pool } from 'undici'
import type { FetchLike } from '../../src-main/core/sync/api-client'

/**
 * undici's Pool/request behind the relay's FetchLike, for comparing HTTP
 * clients in the drain scenario (bench/README.md "HTTP client"). One pool per
 * origin, keep-alive, as many connections as node-http-fetch allows (4).
 */
export function createUndiciPoolFetch(): FetchLike & { close(): Promise<void> } {
  const pools = new Map<string, Pool>()
  const fetchLike: FetchLike = async (input, init) => {
    const url = new URL(input)
    let pool = pools.get(url.origin)
    if (!pool) {
      pool = new Pool(url.origin, { connections: 4 })
      pools.set(url.origin, pool)
    }
    const headers: Record<string, string> = {}
    new Headers(init.headers).forEach((v, k) => (headers[k] = v))
    const res = await pool.request({
      path: url.pathname + url.search,
      method: (init.method ?? 'GET') as 'GET' | 'POST',
      headers,
      body: typeof init.body === 'string' ? init.body : null,
      signal: init.signal ?? null,
    })
    const h = new Headers()
    for (const [k, v] of Object.entries(res.headers)) {
      if (typeof v === 'string') h.set(k, v)
      else if (Array.isArray(v)) for (const x of v) h.append(k, x)
    }
    const nullBody = res.statusCode === 204 || res.statusCode === 304
    if (nullBody) res.body.resume()
    return new Response(nullBody ? null : (Readable.toWeb(res.body) as ReadableStream<Uint8Array>), { status: res.statusCode, headers: h })
  }
  return Object.assign(fetchLike, {
    async close() {
      await Promise.all([...pools.values()].map((p) => p.close()))
    },
  })
}
