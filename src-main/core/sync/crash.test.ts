import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runCrashSoak, type CrashRunResult } from '../../testing/crash-harness'
import { tempDir } from '../../testing/temp-dir'

describe('crash safety', () => {
  const dir = tempDir('outpost-crash-')
  let result: CrashRunResult
  beforeAll(async () => {
    result = await runCrashSoak({ dir: dir.path, orders: 500, kills: 20, failRate: 0.3 })
    console.log('crash test:', JSON.stringify(result))
  }, 240_000)
  afterAll(() => dir.remove())

  it('500 orders through 30% faults and 20 SIGKILLs: the server holds exactly those 500, each applied once', () => {
    expect(result.kills).toBe(20)
    expect(result.created).toBe(500)
    expect(result.deliveredUnique).toBe(500)
    expect(result.serverOnly).toBe(0)
    expect(result.clientOnly).toBe(0)
    expect(result.duplicateEffects).toBe(0)
    expect(result.lost).toBe(0)
  })

  it('the client shows all 500 as sent, and no acknowledged order was lost', () => {
    expect(result.clientSent).toBe(500)
    expect(result.clientPending).toBe(0)
    expect(result.dead).toBe(0)
    expect(result.acknowledged).toBeGreaterThan(0)
    expect(result.acknowledgedMissing).toBe(0)
  })
})
