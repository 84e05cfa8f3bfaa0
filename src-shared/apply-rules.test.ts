import { describe, expect, it } from 'vitest'
import { decide, parseEvent, planBatch, type ServerOrder } from './apply-rules'
import { lineTotalMinor, quantityToThousandths } from './protocol'

const base = { customer: 'Ann', note: null, currency: 'EUR', items: [{ name: 'Tea', quantity: 1.5, unitPriceMinor: 333 }], totalMinor: 500, createdAt: '2025-01-01T00:00:00.000Z' }
const wire = (type: string, payload: Record<string, unknown>, id = `e-${Math.random()}`) => ({ id, type, aggregateId: 'o1', occurredAt: '2025-01-01T00:00:00Z', payload: { id: 'o1', ...payload } })
const order = (version: number, state: ServerOrder['state'] = 'open'): ServerOrder => ({
  id: 'o1', version, state, customer: 'Ann', note: null, currency: 'EUR', items: [], totalMinor: 0,
  createdAt: base.createdAt, updatedAt: null, cancelledAt: null, cancelReason: null,
})

describe('quantities', () => {
  it.each([
    [1, 1000], [1.5, 1500], [0.001, 1], [2.25, 2250], [1_000_000, 1_000_000_000], [0.1 + 0.2, null], [1.0005, null], [0, null], [-1, null], [1e-7, null], [Number.NaN, null],
  ])('%s → %s thousandths', (q, milli) => expect(quantityToThousandths(q)).toBe(milli))

  it('rounds a line total half up to a minor unit: 1.5 × 333 = 499.5 → 500', () => {
    expect(lineTotalMinor(1500, 333)).toBe(500n)
    expect(lineTotalMinor(1001, 1)).toBe(1n)
    expect(lineTotalMinor(1_000_000_000, 10_000_000_000)).toBe(10_000_000_000_000_000n)
  })
})

describe('decide: the version table', () => {
  const upd = (version: number) => parseEvent(wire('OrderUpdated', { ...base, version }))
  const cancel = (version: number) => parseEvent(wire('OrderCancelled', { version, reason: null, cancelledAt: base.createdAt }))
  const created = parseEvent(wire('OrderCreated', base))
  it.each([
    ['create, unknown order', created, null, 'apply'],
    ['create, order exists', created, order(1), 'conflict'],
    ['update v2 of v1', upd(2), order(1), 'apply'],
    ['update v2 of v2 (stale)', upd(2), order(2), 'conflict'],
    ['update v4 of v2 (gap)', upd(4), order(2), 'version_gap'],
    ['update, unknown order', upd(2), null, 'not_found'],
    ['update of a cancelled order', upd(3), order(2, 'cancelled'), 'conflict'],
    ['update of a fulfilled order', upd(2), order(1, 'fulfilled'), 'conflict'],
    ['cancel v2 of v1', cancel(2), order(1), 'apply'],
    ['cancel, unknown order', cancel(2), null, 'not_found'],
    ['cancel v3 of v1 (gap)', cancel(3), order(1), 'version_gap'],
    ['cancel of a fulfilled order', cancel(2), order(1, 'fulfilled'), 'conflict'],
  ] as const)('%s → %s', (_label, parsed, current, expected) => {
    if (!parsed.ok) throw new Error(parsed.error)
    const d = decide(parsed.event, current)
    expect(d.kind === 'apply' ? 'apply' : d.code).toBe(expected)
  })
})

describe('parseEvent', () => {
  it.each([
    ['unknown type', wire('OrderNoted', base), /Unknown event type/],
    ['version 2 on a create', wire('OrderCreated', { ...base, version: 2 }), /version/],
    ['update without version', wire('OrderUpdated', base), /version/],
    ['NUL in a name', wire('OrderCreated', { ...base, customer: 'A\u0000' }), /customer/],
    ['lone surrogate', wire('OrderCreated', { ...base, note: '\ud800' }), /note/],
    ['wrong total', wire('OrderCreated', { ...base, totalMinor: 499 }), /totalMinor: is 499, but the items add up to 500/],
    ['id differs from aggregateId', { ...wire('OrderCreated', base), aggregateId: 'o2' }, /aggregateId/],
    ['bad timestamp', wire('OrderCancelled', { version: 2, reason: null, cancelledAt: 'yesterday' }), /cancelledAt/],
  ])('%s is invalid', (_label, e, message) => {
    const r = parseEvent(e)
    expect(r.ok).toBe(false)
    if (!r.ok) {
      expect(r.code).toBe('invalid')
      expect(r.error).toMatch(message)
    }
  })

  it('an OrderCreated without version is version 1 (older clients)', () => {
    const r = parseEvent(wire('OrderCreated', base))
    expect(r.ok && r.event.payload.version).toBe(1)
  })
})

describe('planBatch', () => {
  it('folds events of one order through the batch, dedups repeats and judges each event alone', () => {
    const c = wire('OrderCreated', base, 'c')
    const u = wire('OrderUpdated', { ...base, version: 2, customer: 'Bo' }, 'u')
    const bad = wire('OrderUpdated', { ...base, version: 4 }, 'bad')
    const x = wire('OrderCancelled', { version: 3, reason: 'r', cancelledAt: base.createdAt }, 'x')
    const plan = planBatch([c, u, bad, u, x, { ...wire('OrderCreated', base, 'old') }], { isApplied: (id) => id === 'old', order: () => null })
    expect(plan.results.map((r) => (r.status === 'rejected' ? r.code : r.status))).toEqual(['accepted', 'accepted', 'version_gap', 'duplicate', 'accepted', 'duplicate'])
    expect(plan.applied.map((a) => a.event.id)).toEqual(['c', 'u', 'x'])
    expect(plan.changed.get('o1')).toMatchObject({ before: null, after: { version: 3, state: 'cancelled', customer: 'Bo', cancelReason: 'r' } })
    expect([...plan.rejectedIds]).toEqual(['bad'])
  })
})
