import { randomBytes } from 'node:crypto'

let lastMs = 0
let counter = 0

// Randomness is drawn 4 KB at a time (as crypto.randomUUID does): one
// randomBytes call per id cost ~10 µs in the write path, ~7% of createOrder.
const POOL_BYTES = 4096
let pool = Buffer.alloc(0)
let poolOffset = 0

/** 16 fresh random bytes, each used once (callers may overwrite them). */
function random16(): Buffer {
  if (poolOffset + 16 > pool.length) {
    pool = randomBytes(POOL_BYTES)
    poolOffset = 0
  }
  const bytes = pool.subarray(poolOffset, poolOffset + 16)
  poolOffset += 16
  return bytes
}

/**
 * A UUIDv7 (RFC 9562): 48 bits of Unix milliseconds, then randomness. Ids made
 * in the same millisecond carry a 12-bit counter in `rand_a`, so ids sort in the
 * order they were made within this process. That makes the outbox id usable as
 * both the idempotency key and a creation-order tiebreak.
 */
export function uuidv7(now: number = Date.now()): string {
  if (now <= lastMs) {
    counter++
    if (counter > 0xfff) {
      // Counter exhausted within one millisecond: borrow the next millisecond.
      lastMs++
      counter = 0
    }
    now = lastMs
  } else {
    lastMs = now
    counter = 0
  }
  const bytes = random16()
  bytes[0] = Math.floor(now / 2 ** 40) & 0xff
  bytes[1] = Math.floor(now / 2 ** 32) & 0xff
  bytes[2] = (now >>> 24) & 0xff
  bytes[3] = (now >>> 16) & 0xff
  bytes[4] = (now >>> 8) & 0xff
  bytes[5] = now & 0xff
  bytes[6] = 0x70 | ((counter >>> 8) & 0x0f)
  bytes[7] = counter & 0xff
  bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80
  const hex = bytes.toString('hex')
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`
}

export const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[1-8][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/
