import { describe, expect, it } from 'vitest'
import { GroupCommit } from './group-commit'

/** A commit that remembers what it was given, one call per transaction. */
function recorder(result: (items: string[]) => number[] | null = (items) => items.map((i) => i.length)) {
  const calls: string[][] = []
  return { calls, commit: (items: string[]) => (calls.push(items), result(items)) }
}

const settledWithin = async <T>(p: Promise<T>, ms: number): Promise<'pending' | { value: T }> =>
  Promise.race([p.then((value) => ({ value })), new Promise<'pending'>((r) => setTimeout(() => r('pending'), ms))])

describe('GroupCommit', () => {
  it('a record waits for the other slot, then both go in one commit and each hears its own result', async () => {
    const r = recorder()
    const group = new GroupCommit(2, r.commit, 10_000)
    const a = group.record('a')
    expect(await settledWithin(a, 20)).toBe('pending')
    expect(r.calls).toEqual([])
    const bb = group.record('bb')
    expect(await a).toBe(1)
    expect(await bb).toBe(2)
    expect(r.calls).toEqual([['a', 'bb']])
  })

  it('a slot leaving the pass releases the records waiting for it', async () => {
    const r = recorder()
    const group = new GroupCommit(2, r.commit, 10_000)
    const a = group.record('a')
    group.leave()
    expect(await a).toBe(1)
    expect(r.calls).toEqual([['a']])
    // With one slot left, a record commits at once.
    expect(await group.record('cc')).toBe(2)
    expect(r.calls).toEqual([['a'], ['cc']])
  })

  it('waits no longer than maxWaitMs for a slot whose answer is slow', async () => {
    const r = recorder()
    const group = new GroupCommit(2, r.commit, 30)
    const started = performance.now()
    expect(await group.record('a')).toBe(1)
    expect(performance.now() - started).toBeGreaterThanOrEqual(25)
    expect(r.calls).toEqual([['a']])
  })

  it('nothing recorded (the relay stopped): every waiting record hears null', async () => {
    const group = new GroupCommit(2, recorder(() => null).commit, 10_000)
    const a = group.record('a')
    const b = group.record('b')
    expect([await a, await b]).toEqual([null, null])
  })

  it('a failed commit fails every record that was in it, and none is reported', async () => {
    const group = new GroupCommit(
      2,
      () => {
        throw new Error('disk full')
      },
      10_000,
    )
    const a = group.record('a')
    const b = group.record('b')
    await expect(a).rejects.toThrow('disk full')
    await expect(b).rejects.toThrow('disk full')
  })
})
