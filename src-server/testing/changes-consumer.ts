/**
 * A downstream consumer of GET /changes, as docs/server.md describes it: it
 * handles each change (here: appends its event id to a file), then stores the
 * cursor. Killed between the two, it handles a change twice on restart (at
 * least once), never zero times.
 *   tsx changes-consumer.ts <baseUrl> <token|-> <stateDir> <stopAfter>
 */
import { appendFileSync, existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'

const [baseUrl, token, stateDir, stopAfterRaw] = process.argv.slice(2)
if (!baseUrl || !token || !stateDir || !stopAfterRaw) throw new Error('usage: changes-consumer <baseUrl> <token|-> <stateDir> <stopAfter>')
const cursorFile = join(stateDir, 'cursor')
const seenFile = join(stateDir, 'seen.log')
const stopAfter = Number(stopAfterRaw)

const seen = () => (existsSync(seenFile) ? new Set(readFileSync(seenFile, 'utf8').split('\n').filter(Boolean)).size : 0)
let cursor = existsSync(cursorFile) ? readFileSync(cursorFile, 'utf8').trim() : '0'
const headers: Record<string, string> = token === '-' ? {} : { Authorization: `Bearer ${token}` }
for (let i = 0; i < 100_000 && seen() < stopAfter; i++) {
  const res = await fetch(`${baseUrl}/changes?after=${cursor}&limit=7&wait=1000`, { headers })
  if (!res.ok) throw new Error(`GET /changes: ${res.status}`)
  const page = (await res.json()) as { changes: { position: string; eventId: string }[]; next: string }
  if (process.env.CONSUMER_DEBUG) process.stderr.write(`page after=${cursor} n=${page.changes.length} next=${page.next}\n`)
  for (const c of page.changes) appendFileSync(seenFile, `${c.eventId}\n`)
  // The cursor is written after the work, atomically (rename).
  writeFileSync(`${cursorFile}.tmp`, page.next)
  renameSync(`${cursorFile}.tmp`, cursorFile)
  cursor = page.next
}
