import { cryptoRandom, type RandomSource, uniformBelow } from './random.ts'
import type { PublishedFigure } from './suppression.ts'
import { mapFigures, type TableWithTotals } from './table.ts'

/**
 * Unbiased random rounding, as Statistics Canada rounds census counts: a count that is a multiple of
 * the base is published as it is; any other count r is rounded up to the next multiple with
 * probability (r mod base) / base, and down otherwise, so on average it is published as itself
 * (the expected value is r) while no published figure says exactly how many people it counts.
 * Every figure of a table is rounded on its own, totals included, so a published total can differ
 * from the sum of the published cells (by design: deriving it from rounded cells would add their
 * errors up, and deriving the cells from it would undo the rounding).
 */

export interface RoundingOptions {
  /** 5 unless told. */
  base?: number
  /** The cryptographic generator unless told; `seededRandom` in tests only. */
  random?: RandomSource
}

export function randomRound(count: number, options: RoundingOptions = {}): number {
  const base = options.base ?? 5
  if (!Number.isSafeInteger(base) || base < 1) throw new RangeError(`the base must be a positive integer`)
  if (!Number.isSafeInteger(count) || count < 0) {
    throw new RangeError(`a count must be a non-negative integer, not ${count}`)
  }
  const remainder = count % base
  if (remainder === 0) return count
  const up = uniformBelow(options.random ?? cryptoRandom, base) < remainder
  return count - remainder + (up ? base : 0)
}

/**
 * Every figure of the table rounded independently, totals included; a withheld figure ('x') stays
 * withheld. The table keeps its other fields (a published table its threshold).
 */
export function roundTable<T extends TableWithTotals<PublishedFigure>>(
  table: T,
  options: RoundingOptions = {},
): T {
  const rounded = mapFigures(table, (figure) =>
    typeof figure === 'number' ? randomRound(figure, options) : figure,
  )
  // Numbers stay numbers and marks stay marks, so the figures keep the type they came with.
  return { ...table, ...rounded } as T
}
