import type { ColumnType, Generated, JSONColumnType } from 'kysely'
import type {
  CallerType,
  Channel,
  MessageDirection,
  PresenceState,
  SignalProvince,
  SignalStatus,
} from '../../common/contracts/intake.ts'

export { callerTypes, channels, presenceStates, signalProvinces } from '../../common/contracts/intake.ts'
export type { CallerType, Channel, MessageDirection, PresenceState, SignalProvince, SignalStatus }

type Timestamp = ColumnType<Date, Date | string, Date | string>
type NullableTimestamp = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>

export type ContactKind = 'phone' | 'whatsapp' | 'email'
export const classifications = [
  'trafficking',
  'non_trafficking_concern',
  'information_request',
  'other',
] as const
export type Classification = (typeof classifications)[number]
export type SafeToChat = 'yes' | 'no' | 'unsure'
export type MessageProvider = 'twilio' | 'whatsapp' | 'relais' | 'email'
export type WebhookProvider = 'twilio' | 'whatsapp' | 'email'
export const deliveryStatuses = ['queued', 'sent', 'delivered', 'read', 'failed', 'undelivered'] as const
export type DeliveryStatus = (typeof deliveryStatuses)[number]

/** An attachment as the provider announced it; the file itself is not fetched here. */
export interface MediaItem {
  type: string | null
  size: number | null
  url: string | null
  providerId: string | null
  /** The stored file (intake_attachment), when it was kept. */
  attachmentId?: string
  /**
   * Why the file was not kept: its type, its size, or one attachment too many; for media fetched from
   * a provider also a host other than the provider's own, a download that failed, or bytes that do
   * not match the provider's checksum.
   */
  refused?: 'type' | 'size' | 'count' | 'host' | 'unavailable' | 'checksum'
  /** A fetch from the provider is in progress until this time (ISO 8601): others leave it alone. */
  fetchingUntil?: string
}

export interface IntakeContactTable {
  id: Generated<string>
  kind: ContactKind
  blind_index: string
  address_sealed: string
  display_name_sealed: string | null
  first_seen_at: Timestamp
  last_seen_at: Timestamp
}

export interface IntakeSignalTable {
  id: Generated<string>
  channel: Channel
  contact_id: string | null
  languages: ColumnType<string[], string[] | undefined, string[]>
  queue: string
  advocate_id: string | null
  status: Generated<SignalStatus>
  received_at: Timestamp
  enqueued_at: NullableTimestamp
  offered_at: NullableTimestamp
  answered_at: NullableTimestamp
  abandoned_at: NullableTimestamp
  ended_at: NullableTimestamp
  wrap_up_ended_at: NullableTimestamp
  classification: Classification | null
  /** Recorded at wrap-up when the person said; null when not recorded. */
  province: SignalProvince | null
  caller_type: CallerType | null
  /** Kept by PostgreSQL: a hash of the columns the funder's report reads (64-bit: read it as text). */
  report_hash: ColumnType<number, never, never>
  last_seq: Generated<number>
  last_message_at: Timestamp
  language: Generated<string>
  preferred_language: string | null
  skill: string | null
  in_danger: Generated<boolean>
  fallback_at: NullableTimestamp
  interpreter_needed: Generated<boolean>
  target_advocate_id: string | null
  visitor_token_hash: string | null
  safe_to_chat: SafeToChat | null
}

export interface IntakeMessageTable {
  id: Generated<string>
  signal_id: string
  seq: number
  direction: MessageDirection
  author_id: string | null
  body_sealed: string | null
  media: JSONColumnType<MediaItem[], string | undefined, string>
  kind: Generated<string>
  provider: MessageProvider
  external_id: string
  received_at: Timestamp
  provider_sent_at: NullableTimestamp
  delivery_status: DeliveryStatus | null
  delivery_error: string | null
  queued_at: NullableTimestamp
  sent_at: NullableTimestamp
  delivered_at: NullableTimestamp
  read_at: NullableTimestamp
  failed_at: NullableTimestamp
}

export interface IntakeWebhookEventTable {
  id: Generated<string>
  provider: WebhookProvider
  external_id: string
  kind: 'message' | 'status' | 'other'
  received_at: Timestamp
  payload_sealed: string
}

export interface IntakeSenderRateTable {
  key: string
  window_started_at: Timestamp
  count: number
}

export interface IntakePresenceTable {
  staff_id: string
  state: PresenceState
  languages: ColumnType<string[], string[] | undefined, string[]>
  skills: ColumnType<string[], string[] | undefined, string[]>
  state_since: Timestamp
  last_offered_at: NullableTimestamp
}

export type OfferOutcome = 'accepted' | 'declined' | 'expired' | 'withdrawn'

export interface IntakeOfferTable {
  id: Generated<string>
  signal_id: string
  advocate_id: string
  offered_at: Timestamp
  expires_at: Timestamp
  outcome: OfferOutcome | null
  decided_at: NullableTimestamp
}

export interface IntakeAttachmentTable {
  id: Generated<string>
  message_id: string
  content_type: string
  size_bytes: number
  sha256: string
  filename_sealed: string | null
  content_sealed: string
  stored_at: Timestamp
}

export interface IntakeOutboxTable {
  id: Generated<string>
  message_id: string
  signal_id: string
  channel: Channel
  attempts: Generated<number>
  next_attempt_at: Timestamp
  last_error: string | null
  dead_at: NullableTimestamp
  sent_at: NullableTimestamp
  created_at: Timestamp
}

/** Conversations opened per visitor address, for a back-off (see server/db/throttle.ts). */
export interface IntakeChatThrottleTable {
  key: string
  failures: ColumnType<number, number | undefined, number>
  last_failure_at: ColumnType<Date, Date | string | undefined, Date | string>
  blocked_until: NullableTimestamp
}

export interface IntakeTables {
  intake_chat_throttle: IntakeChatThrottleTable
  intake_outbox: IntakeOutboxTable
  intake_attachment: IntakeAttachmentTable
  intake_presence: IntakePresenceTable
  intake_offer: IntakeOfferTable
  intake_contact: IntakeContactTable
  intake_signal: IntakeSignalTable
  intake_message: IntakeMessageTable
  intake_webhook_event: IntakeWebhookEventTable
  intake_sender_rate: IntakeSenderRateTable
}
