import { describe, expect, it } from 'vitest'
import type { SyncStatus } from '../../../src-preload/contract'
import { makeTranslate } from '../i18n/translate'
import { connectivityAttr, statusLabel, syncKindText, type SyncKind } from './status-label'

const NOW = Date.parse('2025-01-15T10:00:00.000Z')
const iso = (offsetMs: number) => new Date(NOW + offsetMs).toISOString()

function status(over: Partial<Omit<SyncStatus, 'counts'>> & { counts?: Partial<SyncStatus['counts']> } = {}): SyncStatus {
  const { counts, ...rest } = over
  return {
    connectivity: 'online',
    api: 'reachable',
    phase: 'idle',
    userPaused: false,
    progress: null,
    lastSuccessAt: null,
    lastError: null,
    nextRetryAt: null,
    oldestPendingAt: null,
    at: iso(0),
    ...rest,
    counts: { pending: 0, sending: 0, dead: 0, sentToday: 0, ...counts },
  }
}

const en = makeTranslate('en', 'en-US')
const zh = makeTranslate('zh-TW', 'zh-TW')

// [name, status, kind, English, Traditional Chinese]
const cases: [string, SyncStatus, SyncKind, string, string][] = [
  ['not configured', status({ api: 'not-configured', counts: { pending: 4 } }), 'not-configured', 'Sync not set up · 4 saved on this device', '尚未設定同步 · 4 筆已存在此裝置'],
  ['paused by the user', status({ userPaused: true, phase: 'paused', counts: { pending: 2 } }), 'paused', 'Sync paused · 2 waiting', '同步已暫停 · 2 筆待傳送'],
  ['unauthorized', status({ api: 'unauthorized', phase: 'paused', counts: { pending: 5 } }), 'unauthorized', 'Sign-in required', '需要登入'],
  ['offline with orders waiting', status({ connectivity: 'offline', counts: { pending: 3 } }), 'offline', 'Offline · 3 waiting', '離線 · 3 筆待傳送'],
  ['offline with nothing waiting', status({ connectivity: 'offline' }), 'offline', 'Offline', '離線'],
  ['syncing with progress', status({ phase: 'syncing', progress: { done: 40, total: 120 }, counts: { pending: 80 } }), 'syncing', 'Syncing 40 of 120…', '同步中:第 40 筆,共 120 筆…'],
  ['server unreachable, retry in 30 s', status({ api: 'unreachable', phase: 'backing-off', nextRetryAt: iso(30_000), counts: { pending: 1 } }), 'unreachable', 'Server unreachable · retrying in 30 s', '無法連線到伺服器 · 30 秒後重試'],
  ['server unreachable, retry in 2 min', status({ api: 'unreachable', phase: 'backing-off', nextRetryAt: iso(120_000), counts: { pending: 1 } }), 'unreachable', 'Server unreachable · retrying in 2 min', '無法連線到伺服器 · 2 分鐘後重試'],
  ['server unreachable, retry due', status({ api: 'unreachable', nextRetryAt: iso(-1000), counts: { pending: 1 } }), 'unreachable', 'Server unreachable · retrying…', '無法連線到伺服器 · 正在重試…'],
  ['server unreachable, no retry time', status({ api: 'unreachable', counts: { pending: 1 } }), 'unreachable', 'Server unreachable · retrying…', '無法連線到伺服器 · 正在重試…'],
  ['dead events', status({ counts: { dead: 2 } }), 'attention', '2 need attention', '2 筆需要處理'],
  ['all synced, 2 min ago', status({ lastSuccessAt: iso(-120_000) }), 'synced', 'All synced · 2 min ago', '全部已同步 · 2 分鐘前'],
  ['all synced, just now', status({ lastSuccessAt: iso(-3000) }), 'synced', 'All synced · just now', '全部已同步 · 剛剛'],
  ['all synced, 3 h ago', status({ lastSuccessAt: iso(-3 * 3600_000) }), 'synced', 'All synced · 3 h ago', '全部已同步 · 3 小時前'],
  ['all synced, never sent', status(), 'synced', 'All synced', '全部已同步'],
  ['orders waiting', status({ counts: { pending: 7 } }), 'waiting', '7 waiting', '7 筆待傳送'],
  ['syncing without progress', status({ phase: 'syncing', counts: { pending: 7 } }), 'waiting', '7 waiting', '7 筆待傳送'],
  ['unknown connectivity is not called offline', status({ connectivity: 'unknown', counts: { pending: 2 } }), 'waiting', '2 waiting', '2 筆待傳送'],
]

describe('statusLabel', () => {
  it.each(cases)('%s (en)', (_name, s, kind, text) => {
    expect(statusLabel(s, NOW, en)).toEqual({ kind, text })
  })
  it.each(cases)('%s (zh-TW)', (_name, s, kind, _en, text) => {
    expect(statusLabel(s, NOW, zh)).toEqual({ kind, text })
  })

  describe('precedence', () => {
    it('not configured beats everything', () => {
      const s = status({ api: 'not-configured', userPaused: true, connectivity: 'offline', counts: { pending: 1, dead: 3 } })
      expect(statusLabel(s, NOW, en).kind).toBe('not-configured')
    })
    it('a user pause beats a bad token and being offline', () => {
      const s = status({ userPaused: true, api: 'unauthorized', connectivity: 'offline' })
      expect(statusLabel(s, NOW, en).kind).toBe('paused')
    })
    it('a bad token beats being offline', () => {
      expect(statusLabel(status({ api: 'unauthorized', connectivity: 'offline' }), NOW, en).kind).toBe('unauthorized')
    })
    it('offline beats syncing, unreachable and dead', () => {
      const s = status({ connectivity: 'offline', phase: 'syncing', progress: { done: 1, total: 2 }, api: 'unreachable', counts: { dead: 1 } })
      expect(statusLabel(s, NOW, en).kind).toBe('offline')
    })
    it('syncing beats unreachable and dead', () => {
      const s = status({ phase: 'syncing', progress: { done: 1, total: 2 }, api: 'unreachable', counts: { dead: 1 } })
      expect(statusLabel(s, NOW, en).kind).toBe('syncing')
    })
    it('unreachable beats dead', () => {
      expect(statusLabel(status({ api: 'unreachable', counts: { dead: 1 } }), NOW, en).kind).toBe('unreachable')
    })
    it('dead beats all-synced and waiting', () => {
      expect(statusLabel(status({ counts: { dead: 1, pending: 4 } }), NOW, en).kind).toBe('attention')
    })
  })

  it('maps connectivity for data-connectivity', () => {
    expect(connectivityAttr(status({ connectivity: 'online' }))).toBe('online')
    expect(connectivityAttr(status({ connectivity: 'offline' }))).toBe('offline')
    expect(connectivityAttr(status({ connectivity: 'unknown' }))).toBe('offline')
  })
})

describe('syncKindText', () => {
  it('is the same whatever the counts or the countdown', () => {
    const a = statusLabel(status({ api: 'unreachable', nextRetryAt: iso(30_000), counts: { pending: 1 } }), NOW, en)
    const b = statusLabel(status({ api: 'unreachable', nextRetryAt: iso(5_000), counts: { pending: 7 } }), NOW, en)
    expect(a.text).not.toBe(b.text)
    expect(syncKindText(a.kind, en)).toBe(syncKindText(b.kind, en))
    expect(syncKindText(a.kind, en)).toBe('Server unreachable')
  })
  it('has a text for every kind in both languages, and one while loading', () => {
    for (const [, s, kind] of cases) {
      expect(syncKindText(kind, en)).not.toMatch(/\{\w+\}/)
      expect(syncKindText(kind, zh)).not.toMatch(/[A-Za-z]{3,}/)
      expect(statusLabel(s, NOW, en).kind).toBe(kind)
    }
    expect(syncKindText(null, en)).toBe('Checking sync…')
  })
})

describe('statusLabel steady', () => {
  it('leaves out countdowns and ages, keeps counts', () => {
    const s = status({ api: 'unreachable', nextRetryAt: iso(30_000), counts: { pending: 1 } })
    expect(statusLabel(s, NOW, en, { steady: true }).text).toBe('Server unreachable · retrying…')
    expect(statusLabel(status({ lastSuccessAt: iso(-120_000) }), NOW, en, { steady: true }).text).toBe('All synced')
    expect(statusLabel(status({ connectivity: 'offline', counts: { pending: 3 } }), NOW, en, { steady: true }).text).toBe('Offline · 3 waiting')
  })
})
