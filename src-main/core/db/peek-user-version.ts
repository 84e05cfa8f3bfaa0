import { closeSync, existsSync, fstatSync, openSync, readSync } from 'node:fs'

/**
 * A file's `PRAGMA user_version` read from its bytes, without SQLite.
 *
 * Why not a read-only connection: even one opened with `readonly: true` and
 * `query_only` writes read marks into `-shm`, and a writable one checkpoints a
 * pending WAL into the file on close. A database from a newer Outpost must stay
 * byte-for-byte as it was (db, -wal and -shm), so the version is read here:
 * from page 1 of the main file, or from the newest committed copy of page 1 in
 * the WAL (salts and checksums checked, as SQLite's own recovery does).
 * Returns 0 for a missing or empty file; null if it is not a SQLite file.
 */
export function peekUserVersion(file: string): number | null {
  if (!existsSync(file)) return 0
  const header = readAt(file, 0, 100)
  if (header === null || header.length === 0) return 0
  if (header.length < 100 || header.toString('latin1', 0, 16) !== 'SQLite format 3\u0000') return null
  const fromWal = walPage1Version(`${file}-wal`)
  return fromWal ?? header.readInt32BE(60)
}

const WAL_HEADER = 32
const FRAME_HEADER = 24

function walPage1Version(walFile: string): number | null {
  if (!existsSync(walFile)) return null
  const fd = openSync(walFile, 'r')
  try {
    const size = fstatSync(fd).size
    if (size < WAL_HEADER) return null
    const hdr = Buffer.alloc(WAL_HEADER)
    readSync(fd, hdr, 0, WAL_HEADER, 0)
    const magic = hdr.readUInt32BE(0)
    if (magic !== 0x377f0682 && magic !== 0x377f0683) return null
    const bigEndian = (magic & 1) === 1
    const pageSize = hdr.readUInt32BE(8) === 1 ? 65536 : hdr.readUInt32BE(8)
    if (pageSize < 512 || pageSize > 65536 || (pageSize & (pageSize - 1)) !== 0) return null
    let [s0, s1] = checksum(hdr.subarray(0, 24), 0, 0, bigEndian)
    if (s0 !== hdr.readUInt32BE(24) || s1 !== hdr.readUInt32BE(28)) return null
    const salt1 = hdr.readUInt32BE(16)
    const salt2 = hdr.readUInt32BE(20)

    const frame = Buffer.alloc(FRAME_HEADER + pageSize)
    let pending: number | null = null
    let committed: number | null = null
    for (let at = WAL_HEADER; at + frame.length <= size; at += frame.length) {
      readSync(fd, frame, 0, frame.length, at)
      if (frame.readUInt32BE(8) !== salt1 || frame.readUInt32BE(12) !== salt2) break
      ;[s0, s1] = checksum(frame.subarray(0, 8), s0, s1, bigEndian)
      ;[s0, s1] = checksum(frame.subarray(FRAME_HEADER), s0, s1, bigEndian)
      if (s0 !== frame.readUInt32BE(16) || s1 !== frame.readUInt32BE(20)) break
      if (frame.readUInt32BE(0) === 1) pending = frame.readInt32BE(FRAME_HEADER + 60)
      // A commit frame (database size set) makes the transaction's pages real.
      if (frame.readUInt32BE(4) !== 0) {
        committed = pending ?? committed
        pending = null
      }
    }
    return committed
  } finally {
    closeSync(fd)
  }
}

/** SQLite's WAL checksum: pairs of 32-bit words, in the byte order the magic names. */
function checksum(data: Buffer, s0: number, s1: number, bigEndian: boolean): [number, number] {
  for (let i = 0; i + 8 <= data.length; i += 8) {
    const x0 = bigEndian ? data.readUInt32BE(i) : data.readUInt32LE(i)
    const x1 = bigEndian ? data.readUInt32BE(i + 4) : data.readUInt32LE(i + 4)
    s0 = (s0 + x0 + s1) >>> 0
    s1 = (s1 + x1 + s0) >>> 0
  }
  return [s0, s1]
}

function readAt(file: string, position: number, length: number): Buffer | null {
  const fd = openSync(file, 'r')
  try {
    const buf = Buffer.alloc(length)
    const n = readSync(fd, buf, 0, length, position)
    return buf.subarray(0, n)
  } finally {
    closeSync(fd)
  }
}
