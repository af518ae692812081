import { createHash, randomBytes, randomInt } from 'node:crypto'

/**
 * Where random rounding and noise draw their randomness: uniform integers, exactly, from a
 * cryptographic source. Never `Math.random`: a predictable generator would let someone who saw some
 * published figures undo the rounding or the noise of others.
 */
export interface RandomSource {
  /** A uniform integer in [0, n), n ≥ 1. */
  below(n: bigint): bigint
}

/** node:crypto's `randomInt` limit: it draws from ranges narrower than 2^48. */
const RANDOM_INT_LIMIT = 2n ** 48n

/** Uniform integers by rejection from a stream of random bytes (no modulo bias). */
function fromBytes(next: (length: number) => Uint8Array): RandomSource {
  return {
    below(n) {
      if (n < 1n) throw new RangeError('the range must hold at least one integer')
      if (n === 1n) return 0n
      const bits = (n - 1n).toString(2).length
      const length = Math.ceil(bits / 8)
      const mask = (1n << BigInt(bits)) - 1n
      for (;;) {
        let value = 0n
        for (const byte of next(length)) value = (value << 8n) | BigInt(byte)
        value &= mask
        if (value < n) return value
      }
    },
  }
}

const largeRanges = fromBytes((length) => randomBytes(length))

/** The operating system's cryptographic generator, through node:crypto. */
export const cryptoRandom: RandomSource = {
  below(n) {
    if (n >= 1n && n <= RANDOM_INT_LIMIT) return BigInt(randomInt(Number(n)))
    return largeRanges.below(n)
  },
}

/**
 * A reproducible source: SHA-256 of the seed and a counter, block after block. The same seed gives
 * the same draws, so anyone who knows the seed can predict them: tests seed it with a constant, and
 * public statistics only with a keyed hash the public cannot compute (so asking twice for the same
 * data gives the same rounding, and repeating a request never averages it away).
 */
export function seededRandom(seed: string): RandomSource {
  let counter = 0
  let buffer = Buffer.alloc(0)
  return fromBytes((length) => {
    while (buffer.length < length) {
      const block = createHash('sha256').update(`${seed}\u0000${counter}`).digest()
      counter += 1
      buffer = Buffer.concat([buffer, block])
    }
    const taken = buffer.subarray(0, length)
    buffer = buffer.subarray(length)
    return taken
  })
}

/** A uniform number in [0, n) for the small ranges rounding needs. */
export function uniformBelow(random: RandomSource, n: number): number {
  return Number(random.below(BigInt(n)))
}
