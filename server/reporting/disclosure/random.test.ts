import { describe, expect, it } from 'vitest'
import { cryptoRandom, seededRandom, uniformBelow } from './random.ts'

describe('random sources', () => {
  it('repeat a seed’s draws, and differ between seeds', () => {
    const draws = (seed: string) => {
      const random = seededRandom(seed)
      return Array.from({ length: 50 }, () => random.below(1_000_000n))
    }
    expect(draws('one')).toEqual(draws('one'))
    expect(draws('one')).not.toEqual(draws('two'))
  })

  it('draw within the range, small and beyond 2^48', () => {
    const huge = 2n ** 80n + 3n
    for (const random of [cryptoRandom, seededRandom('range')]) {
      for (let k = 0; k < 500; k++) {
        const small = random.below(7n)
        expect(small >= 0n && small < 7n).toBe(true)
        const large = random.below(huge)
        expect(large >= 0n && large < huge).toBe(true)
      }
      expect(random.below(1n)).toBe(0n)
      expect(() => random.below(0n)).toThrow(/at least one/)
    }
  })

  it('draw every value about equally often (no modulo bias)', () => {
    const random = seededRandom('uniform')
    // Neither range is a power of two: reducing 62 random bits modulo 3 · 2^60 would draw its
    // lowest third twice as often as the others. Both only come out even by rejection.
    for (const [n, bins] of [
      [6n, 6n],
      [3n * 2n ** 60n, 3n],
    ] as const) {
      const counts = new Array(Number(bins)).fill(0)
      const draws = 60_000
      for (let k = 0; k < draws; k++) counts[Number((random.below(n) * bins) / n)] += 1
      const expected = draws / Number(bins)
      const chiSquare = counts.reduce((sum, c) => sum + (c - expected) ** 2 / expected, 0)
      // A fixed seed, and a bound (30) far beyond chance for at most five degrees of freedom.
      expect(chiSquare).toBeLessThan(30)
    }
    expect(uniformBelow(random, 1)).toBe(0)
  })
})
