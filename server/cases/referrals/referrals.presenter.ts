import type { FollowUpList, ReferralView } from '../../../common/contracts/referrals.ts'
import type { Secrets } from '../../crypto/secrets.ts'
import type { FollowUpRow, ReferralDetail } from './referrals.store.ts'

export type Lang = 'en' | 'fr'

const pick = (lang: Lang, en: string | null, fr: string | null) =>
  (lang === 'fr' ? (fr ?? en) : (en ?? fr)) ?? ''
const iso = (at: Date | null) => (at ? at.toISOString() : null)

function staffRef(staff: Map<string, string>, id: string | null) {
  if (!id) return null
  return { id, displayName: staff.get(id) ?? '' }
}

/** A referral as the console shows it, sealed values opened, names in the reader's language. */
export function presentReferral(
  { row, events }: ReferralDetail,
  secrets: Secrets,
  staff: Map<string, string>,
  lang: Lang,
): ReferralView {
  return {
    id: row.id,
    caseId: row.case_id,
    needId: row.need_id,
    needKind: row.need_kind,
    personId: row.person_id,
    service: {
      id: row.service_id,
      organizationId: row.organization_id,
      name: pick(lang, row.service_name_en, row.service_name_fr),
      organizationName: pick(lang, row.organization_name_en, row.organization_name_fr),
      confidential: row.service_confidential,
      referralStatus: row.service_referral_status,
    },
    consent: { given: row.consent_given, at: row.consent_at.toISOString(), fields: row.shared_fields },
    alias: row.alias_sealed ? secrets.open(row.alias_sealed) : null,
    handoffNote: row.handoff_note_sealed ? secrets.open(row.handoff_note_sealed) : null,
    status: row.status,
    statusChangedAt: row.status_changed_at.toISOString(),
    history: events.map((event) => ({
      status: event.status,
      occurredAt: event.occurred_at.toISOString(),
      recordedAt: event.recorded_at.toISOString(),
      note: event.note_sealed ? secrets.open(event.note_sealed) : null,
      recordedBy: staffRef(staff, event.recorded_by),
    })),
    followUpDueAt: iso(row.follow_up_due_at),
    email: {
      status: row.email_status,
      to: row.email_to,
      language: row.email_language,
      attemptedAt: iso(row.email_attempted_at),
      sentAt: iso(row.email_sent_at),
      error: row.email_error,
    },
    personEmail: {
      status: row.person_email_status,
      to: row.person_email_to_sealed ? secrets.open(row.person_email_to_sealed) : null,
      language: row.person_email_language,
      by: staffRef(staff, row.person_email_by),
      attemptedAt: iso(row.person_email_attempted_at),
      sentAt: iso(row.person_email_sent_at),
      error: row.person_email_error_sealed ? secrets.open(row.person_email_error_sealed) : null,
    },
    createdBy: staffRef(staff, row.created_by),
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  }
}

/** The staff named in referrals, for `staffNames`. */
export const staffOf = (details: ReferralDetail[]) =>
  details.flatMap(({ row, events }) => [
    row.created_by,
    row.person_email_by,
    ...events.map((event) => event.recorded_by),
  ])

export function presentFollowUps(
  rows: FollowUpRow[],
  total: number,
  staff: Map<string, string>,
  lang: Lang,
): FollowUpList {
  return {
    followUps: rows.map((row) => ({
      referralId: row.id,
      caseId: row.case_id,
      caseNumber: row.case_number,
      needKind: row.need_kind,
      serviceName: pick(lang, row.service_name_en, row.service_name_fr),
      organizationName: pick(lang, row.organization_name_en, row.organization_name_fr),
      status: row.status,
      followUpDueAt: row.follow_up_due_at!.toISOString(),
      createdAt: row.created_at.toISOString(),
      assignedTo: staffRef(staff, row.assigned_to),
    })),
    total,
  }
}
