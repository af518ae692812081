import type { ColumnType, Generated, JSONColumnType } from 'kysely'
import type { SurveyAnswer } from '../../common/contracts/survey.ts'

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>
type NullableTimestamp = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>

export interface SurveyCampaignTable {
  id: Generated<string>
  title: string
  message_en: string
  message_fr: string
  validity_days: number
  province: string | null
  include_agencies: boolean
  created_by: string
  created_at: Generated<Date>
}

export type DeliveryStatus = 'pending' | 'sending' | 'sent' | 'failed'

export interface SurveyRecipientTable {
  id: Generated<string>
  campaign_id: string
  organization_id: string
  email: string
  language: 'en' | 'fr'
  status: Generated<DeliveryStatus>
  token_hash: string | null
  expires_at: NullableTimestamp
  attempts: Generated<number>
  last_error: string | null
  last_attempt_at: NullableTimestamp
  sent_at: NullableTimestamp
  opened_at: NullableTimestamp
  used_at: NullableTimestamp
}

export type ReviewStatus = 'pending' | 'approved' | 'rejected'

export interface SurveyResponseTable {
  id: Generated<string>
  recipient_id: string
  campaign_id: string
  organization_id: string
  answer: JSONColumnType<SurveyAnswer, string, string>
  note_sealed: string | null
  language: 'en' | 'fr'
  submitted_at: Generated<Date>
  review_status: Generated<ReviewStatus>
  outcome: 'confirmed' | 'changed' | null
  reviewed_by: string | null
  reviewed_at: NullableTimestamp
  review_note: string | null
}

export interface SurveyLinkThrottleTable {
  key: string
  failures: number
  last_failure_at: Timestamp
  blocked_until: NullableTimestamp
}

export interface SurveyTables {
  survey_campaign: SurveyCampaignTable
  survey_recipient: SurveyRecipientTable
  survey_response: SurveyResponseTable
  survey_link_throttle: SurveyLinkThrottleTable
}
