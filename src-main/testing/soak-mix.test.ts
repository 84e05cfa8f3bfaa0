import { describe, expect, it } from 'vitest'
import { validateOrder } from '../core/orders/validate-order'
import { DEFAULT_MIX, parseMix, pickKind, randomOrderInput } from './soak-mix'
import { seededRandom } from './seeded-random'

describe('the soak mix', () => {
  const picks: [number, number, string][] = [
    [0, 5, 'create'],
    [0.59, 5, 'create'],
    [0.6, 5, 'update'],
    [0.89, 5, 'update'],
    [0.9, 5, 'cancel'],
    [0.999, 5, 'cancel'],
    // Nothing open to change: always a create.
    [0.95, 0, 'create'],
    [0.7, 0, 'create'],
  ]
  for (const [r, open, kind] of picks) {
    it(`draw ${r} with ${open} open orders → ${kind}`, () => {
      expect(pickKind(r, DEFAULT_MIX, open)).toBe(kind)
    })
  }

  it('parses weights and normalises them; refuses what cannot make progress', () => {
    expect(parseMix('6,3,1')).toEqual({ create: 0.6, update: 0.3, cancel: 0.1 })
    expect(parseMix('1,0,0')).toEqual({ create: 1, update: 0, cancel: 0 })
    expect(() => parseMix('0,1,1')).toThrow(/create weight above 0/)
    expect(() => parseMix('1,2')).toThrow(/three non-negative weights/)
    expect(() => parseMix('1,-1,0')).toThrow(/three non-negative weights/)
    expect(() => parseMix('1,,0')).toThrow(/three non-negative weights/)
  })

  it('makes orders the app accepts, the same ones for the same seed', () => {
    const a = seededRandom(9)
    const b = seededRandom(9)
    for (let i = 0; i < 200; i++) {
      const input = randomOrderInput(a, `#${i}`)
      expect(randomOrderInput(b, `#${i}`)).toEqual(input)
      expect(() => validateOrder(input, 'EUR')).not.toThrow()
    }
  })
})
