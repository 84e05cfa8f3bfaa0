import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http'
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https'
import type { FetchLike } from './api-client'

/**
 * The relay's HTTP client under plain Node: node:http with keep-alive, behind
 * the small `fetch` subset ApiClient uses. Node's global fetch (undici) costs
 * several times more CPU and garbage per request, which is most of a drain's
 * client-side work. Electron passes its own `net.fetch` instead (system proxy
 * and certificates), so this is only the browser host's and the tests' client.
 *
 * The body is streamed, not buffered: ApiClient reads it up to its limit and
 * cancels, and cancelling (or the deadline) destroys the socket, so an endless
 * or huge answer stops being read at once. node:http never follows redirects.
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
      const abortReason = () => (signal?.reason instanceof Error ? signal.reason : new DOMException('Aborted', 'AbortError'))
      if (signal?.aborted) {
        reject(abortReason())
        return
      }
      const headers: Record<string, string> = {}
      new Headers(init.headers).forEach((v, k) => (headers[k] = v))
      const body = typeof init.body === 'string' ? Buffer.from(init.body) : null
      if (body) headers['content-length'] = String(body.length)
      const send = url.protocol === 'https:' ? httpsRequest : httpRequest
      let responded = false
      let streamError: ((err: unknown) => void) | null = null
      const finish = () => {
        signal?.removeEventListener('abort', onAbort)
      }
      const onAbort = () => {
        req.destroy()
        if (!responded) {
          finish()
          reject(abortReason())
        } else streamError?.(abortReason())
      }
      const req = send(url, { method: init.method ?? 'GET', headers, agent: agents[url.protocol] }, (res) => {
        responded = true
        const status = res.statusCode ?? 0
        const nullBody = status === 204 || status === 304 || (status >= 100 && status < 200)
        const stream = nullBody ? null : bodyStream(res, req.destroy.bind(req), finish, (fail) => (streamError = fail))
        if (nullBody) {
          res.resume()
          res.on('end', finish)
        }
        const responseHeaders = new Headers()
        for (const [k, v] of Object.entries(res.headers)) {
          if (typeof v === 'string') responseHeaders.set(k, v)
          else if (Array.isArray(v)) for (const item of v) responseHeaders.append(k, item)
        }
        resolve(new Response(stream, { status: status >= 200 && status <= 599 ? status : 599, headers: responseHeaders }))
      })
      signal?.addEventListener('abort', onAbort, { once: true })
      req.on('error', (err) => {
        if (!responded) {
          finish()
          reject(err)
        } else streamError?.(err)
      })
      req.end(body ?? undefined)
    })
  return Object.assign(fetchLike, {
    close() {
      agents['http:'].destroy()
      agents['https:'].destroy()
    },
  })
}

/** The response as a pull stream with backpressure: nothing more is read than the consumer asks for. */
function bodyStream(
  res: IncomingMessage,
  destroy: () => void,
  finish: () => void,
  setFail: (fail: (err: unknown) => void) => void,
): ReadableStream<Uint8Array> {
  return new ReadableStream<Uint8Array>({
    start(controller) {
      let done = false
      const fail = (err: unknown) => {
        if (done) return
        done = true
        finish()
        controller.error(err)
      }
      setFail(fail)
      res.on('data', (c: Buffer) => {
        if (done) return
        controller.enqueue(new Uint8Array(c.buffer, c.byteOffset, c.byteLength))
        if ((controller.desiredSize ?? 0) <= 0) res.pause()
      })
      res.on('error', fail)
      res.on('aborted', () => fail(new Error('The connection closed before the response ended')))
      res.on('close', () => {
        if (!res.complete) fail(new Error('The connection closed before the response ended'))
      })
      res.on('end', () => {
        if (done) return
        if (!res.complete) {
          fail(new Error('The connection closed before the response ended'))
          return
        }
        done = true
        finish()
        controller.close()
      })
    },
    pull() {
      res.resume()
    },
    cancel() {
      finish()
      destroy()
    },
  }, { highWaterMark: 4 })
}
