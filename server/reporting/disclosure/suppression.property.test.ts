import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { feasibleIntervals } from './intervals.ts'
import { type PublishedFigure, type PublishedTable, protectTable, recoverableCells } from './suppression.ts'
import type { CountTable } from './table.ts'

/**
 * Over random tables (lists and two-way tables up to 8 × 8, most counts small): nothing small is
 * published and no withheld figure can be worked out. The exact verifier is checked against an
 * independent brute force that tries every integer value of the withheld figures.
 */

/** Counts as a hotline sees them by province or month: many zeros and small counts, some larger. */
const count = (largest: number) =>
  fc.oneof(
    { weight: 3, arbitrary: fc.constant(0) },
    { weight: 4, arbitrary: fc.integer({ min: 1, max: 4 }) },
    { weight: 3, arbitrary: fc.integer({ min: 5, max: largest }) },
  )

const tableArb = (maxRows: number, maxColumns: number, largest: number) =>
  fc
    .record({ rows: fc.integer({ min: 1, max: maxRows }), columns: fc.integer({ min: 1, max: maxColumns }) })
    .chain(({ rows, columns }) =>
      fc.array(fc.array(count(largest), { minLength: columns, maxLength: columns }), {
        minLength: rows,
        maxLength: rows,
      }),
    )
    .map(
      (cells): CountTable => ({
        rows: cells.map((_, i) => `r${i}`),
        columns: cells[0]!.map((_, j) => `c${j}`),
        cells,
      }),
    )

/** Lists (one column) as often as two-way tables. */
const anyTable = (maxSize: number, largest: number) =>
  fc.oneof(tableArb(maxSize, 1, largest), tableArb(maxSize, maxSize, largest))

const optionsArb = fc.record({
  threshold: fc.constantFrom(2, 3, 5),
  suppressZeros: fc.boolean(),
})

// ---------------------------------------------------------------------------------------------------
// The independent checker: its own reading of a published table as equations, and plain enumeration.

interface Grid {
  figures: (number | null)[][]
  truth: number[][]
}

/** Every figure of a grid with its row and column. */
function entries<T>(grid: T[][]): [number, number, T][] {
  return grid.flatMap((row, i) => row.map((figure, j): [number, number, T] => [i, j, figure]))
}

/** The true figures, the totals as a last row and column. */
function truthGrid(original: CountTable): number[][] {
  const rows = original.cells.map((row) => [...row, row.reduce((a, b) => a + b, 0)])
  return [...rows, rows[0]!.map((_, j) => rows.reduce((sum, row) => sum + row[j]!, 0))]
}

/** Figures (null where withheld) and true values, the totals as a last row and column. */
function gridOf(published: PublishedTable, original: CountTable): Grid {
  const shown = (figure: PublishedFigure) => (figure === 'x' ? null : figure)
  return {
    figures: [
      ...published.cells.map((row, i) => [...row.map(shown), shown(published.rowTotals[i]!)]),
      [...published.columnTotals.map(shown), shown(published.grandTotal)],
    ],
    truth: truthGrid(original),
  }
}

/** For each withheld figure ('row,column'), every value it takes in some solution within [low, cap]. */
function bruteForce(grid: Grid, low: number, cap: number): Map<string, Set<number>> {
  const { figures } = grid
  const r = figures.length - 1
  const c = figures[0]!.length - 1
  const unknowns = entries(figures)
    .filter(([, , figure]) => figure === null)
    .map(([i, j]): [number, number] => [i, j])
  // Each equation: its members add up to its total (row i: cells then total; column j likewise).
  const equations: { members: [number, number][]; total: [number, number] }[] = []
  for (let i = 0; i <= r; i++) {
    equations.push({ members: Array.from({ length: c }, (_, j) => [i, j]), total: [i, c] })
  }
  for (let j = 0; j <= c; j++) {
    equations.push({ members: Array.from({ length: r }, (_, i) => [i, j]), total: [r, j] })
  }
  const index = (i: number, j: number) => unknowns.findIndex(([a, b]) => a === i && b === j)
  const lastUnknown = equations.map(({ members, total }) =>
    Math.max(...[...members, total].map(([i, j]) => index(i, j))),
  )
  const assigned = figures.map((row) => [...row])
  const holds = (e: number) => {
    const { members, total } = equations[e]!
    const sum = members.reduce((s, [i, j]) => s + assigned[i]![j]!, 0)
    return sum === assigned[total[0]]![total[1]]!
  }
  const seen = new Map(unknowns.map(([i, j]) => [`${i},${j}`, new Set<number>()]))
  if (!equations.every((_, e) => lastUnknown[e] !== -1 || holds(e))) return seen
  const assign = (k: number) => {
    if (k === unknowns.length) {
      for (const [i, j] of unknowns) seen.get(`${i},${j}`)!.add(assigned[i]![j]!)
      return
    }
    const [i, j] = unknowns[k]!
    for (let value = low; value <= cap; value++) {
      assigned[i]![j] = value
      if (equations.every((_, e) => lastUnknown[e] !== k || holds(e))) assign(k + 1)
    }
    assigned[i]![j] = null
  }
  assign(0)
  return seen
}

const withheldCount = (published: PublishedTable) =>
  [...published.cells.flat(), ...published.rowTotals, ...published.columnTotals, published.grandTotal].filter(
    (figure) => figure === 'x',
  ).length

describe('protectTable over random tables', () => {
  it('publishes no small figure, only true figures, and nothing the totals give away', () => {
    fc.assert(
      fc.property(anyTable(8, 40), optionsArb, (table, options) => {
        const published = protectTable(table, options)
        const { truth, figures } = gridOf(published, table)
        for (const [i, j, figure] of entries(figures)) {
          const value = truth[i]![j]!
          const small = value < options.threshold && (value > 0 || options.suppressZeros)
          if (small) expect(figure).toBeNull()
          if (figure !== null) expect(figure).toBe(value)
          // While zeros are shown, an 'x' is never a zero.
          if (value === 0 && !options.suppressZeros) expect(figure).toBe(0)
        }
        expect(recoverableCells(published, table)).toEqual([])
      }),
      { numRuns: 150 },
    )
  })

  it('leaves, by brute force, at least two values to every withheld figure and a large one to a small', () => {
    let checked = 0
    fc.assert(
      fc.property(anyTable(3, 9), optionsArb, (table, options) => {
        const published = protectTable(table, options)
        const withheld = withheldCount(published)
        if (withheld === 0 || withheld > 4) return
        checked += 1
        const grid = gridOf(published, table)
        const grand = grid.truth.at(-1)!.at(-1)!
        // Moving one figure by δ moves the others by at most δ, so this box holds every witness.
        const seen = bruteForce(grid, options.suppressZeros ? 0 : 1, grand + options.threshold)
        for (const [position, values] of seen) {
          const [i, j] = position.split(',').map(Number)
          const value = grid.truth[i!]![j!]!
          expect(values.has(value)).toBe(true)
          expect(values.size).toBeGreaterThanOrEqual(2)
          if (value < options.threshold) expect(Math.max(...values)).toBeGreaterThanOrEqual(options.threshold)
        }
      }),
      { numRuns: 300 },
    )
    // The property above must have looked at tables, not only skipped them.
    expect(checked).toBeGreaterThan(30)
  })
})

describe('the verifier against brute force', () => {
  /** A table published with a few figures withheld at random (never a zero while zeros are shown). */
  const maskedArb = fc.record({
    table: anyTable(3, 7),
    picks: fc.array(fc.nat(), { minLength: 1, maxLength: 4 }),
    zerosShown: fc.boolean(),
    grandShown: fc.boolean(),
  })

  function withhold(table: CountTable, picks: number[], zerosShown: boolean, grandShown: boolean) {
    const truth = truthGrid(table)
    const r = truth.length - 1
    const c = truth[0]!.length - 1
    const candidates = entries(truth).filter(
      ([i, j, value]) => (value > 0 || !zerosShown) && !(i === r && j === c),
    )
    const suppressed = truth.map((row) => row.map(() => false))
    for (const pick of picks) {
      if (candidates.length === 0) break
      const [i, j] = candidates[pick % candidates.length]!
      suppressed[i]![j] = true
    }
    if (!grandShown && (truth[r]![c]! > 0 || !zerosShown)) suppressed[r]![c] = true
    const figures = truth.map((row, i) => row.map((value, j) => (suppressed[i]![j] ? null : value)))
    return { grid: { truth, figures }, suppressed }
  }

  it('gives exactly the values brute force finds, every integer between its bounds, when the grand total is shown', () => {
    fc.assert(
      fc.property(maskedArb, ({ table, picks, zerosShown }) => {
        const { grid, suppressed } = withhold(table, picks, zerosShown, true)
        const low = zerosShown ? 1 : 0
        const grand = grid.truth.at(-1)!.at(-1)!
        // Every figure is at most the grand total, so this box hides no solution.
        const seen = bruteForce(grid, low, grand)
        for (const interval of feasibleIntervals(grid.truth, suppressed, low)) {
          const values = [...seen.get(`${interval.row},${interval.column}`)!].sort((a, b) => a - b)
          const range = Array.from({ length: interval.max - interval.min + 1 }, (_, k) => interval.min + k)
          expect(values).toEqual(range)
        }
      }),
      { numRuns: 300 },
    )
  })

  it('never bounds a figure tighter than brute force finds, whether or not the grand total is shown', () => {
    fc.assert(
      fc.property(maskedArb, ({ table, picks, zerosShown, grandShown }) => {
        const { grid, suppressed } = withhold(table, picks, zerosShown, grandShown)
        const low = zerosShown ? 1 : 0
        const grand = grid.truth.at(-1)!.at(-1)!
        const seen = bruteForce(grid, low, 2 * grand + 2)
        for (const interval of feasibleIntervals(grid.truth, suppressed, low)) {
          const values = seen.get(`${interval.row},${interval.column}`)!
          expect(values.has(interval.value)).toBe(true)
          expect(Math.min(...values)).toBe(interval.min)
          for (const value of values) expect(value).toBeLessThanOrEqual(interval.max)
          // Within the box, brute force reaches the upper bound or the box's edge.
          expect(Math.max(...values)).toBeGreaterThanOrEqual(
            Math.min(interval.max, interval.value + grand + 2),
          )
        }
      }),
      { numRuns: 200 },
    )
  })

  it('finds any single figure withheld alone recoverable', () => {
    fc.assert(
      fc.property(anyTable(8, 40), fc.nat(), (table, pick) => {
        const truth = truthGrid(table)
        const positions = entries(truth).filter(([, , value]) => value > 0)
        fc.pre(positions.length > 0)
        const [i, j] = positions[pick % positions.length]!
        const suppressed = truth.map((row, a) => row.map((_, b) => a === i && b === j))
        const value = truth[i]![j]!
        expect(recoverableCells(toPublished(table, truth, suppressed), table)).toEqual([
          { row: i, column: j, value, min: value, max: value, reason: 'exact' },
        ])
      }),
      { numRuns: 100 },
    )
  })
})

function toPublished(table: CountTable, truth: number[][], suppressed: boolean[][]): PublishedTable {
  const r = table.rows.length
  const c = table.columns.length
  const figure = (i: number, j: number): PublishedFigure => (suppressed[i]![j] ? 'x' : truth[i]![j]!)
  return {
    rows: table.rows,
    columns: table.columns,
    cells: table.cells.map((row, i) => row.map((_, j) => figure(i, j))),
    rowTotals: table.rows.map((_, i) => figure(i, c)),
    columnTotals: table.columns.map((_, j) => figure(r, j)),
    grandTotal: figure(r, c),
    threshold: 3,
    zerosShown: true,
  }
}
