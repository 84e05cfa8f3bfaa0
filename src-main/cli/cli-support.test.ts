import { describe, expect, it, vi } from 'vitest'
import { parseCli, parseLauncherCli, parsePort, UsageError } from './cli-support'

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

describe('parseLauncherCli (npm start: its own flags, the rest for the app)', () => {
  const options = { dev: { type: 'boolean' }, 'prepare-only': { type: 'boolean' } } as const
  const usage = 'npm start [-- --dev] [--prepare-only] [app arguments]'

  it('takes its own flags anywhere and passes every other argument on, in order and untouched', () => {
    expect(parseLauncherCli(options, usage, ['--dev', '--api-url', 'http://x', '--no-sandbox', '-v', '--inspect=9229', 'file'])).toEqual({
      values: { dev: true },
      rest: ['--api-url', 'http://x', '--no-sandbox', '-v', '--inspect=9229', 'file'],
    })
    expect(parseLauncherCli(options, usage, ['--api-token=a=b', '--prepare-only'])).toEqual({ values: { 'prepare-only': true }, rest: ['--api-token=a=b'] })
    expect(parseLauncherCli(options, usage, [])).toEqual({ values: {}, rest: [] })
  })

  it('after --, everything goes on as it is, without the --', () => {
    expect(parseLauncherCli(options, usage, ['--dev', '--', '--prepare-only', '--', 'x'])).toEqual({ values: { dev: true }, rest: ['--prepare-only', '--', 'x'] })
  })

  it('a value on one of its own switches is a UsageError with the usage line', () => {
    expect(() => parseLauncherCli(options, usage, ['--dev=yes'])).toThrow(UsageError)
    expect(() => parseLauncherCli(options, usage, ['--prepare-only=1'])).toThrow(/does not take a value\nUsage: npm start/)
  })

  it('its own string flags take their value, inline or next', () => {
    const withString = { ...options, mode: { type: 'string' } } as const
    expect(parseLauncherCli(withString, usage, ['--mode', 'x', '--other', 'y'])).toEqual({ values: { mode: 'x' }, rest: ['--other', 'y'] })
    expect(parseLauncherCli(withString, usage, ['--mode=z'])).toEqual({ values: { mode: 'z' }, rest: [] })
    expect(() => parseLauncherCli(withString, usage, ['--mode'])).toThrow(/needs a value/)
  })

  it('--help prints the usage and returns null', () => {
    const log = vi.spyOn(console, 'log').mockImplementation(() => undefined)
    try {
      expect(parseLauncherCli(options, usage, ['--api-url', 'x', '--help'])).toBeNull()
      expect(log).toHaveBeenCalledWith(`Usage: ${usage}`)
    } finally {
      log.mockRestore()
    }
  })
})
