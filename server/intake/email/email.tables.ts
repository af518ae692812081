import type { ColumnType } from 'kysely'

type Timestamp = ColumnType<Date, Date | string, Date | string>

export interface IntakeEmailMessageTable {
  /** The intake_message this email is (inbound) or was sent as (a reply). */
  message_id: string
  signal_id: string
  direction: 'in' | 'out'
  message_id_index: string
  /** Sealed JSON of {@link EmailThread}. */
  thread_sealed: string
  subject_sealed: string | null
  contact_id: string | null
  continues_signal_id: string | null
  recorded_at: Timestamp
}

/** The Message-ID of an email and the ids it answered, oldest first (its References). */
export interface EmailThread {
  messageId: string
  references: string[]
}

export interface EmailTables {
  intake_email_message: IntakeEmailMessageTable
}
