import type { Kysely } from 'kysely'
import { type AgeBand, ageRange } from '../../../common/contracts/cases.ts'
import type { DB } from '../../db/schema.ts'
import type { EvaluatedPerson } from './evaluate.ts'

/** What a protocol looks at in a case: where it happens and, per person, role and age. Nothing else. */
export interface CaseFacts {
  caseId: string
  status: 'open' | 'closed'
  province: string | null
  municipality: string | null
  people: EvaluatedPerson[]
}

/** The columns of a case and of its people that its facts are drawn from. */
type FactsFile = Pick<CaseFacts, 'status' | 'province' | 'municipality'> & { id: string }
type FactsPerson = {
  id: string
  role: string | null
  age_years: number | null
  age_band: string | null
  age_answer: string
}

/** A case's facts from its row and its people (in the order the case lists them). */
export function factsOf(file: FactsFile, people: readonly FactsPerson[]): CaseFacts {
  return {
    caseId: file.id,
    status: file.status,
    province: file.province,
    municipality: file.municipality,
    people: people.map((person) => {
      const range =
        person.age_answer !== 'given'
          ? null
          : ageRange({
              state: 'given',
              value:
                person.age_years !== null
                  ? { years: person.age_years }
                  : { band: person.age_band as AgeBand },
            })
      return { id: person.id, role: person.role, age: range ?? { min: null, max: null } }
    }),
  }
}

/** Reads a case's facts for evaluation, or null if there is no such case. */
export async function loadCaseFacts(db: Kysely<DB>, caseId: string): Promise<CaseFacts | null> {
  const file = await db
    .selectFrom('case_file')
    .select(['id', 'status', 'province', 'municipality'])
    .where('id', '=', caseId)
    .executeTakeFirst()
  if (!file) return null
  const people = await db
    .selectFrom('case_person')
    .select(['id', 'role', 'age_years', 'age_band', 'age_answer'])
    .where('case_id', '=', caseId)
    .orderBy('created_at')
    .orderBy('id')
    .execute()
  return factsOf(file, people)
}
