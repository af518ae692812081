import type { CasePurgePart } from '../retention.ts'

/**
 * Referrals' share of a long-closed case's purge: the alias, the warm-handoff note, the notes of
 * each outcome and the person's email address (with the mail server's answer to it) go; the need's kind, the service, the consent given (field names only), the outcomes
 * and their dates stay, for the counts of referrals and their results.
 */
export const purgeReferrals: CasePurgePart = async (trx, caseIds) => {
  if (caseIds.length === 0) return
  await trx
    .updateTable('case_referral')
    .set({
      alias_sealed: null,
      handoff_note_sealed: null,
      person_email_to_sealed: null,
      person_email_error_sealed: null,
    })
    .where('case_id', 'in', caseIds)
    .execute()
  await trx
    .updateTable('case_referral_event')
    .set({ note_sealed: null })
    .where('referral_id', 'in', (eb) =>
      eb.selectFrom('case_referral').select('id').where('case_id', 'in', caseIds),
    )
    .execute()
}
