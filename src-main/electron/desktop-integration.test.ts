import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import type { SyncStatus } from '../../src-shared/contract'
import { DAY_MS, fileNotifyStore, NotificationPlanner, trayTooltip, waitingCount, type NotifyState, type NotifyStore } from './desktop-integration'
import { pickShellLanguage, shellStrings } from './shell-strings'

const en = shellStrings.en
const T0 = Date.parse('2025-03-01T12:00:00Z')

function status(over: { pending?: number; sending?: number; dead?: number; oldestPendingAt?: string | null } = {}): SyncStatus {
  return {
    kind: 'waiting',
    connectivity: 'online',
    api: 'reachable',
    phase: 'idle',
    userPaused: false,
    counts: { pending: over.pending ?? 0, sending: over.sending ?? 0, dead: over.dead ?? 0, discarded: 0, sentToday: 0 },
    progress: null,
    lastSuccessAt: null,
    lastError: null,
    nextRetryAt: null,
    oldestPendingAt: over.oldestPendingAt ?? null,
    at: new Date(T0).toISOString(),
  }
}

function memoryStore(initial: NotifyState = { lastStaleNoticeAt: null }): NotifyStore & { saved: NotifyState[] } {
  let state = initial
  const saved: NotifyState[] = []
  return {
    saved,
    load: () => state,
    save: (s) => {
      state = s
      saved.push(s)
    },
  }
}

describe('tray and badge', () => {
  it('counts waiting orders in the tooltip; in-flight ones are part of pending, not added again', () => {
    expect(waitingCount(status({ pending: 3, sending: 2 }))).toBe(3)
    expect(trayTooltip(status(), en)).toBe('Outpost · all orders synced')
    expect(trayTooltip(status({ pending: 1 }), en)).toBe('Outpost · 1 order waiting to sync')
    expect(trayTooltip(status({ pending: 4 }), en)).toBe('Outpost · 4 orders waiting to sync')
    expect(trayTooltip(status({ pending: 4 }), shellStrings['zh-TW'])).toBe('Outpost · 4 筆訂單等待同步')
  })
})

describe('NotificationPlanner', () => {
  it('notifies when the dead count rises, not for events already dead at start', () => {
    const p = new NotificationPlanner(memoryStore(), () => en)
    expect(p.next(status({ dead: 2 }), T0)).toEqual([])
    expect(p.next(status({ dead: 2 }), T0 + 1)).toEqual([])
    const n = p.next(status({ dead: 5 }), T0 + 2)
    expect(n).toEqual([{ kind: 'dead', title: en.deadTitle, body: en.deadBody(3) }])
    expect(n[0]?.body).toContain('3 orders')
    // A retry lowers it; a new failure raises it again.
    expect(p.next(status({ dead: 4 }), T0 + 3)).toEqual([])
    expect(p.next(status({ dead: 5 }), T0 + 4).map((x) => x.kind)).toEqual(['dead'])
  })

  it('notifies about orders waiting more than 24 h at most once a day, remembered across restarts', () => {
    const store = memoryStore()
    const old = new Date(T0 - DAY_MS - 60_000).toISOString()
    const p = new NotificationPlanner(store, () => en)
    expect(p.next(status({ pending: 2, oldestPendingAt: old }), T0).map((n) => n.kind)).toEqual(['stale'])
    expect(store.saved).toEqual([{ lastStaleNoticeAt: T0 }])
    expect(p.next(status({ pending: 2, oldestPendingAt: old }), T0 + 60_000)).toEqual([])

    // A restart an hour later: still quiet.
    const restarted = new NotificationPlanner(store, () => en)
    expect(restarted.next(status({ pending: 2, oldestPendingAt: old }), T0 + 3_600_000)).toEqual([])
    // A day later: once more.
    expect(restarted.next(status({ pending: 2, oldestPendingAt: old }), T0 + DAY_MS).map((n) => n.kind)).toEqual(['stale'])
  })

  it('stays quiet for recent or no pending orders', () => {
    const p = new NotificationPlanner(memoryStore(), () => en)
    expect(p.next(status({ pending: 2, oldestPendingAt: new Date(T0 - 3_600_000).toISOString() }), T0)).toEqual([])
    expect(p.next(status({ pending: 0, oldestPendingAt: new Date(T0 - 2 * DAY_MS).toISOString() }), T0)).toEqual([])
  })
})

describe('fileNotifyStore', () => {
  let dir = ''
  afterEach(() => {
    if (dir) rmSync(dir, { recursive: true, force: true })
  })
  it('round-trips and treats a corrupt file as empty', () => {
    dir = mkdtempSync(join(tmpdir(), 'outpost-notify-'))
    const file = join(dir, 'notifications.json')
    const store = fileNotifyStore(file)
    expect(store.load()).toEqual({ lastStaleNoticeAt: null })
    store.save({ lastStaleNoticeAt: 123 })
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({ lastStaleNoticeAt: 123 })
    expect(fileNotifyStore(file).load()).toEqual({ lastStaleNoticeAt: 123 })
    writeFileSync(file, 'garbage')
    expect(store.load()).toEqual({ lastStaleNoticeAt: null })
  })
})

describe('quit question', () => {
  it('says how many orders are not sent yet, in both languages', () => {
    expect(en.quitQuestion(1)).toBe('1 order has not been sent yet.')
    expect(en.quitQuestion(3)).toBe('3 orders have not been sent yet.')
    expect(shellStrings['zh-TW'].quitQuestion(3)).toBe('還有 3 筆訂單尚未送出。')
    expect(en.quitSending(2, 3)).toBe('Outpost · sending 2 of 3 before quitting…')
  })
})

describe('shell strings', () => {
  it('has every string in both languages', () => {
    expect(Object.keys(shellStrings['zh-TW']).sort()).toEqual(Object.keys(shellStrings.en).sort())
    for (const lang of ['en', 'zh-TW'] as const) {
      for (const [key, value] of Object.entries(shellStrings[lang])) {
        const text = typeof value === 'function' ? String(value(2)) : value
        expect(text.length, `${lang}.${key}`).toBeGreaterThan(0)
      }
    }
  })
  it('follows the setting, then the OS locale', () => {
    expect(pickShellLanguage('zh-TW', 'en-US')).toBe('zh-TW')
    expect(pickShellLanguage('en', 'zh-TW')).toBe('en')
    expect(pickShellLanguage(null, 'zh-TW')).toBe('zh-TW')
    expect(pickShellLanguage(null, 'zh-HK')).toBe('zh-TW')
    expect(pickShellLanguage(null, 'zh-CN')).toBe('en')
    expect(pickShellLanguage(undefined, 'fr-FR')).toBe('en')
  })
})
