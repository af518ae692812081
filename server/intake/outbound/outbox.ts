import { randomUUID } from 'node:crypto'
import { sql } from 'kysely'
import type { Database } from '../../db/database.ts'
import { publish } from '../events.ts'
import type { Db } from '../intake.store.ts'
import type { Channel, MessageProvider } from '../intake.tables.ts'

/**
 * The provider an outbound message of a channel is recorded under: the one whose status callbacks
 * will name it (`findOutboundMessage(provider, external_id)`). SMS goes through Twilio, WhatsApp
 * through the Cloud API; other channels (web chat, email) are Relais' own.
 */
export function outboundProvider(channel: Channel): MessageProvider {
  if (channel === 'sms') return 'twilio'
  if (channel === 'whatsapp') return 'whatsapp'
  return 'relais'
}

/**
 * The external id an outbound message carries until its provider gives it one: `relais:<uuid>`,
 * unique, and never a provider's (theirs have no colon). The sender replaces it with the provider's
 * id once the message is accepted, so callbacks find the message.
 */
export function provisionalExternalId(): string {
  return `relais:${randomUUID()}`
}

export function isProvisional(externalId: string): boolean {
  return externalId.startsWith('relais:')
}

/**
 * Puts a stored outbound message (direction 'out', delivery status 'queued', a provisional external
 * id) in the outbox, inside the caller's transaction: the message and its sending commit together,
 * and the sender workers hear of it once they have.
 */
export async function queueOutbound(
  trx: Db,
  item: { messageId: string; signalId: string; channel: Channel; now: Date },
): Promise<void> {
  const row = await trx
    .insertInto('intake_outbox')
    .values({
      message_id: item.messageId,
      signal_id: item.signalId,
      channel: item.channel,
      next_attempt_at: item.now,
      created_at: item.now,
    })
    .returning('id')
    .executeTakeFirstOrThrow()
  await publish(trx, { type: 'outbound.queued', outboxId: row.id, dueAt: item.now.toISOString() })
}

/** An outbox row a worker has claimed: leased to it until its send is recorded. */
export interface ClaimedRow {
  id: string
  messageId: string
  signalId: string
  channel: Channel
  /** This attempt's number: 1 for the first. */
  attempt: number
}

/** Rows still to send that are not waiting behind an earlier reply of their conversation. */
function pendingHeads(db: Db, channels: Channel[]) {
  return db
    .selectFrom('intake_outbox as o')
    .innerJoin('intake_message as m', 'm.id', 'o.message_id')
    .where('o.sent_at', 'is', null)
    .where('o.dead_at', 'is', null)
    .where('o.channel', 'in', channels)
    .where(({ not, exists, selectFrom }) =>
      not(
        exists(
          selectFrom('intake_outbox as p')
            .innerJoin('intake_message as pm', 'pm.id', 'p.message_id')
            .select(sql.lit(1).as('one'))
            .whereRef('p.signal_id', '=', 'o.signal_id')
            .where('p.sent_at', 'is', null)
            .where('p.dead_at', 'is', null)
            .whereRef('pm.seq', '<', 'm.seq'),
        ),
      ),
    )
}

/**
 * Claims up to `limit` due rows of these channels, oldest due first, and leases them until
 * `leaseUntil` (past the send's timeout) by moving their next attempt there. Rows another process is
 * claiming at the same moment are skipped (SKIP LOCKED), and a leased row is not due, so no row is
 * sent by two workers. A later reply waits while an earlier one of its conversation is unsent, so a
 * person reads replies in the order they were written.
 */
export async function claimDue(
  database: Database,
  claim: { channels: Channel[]; now: Date; leaseUntil: Date; limit: number },
): Promise<ClaimedRow[]> {
  if (claim.channels.length === 0) return []
  return database.db.transaction().execute(async (trx) => {
    const due = await pendingHeads(trx, claim.channels)
      .select('o.id')
      .where('o.next_attempt_at', '<=', claim.now)
      .orderBy('o.next_attempt_at')
      .limit(claim.limit)
      .forUpdate('o')
      .skipLocked()
      .execute()
    if (due.length === 0) return []
    const rows = await trx
      .updateTable('intake_outbox')
      .set({ attempts: sql`attempts + 1`, next_attempt_at: claim.leaseUntil })
      .where(
        'id',
        'in',
        due.map((row) => row.id),
      )
      .returning(['id', 'message_id', 'signal_id', 'channel', 'attempts'])
      .execute()
    return rows.map((row) => ({
      id: row.id,
      messageId: row.message_id,
      signalId: row.signal_id,
      channel: row.channel,
      attempt: row.attempts,
    }))
  })
}

/** When the next row of these channels falls due (leases included), or null when none waits. */
export async function nextDueAt(database: Database, channels: Channel[]): Promise<Date | null> {
  if (channels.length === 0) return null
  const row = await pendingHeads(database.db, channels)
    .select((eb) => eb.fn.min('o.next_attempt_at').as('due'))
    .executeTakeFirst()
  return row?.due ? new Date(row.due) : null
}

/** What a sender needs of a claimed row's message, still sealed. */
export function findOutboundContent(db: Db, messageId: string) {
  return db
    .selectFrom('intake_message as m')
    .innerJoin('intake_signal as s', 's.id', 'm.signal_id')
    .leftJoin('intake_contact as c', 'c.id', 's.contact_id')
    .select(['m.body_sealed', 'm.provider', 'c.address_sealed'])
    .where('m.id', '=', messageId)
    .where('m.direction', '=', 'out')
    .executeTakeFirst()
}

/** Marks a row sent; false when it already was (its lease ran out and another worker finished it). */
export async function markOutboxSent(trx: Db, outboxId: string, at: Date): Promise<boolean> {
  const row = await trx
    .updateTable('intake_outbox')
    .set({ sent_at: at, dead_at: null, last_error: null })
    .where('id', '=', outboxId)
    .where('sent_at', 'is', null)
    .returning('id')
    .executeTakeFirst()
  return row !== undefined
}

/** Schedules another attempt of a row still ours (not sent, not dead-lettered meanwhile). */
export async function scheduleRetry(
  trx: Db,
  outboxId: string,
  retry: { at: Date; error: string },
): Promise<boolean> {
  const row = await trx
    .updateTable('intake_outbox')
    .set({ next_attempt_at: retry.at, last_error: retry.error })
    .where('id', '=', outboxId)
    .where('sent_at', 'is', null)
    .where('dead_at', 'is', null)
    .returning('id')
    .executeTakeFirst()
  return row !== undefined
}

/** Dead-letters a row not sent yet: no more attempts until a supervisor retries it. */
export async function markOutboxDead(
  trx: Db,
  outboxId: string,
  dead: { at: Date; error: string },
): Promise<boolean> {
  const row = await trx
    .updateTable('intake_outbox')
    .set({ dead_at: dead.at, last_error: dead.error })
    .where('id', '=', outboxId)
    .where('sent_at', 'is', null)
    .where('dead_at', 'is', null)
    .returning('id')
    .executeTakeFirst()
  return row !== undefined
}
