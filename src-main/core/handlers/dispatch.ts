import { methodNames, methods, type MethodName, type Result } from '../../../src-shared/contract'
import type { CoreHandlers, Logger } from '../core-types'
import { OutpostError } from '../errors'
import { parseOrThrow } from '../validation'
import type { CompleteHandlerMap, HandlerMap } from './handler-types'

/**
 * Merges the handler groups into one map with exactly one handler per contract
 * method. A method handled twice, a name the contract does not have, or a
 * contract method nobody handles is a startup error, not a silent gap.
 */
export function combineHandlers(groups: Record<string, HandlerMap>): CompleteHandlerMap {
  const combined: Record<string, unknown> = {}
  const owner: Record<string, string> = {}
  for (const [group, map] of Object.entries(groups)) {
    for (const [name, handler] of Object.entries(map)) {
      if (!Object.hasOwn(methods, name)) throw new Error(`Handler group "${group}" handles "${name}", which is not in src-shared/contract.ts`)
      if (Object.hasOwn(owner, name)) throw new Error(`"${name}" is handled twice: in "${owner[name]}" and "${group}"`)
      owner[name] = group
      combined[name] = handler
    }
  }
  const missing = methodNames.filter((name) => !Object.hasOwn(combined, name))
  if (missing.length > 0) {
    throw new Error(`No handler for contract method(s) ${missing.join(', ')}: add one to a group in src-main/core/handlers/`)
  }
  return combined as unknown as CompleteHandlerMap
}

/**
 * Parses a method's input with the contract before its handler runs, so no
 * handler can forget validation. An absent input (undefined or null) is read
 * as `{}` when the method's schema accepts that, so a caller may omit an
 * all-defaults argument (`listOrders()`).
 */
export function parseInput<K extends MethodName>(name: K, input: unknown): unknown {
  const schema = methods[name].input
  const raw = input ?? undefined
  if (raw === undefined) {
    const empty = schema.safeParse(undefined)
    if (empty.success) return empty.data
    const defaults = schema.safeParse({})
    if (defaults.success) return defaults.data
  }
  return parseOrThrow(schema, raw)
}

export interface DispatchOptions {
  log: Logger
  /** True once shutdown began: calls are refused rather than touching a closing database. */
  isClosed: () => boolean
  /**
   * Also parse every output with the contract (on under vitest): a handler
   * that drifts from its schema fails the tests instead of the renderer.
   */
  checkOutputs: boolean
}

/** Wraps each handler: contract input parsing, `Result` envelope, errors mapped to user words. */
export function createDispatcher(impl: CompleteHandlerMap, opts: DispatchOptions): CoreHandlers {
  const wrap = (name: MethodName) => {
    const handler = impl[name] as (input: unknown) => unknown
    const output = methods[name].output
    return async (input: unknown): Promise<Result<never>> => {
      if (opts.isClosed()) return { ok: false, error: { code: 'storage_unavailable', message: 'Outpost is shutting down.' } }
      try {
        const value = await handler(parseInput(name, input))
        if (opts.checkOutputs) {
          const checked = output.safeParse(value)
          if (!checked.success) {
            opts.log.error('Handler output does not match the contract', { method: name, issues: checked.error.issues.slice(0, 5) })
            return { ok: false, error: { code: 'internal', message: `${name} returned a value that does not match the contract.` } }
          }
        }
        return { ok: true, value: value as never }
      } catch (err) {
        return { ok: false, error: toAppError(err, name, opts.log) }
      }
    }
  }
  return Object.fromEntries(methodNames.map((name) => [name, wrap(name)])) as unknown as CoreHandlers
}

function toAppError(err: unknown, method: string, log: Logger) {
  if (err instanceof OutpostError) return err.toAppError()
  const code = (err as { code?: unknown })?.code
  if (typeof code === 'string' && /^SQLITE_(FULL|IOERR|READONLY|CANTOPEN|CORRUPT|NOTADB)/.test(code)) {
    log.error('Storage error', { method, code })
    return { code: 'storage_unavailable' as const, message: `The local database cannot be written (${code}). Nothing was saved.` }
  }
  log.error('Unexpected error in handler', { method, error: err instanceof Error ? err.stack ?? err.message : String(err) })
  return { code: 'internal' as const, message: 'Something went wrong. Nothing was saved.' }
}
