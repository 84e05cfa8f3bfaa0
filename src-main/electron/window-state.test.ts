import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import {
  captureWindowState,
  DEFAULT_WINDOW,
  fitToDisplays,
  loadWindowState,
  parseWindowState,
  saveWindowState,
  type Rect,
} from './window-state'

const primary: Rect = { x: 0, y: 0, width: 1920, height: 1040 }
const right: Rect = { x: 1920, y: 0, width: 1280, height: 984 }

describe('fitToDisplays', () => {
  it('centres the default size on the primary display on first run', () => {
    const s = fitToDisplays(null, [primary])
    expect(s).toEqual({
      x: (1920 - DEFAULT_WINDOW.width) / 2,
      y: (1040 - DEFAULT_WINDOW.height) / 2,
      width: DEFAULT_WINDOW.width,
      height: DEFAULT_WINDOW.height,
      maximized: false,
    })
  })

  it('keeps a window that is on a display', () => {
    const saved = { x: 100, y: 80, width: 900, height: 700, maximized: false }
    expect(fitToDisplays(saved, [primary, right])).toEqual(saved)
    const onSecond = { x: 2000, y: 50, width: 800, height: 600, maximized: true }
    expect(fitToDisplays(onSecond, [primary, right])).toEqual(onSecond)
  })

  it('re-centres a window left on a monitor that is gone', () => {
    const saved = { x: 2200, y: 100, width: 800, height: 600, maximized: true }
    const s = fitToDisplays(saved, [primary])
    expect(s).toEqual({ x: 560, y: 220, width: 800, height: 600, maximized: true })
  })

  it('re-centres a window only a sliver of which is visible', () => {
    const s = fitToDisplays({ x: 1900, y: 10, width: 800, height: 600, maximized: false }, [primary])
    expect(s.x).toBe(560)
  })

  it('pulls a partly off-screen window fully inside its display, title bar included', () => {
    const s = fitToDisplays({ x: -300, y: -50, width: 800, height: 600, maximized: false }, [primary])
    expect(s).toEqual({ x: 0, y: 0, width: 800, height: 600, maximized: false })
    const t = fitToDisplays({ x: 1500, y: 900, width: 800, height: 600, maximized: false }, [primary])
    expect(t).toEqual({ x: 1120, y: 440, width: 800, height: 600, maximized: false })
  })

  it('shrinks a window larger than its display, never below the minimum unless the screen is smaller', () => {
    const s = fitToDisplays({ x: 0, y: 0, width: 5000, height: 3000, maximized: false }, [primary])
    expect(s).toMatchObject({ x: 0, y: 0, width: 1920, height: 1040 })
    const tiny = fitToDisplays({ x: 0, y: 0, width: 100, height: 100, maximized: false }, [primary])
    expect(tiny).toMatchObject({ width: 640, height: 480 })
    const smallScreen = fitToDisplays(null, [{ x: 0, y: 0, width: 600, height: 400 }])
    expect(smallScreen).toMatchObject({ x: 0, y: 0, width: 600, height: 400 })
  })

  it('handles displays at negative coordinates (monitor left of primary)', () => {
    const left: Rect = { x: -1600, y: 0, width: 1600, height: 860 }
    const saved = { x: -1500, y: 100, width: 1000, height: 700, maximized: false }
    expect(fitToDisplays(saved, [primary, left])).toEqual(saved)
  })

  it('returns the state unchanged when no display is known', () => {
    expect(fitToDisplays({ width: 800, height: 600, maximized: false }, [])).toEqual({ width: 800, height: 600, maximized: false })
  })
})

describe('parse, capture, load and save', () => {
  let dir = ''
  afterEach(() => {
    if (dir) rmSync(dir, { recursive: true, force: true })
  })

  it('rejects what is not a state', () => {
    for (const bad of [null, 1, 'x', {}, { width: -1, height: 5 }, { width: Number.NaN, height: 5 }, { width: '800', height: 600 }]) {
      expect(parseWindowState(bad)).toBeNull()
    }
    expect(parseWindowState({ width: 800.4, height: 600, x: 'a', maximized: 'yes' })).toEqual({ width: 800, height: 600, maximized: false })
  })

  it('round-trips through the JSON file and survives a corrupt one', () => {
    dir = mkdtempSync(join(tmpdir(), 'outpost-ws-'))
    const file = join(dir, 'nested', 'window-state.json')
    expect(loadWindowState(file)).toBeNull()
    const state = captureWindowState({ x: 10.2, y: 20, width: 900, height: 700.6 }, true)
    saveWindowState(file, state)
    expect(loadWindowState(file)).toEqual({ x: 10, y: 20, width: 900, height: 701, maximized: true })
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual(state)
    writeFileSync(file, '{not json')
    expect(loadWindowState(file)).toBeNull()
  })
})
