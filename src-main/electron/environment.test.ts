import { describe, expect, it } from 'vitest'
import { DEFAULT_QUIT_ASK_TIMEOUT_MS, readShellEnvironment } from './environment'

describe('readShellEnvironment', () => {
  it('reads the data folder, API settings, flags and the quit timeout', () => {
    const e = readShellEnvironment({
      env: {
        OUTPOST_DATA_DIR: '/tmp/o',
        OUTPOST_API_URL: 'http://127.0.0.1:1',
        OUTPOST_API_TOKEN: 't',
        OUTPOST_QUIT_NOTE_TIMEOUT_MS: '0',
        ELECTRON_RENDERER_URL: 'http://localhost:5173',
      },
      argv: ['.', '--api-url=http://a'],
      isPackaged: false,
    })
    expect(e).toEqual({
      dataDirOverride: '/tmp/o',
      devServerUrl: 'http://localhost:5173',
      flags: { apiUrl: 'http://a' },
      apiEnv: { apiUrl: 'http://127.0.0.1:1', apiToken: 't' },
      quitAskTimeoutMs: 0,
    })
  })
  it('ignores the dev server in a packaged build, and empty or bad values', () => {
    const e = readShellEnvironment({
      env: { ELECTRON_RENDERER_URL: 'http://evil.example', OUTPOST_DATA_DIR: '', OUTPOST_QUIT_NOTE_TIMEOUT_MS: '-5' },
      argv: [],
      isPackaged: true,
    })
    expect(e.devServerUrl).toBeUndefined()
    expect(e.dataDirOverride).toBeUndefined()
    expect(e.quitAskTimeoutMs).toBe(DEFAULT_QUIT_ASK_TIMEOUT_MS)
    for (const raw of ['', 'soon', 'Infinity']) {
      expect(readShellEnvironment({ env: { OUTPOST_QUIT_NOTE_TIMEOUT_MS: raw }, argv: [], isPackaged: true }).quitAskTimeoutMs).toBe(
        DEFAULT_QUIT_ASK_TIMEOUT_MS,
      )
    }
  })
})
