import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { type RandomSource, seededRandom } from './random.ts'
import { randomRound, roundTable } from './rounding.ts'
import { protectTable } from './suppression.ts'
import { withTotals } from './table.ts'

/** Always draws 0, the lowest number: every count not a multiple is rounded up. */
const lowest: RandomSource = { below: () => 0n }
/** Always draws n − 1, the highest: every count not a multiple is rounded down. */
const highest: RandomSource = { below: (n) => n - 1n }

describe('randomRound', () => {
  it('publishes a multiple of 5 next to the count, and a multiple as it is', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1_000_000 }), fc.string(), (count, seed) => {
        const rounded = randomRound(count, { random: seededRandom(seed) })
        expect(rounded % 5).toBe(0)
        expect(Math.abs(rounded - count)).toBeLessThan(5)
        if (count % 5 === 0) expect(rounded).toBe(count)
      }),
      { numRuns: 500 },
    )
  })

  it('draws from the cryptographic generator unless told', () => {
    for (let count = 0; count < 200; count++) {
      const rounded = randomRound(count)
      expect(rounded % 5).toBe(0)
      expect([count - (count % 5), count - (count % 5) + 5]).toContain(rounded)
    }
  })

  it('rounds up exactly when the draw is below the remainder', () => {
    expect([1, 2, 3, 4, 5, 6, 9].map((count) => randomRound(count, { random: lowest }))).toEqual([
      5, 5, 5, 5, 5, 10, 10,
    ])
    expect([1, 2, 3, 4, 5, 6, 9].map((count) => randomRound(count, { random: highest }))).toEqual([
      0, 0, 0, 0, 5, 5, 5,
    ])
  })

  it('rounds up with probability (count mod 5) / 5, so that on average a count is itself', () => {
    const random = seededRandom('rounding-mean')
    const draws = 20_000
    for (const count of [1, 2, 3, 4, 7, 13, 101]) {
      let sum = 0
      let up = 0
      for (let k = 0; k < draws; k++) {
        const rounded = randomRound(count, { random })
        sum += rounded
        if (rounded > count) up += 1
      }
      // One draw's standard deviation is at most 2.5, so the mean's is under 0.02: 0.15 is generous.
      expect(Math.abs(sum / draws - count)).toBeLessThan(0.15)
      expect(Math.abs(up / draws - (count % 5) / 5)).toBeLessThan(0.03)
    }
  })

  it('rounds to another base', () => {
    expect(randomRound(7, { base: 10, random: lowest })).toBe(10)
    expect(randomRound(7, { base: 10, random: highest })).toBe(0)
    expect(randomRound(7, { base: 1 })).toBe(7)
  })

  it('refuses what is not a count, and a base below 1', () => {
    expect(() => randomRound(-1)).toThrow(/non-negative integer/)
    expect(() => randomRound(2.5)).toThrow(/non-negative integer/)
    expect(() => randomRound(3, { base: 0 })).toThrow(/base/)
  })
})

describe('roundTable', () => {
  const counts = {
    rows: ['a', 'b'],
    columns: ['p', 'q'],
    cells: [
      [1, 1],
      [1, 1],
    ],
  }

  it('rounds every figure on its own, totals included', () => {
    const random = seededRandom('rounding-totals')
    let differs = 0
    for (let k = 0; k < 200; k++) {
      const rounded = roundTable(withTotals(counts), { random })
      const figures = [
        ...rounded.cells.flat(),
        ...rounded.rowTotals,
        ...rounded.columnTotals,
        rounded.grandTotal,
      ]
      for (const figure of figures) expect(figure % 5).toBe(0)
      // The grand total of 4 is 0 or 5 whatever the cells became.
      expect([0, 5]).toContain(rounded.grandTotal)
      const cellSum = rounded.cells.flat().reduce((a, b) => a + b, 0)
      if (cellSum !== rounded.grandTotal) differs += 1
    }
    // Rounded independently, the total often differs from the sum of the rounded cells.
    expect(differs).toBeGreaterThan(50)
  })

  it('keeps withheld figures withheld and the published table’s threshold', () => {
    const table = {
      rows: ['a', 'b', 'c'],
      columns: ['p', 'q'],
      cells: [
        [1, 8],
        [9, 2],
        [12, 20],
      ],
    }
    const published = protectTable(table)
    const rounded = roundTable(published, { random: lowest })
    expect(rounded.threshold).toBe(3)
    expect(rounded.zerosShown).toBe(true)
    expect(rounded.cells).toEqual([
      ['x', 'x'],
      ['x', 'x'],
      [15, 20],
    ])
    expect(rounded.rowTotals).toEqual([10, 15, 35])
    expect(rounded.columnTotals).toEqual([25, 30])
    expect(rounded.grandTotal).toBe(55)
  })
})
