import { randomInt } from 'node:crypto'
import type { ExtractRow } from './extract.store.ts'
import { extractVariables, quasiIdentifierVariables, ROW_NUMBER } from './extract.variables.ts'
import { anonymize, type InformationLoss } from './k-anonymity.ts'

export interface BuiltExtract {
  /** The published rows, numbered at random 1..n and in that order; every variable a column. */
  records: Record<string, string>[]
  /** The level applied per quasi-identifier. */
  levels: Record<string, number>
  informationLoss: InformationLoss
}

/**
 * The rows as the agency receives them: each variable read, the quasi-identifiers made k-anonymous,
 * then the rows shuffled and numbered, so neither their order nor their number says anything of the
 * database.
 */
export function buildExtract(
  rows: readonly ExtractRow[],
  k: number,
  random: (below: number) => number = randomInt,
): BuiltExtract {
  const read = extractVariables.filter((variable) => variable.name !== ROW_NUMBER)
  const records = rows.map((row) =>
    Object.fromEntries(read.map((variable) => [variable.name, variable.read(row)])),
  )
  const result = anonymize(
    records,
    quasiIdentifierVariables.map((variable) => ({
      name: variable.name,
      levels: variable.levels!.map((level) => level.generalise),
    })),
    { k },
  )
  const published = result.records
  for (let i = published.length - 1; i > 0; i -= 1) {
    const j = random(i + 1)
    ;[published[i], published[j]] = [published[j]!, published[i]!]
  }
  published.forEach((record, index) => {
    record[ROW_NUMBER] = String(index + 1)
  })
  return {
    records: published,
    levels: result.levels,
    informationLoss: result.summary,
  }
}
