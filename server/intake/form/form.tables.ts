import type { ColumnType, Generated } from 'kysely'
import type { WebFormKind } from '../../../common/contracts/web-form.ts'

type Timestamp = ColumnType<Date, Date | string, Date | string>
type NullableTimestamp = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>

export interface IntakeFormSubmissionTable {
  id: Generated<string>
  signal_id: string
  message_id: string
  reference: string
  kind: WebFormKind
  anonymous: boolean
  contact_sealed: string | null
  safe_contact_sealed: string | null
  submitted_at: Timestamp
}

export interface IntakeFormSpentChallengeTable {
  nonce: string
  expires_at: Timestamp
}

export interface IntakeFormThrottleTable {
  key: string
  failures: number
  last_failure_at: Timestamp
  blocked_until: NullableTimestamp
}

export interface FormTables {
  intake_form_submission: IntakeFormSubmissionTable
  intake_form_spent_challenge: IntakeFormSpentChallengeTable
  intake_form_throttle: IntakeFormThrottleTable
}
