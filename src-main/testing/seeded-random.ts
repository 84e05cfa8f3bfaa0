/**
 * mulberry32: a small, fast PRNG with a 32-bit seed. Tests and the soak use
 * it so that a run's choices (which fault, which order to edit) can be
 * replayed from the seed it prints.
 */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) | 0
    let t = Math.imul(state ^ (state >>> 15), 1 | state)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/** A fresh 32-bit seed from a random source. */
export const nextSeed = (random: () => number): number => Math.floor(random() * 2 ** 32) >>> 0
