import { sampleDiscreteLaplace } from './discrete-laplace.ts'
import { cryptoRandom, type RandomSource } from './random.ts'
import { assertCountTable, type CountTable, type TableWithTotals, withTotals } from './table.ts'

/**
 * Differentially private counts (the geometric mechanism): each count gets its own integer noise
 * from the discrete Laplace distribution with parameter ε (discrete-laplace.ts). Adding or removing
 * one person changes a count by at most 1 (sensitivity 1), so one noisy count is ε-differentially
 * private; a release's cost is ε times the number of released counts one person can be in.
 *
 * A noisy count below zero is published as 0. That is post-processing of the noisy figure (it uses
 * nothing but the noisy figure), so it costs no privacy; it does bias small counts upwards a little.
 */

export function noisyCount(count: number, epsilon: number, random: RandomSource = cryptoRandom): number {
  if (!Number.isSafeInteger(count) || count < 0) {
    throw new RangeError(`a count must be a non-negative integer, not ${count}`)
  }
  return Math.max(0, count + sampleDiscreteLaplace(epsilon, random))
}

/**
 * Every figure of the table with its own noise, totals included (so a noisy total is not the sum
 * of the noisy cells). A total that is the same count as a cell (the row totals of a one-column
 * table, say) is not noised twice: it is published as that cell's noisy figure.
 */
export function noisyTable(
  table: CountTable,
  epsilon: number,
  random: RandomSource = cryptoRandom,
): TableWithTotals<number> {
  const counts = withTotals(table)
  const noisy = (count: number) => noisyCount(count, epsilon, random)
  const cells = counts.cells.map((row) => row.map(noisy))
  const oneColumn = counts.columns.length === 1
  const oneRow = counts.rows.length === 1
  const rowTotals = oneColumn ? cells.map((row) => row[0]!) : counts.rowTotals.map(noisy)
  const columnTotals = oneRow ? [...cells[0]!] : counts.columnTotals.map(noisy)
  const grandTotal = oneColumn ? columnTotals[0]! : oneRow ? rowTotals[0]! : noisy(counts.grandTotal)
  return { rows: counts.rows, columns: counts.columns, cells, rowTotals, columnTotals, grandTotal }
}

/**
 * What `noisyTable` costs: a person is in one cell, one row total, one column total and the grand
 * total, minus the totals that are the same count as a cell or as another total.
 */
export function tableEpsilon(table: CountTable, epsilon: number): number {
  const rowFigures = table.columns.length > 1 ? 2 : 1
  const columnFigures = table.rows.length > 1 ? 2 : 1
  return epsilon * rowFigures * columnFigures
}

export interface PrivacySpend {
  label: string
  epsilon: number
  at: Date
}

export class PrivacyBudgetExceeded extends Error {
  constructor(
    readonly label: string,
    readonly epsilon: number,
    readonly remaining: number,
  ) {
    super(`release "${label}" needs ε = ${epsilon}, only ${remaining} is left`)
    this.name = 'PrivacyBudgetExceeded'
  }
}

/**
 * Decimal budgets such as 0.1 + 0.2 are not exact in binary numbers; spending may reach the total
 * within a billionth of it, never beyond.
 */
const TOLERANCE = 1e-9

/**
 * The privacy ledger: every release's ε, with its label and time, and the total the operator allows
 * over all releases of the same data (sequential composition: the ε of releases about the same
 * people add up). A release that would go beyond the total is refused and not recorded.
 */
export class PrivacyBudget {
  readonly #entries: PrivacySpend[] = []
  readonly #clock: () => Date

  /** `entries`: releases already made (the ledger as stored). */
  constructor(
    readonly total: number,
    entries: readonly PrivacySpend[] = [],
    clock: () => Date = () => new Date(),
  ) {
    if (!Number.isFinite(total) || total <= 0) throw new RangeError('the total ε must be positive')
    this.#clock = clock
    for (const entry of entries) this.#record(entry.label, entry.epsilon, entry.at)
  }

  get spent(): number {
    return this.#entries.reduce((sum, entry) => sum + entry.epsilon, 0)
  }

  get remaining(): number {
    return Math.max(0, this.total - this.spent)
  }

  get entries(): readonly PrivacySpend[] {
    return this.#entries.map((entry) => ({ ...entry, at: new Date(entry.at) }))
  }

  /** Records a release of `epsilon`, or throws `PrivacyBudgetExceeded` and records nothing. */
  spend(label: string, epsilon: number): PrivacySpend {
    return this.#record(label, epsilon, this.#clock())
  }

  #record(label: string, epsilon: number, at: Date): PrivacySpend {
    if (label.trim() === '') throw new RangeError('a release needs a label')
    if (!Number.isFinite(epsilon) || epsilon <= 0) throw new RangeError('a release’s ε must be positive')
    if (this.spent + epsilon > this.total * (1 + TOLERANCE)) {
      throw new PrivacyBudgetExceeded(label, epsilon, this.remaining)
    }
    const entry = { label, epsilon, at: new Date(at) }
    this.#entries.push(entry)
    return { ...entry, at: new Date(at) }
  }
}

/** Charges the budget for a noisy table first, then draws it; a refused release draws nothing. */
export function releaseNoisyTable(
  budget: PrivacyBudget,
  label: string,
  table: CountTable,
  epsilon: number,
  random: RandomSource = cryptoRandom,
): TableWithTotals<number> {
  assertCountTable(table)
  budget.spend(label, tableEpsilon(table, epsilon))
  return noisyTable(table, epsilon, random)
}
