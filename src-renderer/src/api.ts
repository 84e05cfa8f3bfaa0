import type { z } from 'zod'
import {
  events,
  methods,
  resultSchema,
  type EventName,
  type EventPayload,
  type MethodInput,
  type MethodName,
  type MethodOutput,
  type OutpostApi,
  type Result,
} from '../../src-shared/contract'
import { internalError } from './internal-error'

/**
 * The renderer's only door to main. Whatever `window.outpost` returns is
 * treated as unknown and parsed with the contract's schemas, so a broken
 * host or preload shows up as a friendly `internal` error, never as a crash
 * deep inside a component.
 */

function outpost(): OutpostApi | undefined {
  return typeof window === 'undefined' ? undefined : window.outpost
}


const resultSchemas = new Map<MethodName, z.ZodType>()
function schemaFor(name: MethodName): z.ZodType {
  let s = resultSchemas.get(name)
  if (!s) {
    s = resultSchema(methods[name].output)
    resultSchemas.set(name, s)
  }
  return s
}

export async function call<K extends MethodName>(name: K, input: MethodInput<K>): Promise<Result<MethodOutput<K>>> {
  const api = outpost()
  if (!api) return internalError('window.outpost is not available')
  let raw: unknown
  try {
    // Indexing the api by a generic name loses the per-method signature; the
    // result is parsed below, so calling it as unknown → unknown is honest.
    const fn = api[name] as unknown as (input: unknown) => Promise<unknown>
    raw = await fn(input)
  } catch (e) {
    console.error(`[outpost] ${name} threw`, e)
    return internalError(`${name} failed`)
  }
  const parsed = schemaFor(name).safeParse(raw)
  if (!parsed.success) {
    console.error(`[outpost] ${name} returned an unexpected value`, parsed.error.issues.slice(0, 5))
    return internalError(`${name} returned an unexpected value`)
  }
  return parsed.data as Result<MethodOutput<K>>
}

const subscribers: { [K in EventName]: (api: OutpostApi, listener: (payload: unknown) => void) => () => void } = {
  status: (api, l) => api.onStatus(l),
  ordersChanged: (api, l) => api.onOrdersChanged(l),
}

/** Subscribes to an event from main; payloads that do not parse are dropped (and logged). */
export function on<K extends EventName>(name: K, listener: (payload: EventPayload<K>) => void): () => void {
  const api = outpost()
  if (!api) return () => {}
  const schema: z.ZodType = events[name]
  return subscribers[name](api, (payload) => {
    const parsed = schema.safeParse(payload)
    if (parsed.success) listener(parsed.data as EventPayload<K>)
    else console.error(`[outpost] dropped a malformed ${name} event`, parsed.error.issues.slice(0, 5))
  })
}

/** The host's presence, where the host can go away under the page (the browser host); a no-op elsewhere. */
export function onHostState(listener: (state: 'up' | 'stopped') => void): () => void {
  const api = outpost()
  if (!api?.onHostState) return () => {}
  return api.onHostState((state) => {
    if (state === 'up' || state === 'stopped') listener(state)
  })
}
