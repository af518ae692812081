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
