import { v7 } from 'uuid'

/**
 * A UUIDv7 (RFC 9562) from the `uuid` package: 48 bits of Unix milliseconds,
 * then a sequence counter seeded from pooled randomness, so ids made in this
 * process sort in the order they were made. That makes the outbox id usable as
 * both the idempotency key and a creation-order tiebreak.
 *
 * The argument is accepted for existing callers and not used: the package's
 * monotonic state only applies when it reads the clock itself (passing
 * `msecs` would turn the counter off). The time a row was made is its
 * `created_at`, which does honour the test clock.
 */
export function uuidv7(_at?: number): string {
  return v7()
}

export const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[1-8][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/
