import { randomBytes } from 'node:crypto'
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  type Answer,
  ageBands,
  caseDetail,
  communitySizes,
  exploiterPatch,
  exploiterRelationships,
  indigenousIdentities,
  locationPatch,
  notAsked,
  personPatch,
  personRoles,
  residencyStatuses,
  safetyPatch,
  safetyStatuses,
  situationPatch,
} from '../../common/contracts/cases.ts'
import { provinceCodes } from '../../common/geography.ts'
import {
  genders,
  industries,
  methodsOfControl,
  onlinePlatforms,
  recruitmentMethods,
  traffickingStatuses,
  traffickingTypes,
} from '../../common/htcds/index.ts'
import { engines } from '../../test/support/database.ts'
import { createSecrets } from '../crypto/secrets.ts'
import type { Database } from '../db/database.ts'
import { toHtcds } from './cases.export.ts'
import { buildSignal, buildViewer, testAudit } from './cases.factories.ts'
import type { Viewer } from './cases.policy.ts'
import { presentCase } from './cases.presenter.ts'
import { type CasesService, createCasesService } from './cases.service.ts'

/**
 * Whatever subset of questions was answered, left unknown, declined or never asked: the case saves,
 * reads back as written, presents under the contract's own response schema, and exports to HTCDS
 * with every unanswered field null and its state recorded.
 */

const secrets = createSecrets([randomBytes(32)])

const unanswered = fc.constantFrom('unknown' as const, 'declined' as const, 'not_asked' as const)
function answer<T>(value: fc.Arbitrary<T>): fc.Arbitrary<Answer<T>> {
  return fc.oneof(
    value.map((v) => ({ state: 'given' as const, value: v })),
    unanswered.map((state) => ({ state })),
  )
}
/** Absent (left as it is) or an answer. */
const maybe = <T>(value: fc.Arbitrary<T>) => fc.option(answer(value), { nil: undefined })
const text = (max: number) =>
  fc
    .string({ unit: 'grapheme', minLength: 1, maxLength: Math.min(max, 60) })
    .filter((value) => value.trim().length > 0 && !value.includes('\u0000'))
const some = <T>(list: readonly T[]) =>
  fc.uniqueArray(fc.constantFrom(...list), { minLength: 1, maxLength: list.length })
const one = <T>(list: readonly T[]) => fc.constantFrom(...list)

const situation = fc.record(
  {
    peopleAffected: maybe(fc.integer({ min: 1, max: 500 })),
    traffickingTypes: maybe(some(traffickingTypes)),
    traffickingStatus: maybe(one(traffickingStatuses)),
    methodsOfControl: maybe(some(methodsOfControl)),
    recruitment: maybe(some(recruitmentMethods)),
    industry: maybe(one(industries)),
  },
  { requiredKeys: [] },
)
const location = fc.record(
  {
    province: maybe(one(provinceCodes)),
    municipality: maybe(text(200)),
    communitySize: maybe(one(communitySizes)),
  },
  { requiredKeys: [] },
)
const safety = fc.record(
  {
    status: fc.option(one(safetyStatuses), { nil: undefined }),
    plan: fc.option(
      fc.record(
        { plan: maybe(text(2000)), safePlace: maybe(text(2000)), supports: maybe(text(2000)) },
        { requiredKeys: [] },
      ),
      { nil: undefined },
    ),
  },
  { requiredKeys: [] },
)
const person = fc.record(
  {
    role: maybe(one(personRoles)),
    age: maybe(
      fc.oneof(
        fc.integer({ min: 0, max: 120 }).map((years) => ({ years })),
        one(ageBands).map((band) => ({ band })),
      ),
    ),
    gender: maybe(one(genders)),
    languages: maybe(
      fc.uniqueArray(one(['en', 'fr', 'es', 'tl', 'iu', 'pt-BR']), { minLength: 1, maxLength: 4 }),
    ),
    residency: maybe(one(residencyStatuses)),
    indigenous: maybe(one(indigenousIdentities)),
    twoSpiritLgbtqi: maybe(fc.boolean()),
    disability: maybe(fc.boolean()),
    safeContact: fc.option(
      fc.record(
        {
          callBack: maybe(fc.boolean()),
          voicemail: maybe(fc.boolean()),
          text: maybe(fc.boolean()),
          email: maybe(fc.boolean()),
          codeWord: maybe(text(200)),
          safeTimes: maybe(text(200)),
        },
        { requiredKeys: [] },
      ),
      { nil: undefined },
    ),
  },
  { requiredKeys: [] },
)
const exploiter = fc.record(
  {
    count: maybe(fc.integer({ min: 1, max: 50 })),
    relationship: maybe(one(exploiterRelationships)),
    features: fc.option(
      fc.record(
        {
          tattoos: maybe(text(2000)),
          piercings: maybe(text(2000)),
          vehicle: maybe(text(2000)),
          licencePlate: maybe(text(200)),
          onlinePlatforms: maybe(some(onlinePlatforms)),
        },
        { requiredKeys: [] },
      ),
      { nil: undefined },
    ),
  },
  { requiredKeys: [] },
)
const caseInput = fc.record({
  situation,
  location,
  safety,
  people: fc.array(person, { maxLength: 3 }),
  exploiters: fc.array(exploiter, { maxLength: 2 }),
})

/** Every field of a group as read back: what was written, or not_asked. */
function filled(keys: readonly string[], written: Record<string, unknown> | undefined) {
  return Object.fromEntries(keys.map((key) => [key, written?.[key] ?? notAsked]))
}

const situationExport = {
  traffickingTypes: 'vic_TypeOfExploitation',
  traffickingStatus: 'vic_TraffickingStatus',
  methodsOfControl: 'vic_MethodsOfControl',
  recruitment: 'vic_MethodOfRecruitment',
  industry: 'vic_ForcedLabourIndustry',
  peopleAffected: 'rel_PeopleAffected',
} as const
const personExport = {
  role: 'rel_Role',
  residency: 'rel_ResidencyStatus',
  indigenous: 'rel_IndigenousIdentity',
  twoSpiritLgbtqi: 'rel_TwoSpiritLgbtqi',
  disability: 'rel_Disability',
  languages: 'rel_Languages',
} as const

describe.each(engines)('any subset of answers on $engine', ({ open }) => {
  let database: Database
  let cases: CasesService
  let advocate: Viewer

  beforeAll(async () => {
    database = await open()
    cases = createCasesService({ database, secrets })
    advocate = await buildViewer(database, 'advocate')
  })
  afterAll(() => database.close())

  it('saves, reads back equal, presents and exports', async () => {
    const actor = { viewer: advocate, audit: { ...testAudit, actorId: advocate.staffId } }
    await fc.assert(
      fc.asyncProperty(caseInput, async (input) => {
        // What the routes would accept: the contract's own parse.
        const written = {
          situation: situationPatch.parse(input.situation),
          location: locationPatch.parse(input.location),
          safety: safetyPatch.parse(input.safety),
          people: input.people.map((p) => personPatch.parse(p)),
          exploiters: input.exploiters.map((e) => exploiterPatch.parse(e)),
        }
        const signalId = await buildSignal(database, { advocateId: advocate.staffId })
        const caseId = await cases.createCase(actor, signalId)
        await cases.updateSituation(actor, caseId, written.situation)
        await cases.updateLocation(actor, caseId, written.location)
        await cases.updateSafety(actor, caseId, written.safety)
        for (const p of written.people) await cases.addPerson(actor, caseId, p)
        for (const e of written.exploiters) await cases.addExploiter(actor, caseId, e)

        const opened = await cases.read(actor, caseId)
        const detail = caseDetail.parse(presentCase(opened, advocate))
        expect(detail.situation).toEqual(filled(Object.keys(situationExport), written.situation))
        expect(detail.location).toEqual(
          filled(['province', 'municipality', 'communitySize'], written.location),
        )
        expect(detail.safety).toEqual({
          status: written.safety.status ?? 'not_asked',
          plan: filled(['plan', 'safePlace', 'supports'], written.safety.plan),
        })
        expect(detail.people.map(({ id: _id, createdAt: _c, updatedAt: _u, ...rest }) => rest)).toEqual(
          written.people.map((p) => ({
            ...filled(
              [
                'role',
                'age',
                'gender',
                'languages',
                'residency',
                'indigenous',
                'twoSpiritLgbtqi',
                'disability',
              ],
              p,
            ),
            safeContact: filled(
              ['callBack', 'voicemail', 'text', 'email', 'codeWord', 'safeTimes'],
              p.safeContact,
            ),
          })),
        )
        expect(detail.exploiters.map(({ id: _id, createdAt: _c, updatedAt: _u, ...rest }) => rest)).toEqual(
          written.exploiters.map((e) => ({
            ...filled(['count', 'relationship'], e),
            features: filled(
              ['tattoos', 'piercings', 'vehicle', 'licencePlate', 'onlinePlatforms'],
              e.features,
            ),
          })),
        )

        const exported = JSON.parse(JSON.stringify(toHtcds(opened, new Date())))
        for (const [field, name] of Object.entries(situationExport)) {
          const given = detail.situation[field as keyof typeof situationExport]
          if (given.state === 'given') expect(exported.case[name]).toEqual(given.value)
          else expect([exported.case[name], exported.case.rel_Unanswered[name]]).toEqual([null, given.state])
        }
        expect(exported.persons).toHaveLength(detail.people.length)
        detail.people.forEach((p, index) => {
          const record = exported.persons[index]
          for (const [field, name] of Object.entries(personExport)) {
            const given = p[field as keyof typeof personExport]
            if (given.state === 'given') expect(record[name]).toEqual(given.value)
            else expect([record[name], record.rel_Unanswered[name]]).toEqual([null, given.state])
          }
          const gender =
            p.gender.state === 'given'
              ? p.gender.value
              : p.gender.state === 'not_asked'
                ? null
                : 'NonSpecifiedUnknown'
          expect(record.prs_Gender).toBe(gender)
        })
        expect(exported.perpetrators).toHaveLength(detail.exploiters.length)
      }),
      { numRuns: 60 },
    )
  })
})
