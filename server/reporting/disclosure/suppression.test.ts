import { describe, expect, it } from 'vitest'
import { type PublishedTable, protectTable, recoverableCells } from './suppression.ts'
import { type CountTable, listTable, withTotals } from './table.ts'

const table = (cells: number[][]): CountTable => ({
  rows: cells.map((_, i) => `r${i}`),
  columns: cells[0]!.map((_, j) => `c${j}`),
  cells,
})

/** The table published with exactly the figures `withheld` says ('row,column' in the extended grid). */
function publishWith(original: CountTable, withheld: string[], zerosShown = true): PublishedTable {
  const full = withTotals(original)
  const r = original.rows.length
  const c = original.columns.length
  const mark = (value: number, row: number, column: number) =>
    withheld.includes(`${row},${column}`) ? 'x' : value
  return {
    rows: full.rows,
    columns: full.columns,
    cells: full.cells.map((line, i) => line.map((value, j) => mark(value, i, j))),
    rowTotals: full.rowTotals.map((value, i) => mark(value, i, c)),
    columnTotals: full.columnTotals.map((value, j) => mark(value, r, j)),
    grandTotal: mark(full.grandTotal, r, c),
    threshold: 3,
    zerosShown,
  }
}

describe('protectTable', () => {
  it('publishes a table without small counts as it is, zeros included', () => {
    const counts = table([
      [0, 7, 9],
      [4, 0, 8],
    ])
    const published = protectTable(counts)
    expect(published).toEqual({ ...withTotals(counts), threshold: 3, zerosShown: true })
  })

  it('withholds each small cell with the smallest complements, in a pattern no total undoes', () => {
    const counts = table([
      [1, 8, 12],
      [5, 6, 20],
      [9, 2, 30],
    ])
    const published = protectTable(counts)
    // 1 and 2 are withheld; row 0's smallest other cell is 8 and row 2's is 9, which also pair
    // the columns: a 2 × 2 pattern where 1 could be anything from 1 to 8.
    expect(published.cells).toEqual([
      ['x', 'x', 12],
      [5, 6, 20],
      ['x', 'x', 30],
    ])
    expect(published.rowTotals).toEqual([21, 31, 41])
    expect(published.columnTotals).toEqual([15, 16, 62])
    expect(published.grandTotal).toBe(93)
    expect(recoverableCells(published, counts)).toEqual([])
  })

  it('withholds a small total, and the cell that would give it away', () => {
    const counts = table([
      [1, 0, 0],
      [6, 9, 12],
    ])
    const published = protectTable(counts)
    expect(published.cells).toEqual([
      ['x', 0, 0],
      ['x', 9, 12],
    ])
    expect(published.rowTotals).toEqual(['x', 'x'])
    expect(published.columnTotals).toEqual([7, 9, 12])
    expect(published.grandTotal).toBe(28)
  })

  it('withholds everything when even the grand total is small', () => {
    const published = protectTable(table([[1, 1]]))
    expect(published.cells).toEqual([['x', 'x']])
    expect([...published.rowTotals, ...published.columnTotals, published.grandTotal]).toEqual([
      'x',
      'x',
      'x',
      'x',
    ])
  })

  it('withholds zeros too when asked, and may then use them as complements', () => {
    const counts = table([
      [0, 7, 9],
      [4, 0, 8],
    ])
    const published = protectTable(counts, { suppressZeros: true })
    expect(published.zerosShown).toBe(false)
    expect(published.cells).toEqual([
      ['x', 'x', 9],
      ['x', 'x', 8],
    ])
    expect(published.rowTotals).toEqual([16, 12])
    expect(recoverableCells(published, counts)).toEqual([])
  })

  it('never takes a zero as a complement while zeros are shown', () => {
    const counts = table([
      [1, 0, 20],
      [0, 9, 30],
      [8, 0, 40],
    ])
    const published = protectTable(counts)
    const zeros = [
      [0, 1],
      [1, 0],
      [2, 1],
    ]
    for (const [i, j] of zeros) expect(published.cells[i!]![j!]).toBe(0)
    expect(published.cells[0]![0]).toBe('x')
    expect(recoverableCells(published, counts)).toEqual([])
  })

  it('protects a list of categories: two small counts whose sum is published take a third with them', () => {
    const counts = listTable(['voice', 'sms', 'chat', 'form'], [1, 2, 50, 60])
    const published = protectTable(counts)
    // Withholding 1 and 2 alone would publish their sum, 3: both would be known to be small.
    expect(published.cells).toEqual([['x'], ['x'], ['x'], [60]])
    // A one-column table's row totals are its cells.
    expect(published.rowTotals).toEqual(['x', 'x', 'x', 60])
    expect(published.columnTotals).toEqual([113])
    expect(published.grandTotal).toBe(113)
  })

  it('uses the threshold it is given', () => {
    const counts = listTable(['a', 'b', 'c'], [4, 6, 30])
    expect(protectTable(counts, { threshold: 3 }).cells).toEqual([[4], [6], [30]])
    // Below 5, 4 is withheld with 6 as its complement: their sum, 10, leaves 4 anywhere in 1–9.
    expect(protectTable(counts, { threshold: 5 }).cells).toEqual([['x'], ['x'], [30]])
  })

  it('refuses a threshold below 1 and tables that are not counts', () => {
    expect(() => protectTable(table([[1]]), { threshold: 0 })).toThrow(/threshold/)
    expect(() => protectTable(table([[1, -1]]))).toThrow(/non-negative integer/)
    expect(() => protectTable(table([[1.5]]))).toThrow(/non-negative integer/)
    expect(() => protectTable({ rows: ['a'], columns: ['b', 'c'], cells: [[1]] })).toThrow(/one cell/)
  })
})

describe('recoverableCells', () => {
  it('finds a cell withheld alone in its row: the row total gives it away', () => {
    const counts = table([
      [1, 8, 12],
      [5, 6, 20],
    ])
    expect(recoverableCells(publishWith(counts, ['0,0']), counts)).toEqual([
      { row: 0, column: 0, value: 1, min: 1, max: 1, reason: 'exact' },
    ])
  })

  it('finds the figure joining two patterns, though every line holds two withheld figures', () => {
    const cells = Array.from({ length: 4 }, () => [10, 10, 10, 10])
    cells[1]![2] = 2
    const counts = table(cells)
    const withheld = ['0,0', '0,1', '1,0', '1,1', '1,2', '2,2', '2,3', '3,2', '3,3']
    const published = publishWith(counts, withheld, false)
    // The pairwise rule holds: every row and column with an 'x' has at least two.
    const lines = [
      ...published.cells,
      ...published.columns.map((_, j) => published.cells.map((row) => row[j])),
    ]
    for (const line of lines) expect(line.filter((f) => f === 'x').length).not.toBe(1)
    // Yet rows 0–1 minus columns 0–1 leave exactly the figure between the two groups.
    expect(recoverableCells(published, counts)).toEqual([
      { row: 1, column: 2, value: 2, min: 2, max: 2, reason: 'exact' },
    ])
  })

  it('finds small figures shown to be small, which an outsider knows are not zero', () => {
    const counts = listTable(['a', 'b', 'c', 'd'], [1, 2, 50, 60])
    const withheld = ['0,0', '0,1', '1,0', '1,1']
    const found = recoverableCells(publishWith(counts, withheld), counts)
    expect(found.map(({ row, column, min, max, reason }) => ({ row, column, min, max, reason }))).toEqual([
      { row: 0, column: 0, min: 1, max: 2, reason: 'shown_small' },
      { row: 0, column: 1, min: 1, max: 2, reason: 'shown_small' },
      { row: 1, column: 0, min: 1, max: 2, reason: 'shown_small' },
      { row: 1, column: 1, min: 1, max: 2, reason: 'shown_small' },
    ])
    // When zeros are withheld too, an 'x' could be 0, so either could be 3: the pattern holds.
    expect(recoverableCells(publishWith(counts, withheld, false), counts)).toEqual([])
  })

  it('refuses a published table that is not the original one', () => {
    const counts = table([[5, 8]])
    const published = publishWith(counts, [])
    expect(() => recoverableCells({ ...published, cells: [[5, 9]] }, counts)).toThrow(/differs/)
    expect(() => recoverableCells(published, table([[5], [8]]))).toThrow(/rows and columns/)
    // With zeros shown, an 'x' on a zero contradicts what the table says about itself.
    const withZero = table([[0, 8]])
    expect(() => recoverableCells(publishWith(withZero, ['0,0', '0,1']), withZero)).toThrow(/lower bound/)
  })
})
