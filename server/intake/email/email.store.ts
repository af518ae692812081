import type { Db } from '../intake.store.ts'

export interface EmailMessageRow {
  messageId: string
  signalId: string
  direction: 'in' | 'out'
  messageIdIndex: string
  threadSealed: string
  subjectSealed: string | null
  contactId: string | null
  continuesSignalId: string | null
  recordedAt: Date
}

export async function insertEmailMessage(db: Db, row: EmailMessageRow): Promise<void> {
  await db
    .insertInto('intake_email_message')
    .values({
      message_id: row.messageId,
      signal_id: row.signalId,
      direction: row.direction,
      message_id_index: row.messageIdIndex,
      thread_sealed: row.threadSealed,
      subject_sealed: row.subjectSealed,
      contact_id: row.contactId,
      continues_signal_id: row.continuesSignalId,
      recorded_at: row.recordedAt,
    })
    .execute()
}

/** Whether an email with this Message-ID (by its blind index) is already known, received or sent. */
export async function isKnownEmail(db: Db, messageIdIndex: string): Promise<boolean> {
  const inbound = await db
    .selectFrom('intake_webhook_event')
    .select('id')
    .where('provider', '=', 'email')
    .where('external_id', '=', messageIdIndex)
    .executeTakeFirst()
  if (inbound) return true
  const any = await db
    .selectFrom('intake_email_message')
    .select('message_id')
    .where('message_id_index', '=', messageIdIndex)
    .executeTakeFirst()
  return any !== undefined
}

/**
 * The conversation of the latest stored email among these Message-IDs (blind indexes), with its
 * contact and whether it has ended; the signal's row is locked for the caller's transaction.
 */
export function findThreadSignal(db: Db, messageIdIndexes: string[]) {
  return db
    .selectFrom('intake_email_message as email')
    .innerJoin('intake_signal as signal', 'signal.id', 'email.signal_id')
    .select(['signal.id', 'signal.contact_id', 'signal.ended_at'])
    .where('email.message_id_index', 'in', messageIdIndexes)
    .orderBy('email.recorded_at', 'desc')
    .limit(1)
    .forUpdate('signal')
    .executeTakeFirst()
}

/** The email a reply of this conversation answers: its latest one, received or sent. */
export function latestEmailOf(db: Db, signalId: string) {
  return db
    .selectFrom('intake_email_message as email')
    .innerJoin('intake_message as message', 'message.id', 'email.message_id')
    .select(['email.thread_sealed', 'email.subject_sealed'])
    .where('email.signal_id', '=', signalId)
    .orderBy('message.seq', 'desc')
    .limit(1)
    .executeTakeFirst()
}

/** The email already prepared for an outbound message (a retry sends the same Message-ID again). */
export function emailOfMessage(db: Db, messageId: string) {
  return db
    .selectFrom('intake_email_message')
    .select(['thread_sealed', 'subject_sealed'])
    .where('message_id', '=', messageId)
    .executeTakeFirst()
}

export async function insertAttachment(
  db: Db,
  attachment: {
    id: string
    messageId: string
    contentType: string
    sizeBytes: number
    sha256: string
    filenameSealed: string | null
    contentSealed: string
    storedAt: Date
  },
): Promise<void> {
  await db
    .insertInto('intake_attachment')
    .values({
      id: attachment.id,
      message_id: attachment.messageId,
      content_type: attachment.contentType,
      size_bytes: attachment.sizeBytes,
      sha256: attachment.sha256,
      filename_sealed: attachment.filenameSealed,
      content_sealed: attachment.contentSealed,
      stored_at: attachment.storedAt,
    })
    .execute()
}
