import {
  type Age,
  type Answer,
  type CaseStatus,
  type ExploiterRelationship,
  htcdsRelationshipOf,
} from '../../common/contracts/cases.ts'
import type { HtcdsCaseStatus, HtcdsValue } from '../../common/htcds/index.ts'
import type { Secrets } from '../crypto/secrets.ts'
import {
  ageOf,
  exploiterColumns,
  locationColumns,
  personColumns,
  readAnswers,
  situationColumns,
} from './cases.answers.ts'
import type { OpenedCase } from './cases.service.ts'
import type { Db } from './cases.store.ts'

/**
 * A case as HTCDS 2.0 JSON, for a person's access request or a transfer with consent (ADR 008). Field
 * and value names are the standard's (prs_, vic_, per_, cas_, cco_, hte_); Relais's extensions carry
 * their own prefixes: sig_ (signals), saf_ (safety), ned_ (needs), rel_ (anything else of Relais), and
 * other modules' parts theirs (tip_ for law-enforcement tips, ref_ for referrals). A field without a given answer is null,
 * and each record's `rel_Unanswered` says why: unknown, declined or not_asked.
 */

export const HTCDS_VERSION = '2.0'

/**
 * The export's field names for what a case records, for every output that speaks the standard's
 * names (the statistics agency's extract among them).
 */
export const htcdsNames = {
  caseStatus: 'cas_Status',
  createdAt: 'rel_CreatedAt',
  traffickingTypes: 'vic_TypeOfExploitation',
  traffickingStatus: 'vic_TraffickingStatus',
  methodsOfControl: 'vic_MethodsOfControl',
  recruitment: 'vic_MethodOfRecruitment',
  industry: 'vic_ForcedLabourIndustry',
  province: 'hte_State',
  role: 'rel_Role',
  gender: 'prs_Gender',
  residency: 'rel_ResidencyStatus',
  needKind: 'ned_Kind',
  signalChannel: 'sig_Channel',
} as const

/** A case's status as HTCDS names it. */
export const htcdsCaseStatus = (status: CaseStatus): HtcdsCaseStatus =>
  status === 'closed' ? 'Closed' : 'Active'

/** HTCDS's gender for one not known. */
export const htcdsGenderUnknown: HtcdsValue<'prs_Gender'> = 'NonSpecifiedUnknown'

/**
 * What a part is given besides the transaction: the secrets, since what a person said is sealed
 * (a referral's alias and notes) and an export is where it is read back to them.
 */
export interface ExportContext {
  secrets: Secrets
}

/** Another module's part of the export (escalations, referrals), read in the export's transaction. */
export type ExportPart = (trx: Db, caseId: string, context: ExportContext) => Promise<Record<string, unknown>>
const parts = new Set<ExportPart>()

/** Adds a part to every case export; returns the function that removes it. */
export function registerExportPart(part: ExportPart): () => void {
  parts.add(part)
  return () => {
    parts.delete(part)
  }
}

/** Every registered part's keys, merged in registration order. */
export async function exportParts(
  trx: Db,
  caseId: string,
  context: ExportContext,
): Promise<Record<string, unknown>> {
  const merged: Record<string, unknown> = {}
  for (const part of parts) Object.assign(merged, await part(trx, caseId, context))
  return merged
}

type Json = Record<string, unknown>

/** Builds one exported record: each answer under its export name, states of the unanswered beside. */
function record(fields: [name: string, answer: Answer<unknown>, exported?: (value: unknown) => unknown][]) {
  const out: Json = {}
  const unanswered: Record<string, string> = {}
  for (const [name, answer, exported] of fields) {
    if (answer.state === 'given') {
      out[name] = exported ? exported(answer.value) : answer.value
    } else {
      out[name] = null
      unanswered[name] = answer.state
    }
  }
  return { out, unanswered }
}

/** A group of answers (safety plan, safe contact, features) as an object of values and states. */
function group(answers: Record<string, Answer<unknown>>, prefix: string) {
  return record(
    Object.entries(answers).map(([key, answer]) => [
      `${prefix}${key[0]!.toUpperCase()}${key.slice(1)}`,
      answer,
    ]),
  )
}

const iso = (value: Date | string | null) => (value ? new Date(value).toISOString() : null)

export function toHtcds(opened: OpenedCase, exportedAt: Date, extra: Json = {}): Json {
  const { file, staff } = opened
  const situation = readAnswers(situationColumns, file)
  const location = readAnswers(locationColumns, file)
  const plan = group(opened.safetyPlan, 'saf_')

  const situationRecord = record([
    [htcdsNames.traffickingTypes, situation.traffickingTypes],
    [htcdsNames.traffickingStatus, situation.traffickingStatus],
    [htcdsNames.methodsOfControl, situation.methodsOfControl],
    [htcdsNames.recruitment, situation.recruitment],
    [htcdsNames.industry, situation.industry],
    ['rel_PeopleAffected', situation.peopleAffected],
  ])
  const place = record([
    [htcdsNames.province, location.province],
    ['hte_City', location.municipality],
    ['rel_CommunitySize', location.communitySize],
  ])

  return {
    htcdsVersion: HTCDS_VERSION,
    rel_ExportedAt: exportedAt.toISOString(),
    case: {
      rel_CaseId: file.id,
      rel_CaseNumber: file.case_number,
      [htcdsNames.caseStatus]: htcdsCaseStatus(file.status),
      cas_CaseOwner: file.assigned_to ? (staff.get(file.assigned_to) ?? file.assigned_to) : null,
      cas_ReasonForCaseClosure: opened.closureReason,
      [htcdsNames.createdAt]: iso(file.created_at),
      rel_ClosedAt: iso(file.closed_at),
      saf_SafetyStatus: file.safety_status,
      saf_SafetyPlan: { ...plan.out, rel_Unanswered: plan.unanswered },
      ...situationRecord.out,
      rel_Unanswered: situationRecord.unanswered,
    },
    historicTraffickingEvents: [
      { hte_Type: 'Exploitation', hte_Country: 'CA', ...place.out, rel_Unanswered: place.unanswered },
    ],
    persons: opened.people.map(({ row, safeContact }) => {
      const answers = readAnswers(personColumns, row)
      const age = ageOf(row)
      const languages = answers.languages as Answer<string[]>
      const fields = record([
        [htcdsNames.role, answers.role],
        // HTCDS's "Not Specified/Unknown" covers what is not known and what the person kept to themselves.
        [
          htcdsNames.gender,
          answers.gender.state === 'unknown' || answers.gender.state === 'declined'
            ? { state: 'given', value: htcdsGenderUnknown }
            : answers.gender,
        ],
        ['prs_PrimaryLanguage', languages, (value) => (value as string[])[0]],
        ['prs_SecondaryLanguage', languages, (value) => (value as string[])[1] ?? null],
        ['rel_Languages', languages],
        [
          'rel_AgeYears',
          age,
          (value) => ('years' in (value as Age) ? (value as { years: number }).years : null),
        ],
        ['rel_AgeBand', age, (value) => ('band' in (value as Age) ? (value as { band: string }).band : null)],
        [htcdsNames.residency, answers.residency],
        ['rel_IndigenousIdentity', answers.indigenous],
        ['rel_TwoSpiritLgbtqi', answers.twoSpiritLgbtqi],
        ['rel_Disability', answers.disability],
      ])
      if (answers.gender.state !== 'given') fields.unanswered[htcdsNames.gender] = answers.gender.state
      const contact = group(safeContact, 'rel_')
      return {
        rel_PersonId: row.id,
        ...fields.out,
        rel_SafeContact: { ...contact.out, rel_Unanswered: contact.unanswered },
        rel_Unanswered: fields.unanswered,
      }
    }),
    perpetrators: opened.exploiters.map(({ row, features }) => {
      const answers = readAnswers(exploiterColumns, row)
      const relationship = answers.relationship as Answer<ExploiterRelationship>
      const fields = record([
        ['rel_Count', answers.count],
        [
          'vic_RelationshipToTrafficker',
          relationship.state === 'given' && htcdsRelationshipOf[relationship.value] === null
            ? { state: 'unknown' }
            : relationship,
          (value) => htcdsRelationshipOf[value as ExploiterRelationship],
        ],
        ['rel_Relationship', relationship],
      ])
      const { onlinePlatforms, ...rest } = features
      const described = group(rest, 'rel_')
      const platforms = record([['vic_ExploitationWebsitesAndApps', onlinePlatforms]])
      return {
        rel_PerpetratorId: row.id,
        per_RoleInProcess: ['Exploiter'],
        ...fields.out,
        ...platforms.out,
        ...described.out,
        rel_Unanswered: { ...fields.unanswered, ...platforms.unanswered, ...described.unanswered },
      }
    }),
    caseComments: opened.notes.map((note) => ({
      cco_CaseComment: note.body,
      rel_Author: note.authorId ? (staff.get(note.authorId) ?? note.authorId) : null,
      rel_CreatedAt: iso(note.createdAt),
    })),
    signals: opened.signals.map((signal) => ({
      sig_Id: signal.signal_id,
      [htcdsNames.signalChannel]: signal.channel,
      sig_Classification: signal.classification,
      sig_ReceivedAt: iso(signal.received_at),
      sig_AnsweredAt: iso(signal.answered_at),
      sig_EndedAt: iso(signal.ended_at),
      sig_LinkedAt: iso(signal.linked_at),
    })),
    needs: opened.needs.map((need) => ({
      ned_Id: need.id,
      [htcdsNames.needKind]: need.kind,
      ned_Status: need.status,
      ned_PersonId: need.person_id,
      ned_CreatedAt: iso(need.created_at),
      ned_StatusChangedAt: iso(need.status_changed_at),
    })),
    ...extra,
  }
}
