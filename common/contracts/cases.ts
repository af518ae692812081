import { z } from 'zod'
import { type ProvinceCode, provinceCodes } from '../geography.ts'
import {
  type Gender,
  genders,
  type HtcdsRelationship,
  industries,
  methodsOfControl,
  onlinePlatforms,
  recruitmentMethods,
  traffickingStatuses,
  traffickingTypes,
} from '../htcds/index.ts'
import { roles } from '../permissions.ts'

/**
 * Case management: what the cases API accepts and returns. Nothing about a person is ever required:
 * every answer is explicit about what is known (`given`), not known (`unknown`), refused (`declined`)
 * or not raised yet (`not_asked`), so saving never waits on a question the person did not want.
 */

/** Limits shared by the API and the console. */
export const caseLimits = {
  noteMaxLength: 10_000,
  textMaxLength: 2_000,
  shortTextMaxLength: 200,
  closureReasonMaxLength: 2_000,
  breakGlassReasonMinLength: 20,
  breakGlassReasonMaxLength: 1_000,
  searchMaxLength: 100,
  pageSizeMax: 100,
  peopleAffectedMax: 100_000,
  exploiterCountMax: 1_000,
  ageMax: 120,
  languagesMax: 10,
  /** How long a break-the-glass opening lets an admin read the case. */
  breakGlassMinutes: 60,
} as const

// ---------------------------------------------------------------------------------------------------
// Answers

export const unansweredStates = ['unknown', 'declined', 'not_asked'] as const
export type UnansweredState = (typeof unansweredStates)[number]
export const answerStates = ['given', ...unansweredStates] as const
export type AnswerState = (typeof answerStates)[number]

/** One answer: a value only when given. */
export type Answer<T> = { state: 'given'; value: T } | { state: UnansweredState }

/** The schema of an answer whose value, when given, is `value`. */
export function answer<T extends z.ZodType>(value: T) {
  return z.discriminatedUnion('state', [
    z.strictObject({ state: z.literal('given'), value }),
    z.strictObject({ state: z.enum(unansweredStates) }),
  ])
}

export const notAsked = { state: 'not_asked' } as const

const text = (max: number) => z.string().trim().min(1).max(max)
const codes = <T extends readonly [string, ...string[]]>(list: T) =>
  z.array(z.enum(list)).min(1).max(list.length)

// ---------------------------------------------------------------------------------------------------
// Relais's own code lists (labels in common/locales/<lang>/cases.json)

export const caseStatuses = ['open', 'closed'] as const
export type CaseStatus = (typeof caseStatuses)[number]

/** "Is the person safe right now?" — the first question, always. */
export const safetyStatuses = ['yes', 'no', 'unsure', 'not_asked'] as const
export type SafetyStatus = (typeof safetyStatuses)[number]

/** Victim: still in the situation; survivor: has left it. */
export const personRoles = ['victim', 'survivor', 'concerned_other', 'professional'] as const
export type PersonRole = (typeof personRoles)[number]

/** Bands fine enough to tell every province's child-protection age (16 to 19) apart. */
export const ageBands = [
  'under_12',
  '12_15',
  '16_17',
  '18_24',
  '25_34',
  '35_44',
  '45_54',
  '55_64',
  '65_plus',
] as const
export type AgeBand = (typeof ageBands)[number]
const ageBandRanges: Record<AgeBand, { min: number; max: number | null }> = {
  under_12: { min: 0, max: 11 },
  '12_15': { min: 12, max: 15 },
  '16_17': { min: 16, max: 17 },
  '18_24': { min: 18, max: 24 },
  '25_34': { min: 25, max: 34 },
  '35_44': { min: 35, max: 44 },
  '45_54': { min: 45, max: 54 },
  '55_64': { min: 55, max: 64 },
  '65_plus': { min: 65, max: null },
}
export type Age = { years: number } | { band: AgeBand }

/** The ages an answer allows (inclusive; max null: no upper bound), or null when age is not given. */
export function ageRange(age: Answer<Age>): { min: number; max: number | null } | null {
  if (age.state !== 'given') return null
  return 'years' in age.value ? { min: age.value.years, max: age.value.years } : ageBandRanges[age.value.band]
}

export const residencyStatuses = [
  'citizen',
  'permanent_resident',
  'temporary_foreign_worker',
  'international_student',
  'refugee_claimant',
  'visitor',
  'no_status',
] as const
export type ResidencyStatus = (typeof residencyStatuses)[number]

export const indigenousIdentities = [
  'first_nations',
  'inuit',
  'metis',
  'indigenous_unspecified',
  'not_indigenous',
] as const
export type IndigenousIdentity = (typeof indigenousIdentities)[number]

/** Statistics Canada's population-centre sizes. */
export const communitySizes = [
  'rural',
  'small_population_centre',
  'medium_population_centre',
  'large_urban_population_centre',
] as const
export type CommunitySize = (typeof communitySizes)[number]

/** Finer than HTCDS's three relationships, each mapped to one of them on export. */
export const exploiterRelationships = [
  'family',
  'intimate_partner',
  'employer',
  'recruiter',
  'acquaintance',
  'stranger',
  'other',
] as const
export type ExploiterRelationship = (typeof exploiterRelationships)[number]
export const htcdsRelationshipOf: Record<ExploiterRelationship, HtcdsRelationship | null> = {
  family: 'Familial',
  intimate_partner: 'Acquainted',
  employer: 'Acquainted',
  recruiter: 'Acquainted',
  acquaintance: 'Acquainted',
  stranger: 'Unaquainted',
  other: null,
}

export const needStatuses = ['unmet', 'referred', 'met', 'declined'] as const
export type NeedStatus = (typeof needStatuses)[number]

/**
 * What a person may need: the directory's service types (relais-service-type codes), so a need
 * leads straight to a directory search. Police and dispatch are escalations, not needs.
 */
export const needKinds = [
  'immediate-safety',
  'housing',
  'housing-emergency',
  'housing-transitional',
  'housing-long-term',
  'health',
  'mental-health',
  'addiction',
  'material-needs',
  'exit-funds',
  'counselling',
  'case-management',
  'peer-support',
  'child-protection',
  'immigration',
  'labour-rights',
  'legal-aid',
  'spiritual-support',
  'education',
  'job-training',
  'transportation',
  'tattoo-removal',
  'identity-documents',
  'indigenous-healing',
] as const
export type NeedKind = (typeof needKinds)[number]

const languageCode = z
  .string()
  .refine((value) => /^[a-z]{2,3}(?:-[A-Za-z0-9]{2,8})?$/.test(value), { message: 'invalid' })

// ---------------------------------------------------------------------------------------------------
// Sections, as written (every field optional: absent means unchanged) and as read (every field present)

const shortText = text(caseLimits.shortTextMaxLength)
const longText = text(caseLimits.textMaxLength)

export const safetyPlanFields = {
  plan: answer(longText).describe('The steps agreed with the person'),
  safePlace: answer(longText).describe('Where the person can go, or stay, safely'),
  supports: answer(longText).describe('People and services the person can turn to'),
}
export const safetyFields = {
  status: z.enum(safetyStatuses).describe('Is the person safe right now?'),
  plan: z.strictObject(safetyPlanFields),
}
export const situationFields = {
  peopleAffected: answer(z.int().min(1).max(caseLimits.peopleAffectedMax)),
  traffickingTypes: answer(codes(traffickingTypes)).describe('HTCDS vic_TypeOfExploitation'),
  traffickingStatus: answer(z.enum(traffickingStatuses)).describe('HTCDS vic_TraffickingStatus'),
  methodsOfControl: answer(codes(methodsOfControl)).describe('HTCDS vic_MethodsOfControl'),
  recruitment: answer(codes(recruitmentMethods)).describe('HTCDS vic_MethodOfRecruitment'),
  industry: answer(z.enum(industries)).describe('HTCDS vic_ForcedLabourIndustry (ISIC section)'),
}
export const locationFields = {
  province: answer(z.enum(provinceCodes as [ProvinceCode, ...ProvinceCode[]])),
  municipality: answer(shortText),
  communitySize: answer(z.enum(communitySizes)),
}
export const safeContactFields = {
  callBack: answer(z.boolean()).describe('Is it safe to call the person back?'),
  voicemail: answer(z.boolean()).describe('Is it safe to leave a voicemail?'),
  text: answer(z.boolean()).describe('Is it safe to send a text message?'),
  email: answer(z.boolean()).describe('Is it safe to send an email?'),
  codeWord: answer(shortText).describe('A word the advocate says so the person knows it is the line'),
  safeTimes: answer(shortText).describe('When it is safe to reach the person'),
}
const ageValue = z.union([
  z.strictObject({ years: z.int().min(0).max(caseLimits.ageMax) }),
  z.strictObject({ band: z.enum(ageBands) }),
])
export const personFields = {
  role: answer(z.enum(personRoles)),
  age: answer(ageValue).describe('Age in years, or an age band'),
  gender: answer(z.enum(genders as [Gender, ...Gender[]])).describe(
    'HTCDS prs_Gender; "unknown" is exported as NonSpecifiedUnknown',
  ),
  languages: answer(z.array(languageCode).min(1).max(caseLimits.languagesMax)).describe(
    'BCP 47 codes, the preferred first',
  ),
  residency: answer(z.enum(residencyStatuses)),
  indigenous: answer(z.enum(indigenousIdentities)),
  twoSpiritLgbtqi: answer(z.boolean()),
  disability: answer(z.boolean()),
  safeContact: z.strictObject(safeContactFields),
}
export const exploiterFeatureFields = {
  tattoos: answer(longText),
  piercings: answer(longText),
  vehicle: answer(longText),
  licencePlate: answer(shortText),
  onlinePlatforms: answer(codes(onlinePlatforms)).describe('HTCDS vic_ExploitationWebsitesAndApps'),
}
export const exploiterFields = {
  count: answer(z.int().min(1).max(caseLimits.exploiterCountMax)).describe('How many people'),
  relationship: answer(z.enum(exploiterRelationships)).describe('Relationship to the victim'),
  features: z.strictObject(exploiterFeatureFields),
}

// Writes: every field optional (absent: unchanged), nested parts partial too.
export const safetyPatch = z.strictObject({
  status: safetyFields.status.optional(),
  plan: z.strictObject(safetyPlanFields).partial().optional(),
})
export const situationPatch = z.strictObject(situationFields).partial()
export const locationPatch = z.strictObject(locationFields).partial()
export const personPatch = z
  .strictObject({
    ...personFields,
    safeContact: z.strictObject(safeContactFields).partial(),
  })
  .partial()
export const exploiterPatch = z
  .strictObject({
    ...exploiterFields,
    features: z.strictObject(exploiterFeatureFields).partial(),
  })
  .partial()
export type SafetyPatch = z.infer<typeof safetyPatch>
export type SituationPatch = z.infer<typeof situationPatch>
export type LocationPatch = z.infer<typeof locationPatch>
export type PersonPatch = z.infer<typeof personPatch>
export type ExploiterPatch = z.infer<typeof exploiterPatch>

export const safetySection = z.strictObject(safetyFields)
export const situationSection = z.strictObject(situationFields)
export const locationSection = z.strictObject(locationFields)
export type Safety = z.infer<typeof safetySection>
export type SafetyPlan = Safety['plan']
export type Situation = z.infer<typeof situationSection>
export type Location = z.infer<typeof locationSection>
export type SafeContact = z.infer<z.ZodObject<typeof safeContactFields>>
export type ExploiterFeatures = z.infer<z.ZodObject<typeof exploiterFeatureFields>>

// ---------------------------------------------------------------------------------------------------
// Requests

export const caseIdParams = z.strictObject({ id: z.uuid() })
export const caseChildParams = z.strictObject({ id: z.uuid(), childId: z.uuid() })

export const createCaseRequest = z.strictObject({
  signalId: z.uuid().describe('The signal (conversation) the case starts from; the caller handles it'),
})
export const attachSignalRequest = z.strictObject({
  signalId: z.uuid().describe('A signal the caller handles, to add to the case'),
})

export const caseNumberPattern = /^C-\d{4}-\d{6}$/
export const caseSearchQuery = z.strictObject({
  number: z
    .string()
    .trim()
    .toUpperCase()
    .refine((value) => caseNumberPattern.test(value), { message: 'invalid' })
    .optional()
    .describe('An exact case number, such as C-2026-000123'),
  q: z
    .string()
    .trim()
    .min(1)
    .max(caseLimits.searchMaxLength)
    .optional()
    .describe('Part of a case number or a municipality'),
  status: z.enum(caseStatuses).optional(),
  province: z.enum(provinceCodes as [ProvinceCode, ...ProvinceCode[]]).optional(),
  assignedToMe: z
    .enum(['true', 'false'])
    .transform((value) => value === 'true')
    .optional(),
  limit: z.coerce.number().int().min(1).max(caseLimits.pageSizeMax).default(25),
  offset: z.coerce.number().int().min(0).max(10_000).default(0),
  lang: z.string().max(10).optional(),
})
export type CaseSearch = z.output<typeof caseSearchQuery>

export const hintQuery = z.strictObject({
  signalId: z.uuid().describe('The signal being handled; cases of its contact’s earlier signals'),
  lang: z.string().max(10).optional(),
})

export const personCreate = personPatch
export const exploiterCreate = exploiterPatch

export const needCreate = z.strictObject({
  kind: z.enum(needKinds),
  status: z.enum(needStatuses).default('unmet'),
  personId: z.uuid().nullable().optional().describe('The person of the case who has the need'),
})
export const needPatch = z.strictObject({
  status: z.enum(needStatuses).optional(),
  personId: z.uuid().nullable().optional(),
})
export type NeedCreate = z.output<typeof needCreate>
export type NeedPatch = z.output<typeof needPatch>

export const noteCreate = z.strictObject({
  body: z.string().trim().min(1).max(caseLimits.noteMaxLength).describe('Kept encrypted; never edited'),
})

export const closeRequest = z.strictObject({
  reason: z
    .string()
    .trim()
    .max(caseLimits.closureReasonMaxLength)
    .optional()
    .describe('HTCDS cas_ReasonForCaseClosure; kept encrypted'),
})

export const reassignRequest = z.strictObject({
  staffId: z.uuid().describe('The advocate or supervisor who takes the case'),
})

export const breakGlassRequest = z.strictObject({
  reason: z
    .string()
    .trim()
    .min(caseLimits.breakGlassReasonMinLength)
    .max(caseLimits.breakGlassReasonMaxLength)
    .describe('Why an administrator must read this case; supervisors see it'),
})
/** Break-the-glass by the number an administrator was given (an access request names its case so). */
export const breakGlassByNumberRequest = breakGlassRequest.extend({
  number: z
    .string()
    .trim()
    .toUpperCase()
    .refine((value) => caseNumberPattern.test(value), { message: 'invalid' })
    .describe('The case number, such as C-2026-000123'),
})

// ---------------------------------------------------------------------------------------------------
// Responses

const staffRef = z.object({ id: z.string(), displayName: z.string() })
const iso = z.string().describe('ISO 8601')

export const personView = z.object({ id: z.string(), ...personFields, createdAt: iso, updatedAt: iso })
export const exploiterView = z.object({ id: z.string(), ...exploiterFields, createdAt: iso, updatedAt: iso })
export const needView = z.object({
  id: z.string(),
  kind: z.enum(needKinds),
  status: z.enum(needStatuses),
  personId: z.string().nullable(),
  createdBy: staffRef.nullable(),
  createdAt: iso,
  updatedAt: iso,
  statusChangedAt: iso,
})
export const noteView = z.object({
  id: z.string(),
  body: z.string(),
  author: staffRef.nullable(),
  createdAt: iso,
})
export const caseSignalView = z.object({
  signalId: z.string(),
  channel: z.string(),
  status: z.string(),
  classification: z.string().nullable(),
  receivedAt: iso,
  answeredAt: iso.nullable(),
  endedAt: iso.nullable(),
  linkedAt: iso,
  linkedBy: staffRef.nullable(),
})
export const caseAbilities = z.object({
  update: z.boolean(),
  close: z.boolean(),
  reopen: z.boolean(),
  reassign: z.boolean(),
  export: z.boolean(),
})

export const caseDetail = z
  .object({
    id: z.string(),
    number: z.string(),
    status: z.enum(caseStatuses),
    safety: safetySection,
    situation: situationSection,
    location: locationSection,
    people: z.array(personView),
    exploiters: z.array(exploiterView),
    needs: z.array(needView),
    notes: z.array(noteView),
    signals: z.array(caseSignalView),
    createdBy: staffRef.nullable(),
    assignedTo: staffRef.nullable(),
    createdAt: iso,
    updatedAt: iso,
    lastWorkedAt: iso,
    closedAt: iso.nullable(),
    closureReason: z.string().nullable(),
    /** Dotted paths of the questions not raised yet (people.<id>.gender …), shown without nagging. */
    unasked: z.array(z.string()),
    abilities: caseAbilities,
    /** Set when the caller reads through a break-the-glass opening. */
    breakGlass: z.object({ reason: z.string(), expiresAt: iso }).nullable(),
  })
  .describe('A case, all sections')
export type CaseDetail = z.infer<typeof caseDetail>

export const caseSummary = z.object({
  id: z.string(),
  number: z.string(),
  status: z.enum(caseStatuses),
  safetyStatus: z.enum(safetyStatuses),
  province: z.string().nullable(),
  municipality: z.string().nullable(),
  signalCount: z.number(),
  assignedTo: staffRef.nullable(),
  createdAt: iso,
  lastWorkedAt: iso,
})
export type CaseSummary = z.infer<typeof caseSummary>
export const caseList = z.object({
  cases: z.array(caseSummary),
  total: z.number().describe('Matching cases the caller may see'),
})
export type CaseList = z.infer<typeof caseList>

export const breakGlassEntry = z.object({
  id: z.string(),
  caseId: z.string(),
  caseNumber: z.string(),
  admin: staffRef,
  reason: z.string(),
  openedAt: iso,
  expiresAt: iso,
})
export const breakGlassLog = z.object({ entries: z.array(breakGlassEntry) })
export type BreakGlassEntry = z.infer<typeof breakGlassEntry>

/** Who a supervisor may give a case to: active staff whose role works cases. */
export const assigneeList = z.object({
  assignees: z.array(z.object({ id: z.string(), displayName: z.string(), role: z.enum(roles) })),
})
export type Assignee = z.infer<typeof assigneeList>['assignees'][number]

/** The HTCDS 2.0 export: field and value names of the standard, Relais's extensions prefixed. */
export const caseExport = z.record(z.string(), z.unknown()).describe('HTCDS 2.0 case export')
