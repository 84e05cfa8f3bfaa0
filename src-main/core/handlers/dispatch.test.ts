import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { methodNames, methods, resultSchema } from '../../../src-shared/contract'
import { tempDir } from '../../testing/temp-dir'
import type { Core, Logger } from '../core-types'
import { createCore } from '../create-core'
import { combineHandlers, createDispatcher, parseInput } from './dispatch'
import type { CompleteHandlerMap, HandlerMap } from './handler-types'

const quiet: Logger = { info: () => undefined, warn: () => undefined, error: () => undefined }

describe('combineHandlers', () => {
  const all = Object.fromEntries(methodNames.map((n) => [n, () => null])) as unknown as CompleteHandlerMap

  it('accepts one handler per contract method, split across groups', () => {
    const [first, ...rest] = methodNames
    const a = { [first as string]: all[first!] } as HandlerMap
    const b = Object.fromEntries(rest.map((n) => [n, all[n]])) as HandlerMap
    expect(Object.keys(combineHandlers({ a, b })).sort()).toEqual([...methodNames].sort())
  })

  it('throws when a method is handled twice', () => {
    expect(() => combineHandlers({ a: all, b: { getStatus: all.getStatus } })).toThrow(/"getStatus" is handled twice: in "a" and "b"/)
  })

  it('throws when a contract method has no handler', () => {
    const { getOrder: _dropped, ...rest } = all
    expect(() => combineHandlers({ a: rest })).toThrow(/No handler for contract method\(s\) getOrder/)
  })

  it('throws for a handler the contract does not name', () => {
    expect(() => combineHandlers({ a: { ...all, dropTables: () => null } as HandlerMap })).toThrow(/"dropTables", which is not in/)
  })
})

describe('the dispatcher', () => {
  it('parses the input before the handler runs, so a handler only ever sees the contract shape', async () => {
    const seen: unknown[] = []
    const impl = {
      ...(Object.fromEntries(methodNames.map((n) => [n, () => null])) as unknown as CompleteHandlerMap),
      getOrder: (input: unknown) => {
        seen.push(input)
        return null as never
      },
    }
    const h = createDispatcher(impl, { log: quiet, isClosed: () => false, checkOutputs: false })
    expect(await h.getOrder({ id: '' })).toMatchObject({ ok: false, error: { code: 'validation_failed', fields: [{ field: 'id', code: 'too_small' }] } })
    expect(await h.getOrder({ id: 'a', extra: 1 })).toMatchObject({ ok: false, error: { code: 'validation_failed' } })
    expect(seen).toEqual([])
    await h.getOrder({ id: 'a' })
    expect(seen).toEqual([{ id: 'a' }])
  })

  it('reads an absent input as {} where the schema accepts it (defaults applied)', () => {
    expect(parseInput('listOrders', undefined)).toEqual({ offset: 0, limit: 50 })
    expect(parseInput('listOrders', null)).toEqual({ offset: 0, limit: 50 })
    expect(parseInput('getStatus', null)).toBeUndefined()
    expect(() => parseInput('getOrder', undefined)).toThrow(/Invalid request/)
  })

  it('with checkOutputs, an output that drifts from the contract is an internal error, not a silent pass', async () => {
    const impl = {
      ...(Object.fromEntries(methodNames.map((n) => [n, () => null])) as unknown as CompleteHandlerMap),
      retryEvent: () => ({ eventId: 42 }) as never,
    }
    const errors: string[] = []
    const log: Logger = { ...quiet, error: (m) => errors.push(m) }
    const checked = createDispatcher(impl, { log, isClosed: () => false, checkOutputs: true })
    expect(await checked.retryEvent({ eventId: 'e' })).toMatchObject({ ok: false, error: { code: 'internal' } })
    expect(errors).toEqual(['Handler output does not match the contract'])
    const unchecked = createDispatcher(impl, { log, isClosed: () => false, checkOutputs: false })
    expect(await unchecked.retryEvent({ eventId: 'e' })).toEqual({ ok: true, value: { eventId: 42 } })
  })
})

describe('every contract method on a real core', () => {
  let dir: ReturnType<typeof tempDir>
  let core: Core
  beforeEach(() => {
    dir = tempDir()
    core = createCore({ dataDir: dir.path, startRelay: false, log: quiet, checkOutputs: true })
  })
  afterEach(async () => {
    await core.shutdown()
    dir.remove()
  })

  // One valid call per method; a method added to the contract without an
  // entry here fails the first assertion.
  it('has a handler whose output parses with the contract', async () => {
    const created = await core.handlers.createOrder({ customer: 'a', items: [{ name: 'x', quantity: 1, unitPrice: '1' }] })
    if (!created.ok) throw new Error(JSON.stringify(created.error))
    const sample: Record<string, unknown> = {
      createOrder: { customer: 'b', items: [{ name: 'y', quantity: 2, unitPrice: '1.5' }] },
      listOrders: { offset: 0, limit: 10 },
      getOrder: { id: created.value.id },
      // methodNames order: the edit (1 → 2) runs before the cancellation (2 → 3)
      updateOrder: { id: created.value.id, version: 1, order: { customer: 'a2', items: [{ name: 'x', quantity: '1.5', unitPrice: '1' }] } },
      cancelOrder: { id: created.value.id, version: 2, reason: 'test' },
      getStatus: undefined,
      syncNow: undefined,
      listDeadEvents: undefined,
      getSettings: undefined,
      updateSettings: { language: 'en' },
      summarizeDay: { from: '2026-01-01T00:00:00.000Z', to: '2100-01-01T00:00:00.000Z' },
      suggestCustomers: { prefix: 'a' },
      suggestItems: { prefix: 'x' },
    }
    // Not dead: a clear refusal is the valid answer here.
    const refused = new Set(['retryEvent', 'discardEvent', 'editAndResend', 'discardChange'])
    const refusedInput: Record<string, unknown> = {
      editAndResend: { eventId: 'none', version: 1, order: { customer: 'a', items: [{ name: 'x', quantity: 1, unitPrice: '1' }] } },
      discardChange: { eventId: 'none', version: 1 },
    }
    expect(methodNames.filter((n) => !Object.hasOwn(sample, n) && !refused.has(n))).toEqual([])
    for (const name of methodNames) {
      const r = await core.invoke(name, refused.has(name) ? (refusedInput[name] ?? { eventId: 'none' }) : sample[name])
      expect(resultSchema(methods[name].output).safeParse(r).success, name).toBe(true)
      if (refused.has(name)) expect(r, name).toMatchObject({ ok: false, error: { code: 'not_dead' } })
      else expect(r.ok, `${name}: ${JSON.stringify(r)}`).toBe(true)
    }
  })

  it('refuses a stale edit with stale_version, in words, and keeps the newer one (issue 11)', async () => {
    const created = await core.handlers.createOrder({ customer: 'a', items: [{ name: 'x', quantity: 1, unitPrice: '1' }] })
    if (!created.ok) throw new Error(JSON.stringify(created.error))
    const edit = (customer: string) => core.invoke('updateOrder', { id: created.value.id, version: 1, order: { customer, items: [{ name: 'x', quantity: 1, unitPrice: '1' }] } })
    expect(await edit('window A')).toMatchObject({ ok: true, value: { version: 2 } })
    expect(await edit('window B')).toMatchObject({ ok: false, error: { code: 'stale_version', message: expect.stringMatching(/changed elsewhere/) } })
    expect(await core.invoke('getOrder', { id: created.value.id })).toMatchObject({ ok: true, value: { customer: 'window A' } })
  })
})
