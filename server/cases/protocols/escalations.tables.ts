import type { ColumnType, Generated, JSONColumnType } from 'kysely'
import type {
  Consent,
  EscalationKind,
  Outcome,
  ProtocolDocument,
  StepAction,
} from '../../../common/contracts/escalations.ts'

type Timestamp = ColumnType<Date, Date | string, Date | string>
type NullableTimestamp = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>
type DateOnly = ColumnType<string, string, string>

export type EscalationStatus = 'in_progress' | 'completed' | 'cancelled'
export type ReviewStatus = 'not_required' | 'pending' | 'approved' | 'returned'

export interface CaseProtocolTable {
  id: Generated<string>
  protocol_id: string
  version: number
  effective_from: DateOnly
  document: JSONColumnType<ProtocolDocument, string, string>
  created_by: string | null
  created_at: Timestamp
}

export interface CaseEscalationTable {
  id: Generated<string>
  case_id: string
  kind: EscalationKind
  protocol_id: string
  protocol_version: number
  status: ColumnType<EscalationStatus, EscalationStatus | undefined, EscalationStatus>
  consent: Consent
  imminent_danger: boolean
  imminent_danger_note_sealed: string | null
  next_step: ColumnType<number, number | undefined, number>
  agency_id: string | null
  agency_kind: string | null
  agency_name_en: string | null
  agency_name_fr: string | null
  agency_phone: string | null
  contacted_at: NullableTimestamp
  shared_fields: ColumnType<string[], string[] | undefined, string[]>
  report_reference_sealed: string | null
  outcome: Outcome | null
  outcome_note_sealed: string | null
  started_by: string
  started_at: Timestamp
  completed_by: string | null
  completed_at: NullableTimestamp
  cancelled_by: string | null
  cancelled_at: NullableTimestamp
  cancel_reason_sealed: string | null
  review_status: ColumnType<ReviewStatus, ReviewStatus | undefined, ReviewStatus>
  reviewed_by: string | null
  reviewed_at: NullableTimestamp
  review_note_sealed: string | null
  updated_at: Timestamp
}

export interface CaseEscalationPersonTable {
  escalation_id: string
  person_id: string
}

export interface CaseEscalationStepTable {
  id: Generated<string>
  escalation_id: string
  position: number
  step_id: string
  action: StepAction
  completed_by: string
  completed_at: Timestamp
  note_sealed: string | null
}

export interface EscalationTables {
  case_protocol: CaseProtocolTable
  case_escalation: CaseEscalationTable
  case_escalation_person: CaseEscalationPersonTable
  case_escalation_step: CaseEscalationStepTable
}
