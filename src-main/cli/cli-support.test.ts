import { describe, expect, it, vi } from 'vitest'
import { parseCli, parsePort, UsageError } from './cli-support'

describe('parseCli (every CLI’s flags through node:util parseArgs)', () => {
  const options = { port: { type: 'string' }, web: { type: 'boolean' } } as const

  it('returns the typed values', () => {
    expect(parseCli(options, 'x', ['--port', '5', '--web'])).toEqual({ port: '5', web: true })
    expect(parseCli(options, 'x', ['--port=7'])).toEqual({ port: '7' })
  })

  it('an unknown flag or a stray argument is a UsageError that carries the usage line', () => {
    expect(() => parseCli(options, 'npm run x -- --port P', ['--nope'])).toThrow(UsageError)
    expect(() => parseCli(options, 'npm run x -- --port P', ['stray'])).toThrow(/Usage: npm run x -- --port P/)
  })

  it('--help prints the usage and returns null', () => {
    const log = vi.spyOn(console, 'log').mockImplementation(() => undefined)
    try {
      expect(parseCli(options, 'npm run x', ['--help'])).toBeNull()
      expect(log).toHaveBeenCalledWith('Usage: npm run x')
    } finally {
      log.mockRestore()
    }
  })

  it('parsePort accepts 0 to 65535 only', () => {
    expect(parsePort(undefined, 5199)).toBe(5199)
    expect(parsePort('0', 1)).toBe(0)
    for (const bad of ['-1', '65536', '1.5', 'abc', '']) expect(() => parsePort(bad, 1), bad).toThrow(UsageError)
  })
})
