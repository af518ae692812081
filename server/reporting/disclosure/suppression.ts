import { type FeasibleInterval, feasibleIntervals } from './intervals.ts'
import {
  type CountTable,
  fromGrid,
  type GridPosition,
  gridLines,
  type TableWithTotals,
  toGrid,
  withTotals,
} from './table.ts'

/**
 * Cell suppression for public tables (docs/public-statistics.md). A count of a few people is never
 * published: it is replaced by Statistics Canada's mark 'x'. Because row, column and grand totals
 * are published too, more figures are withheld beside it (complementary suppression) until no
 * withheld figure can be worked out from the published ones.
 *
 * Primary suppression: every figure, totals included, from 1 to `threshold - 1`. True zeros are
 * published, as Statistics Canada does, unless `suppressZeros`, which withholds them as well.
 *
 * Protection rule, checked exactly by `recoverableCells` against what an outsider can infer from
 * the published figures, the totals adding up, and every figure being non-negative (at least 1 for
 * an 'x' when zeros are always shown, since an 'x' is then never a zero):
 *   1. no withheld figure can be worked out exactly: at least two values remain possible;
 *   2. no withheld small figure can be shown to be small: the largest value it could have is at
 *      least the threshold, so its 'x' could as well hide a figure that would have been published.
 * Complements are taken among the smallest figures (never a zero while zeros are shown, since an
 * outsider knows an 'x' is not one), first so that every row and every column holding an 'x' holds
 * at least two (a total counting as a member of its line), then, since that pairwise rule is not
 * enough in general (an 'x' linking two otherwise separate groups, or small figures whose sum is
 * published), one more each time the verifier still finds a disclosure, until it finds none.
 */

export const SUPPRESSED = 'x'
export type PublishedFigure = number | typeof SUPPRESSED

export interface PublishedTable extends TableWithTotals<PublishedFigure> {
  /** Figures from 1 to threshold − 1 were withheld. */
  threshold: number
  /** Whether a zero is always published (so an 'x' is never a zero). */
  zerosShown: boolean
}

export interface ProtectOptions {
  /** The smallest count that may be published; 3 unless told. */
  threshold?: number
  /** Withhold true zeros too; by default they are published. */
  suppressZeros?: boolean
}

export type DisclosureReason = 'exact' | 'shown_small'

/** A withheld figure the published table gives away, and the values it could still have. */
export interface Disclosure extends FeasibleInterval {
  reason: DisclosureReason
}

/**
 * The table as it may be published: every small figure and enough complements withheld that, by the
 * exact verifier, nothing withheld can be worked out from what is shown (see the top of this file).
 */
export function protectTable(table: CountTable, options: ProtectOptions = {}): PublishedTable {
  const rule = ruleOf(options.threshold ?? 3, !(options.suppressZeros ?? false))
  const values = toGrid(withTotals(table))
  const suppressed = values.map((line) => line.map((value) => rule.sensitive(value)))
  const lines = gridLines(table.rows.length, table.columns.length)
  const eligible = ({ row, column }: GridPosition) =>
    !suppressed[row]![column] && (values[row]![column]! > 0 || !rule.zerosShown)
  const suppressCheapest = (candidates: GridPosition[]) => {
    const chosen = cheapest(candidates.filter(eligible), values, suppressed, lines)
    if (chosen) suppressed[chosen.row]![chosen.column] = true
    return chosen !== null
  }

  for (;;) {
    pairLines(lines, suppressed, suppressCheapest)
    const [first] = disclosures(values, suppressed, rule)
    if (!first) break
    const crossing = lines.filter((line) =>
      line.some((p) => p.row === first.row && p.column === first.column),
    )
    const touched = lines.filter((line) => line.some((p) => suppressed[p.row]![p.column]))
    const added =
      suppressCheapest(crossing.flat()) || suppressCheapest(touched.flat()) || suppressCheapest(lines.flat())
    // Withholding every non-zero figure always protects (each lies on a cycle of withheld figures
    // with no upper bound), so running out of figures to withhold means a broken invariant.
    if (!added) throw new Error('no figure left to withhold, yet a withheld figure is disclosed')
  }

  const grid = values.map((line, row) =>
    line.map((value, column): PublishedFigure => (suppressed[row]![column] ? SUPPRESSED : value)),
  )
  return {
    ...fromGrid(table.rows, table.columns, grid),
    threshold: rule.threshold,
    zerosShown: rule.zerosShown,
  }
}

/**
 * The withheld figures of `published` that its published figures give away under the protection
 * rule above, with the interval of values each could have; none for a table from `protectTable`.
 * `original` is the table it was published from (to know each withheld figure's true value).
 */
export function recoverableCells(published: PublishedTable, original: CountTable): Disclosure[] {
  const rule = ruleOf(published.threshold, published.zerosShown)
  const values = toGrid(withTotals(original))
  const figures = toGrid(published)
  if (
    figures.length !== values.length ||
    figures.some((line, row) => line.length !== values[row]!.length) ||
    published.rows.join('\u0000') !== original.rows.join('\u0000') ||
    published.columns.join('\u0000') !== original.columns.join('\u0000')
  ) {
    throw new RangeError('the published table does not have the original table’s rows and columns')
  }
  for (const [row, line] of figures.entries()) {
    for (const [column, figure] of line.entries()) {
      if (figure !== SUPPRESSED && figure !== values[row]![column]) {
        throw new RangeError(`published figure ${figure} differs from the original at ${row}, ${column}`)
      }
    }
  }
  return disclosures(
    values,
    figures.map((line) => line.map((figure) => figure === SUPPRESSED)),
    rule,
  )
}

interface Rule {
  threshold: number
  zerosShown: boolean
  /** What an outsider knows every withheld figure to be at least. */
  lowerBound: number
  /** Whether a figure may not be published at all. */
  sensitive(value: number): boolean
}

function ruleOf(threshold: number, zerosShown: boolean): Rule {
  if (!Number.isSafeInteger(threshold) || threshold < 1) {
    throw new RangeError(`the threshold must be a positive integer, not ${threshold}`)
  }
  return {
    threshold,
    zerosShown,
    lowerBound: zerosShown ? 1 : 0,
    sensitive: (value) => value < threshold && (value > 0 || !zerosShown),
  }
}

function disclosures(values: number[][], suppressed: boolean[][], rule: Rule): Disclosure[] {
  const found: Disclosure[] = []
  for (const interval of feasibleIntervals(values, suppressed, rule.lowerBound)) {
    if (interval.max === interval.min) found.push({ ...interval, reason: 'exact' })
    else if (rule.sensitive(interval.value) && interval.max < rule.threshold) {
      found.push({ ...interval, reason: 'shown_small' })
    }
  }
  return found
}

/** Until stable: a line holding exactly one withheld figure gets a second one. */
function pairLines(
  lines: GridPosition[][],
  suppressed: boolean[][],
  suppressCheapest: (candidates: GridPosition[]) => boolean,
) {
  let changed = true
  while (changed) {
    changed = false
    for (const line of lines) {
      const withheld = line.filter((p) => suppressed[p.row]![p.column]).length
      if (withheld === 1 && suppressCheapest(line)) changed = true
    }
  }
}

/**
 * The smallest candidate; among equals, a cell before a total, then the one whose lines already hold
 * the most withheld figures (it closes a pattern rather than opening one), then the first in grid
 * order.
 */
function cheapest(
  candidates: GridPosition[],
  values: number[][],
  suppressed: boolean[][],
  lines: GridPosition[][],
): GridPosition | null {
  const rows = values.length - 1
  const columns = values[0]!.length - 1
  const isTotal = (p: GridPosition) => (p.row === rows || p.column === columns ? 1 : 0)
  const neighbours = (p: GridPosition) =>
    lines
      .filter((line) => line.some((q) => q.row === p.row && q.column === p.column))
      .flat()
      .filter((q) => suppressed[q.row]![q.column]).length
  let best: GridPosition | null = null
  for (const candidate of candidates) {
    if (!best) {
      best = candidate
      continue
    }
    const order =
      values[candidate.row]![candidate.column]! - values[best.row]![best.column]! ||
      isTotal(candidate) - isTotal(best) ||
      neighbours(best) - neighbours(candidate) ||
      candidate.row - best.row ||
      candidate.column - best.column
    if (order < 0) best = candidate
  }
  return best
}
