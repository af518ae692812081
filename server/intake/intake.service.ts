import { sql } from 'kysely'
import type { AuditContext } from '../audit/audit.store.ts'
import type { Secrets } from '../crypto/secrets.ts'
import type { Database } from '../db/database.ts'
import { CHANNEL, publish } from './events.ts'
import { inboundBatcher, type RecordedMessages } from './inbound-batch.ts'
import { findOutboundMessage, purgeSenderRates, updateDeliveryStatus } from './intake.store.ts'
import type {
  Channel,
  ContactKind,
  DeliveryStatus,
  MediaItem,
  MessageProvider,
  WebhookProvider,
} from './intake.tables.ts'
import { appendMessage, newSignal, type RoutingPolicy } from './signals.ts'

export interface InboundContact {
  kind: ContactKind
  /** Normalised: E.164 for phone and WhatsApp, lower case for email. */
  address: string
  displayName: string | null
}

export interface InboundMessage {
  externalId: string
  channel: Channel
  contact: InboundContact
  body: string | null
  kind: string
  media: MediaItem[]
  providerSentAt: Date | null
}

export interface StatusReport {
  externalId: string
  status: DeliveryStatus
  at: Date
  error: string | null
}

/** One webhook delivery, already verified and parsed. */
export interface InboundEvent {
  provider: WebhookProvider
  externalId: string
  kind: 'message' | 'status' | 'other'
  /** The body exactly as received, stored sealed. */
  payload: string
  messages: InboundMessage[]
  statuses: StatusReport[]
}

export interface IntakeDeps {
  database: Database
  secrets: Secrets
  senderPerMinute: number
  policy: Pick<RoutingPolicy, 'interpreterFallbackSeconds'>
  /** The line's language for a channel that does not say (SMS, WhatsApp). */
  defaultLanguage: string
}

export interface RecordOutcome {
  /** Messages stored by this delivery (a redelivered one is not stored again). */
  stored: { messageId: string; signalId: string; seq: number; opened: boolean }[]
  /** When some sender sent too much this minute: seconds until its window reopens. */
  throttledForSeconds: number | null
}

/** Normalises a telephone number to E.164 when it is one; other sender ids are kept as given. */
export function normalisePhone(value: string): string {
  const compact = value.trim().replace(/[\s().-]/g, '')
  if (/^\+[1-9][0-9]{6,14}$/.test(compact)) return compact
  if (/^00[1-9][0-9]{6,14}$/.test(compact)) return `+${compact.slice(2)}`
  if (/^[1-9][0-9]{7,14}$/.test(compact)) return `+${compact}`
  return value.trim()
}

/** The keyed hash a contact is found again by: never the address itself. */
export function contactIndex(secrets: Secrets, kind: ContactKind, address: string): string {
  return secrets.blindIndex(`intake-contact:${kind}:${address}`)
}

/** How many counted messages between two sweeps of closed per-sender windows. */
const SWEEP_EVERY = 100
let countedSinceSweep = 0

const rank: Record<DeliveryStatus, number> = {
  queued: 1,
  sent: 2,
  delivered: 3,
  failed: 3,
  undelivered: 3,
  read: 4,
}

/** The status a message moves to when `reported` arrives: never backwards (read stays read). */
export function advanceStatus(
  current: DeliveryStatus | null,
  reported: DeliveryStatus,
): DeliveryStatus | null {
  if (current === null) return reported
  return rank[reported] > rank[current] ? reported : null
}

/**
 * Stores a verified webhook delivery: the raw event, then each new message with its contact and
 * conversation, and each delivery status, atomically, so the caller acknowledges only what is
 * committed. Every item is idempotent by its provider id: a redelivery stores nothing new.
 * A sender over its per-minute allowance is left out (the caller answers 429 so the provider retries);
 * when nothing else remains, nothing at all is written.
 *
 * The messages are written by one database function call (`relais_record_inbound_messages`), with
 * every row they may need computed and sealed here: a busy line's webhooks each cost one trip.
 */
export async function recordInboundEvent(
  deps: IntakeDeps,
  event: InboundEvent,
  audit: AuditContext,
  now = new Date(),
): Promise<RecordOutcome> {
  const { database, secrets } = deps
  const provider: MessageProvider = event.provider
  const messages = event.messages.map((message) => {
    const opened = newSignal(
      { channel: message.channel, contactId: null, language: deps.defaultLanguage, receivedAt: now },
      deps.policy,
      audit,
    )
    return {
      provider,
      external_id: message.externalId,
      channel: message.channel,
      contact: {
        kind: message.contact.kind,
        blind_index: contactIndex(secrets, message.contact.kind, message.contact.address),
        address_sealed: secrets.seal(message.contact.address),
        display_name_sealed: message.contact.displayName ? secrets.seal(message.contact.displayName) : null,
      },
      body_sealed: message.body === null ? null : secrets.seal(message.body),
      media: message.media,
      kind: message.kind,
      provider_sent_at: message.providerSentAt,
      received_at: now,
      new_signal: opened.row,
      new_signal_audit: { ...opened.auditRow, details: opened.entry.details },
    }
  })
  const rawEvent = {
    provider: event.provider,
    external_id: event.externalId,
    kind: event.kind,
    payload_sealed: secrets.seal(event.payload),
    received_at: now,
  }
  // Messages only (the usual delivery): written with whatever other deliveries arrive meanwhile.
  const recorded =
    event.statuses.length === 0
      ? await inboundBatcher(database).record({
          event: rawEvent,
          messages,
          sender_per_minute: deps.senderPerMinute,
        })
      : await database.db.transaction().execute(async (trx) => {
          // With delivery statuses too: the messages and the statuses in one transaction.
          const { rows } = await sql<{ recorded: RecordedMessages }>`
            select relais_record_inbound_messages(
              ${JSON.stringify(rawEvent)}::jsonb, ${JSON.stringify(messages)}::jsonb,
              ${deps.senderPerMinute}::integer, ${CHANNEL}::text, true
            ) as recorded`.execute(trx)
          const recorded = rows[0]!.recorded
          for (const report of event.statuses) {
            const message = await findOutboundMessage(trx, provider, report.externalId)
            // A status for a message not sent through Relais, or not recorded yet, stays in the event.
            if (!message) continue
            await updateDeliveryStatus(trx, message.id, {
              status: advanceStatus(message.delivery_status, report.status),
              reported: report.status,
              at: report.at,
              error: report.error,
            })
            await publish(trx, {
              type: 'message.delivery',
              signalId: message.signal_id,
              messageId: message.id,
            })
          }
          return recorded
        })

  countedSinceSweep += recorded.counted
  if (countedSinceSweep >= SWEEP_EVERY) {
    countedSinceSweep = 0
    // Who wrote when is personal data too: closed windows are not kept.
    await purgeSenderRates(database.db, new Date(now.getTime() - 120_000))
  }
  const throttledForSeconds =
    recorded.throttled_until === null
      ? null
      : Math.max(1, Math.ceil((new Date(recorded.throttled_until).getTime() - now.getTime()) / 1000))
  return {
    stored: recorded.stored.map((row) => ({
      messageId: row.message_id,
      signalId: row.signal_id,
      seq: row.seq,
      opened: row.opened,
    })),
    throttledForSeconds,
  }
}

/**
 * Records a message Relais sent into a conversation, with the provider's id, so delivery callbacks
 * find it. (Sending itself belongs to the conversation screens.)
 */
export async function recordOutboundMessage(
  deps: Pick<IntakeDeps, 'database' | 'secrets'>,
  message: { signalId: string; provider: MessageProvider; externalId: string; body: string },
  now = new Date(),
) {
  return deps.database.db.transaction().execute((trx) =>
    appendMessage(trx, {
      signalId: message.signalId,
      direction: 'out',
      bodySealed: deps.secrets.seal(message.body),
      provider: message.provider,
      externalId: message.externalId,
      receivedAt: now,
      deliveryStatus: 'queued',
    }),
  )
}
