import { describe, expect, it } from 'vitest'
import { useTestStore } from '../../testing/test-store'
import { validateOrder } from '../orders/validate-order'

const store = useTestStore()

const input = (customer: string) => validateOrder({ customer, items: [{ name: 'Tea', quantity: 1, unitPrice: '2.00' }] }, 'USD')
const attempts = (id: string) => store.db.prepare('SELECT count(*) FROM outbox_attempts WHERE event_id = ?').pluck().get(id)

describe('OutboxRepo.applyOutcomes', () => {
  it('records a shared commit even when one answer is for an event no longer in the outbox (settled by a fix elsewhere)', () => {
    const { eventId } = store.orders.create(input('Ann'))
    const gone = '01900000-0000-7000-8000-000000000000'
    expect(() =>
      store.outbox.applyOutcomes([
        { id: gone, kind: 'sent', httpStatus: 200, outcome: 'accepted', reply: null },
        { id: eventId, kind: 'sent', httpStatus: 200, outcome: 'accepted', reply: null },
        { id: gone, kind: 'retry', httpStatus: 503, error: 'busy', nextAttemptAt: 0, countsAsAttempt: true },
        { id: gone, kind: 'dead', httpStatus: 422, error: 'no', reply: null },
      ]),
    ).not.toThrow()
    expect(store.db.prepare('SELECT status FROM outbox WHERE id = ?').pluck().get(eventId)).toBe('sent')
    expect(attempts(eventId)).toBe(1)
    expect(attempts(gone)).toBe(0)
  })

  it('an answer for an event already recorded adds no second history row', () => {
    const { eventId } = store.orders.create(input('Bo'))
    const sent = { id: eventId, kind: 'sent', httpStatus: 200, outcome: 'accepted', reply: null } as const
    store.outbox.applyOutcomes([sent])
    store.outbox.applyOutcomes([{ ...sent, outcome: 'duplicate' }])
    expect(attempts(eventId)).toBe(1)
  })
})
