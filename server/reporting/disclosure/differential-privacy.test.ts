import { describe, expect, it } from 'vitest'
import {
  noisyCount,
  noisyTable,
  PrivacyBudget,
  PrivacyBudgetExceeded,
  releaseNoisyTable,
  tableEpsilon,
} from './differential-privacy.ts'
import { bernoulliExp, discreteLaplaceVariance, sampleDiscreteLaplace } from './discrete-laplace.ts'
import { type RandomSource, seededRandom } from './random.ts'
import { listTable } from './table.ts'

const draws = 20_000

describe('the discrete Laplace sampler', () => {
  it('has the variance 2e^−ε / (1 − e^−ε)², mean 0 and the probability of 0 of the distribution', () => {
    for (const epsilon of [0.25, 0.5, Math.LN2, 1, 2]) {
      const random = seededRandom(`laplace-${epsilon}`)
      const samples = Array.from({ length: draws }, () => sampleDiscreteLaplace(epsilon, random))
      for (const sample of samples) expect(Number.isInteger(sample)).toBe(true)
      const mean = samples.reduce((a, b) => a + b, 0) / draws
      const variance = samples.reduce((sum, x) => sum + (x - mean) ** 2, 0) / draws
      const theory = discreteLaplaceVariance(epsilon)
      // The sample variance's standard error is about 2.5% here: 10% is generous.
      expect(Math.abs(variance / theory - 1)).toBeLessThan(0.1)
      expect(Math.abs(mean)).toBeLessThan(5 * Math.sqrt(theory / draws))
      const alpha = Math.exp(-epsilon)
      const share = (z: number) => samples.filter((x) => x === z).length / draws
      expect(Math.abs(share(0) - (1 - alpha) / (1 + alpha))).toBeLessThan(0.02)
      expect(Math.abs(share(1) - share(-1))).toBeLessThan(0.03)
      expect(Math.abs(share(1) / share(0) - alpha)).toBeLessThan(0.1)
    }
  })

  it('knows the variance formula', () => {
    expect(discreteLaplaceVariance(Math.LN2)).toBeCloseTo(4, 10)
    expect(discreteLaplaceVariance(1)).toBeCloseTo((2 * Math.E) / (Math.E - 1) ** 2, 10)
  })

  it('draws Bernoulli(e^−γ) exactly from integers, γ above 1 included', () => {
    const random = seededRandom('bernoulli')
    for (const [n, d] of [
      [0n, 1n],
      [1n, 3n],
      [1n, 1n],
      [5n, 2n],
      [7n, 2n],
    ] as const) {
      let hits = 0
      for (let k = 0; k < draws; k++) if (bernoulliExp(random, n, d)) hits += 1
      expect(Math.abs(hits / draws - Math.exp(-Number(n) / Number(d)))).toBeLessThan(0.015)
    }
  })

  it('refuses an ε that is not a positive finite number', () => {
    for (const epsilon of [0, -1, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(() => sampleDiscreteLaplace(epsilon)).toThrow(/ε/)
    }
  })
})

describe('noisy counts', () => {
  it('are never negative: noise below zero is published as 0, which biases small counts up', () => {
    const random = seededRandom('clamp')
    const figures = Array.from({ length: draws }, () => noisyCount(0, 0.5, random))
    expect(Math.min(...figures)).toBe(0)
    const alpha = Math.exp(-0.5)
    // P[noise ≤ 0] = 1 / (1 + α); the mean of the clamped figure is α / (1 − α²), about 0.96.
    expect(Math.abs(figures.filter((x) => x === 0).length / draws - 1 / (1 + alpha))).toBeLessThan(0.02)
    expect(Math.abs(figures.reduce((a, b) => a + b, 0) / draws - alpha / (1 - alpha ** 2))).toBeLessThan(0.1)
  })

  it('are centred on a large count', () => {
    const random = seededRandom('centred')
    const figures = Array.from({ length: draws }, () => noisyCount(500, 1, random))
    const mean = figures.reduce((a, b) => a + b, 0) / draws
    expect(Math.abs(mean - 500)).toBeLessThan(5 * Math.sqrt(discreteLaplaceVariance(1) / draws))
  })

  it('give a table a noisy figure per count, a total that is a cell not noised twice', () => {
    const random = seededRandom('table')
    const two = noisyTable(
      {
        rows: ['a', 'b'],
        columns: ['p', 'q'],
        cells: [
          [40, 50],
          [60, 70],
        ],
      },
      1,
      random,
    )
    for (const figure of [...two.cells.flat(), ...two.rowTotals, ...two.columnTotals, two.grandTotal]) {
      expect(Number.isInteger(figure) && figure >= 0).toBe(true)
    }
    const list = noisyTable(listTable(['a', 'b', 'c'], [40, 50, 60]), 1, random)
    expect(list.rowTotals).toEqual(list.cells.map((row) => row[0]))
    expect(list.grandTotal).toBe(list.columnTotals[0])
    expect(() => noisyCount(-1, 1)).toThrow(/non-negative/)
  })

  it('cost ε per figure a person is counted in', () => {
    const two = {
      rows: ['a', 'b'],
      columns: ['p', 'q'],
      cells: [
        [1, 2],
        [3, 4],
      ],
    }
    expect(tableEpsilon(two, 0.5)).toBe(2)
    expect(tableEpsilon(listTable(['a', 'b'], [1, 2]), 0.5)).toBe(1)
    expect(tableEpsilon({ rows: ['a'], columns: ['p', 'q'], cells: [[1, 2]] }, 0.5)).toBe(1)
    expect(tableEpsilon(listTable(['a'], [1]), 0.5)).toBe(0.5)
  })
})

describe('PrivacyBudget', () => {
  const at = new Date('2026-04-01T12:00:00Z')

  it('records each release’s label, ε and time', () => {
    const budget = new PrivacyBudget(1, [], () => at)
    expect(budget.spend('signals by month, 2025-26', 0.25)).toEqual({
      label: 'signals by month, 2025-26',
      epsilon: 0.25,
      at,
    })
    budget.spend('victims by province, 2025-26', 0.5)
    expect(budget.entries.map((entry) => [entry.label, entry.epsilon, entry.at.toISOString()])).toEqual([
      ['signals by month, 2025-26', 0.25, at.toISOString()],
      ['victims by province, 2025-26', 0.5, at.toISOString()],
    ])
    expect(budget.spent).toBe(0.75)
    expect(budget.remaining).toBe(0.25)
  })

  it('refuses a release beyond the total, and records nothing for it', () => {
    const budget = new PrivacyBudget(1, [], () => at)
    budget.spend('first', 0.75)
    expect(() => budget.spend('second', 0.5)).toThrow(PrivacyBudgetExceeded)
    expect(budget.entries.map((entry) => entry.label)).toEqual(['first'])
    budget.spend('third', 0.25)
    expect(() => budget.spend('fourth', 0.001)).toThrow(/only 0 is left/)
    expect(budget.spent).toBe(1)
  })

  it('spends decimal budgets to their end despite binary rounding', () => {
    const budget = new PrivacyBudget(0.3)
    budget.spend('a', 0.1)
    budget.spend('b', 0.2)
    expect(() => budget.spend('c', 0.0001)).toThrow(PrivacyBudgetExceeded)
  })

  it('starts from the releases already recorded, and refuses a ledger already beyond its total', () => {
    const budget = new PrivacyBudget(1, [{ label: 'last year', epsilon: 0.9, at }])
    expect(budget.remaining).toBeCloseTo(0.1, 12)
    expect(() => budget.spend('more', 0.2)).toThrow(PrivacyBudgetExceeded)
    expect(() => new PrivacyBudget(1, [{ label: 'too much', epsilon: 1.5, at }])).toThrow(
      PrivacyBudgetExceeded,
    )
    expect(() => new PrivacyBudget(0)).toThrow(/total/)
    expect(() => budget.spend('', 0.01)).toThrow(/label/)
    expect(() => budget.spend('none', 0)).toThrow(/positive/)
  })

  it('charges a noisy table its whole cost before drawing, and draws nothing when refused', () => {
    const budget = new PrivacyBudget(2, [], () => at)
    const table = {
      rows: ['a', 'b'],
      columns: ['p', 'q'],
      cells: [
        [40, 50],
        [60, 70],
      ],
    }
    releaseNoisyTable(budget, 'first', table, 0.25, seededRandom('release'))
    expect(budget.entries).toEqual([{ label: 'first', epsilon: 1, at }])
    const untouched: RandomSource = {
      below: () => {
        throw new Error('drew noise for a refused release')
      },
    }
    expect(() => releaseNoisyTable(budget, 'second', table, 0.5, untouched)).toThrow(PrivacyBudgetExceeded)
    expect(budget.spent).toBe(1)
  })
})
