/**
 * The tables public statistics are made of: counts by one or two dimensions, published with their
 * marginal totals. A one-dimensional table (a list of categories and its total) is the same shape
 * with one column; its row totals are then the cells themselves.
 *
 * Inside this folder a table is often read as its *extended grid*: (rows + 1) × (columns + 1)
 * figures, the cells with each row's total in an extra last column, each column's total in an extra
 * last row, and the grand total in the corner. Every line of the grid (a row or a column, its total
 * included) then says the same thing: its figures before the last one add up to the last one.
 */

/** Counts as computed: `cells[row][column]`, non-negative integers. */
export interface CountTable {
  rows: string[]
  columns: string[]
  cells: number[][]
}

/** A table with its marginal totals, each figure of type `T` (a count, or a published figure). */
export interface TableWithTotals<T> {
  rows: string[]
  columns: string[]
  cells: T[][]
  rowTotals: T[]
  columnTotals: T[]
  grandTotal: T
}

/** A position in the extended grid: `row === rows.length` is the totals row, likewise for columns. */
export interface GridPosition {
  row: number
  column: number
}

/** Throws unless every row has one non-negative integer count per column. */
export function assertCountTable(table: CountTable): void {
  if (table.rows.length === 0 || table.columns.length === 0) {
    throw new RangeError('a table needs at least one row and one column')
  }
  if (table.cells.length !== table.rows.length) throw new RangeError('one row of cells per row label')
  for (const row of table.cells) {
    if (row.length !== table.columns.length) throw new RangeError('one cell per column label')
    for (const value of row) {
      if (!Number.isSafeInteger(value) || value < 0) {
        throw new RangeError(`a count must be a non-negative integer, not ${value}`)
      }
    }
  }
}

/** The table with its row, column and grand totals. */
export function withTotals(table: CountTable): TableWithTotals<number> {
  assertCountTable(table)
  const rowTotals = table.cells.map((row) => row.reduce((sum, value) => sum + value, 0))
  const columnTotals = table.columns.map((_, j) => table.cells.reduce((sum, row) => sum + row[j]!, 0))
  return {
    rows: [...table.rows],
    columns: [...table.columns],
    cells: table.cells.map((row) => [...row]),
    rowTotals,
    columnTotals,
    grandTotal: rowTotals.reduce((sum, value) => sum + value, 0),
  }
}

/** A one-dimensional table: the categories as rows of a single column. */
export function listTable(categories: string[], counts: number[], column = 'count'): CountTable {
  if (categories.length !== counts.length) throw new RangeError('one count per category')
  return { rows: [...categories], columns: [column], cells: counts.map((count) => [count]) }
}

/** The extended grid of a table with totals (see the top of this file). */
export function toGrid<T>(table: TableWithTotals<T>): T[][] {
  return [
    ...table.cells.map((row, i) => [...row, table.rowTotals[i]!]),
    [...table.columnTotals, table.grandTotal],
  ]
}

/** The table with totals an extended grid stands for. */
export function fromGrid<T>(rows: string[], columns: string[], grid: T[][]): TableWithTotals<T> {
  const r = rows.length
  const c = columns.length
  return {
    rows: [...rows],
    columns: [...columns],
    cells: grid.slice(0, r).map((line) => line.slice(0, c)),
    rowTotals: grid.slice(0, r).map((line) => line[c]!),
    columnTotals: grid[r]!.slice(0, c),
    grandTotal: grid[r]![c]!,
  }
}

/** Applies `map` to every figure, totals included. */
export function mapFigures<T, U>(table: TableWithTotals<T>, map: (value: T) => U): TableWithTotals<U> {
  return fromGrid(
    table.rows,
    table.columns,
    toGrid(table).map((line) => line.map(map)),
  )
}

/**
 * The lines of an extended grid of `rows` × `columns` cells: each row (its total last), then each
 * column (its total last), the totals row and totals column included.
 */
export function gridLines(rows: number, columns: number): GridPosition[][] {
  const lines: GridPosition[][] = []
  for (let row = 0; row <= rows; row++) {
    lines.push(Array.from({ length: columns + 1 }, (_, column) => ({ row, column })))
  }
  for (let column = 0; column <= columns; column++) {
    lines.push(Array.from({ length: rows + 1 }, (_, row) => ({ row, column })))
  }
  return lines
}
