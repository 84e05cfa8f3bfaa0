/**
 * The main window's size, position and maximised flag, kept in
 * `<data dir>/window-state.json` and restored on a visible screen.
 */
import { readFileSync } from 'node:fs'
import { writeFileAtomicSync } from '../core/util/atomic-write'

export interface Rect {
  x: number
  y: number
  width: number
  height: number
}

export interface WindowState {
  /** Absent on first run: let the OS centre the window. */
  x?: number
  y?: number
  width: number
  height: number
  maximized: boolean
}

export const WINDOW_STATE_FILE = 'window-state.json'
export const DEFAULT_WINDOW = { width: 1100, height: 760 } as const
export const MIN_WINDOW = { width: 640, height: 480 } as const
/** How much of the window (each way) must lie on some display for its position to be kept. */
const MIN_VISIBLE = 100

const finite = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v)

/** Reads untrusted JSON into a state, or null if it is not one. */
export function parseWindowState(raw: unknown): WindowState | null {
  if (typeof raw !== 'object' || raw === null) return null
  const r = raw as Record<string, unknown>
  if (!finite(r.width) || !finite(r.height) || r.width <= 0 || r.height <= 0) return null
  const state: WindowState = {
    width: Math.round(r.width),
    height: Math.round(r.height),
    maximized: r.maximized === true,
  }
  if (finite(r.x) && finite(r.y)) {
    state.x = Math.round(r.x)
    state.y = Math.round(r.y)
  }
  return state
}

function overlap(a: Rect, b: Rect): { width: number; height: number } {
  return {
    width: Math.max(0, Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x)),
    height: Math.max(0, Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y)),
  }
}

/**
 * Fits a saved state to the displays present now. The size never exceeds the
 * chosen display's work area, and a window that would be (nearly) off every
 * screen, e.g. on a monitor since unplugged, is centred on the primary display.
 * `workAreas[0]` is the primary display.
 */
export function fitToDisplays(saved: WindowState | null, workAreas: readonly Rect[]): WindowState {
  const primary = workAreas[0]
  const base: WindowState = saved ?? { width: DEFAULT_WINDOW.width, height: DEFAULT_WINDOW.height, maximized: false }
  if (!primary) return { ...base }

  const clampSize = (area: Rect) => ({
    width: Math.max(Math.min(MIN_WINDOW.width, area.width), Math.min(base.width, area.width)),
    height: Math.max(Math.min(MIN_WINDOW.height, area.height), Math.min(base.height, area.height)),
  })

  if (base.x !== undefined && base.y !== undefined) {
    const rect: Rect = { x: base.x, y: base.y, width: base.width, height: base.height }
    // The display holding most of the window.
    let best: Rect | null = null
    let bestArea = 0
    for (const area of workAreas) {
      const o = overlap(rect, area)
      const visible = o.width * o.height
      if (o.width >= Math.min(MIN_VISIBLE, rect.width) && o.height >= Math.min(MIN_VISIBLE, rect.height) && visible > bestArea) {
        best = area
        bestArea = visible
      }
    }
    if (best) {
      const size = clampSize(best)
      // Pull it fully inside that display's work area (title bar reachable).
      const x = Math.min(Math.max(base.x, best.x), best.x + best.width - size.width)
      const y = Math.min(Math.max(base.y, best.y), best.y + best.height - size.height)
      return { x, y, ...size, maximized: base.maximized }
    }
  }

  const size = clampSize(primary)
  return {
    x: primary.x + Math.round((primary.width - size.width) / 2),
    y: primary.y + Math.round((primary.height - size.height) / 2),
    ...size,
    maximized: base.maximized,
  }
}

/** What to save: the normal (unmaximised) bounds, so un-maximising later restores a sensible size. */
export function captureWindowState(normalBounds: Rect, maximized: boolean): WindowState {
  return {
    x: Math.round(normalBounds.x),
    y: Math.round(normalBounds.y),
    width: Math.round(normalBounds.width),
    height: Math.round(normalBounds.height),
    maximized,
  }
}

export function loadWindowState(file: string): WindowState | null {
  try {
    return parseWindowState(JSON.parse(readFileSync(file, 'utf8')))
  } catch {
    return null
  }
}

/** Atomic write (temp file, then rename): a crash mid-write leaves the old state. */
export function saveWindowState(file: string, state: WindowState): void {
  writeFileAtomicSync(file, `${JSON.stringify(state)}\n`)
}
