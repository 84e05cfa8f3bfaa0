import { describe, expect, it } from 'vitest'
import type { SyncStatus } from '../../../src-shared/contract'
import { makeTranslate } from '../i18n/translate'
import { adviceKey, hostStoppedLabel, statusLabel, syncKindText, type SyncKind } from './status-label'

const NOW = Date.parse('2025-01-15T10:00:00.000Z')
const iso = (offsetMs: number) => new Date(NOW + offsetMs).toISOString()

function status(over: Partial<Omit<SyncStatus, 'counts'>> & { counts?: Partial<SyncStatus['counts']> } = {}): SyncStatus {
  const { counts, ...rest } = over
  return {
    kind: 'synced',
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
    counts: { pending: 0, sending: 0, dead: 0, discarded: 0, sentToday: 0, ...counts },
  }
}

const en = makeTranslate('en', 'en-US')
const zh = makeTranslate('zh-TW', 'zh-TW')

// [name, status, kind, English, Traditional Chinese]
const cases: [string, SyncStatus, SyncKind, string, string][] = [
  ['not configured', status({ kind: 'not-configured', api: 'not-configured', counts: { pending: 4 } }), 'not-configured', 'Sync not set up · 4 orders saved on this device', '尚未設定同步 · 4 筆已存在此裝置'],
  ['not configured, one order', status({ kind: 'not-configured', api: 'not-configured', counts: { pending: 1 } }), 'not-configured', 'Sync not set up · 1 order saved on this device', '尚未設定同步 · 1 筆已存在此裝置'],
  ['not configured, nothing yet', status({ kind: 'not-configured', api: 'not-configured' }), 'not-configured', 'Sync not set up · nothing saved yet', '尚未設定同步 · 尚無訂單'],
  ['paused by the user', status({ kind: 'paused', userPaused: true, phase: 'paused', counts: { pending: 2 } }), 'paused', 'Sync paused · 2 waiting', '同步已暫停 · 2 筆待傳送'],
  ['unauthorized', status({ kind: 'unauthorized', api: 'unauthorized', phase: 'paused', counts: { pending: 5 } }), 'unauthorized', 'Sign-in required', '需要登入'],
  ['offline with orders waiting', status({ kind: 'offline', connectivity: 'offline', counts: { pending: 3 } }), 'offline', 'Offline · 3 waiting', '離線 · 3 筆待傳送'],
  ['offline with nothing waiting', status({ kind: 'offline', connectivity: 'offline' }), 'offline', 'Offline', '離線'],
  ['syncing with progress', status({ kind: 'syncing', phase: 'syncing', progress: { done: 40, total: 120 }, counts: { pending: 80 } }), 'syncing', 'Syncing 40 of 120…', '同步中:第 40 筆,共 120 筆…'],
  ['server unreachable, retry in 30 s', status({ kind: 'unreachable', api: 'unreachable', phase: 'backing-off', nextRetryAt: iso(30_000), counts: { pending: 1 } }), 'unreachable', 'Server unreachable · retrying in 30 s', '無法連線到伺服器 · 30 秒後重試'],
  ['server unreachable, retry in 2 min', status({ kind: 'unreachable', api: 'unreachable', phase: 'backing-off', nextRetryAt: iso(120_000), counts: { pending: 1 } }), 'unreachable', 'Server unreachable · retrying in 2 min', '無法連線到伺服器 · 2 分鐘後重試'],
  ['server unreachable, retry due', status({ kind: 'unreachable', api: 'unreachable', nextRetryAt: iso(-1000), counts: { pending: 1 } }), 'unreachable', 'Server unreachable · retrying…', '無法連線到伺服器 · 正在重試…'],
  ['server unreachable, no retry time', status({ kind: 'unreachable', api: 'unreachable', counts: { pending: 1 } }), 'unreachable', 'Server unreachable · retrying…', '無法連線到伺服器 · 正在重試…'],
  ['server error, retry in 30 s', status({ kind: 'server-error', api: 'server-error', nextRetryAt: iso(30_000), counts: { pending: 1 } }), 'server-error', 'Server problem · retrying in 30 s', '伺服器發生問題 · 30 秒後重試'],
  ['one dead event', status({ kind: 'attention', counts: { dead: 1 } }), 'attention', '1 needs attention', '1 筆需要處理'],
  ['dead events', status({ kind: 'attention', counts: { dead: 2 } }), 'attention', '2 need attention', '2 筆需要處理'],
  ['all synced, 2 min ago', status({ lastSuccessAt: iso(-120_000) }), 'synced', 'All synced · 2 min ago', '全部已同步 · 2 分鐘前'],
  ['all synced, just now', status({ lastSuccessAt: iso(-3000) }), 'synced', 'All synced · just now', '全部已同步 · 剛剛'],
  ['all synced, 3 h ago', status({ lastSuccessAt: iso(-3 * 3600_000) }), 'synced', 'All synced · 3 h ago', '全部已同步 · 3 小時前'],
  ['all synced, never sent', status(), 'synced', 'All synced', '全部已同步'],
  ['nothing waiting but one discarded: never "All synced"', status({ lastSuccessAt: iso(-3000), counts: { discarded: 1 } }), 'synced', 'Nothing waiting · 1 discarded, not sent', '沒有待傳送的訂單 · 1 筆已捨棄、未傳送'],
  ['a new app with no orders', status({ kind: 'empty' }), 'empty', 'No orders yet', '尚無訂單'],
  ['orders waiting', status({ kind: 'waiting', counts: { pending: 7 } }), 'waiting', '7 waiting', '7 筆待傳送'],
  ['syncing without progress', status({ kind: 'syncing', phase: 'syncing', counts: { pending: 7 } }), 'syncing', '7 waiting', '7 筆待傳送'],
]

describe('statusLabel', () => {
  it.each(cases)('%s (en)', (_name, s, kind, text) => {
    expect(statusLabel(s, NOW, en)).toEqual({ kind, text })
  })
  it.each(cases)('%s (zh-TW)', (_name, s, kind, _en, text) => {
    expect(statusLabel(s, NOW, zh)).toEqual({ kind, text })
  })

  it('words the kind main decided, whatever the other fields say', () => {
    // The old renderer guessed "offline" from a failed request; the kind is main's now.
    const s = status({ kind: 'unreachable', connectivity: 'unknown', api: 'unreachable', counts: { pending: 1 } })
    expect(statusLabel(s, NOW, en).text).not.toMatch(/offline/i)
  })

  it('says when the local service has stopped', () => {
    expect(hostStoppedLabel(en)).toEqual({ kind: 'host-stopped', text: 'Outpost’s local service stopped' })
  })

  it('has one line of advice per kind, distinct, in both languages', () => {
    const kinds: SyncKind[] = ['empty', 'synced', 'waiting', 'syncing', 'attention', 'offline', 'unreachable', 'server-error', 'unauthorized', 'paused', 'not-configured', 'host-stopped']
    const texts = kinds.map((k) => en(adviceKey(k, null)))
    expect(new Set(texts).size).toBe(kinds.length)
    expect(en(adviceKey('unreachable', null))).toContain('Check the server address in Settings')
    expect(en(adviceKey('server-error', null))).toContain('Orders are safe here and will be sent when it is back')
    expect(en(adviceKey('synced', status({ counts: { discarded: 1 } })))).toContain('discarded')
    for (const k of kinds) expect(zh(adviceKey(k, null)).replace(/Outpost|npm run web|API/g, '')).not.toMatch(/[A-Za-z]{3,}/)
  })
})

describe('syncKindText', () => {
  it('is the same whatever the counts or the countdown', () => {
    const a = statusLabel(status({ kind: 'unreachable', api: 'unreachable', nextRetryAt: iso(30_000), counts: { pending: 1 } }), NOW, en)
    const b = statusLabel(status({ kind: 'unreachable', api: 'unreachable', nextRetryAt: iso(5_000), counts: { pending: 7 } }), NOW, en)
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
    const s = status({ kind: 'unreachable', api: 'unreachable', nextRetryAt: iso(30_000), counts: { pending: 1 } })
    expect(statusLabel(s, NOW, en, { steady: true }).text).toBe('Server unreachable · retrying…')
    expect(statusLabel(status({ lastSuccessAt: iso(-120_000) }), NOW, en, { steady: true }).text).toBe('All synced')
    expect(statusLabel(status({ kind: 'offline', connectivity: 'offline', counts: { pending: 3 } }), NOW, en, { steady: true }).text).toBe('Offline · 3 waiting')
  })
})
