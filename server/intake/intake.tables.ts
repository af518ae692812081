import type { ColumnType, Generated, JSONColumnType } from 'kysely'

type Timestamp = ColumnType<Date, Date | string, Date | string>
type NullableTimestamp = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>

export const channels = ['sms', 'whatsapp', 'web_chat', 'web_form', 'email', 'voice'] as const
export type Channel = (typeof channels)[number]
export type ContactKind = 'phone' | 'whatsapp' | 'email'
export type SignalStatus = 'queued' | 'offered' | 'active' | 'wrap_up' | 'ended' | 'abandoned'
export type MessageProvider = 'twilio' | 'whatsapp' | 'relais'
export type WebhookProvider = 'twilio' | 'whatsapp'
export const deliveryStatuses = ['queued', 'sent', 'delivered', 'read', 'failed', 'undelivered'] as const
export type DeliveryStatus = (typeof deliveryStatuses)[number]

/** An attachment as the provider announced it; the file itself is not fetched here. */
export interface MediaItem {
  type: string | null
  size: number | null
  url: string | null
  providerId: string | null
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
  classification: string | null
  last_seq: Generated<number>
  last_message_at: Timestamp
}

export interface IntakeMessageTable {
  id: Generated<string>
  signal_id: string
  seq: number
  direction: 'in' | 'out'
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

export interface IntakeTables {
  intake_contact: IntakeContactTable
  intake_signal: IntakeSignalTable
  intake_message: IntakeMessageTable
  intake_webhook_event: IntakeWebhookEventTable
  intake_sender_rate: IntakeSenderRateTable
}
