/**
 * What the crash test's child does next, as data: a weighted mix of creates,
 * edits and cancellations, and random but valid order content (decimal
 * quantities, two currencies, notes that come and go), so that edits really
 * change what the server must end up holding.
 */
import type { CreateOrderInput } from '../../src-shared/contract'

export type ChangeKind = 'create' | 'update' | 'cancel'
export type Mix = Readonly<Record<ChangeKind, number>>

export const DEFAULT_MIX: Mix = { create: 0.6, update: 0.3, cancel: 0.1 }

/** "0.6,0.3,0.1" (create,update,cancel; any non-negative weights, create > 0) → a mix that sums to 1. */
export function parseMix(text: string): Mix {
  const parts = text.split(',').map((s) => s.trim())
  const nums = parts.map(Number)
  if (parts.length !== 3 || parts.some((p) => p === '') || nums.some((n) => !Number.isFinite(n) || n < 0)) {
    throw new RangeError(`the mix must be three non-negative weights create,update,cancel (e.g. 0.6,0.3,0.1), got "${text}"`)
  }
  const [create = 0, update = 0, cancel = 0] = nums
  // Without creates the run would never reach its order count.
  if (create <= 0) throw new RangeError(`the mix needs a create weight above 0, got "${text}"`)
  const sum = create + update + cancel
  return { create: create / sum, update: update / sum, cancel: cancel / sum }
}

export const formatMix = (m: Mix): string => `${m.create},${m.update},${m.cancel}`

/** The next change; with no open order to change, a create. `r` is one draw in [0, 1). */
export function pickKind(r: number, mix: Mix, openOrders: number): ChangeKind {
  if (openOrders === 0) return 'create'
  if (r < mix.create) return 'create'
  if (r < mix.create + mix.update) return 'update'
  return 'cancel'
}

const CUSTOMERS = ['Ann', 'Bo', 'Chen Wei', 'Dana', 'Émile', '林小姐', "O'Brien", 'Zoë']
const ITEMS = ['Cheese', 'Bread', 'Olives', 'Tea', 'Coffee beans', 'Honey', 'Apples', 'Croissant']
const QUANTITIES = ['1', '2', '3', '1.5', '0.25', '2.125', '10', '0.001']
const PRICES = ['3.50', '12', '0.99', '7.25', '1.50', '100.00', '0']
const NOTES = [undefined, 'Deliver Friday', 'Paid in cash', '  ']
const REASONS = ['Customer changed their mind', 'Duplicate', 'Out of stock', 'Wrong stall']

const pick = <T>(random: () => number, list: readonly T[]): T => list[Math.floor(random() * list.length) % list.length] as T

/** A valid order as the form would send it; `label` keeps customers apart in the list. */
export function randomOrderInput(random: () => number, label: string): CreateOrderInput {
  const count = 1 + Math.floor(random() * 3)
  const items = Array.from({ length: count }, () => ({
    name: pick(random, ITEMS),
    quantity: pick(random, QUANTITIES),
    unitPrice: pick(random, PRICES),
  }))
  const note = pick(random, NOTES)
  return {
    customer: `${pick(random, CUSTOMERS)} ${label}`,
    ...(note === undefined ? {} : { note }),
    currency: random() < 0.8 ? 'EUR' : 'USD',
    items,
  }
}

export const randomReason = (random: () => number): string => pick(random, REASONS)
