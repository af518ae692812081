import { sql } from 'kysely'
import { type SafeContact, safeContactFields } from '../../common/contracts/cases.ts'
import { type AuditContext, appendAuditEvent } from '../audit/audit.store.ts'
import type { Secrets } from '../crypto/secrets.ts'
import { AppError } from '../http/errors.ts'
import type { Channel } from '../intake/intake.tables.ts'
import { openGroup } from './cases.answers.ts'
import type { Db } from './cases.store.ts'

/**
 * Outbound contact started by staff (a reply on a conversation, a referral's details emailed to the
 * person) is refused when a person of the case said that way of reaching them is not safe (someone
 * reads their phone, shares their mailbox). Only an explicit "no" blocks: an unanswered question
 * does not. An advocate may go ahead with a written reason, which is audited.
 */

/** The ways staff reach out, named as the case's safe-contact questions name them. */
export type ContactMethod = keyof Pick<SafeContact, 'text' | 'email' | 'callBack' | 'voicemail'>

/** A decision to contact the person although they said it is unsafe, and who makes it. */
export interface ContactOverride {
  reason: string
  audit: AuditContext
}

/** The safe-contact question a reply by this channel answers to; none for a live web chat or form. */
export function contactMethodOf(channel: Channel): ContactMethod | null {
  switch (channel) {
    case 'sms':
    case 'whatsapp':
      return 'text'
    case 'email':
      return 'email'
    case 'voice':
      return 'callBack'
    default:
      return null
  }
}

/**
 * The people who said `method` is not safe, among the cases holding this signal or another signal of
 * the same contact (a person writing again from the same number is the same person, whose earlier
 * case already says how to reach them).
 */
export async function peopleUnsafeFor(trx: Db, secrets: Secrets, signalId: string, method: ContactMethod) {
  const rows = await trx
    .selectFrom('case_person as p')
    .select(['p.id', 'p.case_id', 'p.safe_contact_sealed'])
    .where('p.safe_contact_sealed', 'is not', null)
    .where((eb) =>
      eb.or([
        eb.exists(
          eb
            .selectFrom('case_signal as cs')
            .whereRef('cs.case_id', '=', 'p.case_id')
            .where('cs.signal_id', '=', signalId)
            .select(sql`1`.as('one')),
        ),
        eb.exists(
          eb
            .selectFrom('case_signal as cs')
            .innerJoin('intake_signal as other', 'other.id', 'cs.signal_id')
            .innerJoin('intake_signal as current', 'current.contact_id', 'other.contact_id')
            .whereRef('cs.case_id', '=', 'p.case_id')
            .where('current.id', '=', signalId)
            .select(sql`1`.as('one')),
        ),
      ]),
    )
    .orderBy('p.case_id')
    .orderBy('p.id')
    .execute()
  return rows.filter((row) => saidUnsafe(secrets, row.safe_contact_sealed, method))
}

/** Whether a person's sealed safe-contact answers say `method` is not safe: only an explicit no. */
export function saidUnsafe(secrets: Secrets, sealed: string | null, method: ContactMethod): boolean {
  const answer = openGroup(secrets, sealed, safeContactFields)[method]
  return answer.state === 'given' && answer.value === false
}

/**
 * Refuses (409 `contact_unsafe`, naming `override`) contact by `method` with people who said it is
 * not safe, unless an override gives the reason: it is then audited as `action` on the entity, in the
 * caller's transaction, with the people and cases concerned. Nothing happens when nobody said no.
 */
export async function refuseUnlessOverridden(
  trx: Db,
  {
    method,
    unsafe,
    override,
    action,
    entityType,
    entityId,
    details,
  }: {
    method: ContactMethod
    unsafe: readonly { id: string; case_id: string }[]
    override: ContactOverride | undefined
    action: string
    entityType: string
    entityId: string
    details: Record<string, unknown>
  },
): Promise<void> {
  if (unsafe.length === 0) return
  if (!override) {
    throw new AppError('contact_unsafe', 409, {
      values: { method },
      fields: [{ path: 'override', code: 'contact_unsafe', message: '', values: { method } }],
    })
  }
  await appendAuditEvent(trx, override.audit, {
    action,
    entityType,
    entityId,
    details: {
      ...details,
      method,
      reason: override.reason,
      caseIds: [...new Set(unsafe.map((row) => row.case_id))],
      personIds: unsafe.map((row) => row.id),
    },
  })
}

/**
 * Refuses (409 `contact_unsafe`) contacting the person behind `signalId` by `channel` when someone in
 * its cases said that is not safe, unless an override with a reason is given: the override is then
 * audited (`intake.reply.unsafe_override`) in the caller's transaction, so it stands or falls with
 * the reply. Call it in the transaction that queues the contact, after locking the signal.
 */
export async function assertContactSafe(
  trx: Db,
  secrets: Secrets,
  signalId: string,
  channel: Channel,
  override?: ContactOverride,
): Promise<void> {
  const method = contactMethodOf(channel)
  if (!method) return
  await refuseUnlessOverridden(trx, {
    method,
    unsafe: await peopleUnsafeFor(trx, secrets, signalId, method),
    override,
    action: 'intake.reply.unsafe_override',
    entityType: 'intake_signal',
    entityId: signalId,
    details: { channel },
  })
}
