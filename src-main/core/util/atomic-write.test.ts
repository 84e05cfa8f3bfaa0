import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { tempDir } from '../../testing/temp-dir'
import { writeFileAtomicSync } from './atomic-write'

let dir: ReturnType<typeof tempDir>
beforeEach(() => {
  dir = tempDir()
})
afterEach(() => dir.remove())

describe('writeFileAtomicSync', () => {
  it('creates missing folders, replaces the old content, and leaves no temp file', () => {
    const file = join(dir.path, 'a', 'b', 'state.json')
    writeFileAtomicSync(file, '{"v":1}\n')
    writeFileAtomicSync(file, new TextEncoder().encode('{"v":2}\n'))
    expect(readFileSync(file, 'utf8')).toBe('{"v":2}\n')
    expect(readdirSync(join(dir.path, 'a', 'b'))).toEqual(['state.json'])
  })

  it('leaves the old file intact when the new one cannot be written', () => {
    const file = join(dir.path, 'state.json')
    writeFileSync(file, 'old')
    // A folder where the temp file would go makes the write fail before the rename.
    writeFileSync(join(dir.path, 'x'), '')
    expect(() => writeFileAtomicSync(join(dir.path, 'x', 'state.json'), 'new')).toThrow()
    expect(readFileSync(file, 'utf8')).toBe('old')
    expect(existsSync(join(dir.path, 'x', 'state.json'))).toBe(false)
  })
})
