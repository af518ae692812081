import type { AuditContext } from '../audit/audit.store.ts'
import type { Secrets } from '../crypto/secrets.ts'
import type { Database } from '../db/database.ts'
import { publish } from './events.ts'
import {
  countSenderMessage,
  findOpenSignal,
  findOutboundMessage,
  insertWebhookEvent,
  knownMessageIds,
  purgeSenderRates,
  updateDeliveryStatus,
  upsertContact,
} from './intake.store.ts'
import type {
  Channel,
  ContactKind,
  DeliveryStatus,
  MediaItem,
  MessageProvider,
  WebhookProvider,
} from './intake.tables.ts'
import { appendMessage, openSignal, type RoutingPolicy } from './signals.ts'

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
 * conversation, and each delivery status, in one transaction, so the caller acknowledges only what
 * is committed. Every item is idempotent by its provider id: a redelivery stores nothing new.
 * A sender over its per-minute allowance is left out (the caller answers 429 so the provider retries);
 * when nothing else remains, nothing at all is written.
 */
export async function recordInboundEvent(
  deps: IntakeDeps,
  event: InboundEvent,
  audit: AuditContext,
  now = new Date(),
): Promise<RecordOutcome> {
  const { database, secrets } = deps
  const provider: MessageProvider = event.provider
  const known = await knownMessageIds(
    database.db,
    provider,
    event.messages.map((message) => message.externalId),
  )
  const fresh = event.messages.filter((message) => !known.has(message.externalId))

  let throttledForSeconds: number | null = null
  const accepted: InboundMessage[] = []
  for (const message of fresh) {
    const key = contactIndex(secrets, message.contact.kind, message.contact.address)
    const counted = await countSenderMessage(database.db, key, now)
    countedSinceSweep += 1
    if (countedSinceSweep >= SWEEP_EVERY) {
      countedSinceSweep = 0
      // Who wrote when is personal data too: closed windows are not kept.
      await purgeSenderRates(database.db, new Date(now.getTime() - 120_000))
    }
    if (counted.count > deps.senderPerMinute) {
      const reopens = new Date(counted.window_started_at).getTime() + 60_000
      const wait = Math.max(1, Math.ceil((reopens - now.getTime()) / 1000))
      throttledForSeconds = Math.max(throttledForSeconds ?? 0, wait)
    } else {
      accepted.push(message)
    }
  }
  if (throttledForSeconds !== null && accepted.length === 0 && event.statuses.length === 0) {
    return { stored: [], throttledForSeconds }
  }

  const stored = await database.db.transaction().execute(async (trx) => {
    await insertWebhookEvent(trx, {
      provider: event.provider,
      externalId: event.externalId,
      kind: event.kind,
      payloadSealed: secrets.seal(event.payload),
      receivedAt: now,
    })
    const stored: RecordOutcome['stored'] = []
    for (const message of accepted) {
      const contactId = await upsertContact(trx, {
        kind: message.contact.kind,
        blindIndex: contactIndex(secrets, message.contact.kind, message.contact.address),
        addressSealed: secrets.seal(message.contact.address),
        displayNameSealed: message.contact.displayName ? secrets.seal(message.contact.displayName) : null,
        seenAt: now,
      })
      // Under the contact's lock: a concurrent delivery of the same message has committed by now.
      if ((await knownMessageIds(trx, provider, [message.externalId])).size > 0) continue
      const open = await findOpenSignal(trx, contactId, message.channel)
      const signalId =
        open?.id ??
        (await openSignal(
          trx,
          { channel: message.channel, contactId, language: deps.defaultLanguage, receivedAt: now },
          deps.policy,
          audit,
        ))
      const { id: messageId, seq } = await appendMessage(trx, {
        signalId,
        direction: 'in',
        bodySealed: message.body === null ? null : secrets.seal(message.body),
        media: message.media,
        kind: message.kind,
        provider,
        externalId: message.externalId,
        receivedAt: now,
        providerSentAt: message.providerSentAt,
      })
      stored.push({ messageId, signalId, seq, opened: !open })
    }
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
      await publish(trx, { type: 'message.delivery', signalId: message.signal_id, messageId: message.id })
    }
    return stored
  })
  return { stored, throttledForSeconds }
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
