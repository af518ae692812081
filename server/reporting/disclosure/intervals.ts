import type { GridPosition } from './table.ts'

/**
 * What someone can work out about the suppressed figures of a table from the figures published
 * beside them: for each suppressed figure, the smallest and largest value consistent with every
 * published cell and total, the totals adding up, and every suppressed figure being at least
 * `lowerBound` (0, or 1 when zeros are always shown and so an 'x' is never a zero).
 *
 * Exact method. A two-way table with its margins is a circulation in a network: a source sends each
 * row's total to its row, each cell carries its count from its row to its column, each column sends
 * its total to a sink, and the grand total flows back from the sink to the source. The figures are
 * consistent exactly when they are such a flow. The constraint matrix of a network is totally
 * unimodular, so the bounds of the linear programme "min / max one figure" are integers reached by
 * integer tables, and every integer between them is reached too: the interval below is exactly the
 * set of values the suppressed figure can take, not a relaxation. Starting from the true table (a
 * feasible flow), raising a figure by δ means sending δ back around a cycle through it in the
 * residual network of the other suppressed figures (each can rise without limit, or fall to the
 * lower bound), so the widest rise is a maximum flow, and likewise the widest fall. The tables here
 * have at most a few dozen figures, so Edmonds–Karp on a dense capacity matrix is plenty.
 */

export interface FeasibleInterval extends GridPosition {
  /** The true value of the figure. */
  value: number
  min: number
  /** `Infinity` when nothing published bounds the figure from above. */
  max: number
}

/**
 * For each suppressed figure of the extended grid `values` (see table.ts), in grid order, the
 * interval of values consistent with the rest. `values` holds the true figures, `suppressed` marks
 * the figures withheld.
 */
export function feasibleIntervals(
  values: number[][],
  suppressed: boolean[][],
  lowerBound: number,
): FeasibleInterval[] {
  const rows = values.length - 1
  const columns = (values[0]?.length ?? 0) - 1
  const nodes = rows + columns + 2
  const edges: Edge[] = []
  for (let row = 0; row <= rows; row++) {
    for (let column = 0; column <= columns; column++) {
      if (!suppressed[row]![column]) continue
      const value = values[row]![column]!
      if (value < lowerBound) {
        throw new RangeError(`a suppressed figure (${value}) is below the lower bound ${lowerBound}`)
      }
      edges.push({ row, column, value, ...endpoints(row, column, rows, columns) })
    }
  }
  return edges.map((edge) => {
    const rise = maxFlow(residual(nodes, edges, edge, lowerBound), edge.to, edge.from)
    const fall = maxFlow(residual(nodes, edges, edge, lowerBound), edge.from, edge.to)
    return {
      row: edge.row,
      column: edge.column,
      value: edge.value,
      min: edge.value - Math.min(edge.value - lowerBound, fall),
      max: edge.value + rise,
    }
  })
}

interface Edge extends GridPosition {
  value: number
  from: number
  to: number
}

/** The network edge of a grid figure: node 0 the source, rows, columns, then the sink. */
function endpoints(row: number, column: number, rows: number, columns: number) {
  const source = 0
  const sink = rows + columns + 1
  const rowNode = 1 + row
  const columnNode = 1 + rows + column
  if (row < rows && column < columns) return { from: rowNode, to: columnNode }
  if (row < rows) return { from: source, to: rowNode }
  if (column < columns) return { from: columnNode, to: sink }
  return { from: sink, to: source }
}

/** Residual capacities of the suppressed figures other than `except`, around the true flow. */
function residual(nodes: number, edges: Edge[], except: Edge, lowerBound: number): number[][] {
  const capacity = Array.from({ length: nodes }, () => new Array<number>(nodes).fill(0))
  for (const edge of edges) {
    if (edge === except) continue
    capacity[edge.from]![edge.to] = Infinity
    capacity[edge.to]![edge.from]! += edge.value - lowerBound
  }
  return capacity
}

/** Edmonds–Karp: shortest augmenting paths until none is left; `Infinity` when unbounded. */
function maxFlow(capacity: number[][], source: number, sink: number): number {
  let total = 0
  for (;;) {
    const parent = new Array<number>(capacity.length).fill(-1)
    parent[source] = source
    const queue = [source]
    while (queue.length > 0 && parent[sink] === -1) {
      const u = queue.shift()!
      capacity[u]!.forEach((left, v) => {
        if (left > 0 && parent[v] === -1) {
          parent[v] = u
          queue.push(v)
        }
      })
    }
    if (parent[sink] === -1) return total
    let bottleneck = Infinity
    for (let v = sink; v !== source; v = parent[v]!) {
      bottleneck = Math.min(bottleneck, capacity[parent[v]!]![v]!)
    }
    if (bottleneck === Infinity) return Infinity
    for (let v = sink; v !== source; v = parent[v]!) {
      const u = parent[v]!
      capacity[u]![v]! -= bottleneck
      capacity[v]![u]! += bottleneck
    }
    total += bottleneck
  }
}
