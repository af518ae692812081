import type { WebFormKind } from '../../../common/contracts/web-form.ts'
import { recordThrottledFailure } from '../../db/throttle.ts'
import type { Db } from '../intake.store.ts'

/**
 * Spends a challenge's nonce, first forgetting those whose challenge has expired (they can no longer
 * be offered anyway). False when the nonce was already spent.
 */
export async function spendChallenge(db: Db, nonce: string, expiresAt: Date, now: Date): Promise<boolean> {
  await db.deleteFrom('intake_form_spent_challenge').where('expires_at', '<=', now).execute()
  const row = await db
    .insertInto('intake_form_spent_challenge')
    .values({ nonce, expires_at: expiresAt })
    .onConflict((oc) => oc.column('nonce').doNothing())
    .returning('nonce')
    .executeTakeFirst()
  return row !== undefined
}

export async function referenceTaken(db: Db, reference: string): Promise<boolean> {
  const row = await db
    .selectFrom('intake_form_submission')
    .select('id')
    .where('reference', '=', reference)
    .executeTakeFirst()
  return row !== undefined
}

export async function insertSubmission(
  db: Db,
  submission: {
    signalId: string
    messageId: string
    reference: string
    kind: WebFormKind
    anonymous: boolean
    contactSealed: string | null
    safeContactSealed: string | null
    submittedAt: Date
  },
): Promise<void> {
  await db
    .insertInto('intake_form_submission')
    .values({
      signal_id: submission.signalId,
      message_id: submission.messageId,
      reference: submission.reference,
      kind: submission.kind,
      anonymous: submission.anonymous,
      contact_sealed: submission.contactSealed,
      safe_contact_sealed: submission.safeContactSealed,
      submitted_at: submission.submittedAt,
    })
    .execute()
}

/** Marks an open signal "in danger now" (a later submission said so); true when it changed. */
export async function markInDanger(db: Db, signalId: string): Promise<boolean> {
  const row = await db
    .updateTable('intake_signal')
    .set({ in_danger: true })
    .where('id', '=', signalId)
    .where('in_danger', '=', false)
    .returning('id')
    .executeTakeFirst()
  return row !== undefined
}

export function findThrottle(db: Db, key: string) {
  return db.selectFrom('intake_form_throttle').selectAll().where('key', '=', key).executeTakeFirst()
}

/** Counts one more submission from an address and sets the wait the new count calls for. */
export function countSubmission(db: Db, key: string, now: Date, blockFor: (count: number) => number) {
  return recordThrottledFailure(db, 'intake_form_throttle', key, now, blockFor)
}
