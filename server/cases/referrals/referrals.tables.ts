import type { ColumnType, Generated } from 'kysely'
import type { NeedKind } from '../../../common/contracts/cases.ts'
import type {
  ReferralEmailStatus,
  ReferralOutcome,
  ShareableReferralField,
} from '../../../common/contracts/referrals.ts'
import type { ReferralStatus } from '../../directory/directory.tables.ts'

type Timestamp = ColumnType<Date, Date | string, Date | string>
type NullableTimestamp = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>

export interface CaseReferralTable {
  id: Generated<string>
  case_id: string
  need_id: string | null
  need_kind: NeedKind
  person_id: string | null
  service_id: string
  organization_id: string
  service_name_en: string | null
  service_name_fr: string | null
  organization_name_en: string | null
  organization_name_fr: string | null
  service_confidential: boolean
  service_referral_status: ReferralStatus | null
  consent_given: boolean
  consent_at: Timestamp
  shared_fields: ColumnType<
    ShareableReferralField[],
    ShareableReferralField[] | undefined,
    ShareableReferralField[]
  >
  alias_sealed: string | null
  handoff_note_sealed: string | null
  status: ColumnType<ReferralOutcome, ReferralOutcome | undefined, ReferralOutcome>
  status_changed_at: Timestamp
  follow_up_due_at: NullableTimestamp
  email_status: ColumnType<ReferralEmailStatus, ReferralEmailStatus | undefined, ReferralEmailStatus>
  email_to: string | null
  email_language: 'en' | 'fr' | null
  email_attempted_at: NullableTimestamp
  email_sent_at: NullableTimestamp
  email_error: string | null
  person_email_status: ColumnType<ReferralEmailStatus, ReferralEmailStatus | undefined, ReferralEmailStatus>
  person_email_to_sealed: string | null
  person_email_language: 'en' | 'fr' | null
  person_email_by: string | null
  person_email_attempted_at: NullableTimestamp
  person_email_sent_at: NullableTimestamp
  person_email_error_sealed: string | null
  created_by: string
  created_at: Timestamp
  updated_at: Timestamp
}

export interface CaseReferralEventTable {
  id: Generated<string>
  referral_id: string
  status: ReferralOutcome
  note_sealed: string | null
  occurred_at: Timestamp
  recorded_by: string
  recorded_at: Timestamp
}

export interface ReferralTables {
  case_referral: CaseReferralTable
  case_referral_event: CaseReferralEventTable
}
