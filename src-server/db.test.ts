import fc from 'fast-check'
import pg from 'pg'
import { describe, expect, it } from 'vitest'
import { literal } from './db'

describe('literal', () => {
  it('escapes exactly as pg.escapeLiteral does, for any string', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.string({ unit: fc.constantFrom("'", '\\', '"', 'E', '$', ';', 'a', '\n', '日') })), (s) => {
        expect(literal(s)).toBe(pg.escapeLiteral(s))
      }),
      { numRuns: 2000 },
    )
  })
})
