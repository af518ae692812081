import type { AuditContext } from '../../audit/audit.store.ts'
import { appendAuditEvent } from '../../audit/audit.store.ts'
import type { Database } from '../../db/database.ts'
import { publish } from '../events.ts'
import type { Channel } from '../intake.tables.ts'

/** A dead-lettered outbound message as the supervisor board lists it: ids and the failure, no content. */
export interface DeadLetter {
  id: string
  messageId: string
  signalId: string
  channel: Channel
  attempts: number
  lastError: string | null
  createdAt: Date
  deadAt: Date
}

/** The most dead-letters listed at once, newest first. */
export const DEAD_LETTER_LIMIT = 200

export async function listDeadLetters(database: Database): Promise<DeadLetter[]> {
  const rows = await database.db
    .selectFrom('intake_outbox')
    .select(['id', 'message_id', 'signal_id', 'channel', 'attempts', 'last_error', 'created_at', 'dead_at'])
    .where('dead_at', 'is not', null)
    .orderBy('dead_at', 'desc')
    .orderBy('id')
    .limit(DEAD_LETTER_LIMIT)
    .execute()
  return rows.map((row) => ({
    id: row.id,
    messageId: row.message_id,
    signalId: row.signal_id,
    channel: row.channel,
    attempts: row.attempts,
    lastError: row.last_error,
    createdAt: new Date(row.created_at),
    deadAt: new Date(row.dead_at!),
  }))
}

/**
 * Puts a dead-lettered message back in the outbox with a fresh count of attempts, audited. Its
 * 'failed' status was Relais' own verdict (the provider never accepted it), so it returns to
 * 'queued'. False when there is no such dead letter (never was, or already retried).
 */
export async function retryDeadLetter(
  database: Database,
  outboxId: string,
  actor: AuditContext,
  now = new Date(),
): Promise<boolean> {
  return database.db.transaction().execute(async (trx) => {
    const row = await trx
      .updateTable('intake_outbox')
      .set({ dead_at: null, attempts: 0, next_attempt_at: now })
      .where('id', '=', outboxId)
      .where('dead_at', 'is not', null)
      .where('sent_at', 'is', null)
      .returning(['id', 'message_id', 'signal_id', 'channel', 'last_error'])
      .executeTakeFirst()
    if (!row) return false
    await trx
      .updateTable('intake_message')
      .set({ delivery_status: 'queued', delivery_error: null, failed_at: null })
      .where('id', '=', row.message_id)
      .where('delivery_status', '=', 'failed')
      .execute()
    await appendAuditEvent(trx, actor, {
      action: 'intake.outbound.retried',
      entityType: 'intake_outbox',
      entityId: row.id,
      details: { channel: row.channel, messageId: row.message_id, lastError: row.last_error },
    })
    await publish(trx, { type: 'message.delivery', signalId: row.signal_id, messageId: row.message_id })
    await publish(trx, { type: 'outbound.queued', outboxId: row.id, dueAt: now.toISOString() })
    return true
  })
}
