import type { DirectorySearchFilters } from '../../../common/contracts/referrals.ts'
import type { CaseFileRow, CaseNeedRow, CasePersonRow } from '../cases.store.ts'

/**
 * The directory search an advocate starts from when referring: filters drawn from what the case
 * records, in the query-string form `GET /api/directory/search` takes. Only what was answered is
 * used; the advocate widens or narrows the search from there.
 */

/** Populations of the directory (relais-population codes) a person's recorded identity points to. */
function populationsOf(person: CasePersonRow): string[] {
  const codes: string[] = []
  if (person.indigenous_answer === 'given') {
    const indigenous = {
      first_nations: 'first-nations',
      inuit: 'inuit',
      metis: 'metis',
      indigenous_unspecified: 'indigenous',
    }[person.indigenous ?? '']
    if (indigenous) codes.push(indigenous)
  }
  if (person.two_spirit_lgbtqi_answer === 'given' && person.two_spirit_lgbtqi) codes.push('2slgbtqi')
  if (person.residency_answer === 'given' && person.residency === 'temporary_foreign_worker')
    codes.push('migrant-workers')
  if (person.disability_answer === 'given' && person.disability) codes.push('disabilities')
  return codes
}

/** ISO 639 codes of BCP 47 tags (fr-CA → fr), as the directory lists a service's languages. */
function directoryLanguages(tags: readonly string[]): string[] {
  return tags.map((tag) => tag.split('-')[0]!.toLowerCase()).filter((code) => /^[a-z]{2,3}$/.test(code))
}

/**
 * Whom the referral is for: the need's person when it names one; otherwise the people who are (or
 * were) in the situation, or everyone recorded when no role says so. A concerned person or a
 * professional calling about someone else is not who the services are looked for.
 */
export function subjectsOf(people: readonly CasePersonRow[], need: CaseNeedRow | undefined): CasePersonRow[] {
  if (need?.person_id) return people.filter((person) => person.id === need.person_id)
  const affected = people.filter(
    (person) => person.role_answer !== 'given' || person.role === 'victim' || person.role === 'survivor',
  )
  return affected.length > 0 ? affected : [...people]
}

const csv = (values: readonly string[]) => (values.length > 0 ? [...new Set(values)].join(',') : undefined)

/**
 * The filters: the need's kind as service type; the subjects' languages and populations; where the
 * case happens (around the municipality when the gazetteer knows it, else that municipality); and
 * the age for the services' eligibility, only when one subject's age is known in years (a band is
 * too wide to decide a service's age limits).
 */
export function searchFilters({
  file,
  need,
  subjects,
  municipalityKnown,
}: {
  file: CaseFileRow
  need: CaseNeedRow | undefined
  subjects: readonly CasePersonRow[]
  municipalityKnown: boolean
}): DirectorySearchFilters {
  const filters: DirectorySearchFilters = {}
  if (need) filters.serviceType = need.kind
  const population = csv(subjects.flatMap(populationsOf))
  if (population) filters.population = population
  const language = csv(
    subjects.flatMap((person) =>
      person.languages_answer === 'given' ? directoryLanguages(person.languages ?? []) : [],
    ),
  )
  if (language) filters.language = language
  const province = file.province_answer === 'given' ? file.province : null
  if (province) {
    filters.province = province
    const municipality = file.municipality_answer === 'given' ? file.municipality : null
    if (municipality) filters[municipalityKnown ? 'nearMunicipality' : 'municipality'] = municipality
  }
  const ages = subjects.flatMap((person) =>
    person.age_answer === 'given' && person.age_years !== null ? [person.age_years] : [],
  )
  if (subjects.length === 1 && ages.length === 1) filters.age = String(ages[0])
  return filters
}
