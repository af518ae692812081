import { type Kysely, sql } from 'kysely'
import type { DB } from '../db/schema.ts'
import { messageCreatedNotification } from './events.ts'
import type {
  Channel,
  ContactKind,
  DeliveryStatus,
  MediaItem,
  MessageDirection,
  MessageProvider,
  WebhookProvider,
} from './intake.tables.ts'

export type Db = Kysely<DB>

/** Stores a raw webhook event once; false when the same (provider, external id) was already stored. */
export async function insertWebhookEvent(
  db: Db,
  event: {
    provider: WebhookProvider
    externalId: string
    kind: 'message' | 'status' | 'other'
    payloadSealed: string
    receivedAt: Date
  },
): Promise<boolean> {
  const row = await db
    .insertInto('intake_webhook_event')
    .values({
      provider: event.provider,
      external_id: event.externalId,
      kind: event.kind,
      payload_sealed: event.payloadSealed,
      received_at: event.receivedAt,
    })
    .onConflict((oc) => oc.columns(['provider', 'external_id']).doNothing())
    .returning('id')
    .executeTakeFirst()
  return row !== undefined
}

/**
 * Records a contact, or refreshes one already known by its blind index, and returns its id. The
 * upsert leaves the contact's row locked until the transaction ends, so two messages from the same
 * person never open two conversations at once.
 */
export async function upsertContact(
  db: Db,
  contact: {
    kind: ContactKind
    blindIndex: string
    addressSealed: string
    displayNameSealed: string | null
    seenAt: Date
  },
): Promise<string> {
  const row = await db
    .insertInto('intake_contact')
    .values({
      kind: contact.kind,
      blind_index: contact.blindIndex,
      address_sealed: contact.addressSealed,
      display_name_sealed: contact.displayNameSealed,
      first_seen_at: contact.seenAt,
      last_seen_at: contact.seenAt,
    })
    .onConflict((oc) =>
      oc.column('blind_index').doUpdateSet({
        last_seen_at: sql`greatest(intake_contact.last_seen_at, excluded.last_seen_at)`,
        display_name_sealed: sql`coalesce(excluded.display_name_sealed, intake_contact.display_name_sealed)`,
      }),
    )
    .returning('id')
    .executeTakeFirstOrThrow()
  return row.id
}

/** The contact's open conversation on this channel, locked for the caller's transaction. */
export function findOpenSignal(db: Db, contactId: string, channel: Channel) {
  return db
    .selectFrom('intake_signal')
    .select(['id'])
    .where('contact_id', '=', contactId)
    .where('channel', '=', channel)
    .where('ended_at', 'is', null)
    .forUpdate()
    .executeTakeFirst()
}

/**
 * Inserts a message with its conversation's next sequence number, taken under the signal's row lock,
 * and publishes message.created: one statement.
 */
export async function insertMessage(
  db: Db,
  message: {
    signalId: string
    direction: MessageDirection
    authorId?: string | null
    bodySealed: string | null
    media: MediaItem[]
    kind: string
    provider: MessageProvider
    externalId: string
    receivedAt: Date
    providerSentAt: Date | null
    deliveryStatus?: DeliveryStatus
  },
): Promise<{ id: string; seq: number }> {
  const row = await db
    .with('next', (db) =>
      db
        .updateTable('intake_signal')
        .set({
          last_seq: sql`last_seq + 1`,
          last_message_at: sql`greatest(last_message_at, ${message.receivedAt})`,
        })
        .where('id', '=', message.signalId)
        .returning('last_seq'),
    )
    .with('message', (db) =>
      db
        .insertInto('intake_message')
        .values({
          signal_id: message.signalId,
          seq: (eb) => eb.selectFrom('next').select('last_seq'),
          direction: message.direction,
          author_id: message.authorId ?? null,
          body_sealed: message.bodySealed,
          media: JSON.stringify(message.media),
          kind: message.kind,
          provider: message.provider,
          external_id: message.externalId,
          received_at: message.receivedAt,
          provider_sent_at: message.providerSentAt,
          delivery_status: message.deliveryStatus ?? null,
          queued_at: message.deliveryStatus === 'queued' ? message.receivedAt : null,
        })
        .returning(['id', 'seq']),
    )
    .selectFrom('message')
    .select(['id', 'seq', messageCreatedNotification(message.signalId, sql.ref('seq')).as('notified')])
    .executeTakeFirstOrThrow()
  return { id: row.id, seq: row.seq }
}

/** An outbound message by its provider id, locked for the caller's transaction. */
export function findOutboundMessage(db: Db, provider: MessageProvider, externalId: string) {
  return db
    .selectFrom('intake_message')
    .select(['id', 'signal_id', 'delivery_status'])
    .where('provider', '=', provider)
    .where('external_id', '=', externalId)
    .where('direction', '=', 'out')
    .forUpdate()
    .executeTakeFirst()
}

const timestampColumn = {
  queued: 'queued_at',
  sent: 'sent_at',
  delivered: 'delivered_at',
  read: 'read_at',
  failed: 'failed_at',
  undelivered: 'failed_at',
} as const

export async function updateDeliveryStatus(
  db: Db,
  messageId: string,
  update: { status: DeliveryStatus | null; reported: DeliveryStatus; at: Date; error: string | null },
) {
  const column = timestampColumn[update.reported]
  await db
    .updateTable('intake_message')
    .set({
      ...(update.status ? { delivery_status: update.status } : {}),
      // Each status keeps the time it was first reported.
      [column]: sql`coalesce(${sql.ref(column)}, ${update.at})`,
      ...(update.error ? { delivery_error: update.error } : {}),
    })
    .where('id', '=', messageId)
    .execute()
}

/**
 * Counts one more message from a sender in the current one-minute window and returns the count and
 * when the window opened. A window older than a minute starts again at one.
 */
export async function countSenderMessage(db: Db, key: string, now: Date) {
  const windowStart = new Date(now.getTime() - 60_000)
  return db
    .insertInto('intake_sender_rate')
    .values({ key, window_started_at: now, count: 1 })
    .onConflict((oc) =>
      oc.column('key').doUpdateSet({
        window_started_at: sql`case when intake_sender_rate.window_started_at <= ${windowStart} then ${now} else intake_sender_rate.window_started_at end`,
        count: sql`case when intake_sender_rate.window_started_at <= ${windowStart} then 1 else intake_sender_rate.count + 1 end`,
      }),
    )
    .returning(['count', 'window_started_at'])
    .executeTakeFirstOrThrow()
}

/** Forgets senders' counts from windows that closed before `before`: they no longer matter. */
export async function purgeSenderRates(db: Db, before: Date): Promise<number> {
  const result = await db
    .deleteFrom('intake_sender_rate')
    .where('window_started_at', '<', before)
    .executeTakeFirst()
  return Number(result.numDeletedRows)
}
