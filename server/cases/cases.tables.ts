import type { ColumnType, Generated } from 'kysely'
import type { AnswerState, CaseStatus, NeedStatus, SafetyStatus } from '../../common/contracts/cases.ts'

type Timestamp = ColumnType<Date, Date | string, Date | string>
type NullableTimestamp = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>
/** The state of an answer beside its value column; the value is set exactly when "given". */
type AnswerColumn = ColumnType<AnswerState, AnswerState | undefined, AnswerState>
type TextArray = ColumnType<string[] | null, string[] | null | undefined, string[] | null>

export interface CaseNumberCounterTable {
  year: number
  last: number
}

export interface CaseFileTable {
  id: Generated<string>
  case_number: string
  status: ColumnType<CaseStatus, CaseStatus | undefined, CaseStatus>
  safety_status: ColumnType<SafetyStatus, SafetyStatus | undefined, SafetyStatus>
  safety_plan_sealed: string | null
  people_affected: number | null
  people_affected_answer: AnswerColumn
  trafficking_types: TextArray
  trafficking_types_answer: AnswerColumn
  trafficking_status: string | null
  trafficking_status_answer: AnswerColumn
  methods_of_control: TextArray
  methods_of_control_answer: AnswerColumn
  recruitment_methods: TextArray
  recruitment_methods_answer: AnswerColumn
  industry: string | null
  industry_answer: AnswerColumn
  province: string | null
  province_answer: AnswerColumn
  municipality: string | null
  municipality_answer: AnswerColumn
  community_size: string | null
  community_size_answer: AnswerColumn
  created_by: string | null
  assigned_to: string | null
  created_at: Timestamp
  updated_at: Timestamp
  closed_at: NullableTimestamp
  closed_by: string | null
  closure_reason_sealed: string | null
  last_worked_at: Timestamp
  /** When retention removed its personal data (the case stays, for the counts). */
  purged_at: NullableTimestamp
}

export type CaseWorkerVia = 'created' | 'worked' | 'assigned'

export interface CaseWorkerTable {
  case_id: string
  staff_id: string
  via: CaseWorkerVia
  first_at: Timestamp
  last_worked_at: Timestamp
}

export interface CaseSignalTable {
  case_id: string
  signal_id: string
  linked_by: string | null
  linked_at: Timestamp
}

export interface CasePersonTable {
  id: Generated<string>
  case_id: string
  role: string | null
  role_answer: AnswerColumn
  age_years: number | null
  age_band: string | null
  age_answer: AnswerColumn
  gender: string | null
  gender_answer: AnswerColumn
  languages: TextArray
  languages_answer: AnswerColumn
  residency: string | null
  residency_answer: AnswerColumn
  indigenous: string | null
  indigenous_answer: AnswerColumn
  two_spirit_lgbtqi: boolean | null
  two_spirit_lgbtqi_answer: AnswerColumn
  disability: boolean | null
  disability_answer: AnswerColumn
  safe_contact_sealed: string | null
  created_by: string | null
  created_at: Timestamp
  updated_at: Timestamp
}

export interface CaseExploiterTable {
  id: Generated<string>
  case_id: string
  count: number | null
  count_answer: AnswerColumn
  relationship: string | null
  relationship_answer: AnswerColumn
  features_sealed: string | null
  created_by: string | null
  created_at: Timestamp
  updated_at: Timestamp
}

export interface CaseNeedTable {
  id: Generated<string>
  case_id: string
  person_id: string | null
  kind: string
  status: ColumnType<NeedStatus, NeedStatus | undefined, NeedStatus>
  created_by: string | null
  created_at: Timestamp
  updated_at: Timestamp
  status_changed_at: Timestamp
}

export interface CaseNoteTable {
  id: Generated<string>
  case_id: string
  author_id: string | null
  body_sealed: string
  created_at: Timestamp
}

export interface CaseAccessTable {
  id: Generated<string>
  case_id: string
  staff_id: string
  reason_sealed: string
  opened_at: Timestamp
  expires_at: Timestamp
}

export interface CasePurgedSignalTable {
  signal_id: string
  purged_at: Timestamp
}

export interface CasesTables {
  case_purged_signal: CasePurgedSignalTable
  case_number_counter: CaseNumberCounterTable
  case_file: CaseFileTable
  case_worker: CaseWorkerTable
  case_signal: CaseSignalTable
  case_person: CasePersonTable
  case_exploiter: CaseExploiterTable
  case_need: CaseNeedTable
  case_note: CaseNoteTable
  case_access: CaseAccessTable
}
