import { describe, expect, it } from 'vitest'
import { compareOrders, fromOrderView, type ComparableOrder } from './soak-compare'

const order = (over: Partial<ComparableOrder> = {}): ComparableOrder => ({
  id: 'o1',
  version: 2,
  state: 'open',
  customer: 'Ann',
  note: null,
  currency: 'EUR',
  items: [{ name: 'Tea', quantityMilli: 1500, unitPriceMinor: 250 }],
  totalMinor: 375,
  createdAt: '2025-01-02T03:04:05.000Z',
  cancelledAt: null,
  cancelReason: null,
  ...over,
})

describe('the soak comparison', () => {
  const cases: { name: string; client: ComparableOrder[]; server: ComparableOrder[]; expect: Partial<ReturnType<typeof compareOrders>> }[] = [
    { name: 'equal', client: [order()], server: [order()], expect: { mismatched: 0, serverOnly: 0, clientOnly: 0, lostVersions: 0 } },
    { name: 'server behind by one version', client: [order({ version: 3 })], server: [order()], expect: { mismatched: 1, lostVersions: 1 } },
    { name: 'server ahead (applied twice?)', client: [order()], server: [order({ version: 3 })], expect: { mismatched: 1, lostVersions: 0 } },
    { name: 'same version, other content', client: [order()], server: [order({ customer: 'Bo' })], expect: { mismatched: 1, examples: ['o1: customer client="Ann" server="Bo"'] } },
    { name: 'an item quantity differs', client: [order()], server: [order({ items: [{ name: 'Tea', quantityMilli: 1000, unitPriceMinor: 250 }] })], expect: { mismatched: 1 } },
    { name: 'cancelled in the app only', client: [order({ state: 'cancelled' })], server: [order()], expect: { mismatched: 1 } },
    { name: 'cancel reason differs', client: [order({ cancelReason: 'x' })], server: [order()], expect: { mismatched: 1 } },
    { name: 'missing on the server', client: [order({ version: 4 })], server: [], expect: { clientOnly: 1, lostVersions: 4, mismatched: 0 } },
    { name: 'unknown to the app', client: [], server: [order()], expect: { serverOnly: 1 } },
  ]
  for (const c of cases) {
    it(c.name, () => {
      expect(compareOrders(c.client, c.server)).toMatchObject(c.expect)
    })
  }

  it('reads the wire view with exact thousandths', () => {
    const { items, ...rest } = order()
    const view = { ...rest, items: items.map((i) => ({ name: i.name, quantity: i.quantityMilli / 1000, unitPriceMinor: i.unitPriceMinor })) }
    expect(fromOrderView({ ...view, items: [{ name: 'Salt', quantity: 2.125, unitPriceMinor: 1 }] }).items).toEqual([{ name: 'Salt', quantityMilli: 2125, unitPriceMinor: 1 }])
    expect(compareOrders([order()], [fromOrderView(view)]).mismatched).toBe(0)
  })
})
