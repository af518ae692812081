import type { ColumnType } from 'kysely'

type Timestamp = ColumnType<Date, Date | string, Date | string>
type NullableTimestamp = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>
type Defaulted<T> = ColumnType<T, T | undefined, T>

/** The languages the phone line answers in (its menu: 1 English, 2 French). */
export type VoiceLanguage = 'en' | 'fr'

export interface IntakeVoiceCallTable {
  call_sid: string
  contact_id: string | null
  signal_id: string | null
  received_at: Timestamp
  menu_repeats: Defaulted<number>
  language: VoiceLanguage | null
  language_chosen_at: NullableTimestamp
  queue_result: string | null
  queue_time_seconds: number | null
  queue_result_at: NullableTimestamp
  call_status: string | null
  call_ended_at: NullableTimestamp
  advocate_id: string | null
  advocate_call_sid: string | null
  advocate_call_status: string | null
  bridge_requested_at: NullableTimestamp
  bridge_error: string | null
  hangup_requested_at: NullableTimestamp
  hangup_error: string | null
  interpreter_requested_at: NullableTimestamp
  interpreter_call_sid: string | null
  interpreter_call_status: string | null
  interpreter_error: string | null
}

export interface IntakeVoiceNumberTable {
  staff_id: string
  number_sealed: string
  updated_at: Timestamp
}

export interface IntakeVoiceRecordingTable {
  recording_sid: string
  signal_id: string
  duration_seconds: number | null
  recorded_at: Timestamp
  delete_requested_at: NullableTimestamp
  deleted_at: NullableTimestamp
}

export interface VoiceTables {
  intake_voice_call: IntakeVoiceCallTable
  intake_voice_number: IntakeVoiceNumberTable
  intake_voice_recording: IntakeVoiceRecordingTable
}
