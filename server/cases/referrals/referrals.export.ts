import type { ExportPart } from '../cases.export.ts'
import { referralsOf } from './referrals.store.ts'

/** The export's name for a referral's outcome, shared by the outputs that speak its names. */
export const referralStatusName = 'ref_Status'

const iso = (at: Date | null) => (at ? at.toISOString() : null)

/**
 * The referrals part of a case export (`ref_` fields): each referral as the case records it, the
 * service named as the directory named it then, in both languages, the person's consent as the list
 * of what they agreed to share with the provider, the alias and warm-handoff note they gave, every
 * outcome with its date and note, and the latest email of the service's details to the person.
 * Consent governs what reaches the provider; an export is the case itself, read back to the person
 * or handed on with their consent, so what the referral holds is exported whole, sealed values opened.
 */
export const exportReferrals: ExportPart = async (trx, caseId, { secrets }) => {
  const open = (sealed: string | null) => (sealed ? secrets.open(sealed) : null)
  const referrals = await referralsOf(trx, caseId)
  return {
    referrals: referrals.map(({ row, events }) => ({
      ref_Id: row.id,
      ref_NeedId: row.need_id,
      ref_NeedKind: row.need_kind,
      ref_PersonId: row.person_id,
      ref_ServiceId: row.service_id,
      ref_ServiceName: { en: row.service_name_en, fr: row.service_name_fr },
      ref_OrganizationId: row.organization_id,
      ref_OrganizationName: { en: row.organization_name_en, fr: row.organization_name_fr },
      ref_ConsentGiven: row.consent_given,
      ref_ConsentAt: iso(row.consent_at),
      ref_SharedFields: row.shared_fields,
      ref_Alias: open(row.alias_sealed),
      ref_HandoffNote: open(row.handoff_note_sealed),
      [referralStatusName]: row.status,
      ref_StatusChangedAt: iso(row.status_changed_at),
      ref_FollowUpDueAt: iso(row.follow_up_due_at),
      ref_EmailStatus: row.email_status,
      ref_EmailSentAt: iso(row.email_sent_at),
      ref_PersonEmailStatus: row.person_email_status,
      ref_PersonEmailTo: open(row.person_email_to_sealed),
      ref_PersonEmailSentAt: iso(row.person_email_sent_at),
      ref_CreatedAt: iso(row.created_at),
      ref_History: events.map((event) => ({
        [referralStatusName]: event.status,
        ref_OccurredAt: iso(event.occurred_at),
        ref_Note: open(event.note_sealed),
      })),
    })),
  }
}
