import { z } from 'zod'
import {
  type Age,
  type AgeBand,
  type Answer,
  type AnswerState,
  notAsked,
} from '../../common/contracts/cases.ts'
import type { Secrets } from '../crypto/secrets.ts'

/**
 * How answers are stored (ADR 008). A plain field is two columns: the value, null unless given, and
 * `<column>_answer`, its state; a check constraint keeps them in step. A group of answers that
 * identifies someone (a safety plan, safe-contact preferences, an exploiter's features) is one sealed
 * JSON object of `{ state, value? }` answers. Both read back as the contract's `Answer<T>`.
 */

type Row = Record<string, unknown>

/** Plain answers of a case, a person and an exploiter: contract name → column. */
export const situationColumns = {
  peopleAffected: 'people_affected',
  traffickingTypes: 'trafficking_types',
  traffickingStatus: 'trafficking_status',
  methodsOfControl: 'methods_of_control',
  recruitment: 'recruitment_methods',
  industry: 'industry',
} as const
export const locationColumns = {
  province: 'province',
  municipality: 'municipality',
  communitySize: 'community_size',
} as const
export const personColumns = {
  role: 'role',
  gender: 'gender',
  languages: 'languages',
  residency: 'residency',
  indigenous: 'indigenous',
  twoSpiritLgbtqi: 'two_spirit_lgbtqi',
  disability: 'disability',
} as const
export const exploiterColumns = { count: 'count', relationship: 'relationship' } as const

export function answerOf<T>(value: T | null, state: AnswerState): Answer<T> {
  return state === 'given' ? { state, value: value as T } : { state }
}

/** The value and state columns of an answer; lists lose their repeats. */
export function answerColumns(column: string, answer: Answer<unknown>): Row {
  const value =
    answer.state !== 'given' ? null : Array.isArray(answer.value) ? [...new Set(answer.value)] : answer.value
  return { [column]: value, [`${column}_answer`]: answer.state }
}

/** Column values for the fields a patch names (absent fields are left as they are). */
export function writeAnswers<F extends string>(
  columns: Record<F, string>,
  patch: Partial<Record<NoInfer<F>, Answer<unknown> | undefined>>,
): Row {
  const values: Row = {}
  for (const [field, column] of Object.entries(columns) as [F, string][]) {
    const answer = patch[field]
    if (answer) Object.assign(values, answerColumns(column, answer))
  }
  return values
}

/** The answers of a row, by field. */
export function readAnswers<F extends string>(
  columns: Record<F, string>,
  row: Row,
): Record<F, Answer<unknown>> {
  const answers = {} as Record<F, Answer<unknown>>
  for (const [field, column] of Object.entries(columns) as [F, string][]) {
    answers[field] = answerOf(row[column], row[`${column}_answer`] as AnswerState)
  }
  return answers
}

/** Age is a number of years or a band: two value columns behind one state. */
export function ageColumns(age: Answer<Age>): Row {
  if (age.state !== 'given') return { age_years: null, age_band: null, age_answer: age.state }
  return 'years' in age.value
    ? { age_years: age.value.years, age_band: null, age_answer: 'given' }
    : { age_years: null, age_band: age.value.band, age_answer: 'given' }
}

export function ageOf(row: { age_years: number | null; age_band: string | null; age_answer: AnswerState }) {
  if (row.age_answer !== 'given') return { state: row.age_answer } as Answer<Age>
  return {
    state: 'given',
    value: row.age_years !== null ? { years: row.age_years } : { band: row.age_band as AgeBand },
  } as Answer<Age>
}

/** A sealed group opened: every field present, `not_asked` when never answered. */
export function openGroup<S extends Record<string, z.ZodType>>(
  secrets: Secrets,
  sealed: string | null,
  fields: S,
): { [K in keyof S]: z.infer<S[K]> } {
  const stored = sealed ? storedGroup(fields).parse(JSON.parse(secrets.open(sealed))) : {}
  const group: Record<string, unknown> = {}
  for (const key of Object.keys(fields)) group[key] = (stored as Row)[key] ?? notAsked
  return group as { [K in keyof S]: z.infer<S[K]> }
}

// One schema per group, built once: zod compiles a schema on its first use, which costs more than
// the parse itself, and a case read opens a group per person and exploiter.
const groupSchemas = new WeakMap<Record<string, z.ZodType>, z.ZodType>()
function storedGroup(fields: Record<string, z.ZodType>): z.ZodType {
  let schema = groupSchemas.get(fields)
  if (!schema) {
    schema = z.object(fields).partial()
    groupSchemas.set(fields, schema)
  }
  return schema
}

/** Seals a group after applying a patch to what it held; lists lose their repeats. */
export function sealGroup(secrets: Secrets, current: Row, patch: Row | undefined): string {
  const merged: Row = { ...current }
  for (const [key, answer] of Object.entries(patch ?? {})) {
    if (answer === undefined) continue
    const given = answer as Answer<unknown>
    merged[key] =
      given.state === 'given' && Array.isArray(given.value)
        ? { state: 'given', value: [...new Set(given.value)] }
        : given
  }
  return secrets.seal(JSON.stringify(merged))
}
