import { describe, expect, it } from 'vitest'
import { within, withTimeout } from './timeout'

const later = <T>(ms: number, v: T) => new Promise<T>((r) => setTimeout(() => r(v), ms))

describe('within / withTimeout', () => {
  it('gives the value when it comes in time, else "timeout" (or an error naming what)', async () => {
    expect(await within(later(5, 'ok'), 1000)).toBe('ok')
    expect(await within(later(1000, 'late'), 10)).toBe('timeout')
    await expect(within(Promise.reject(new Error('boom')), 1000)).rejects.toThrow('boom')
    expect(await withTimeout(later(5, 1), 1000, 'x')).toBe(1)
    await expect(withTimeout(later(1000, 1), 10, 'the reply')).rejects.toThrow('Timed out after 10 ms: the reply')
  })

  it('caps a delay setTimeout cannot hold instead of firing at once', async () => {
    expect(await within(later(20, 'ok'), 2 ** 40)).toBe('ok')
  })
})
