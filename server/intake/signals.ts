import { randomUUID } from 'node:crypto'
import type { AuditContext } from '../audit/audit.store.ts'
import { auditEventRow } from '../audit/audit.store.ts'
import type { Env } from '../config/env.ts'
import { notification } from './events.ts'
import { type Db, insertMessage } from './intake.store.ts'
import type { Channel, MediaItem, MessageDirection, MessageProvider, SafeToChat } from './intake.tables.ts'

/** Channels an advocate's capacity is counted over: voice 1, messaging 3, email 5, form 5 by default. */
export const channelGroups = ['voice', 'messaging', 'email', 'form'] as const
export type ChannelGroup = (typeof channelGroups)[number]

export function channelGroup(channel: Channel): ChannelGroup {
  if (channel === 'voice') return 'voice'
  if (channel === 'email') return 'email'
  if (channel === 'web_form') return 'form'
  return 'messaging'
}

/** The languages the line itself answers in. */
export const lineLanguages = ['en', 'fr'] as const

/** The queue a signal waits in: its channel group and the language it is routed by. */
export function queueName(channel: Channel, routingLanguage: string): string {
  return `${channelGroup(channel)}.${routingLanguage}`
}

export interface RoutingPolicy {
  /** Seconds an advocate has to accept an offer before it moves on. */
  offerSeconds: number
  /** Seconds a signal waits for an advocate speaking its language before an interpreter is used. */
  interpreterFallbackSeconds: number
  /** Conversations an advocate handles at once, per channel group. */
  capacity: Record<ChannelGroup, number>
}

/** The routing policy the environment sets (RELAIS_OFFER_SECONDS, …_FALLBACK_SECONDS, RELAIS_CAPACITY). */
export function routingPolicy(env: Env): RoutingPolicy {
  const capacity: Record<ChannelGroup, number> = { voice: 1, messaging: 3, email: 5, form: 5 }
  for (const pair of env.RELAIS_CAPACITY.split(',')) {
    const [group, count] = pair.split('=') as [ChannelGroup, string]
    capacity[group] = Number(count)
  }
  return {
    offerSeconds: env.RELAIS_OFFER_SECONDS,
    interpreterFallbackSeconds: env.RELAIS_INTERPRETER_FALLBACK_SECONDS,
    capacity,
  }
}

export interface NewSignal {
  channel: Channel
  contactId: string | null
  /** The line's language for this conversation (en or fr). */
  language: string
  /** The language the person prefers, when they said (may call for an interpreter). */
  preferredLanguage?: string | null
  skill?: string | null
  inDanger?: boolean
  safeToChat?: SafeToChat | null
  visitorTokenHash?: string | null
  receivedAt: Date
}

/** The row and audit event of a new signal, its id made up here: what `openSignal` writes. */
export function newSignal(
  signal: NewSignal,
  policy: Pick<RoutingPolicy, 'interpreterFallbackSeconds'>,
  audit: AuditContext,
) {
  const id = randomUUID()
  const queue = queueName(signal.channel, signal.preferredLanguage ?? signal.language)
  const row = {
    id,
    channel: signal.channel,
    contact_id: signal.contactId,
    queue,
    language: signal.language,
    preferred_language: signal.preferredLanguage ?? null,
    skill: signal.skill ?? null,
    in_danger: signal.inDanger ?? false,
    safe_to_chat: signal.safeToChat ?? null,
    visitor_token_hash: signal.visitorTokenHash ?? null,
    fallback_at: new Date(signal.receivedAt.getTime() + policy.interpreterFallbackSeconds * 1000),
    received_at: signal.receivedAt,
    enqueued_at: signal.receivedAt,
    last_message_at: signal.receivedAt,
  }
  const entry = {
    action: 'intake.signal.opened',
    entityType: 'intake_signal',
    entityId: id,
    details: { channel: signal.channel, queue },
  }
  return { id, row, entry, auditRow: auditEventRow(audit, entry) }
}

/**
 * Opens a signal and puts it in its queue, inside the caller's transaction; routing hears of it when
 * the transaction commits. Every channel opens its signals here (SMS and WhatsApp through
 * `relais_record_inbound_messages`, with the same rows).
 */
export async function openSignal(
  trx: Db,
  signal: NewSignal,
  policy: Pick<RoutingPolicy, 'interpreterFallbackSeconds'>,
  audit: AuditContext,
): Promise<string> {
  const { id, row, auditRow } = newSignal(signal, policy, audit)
  // The signal, its audit event and its notification in one statement: one trip to the database.
  await trx
    .with('signal', (db) => db.insertInto('intake_signal').values(row))
    .with('audit', (db) => db.insertInto('audit_event').values(auditRow))
    .selectNoFrom(notification({ type: 'signal.queued', signalId: id }).as('notified'))
    .execute()
  return id
}

export interface NewMessage {
  signalId: string
  direction: MessageDirection
  authorId?: string | null
  bodySealed: string | null
  media?: MediaItem[]
  kind?: string
  provider: MessageProvider
  /** Unique per provider: the provider's id, or for Relais' own messages one it makes up. */
  externalId: string
  receivedAt: Date
  providerSentAt?: Date | null
  deliveryStatus?: 'queued'
}

/**
 * Adds a message to a conversation with the next sequence number (taken under the signal's row lock),
 * and tells every process once the caller's transaction commits.
 */
export function appendMessage(trx: Db, message: NewMessage): Promise<{ id: string; seq: number }> {
  return insertMessage(trx, {
    signalId: message.signalId,
    direction: message.direction,
    authorId: message.authorId ?? null,
    bodySealed: message.bodySealed,
    media: message.media ?? [],
    kind: message.kind ?? 'text',
    provider: message.provider,
    externalId: message.externalId,
    receivedAt: message.receivedAt,
    providerSentAt: message.providerSentAt ?? null,
    deliveryStatus: message.deliveryStatus,
  })
}
