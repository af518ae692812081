import { randomUUID } from 'node:crypto'
import { sql } from 'kysely'
import { type AuditContext, appendAuditEvent } from '../audit/audit.store.ts'
import { assertContactSafe, type ContactOverride } from '../cases/safe-contact.ts'
import type { Secrets } from '../crypto/secrets.ts'
import type { Database } from '../db/database.ts'
import { AppError, invalidField, notFound } from '../http/errors.ts'
import { publish } from './events.ts'
import type { Db } from './intake.store.ts'
import type { CallerType, Channel, Classification, PresenceState, SignalProvince } from './intake.tables.ts'
import { requeueOffered } from './routing.ts'
import { appendMessage, queueName } from './signals.ts'

/**
 * What advocates and supervisors do with a signal once routing has offered it: accept or decline,
 * reply, transfer, end, wrap up with a classification. Each is one transaction that checks the
 * signal's state under its row lock, so two clicks (or two people) never both win.
 */

export interface ConversationDeps {
  database: Database
  secrets: Secrets
  /**
   * Queues a reply for its channel's provider (SMS, WhatsApp, email) in the caller's transaction.
   * Web chat replies need none: the visitor's socket reads them from the table.
   */
  queueOutbound: (
    trx: Db,
    message: { messageId: string; signalId: string; channel: Channel; now: Date },
  ) => Promise<unknown>
}

/** What every action but a reply needs. */
type Core = Pick<ConversationDeps, 'database' | 'secrets'>

const moved = (code: 'offer_gone' | 'signal_state') => new AppError(code, 409)

/** Sets an advocate's presence, languages and skills; going away withdraws their pending offers. */
export async function setPresence(
  deps: Core,
  staffId: string,
  presence: { state: PresenceState; languages: string[]; skills: string[] },
  now = new Date(),
): Promise<void> {
  await deps.database.db.transaction().execute(async (trx) => {
    const current = await trx
      .selectFrom('intake_presence')
      .select('state')
      .where('staff_id', '=', staffId)
      .forUpdate()
      .executeTakeFirst()
    await trx
      .insertInto('intake_presence')
      .values({
        staff_id: staffId,
        state: presence.state,
        languages: presence.languages,
        skills: presence.skills,
        state_since: now,
      })
      .onConflict((oc) =>
        oc.column('staff_id').doUpdateSet({
          state: presence.state,
          languages: presence.languages,
          skills: presence.skills,
          state_since: current?.state === presence.state ? sql`intake_presence.state_since` : now,
        }),
      )
      .execute()
    if (presence.state !== 'available') {
      const withdrawn = await trx
        .updateTable('intake_offer')
        .set({ outcome: 'withdrawn', decided_at: now })
        .where('advocate_id', '=', staffId)
        .where('outcome', 'is', null)
        .returning('signal_id')
        .execute()
      for (const offer of withdrawn) await requeueOffered(trx, offer.signal_id, staffId)
    }
    await publish(trx, { type: 'presence.changed', staffId })
  })
}

/** Accepts an open offer made to this advocate; 409 when it has lapsed or gone to someone else. */
export async function acceptOffer(
  deps: Core,
  audit: AuditContext & { actorId: string },
  offerId: string,
  now = new Date(),
): Promise<{ signalId: string }> {
  return deps.database.db.transaction().execute(async (trx) => {
    const offer = await trx
      .updateTable('intake_offer')
      .set({ outcome: 'accepted', decided_at: now })
      .where('id', '=', offerId)
      .where('advocate_id', '=', audit.actorId)
      .where('outcome', 'is', null)
      .where('expires_at', '>', now)
      .returning('signal_id')
      .executeTakeFirst()
    if (!offer) throw moved('offer_gone')
    const signal = await trx
      .updateTable('intake_signal')
      .set({ status: 'active', answered_at: sql`coalesce(answered_at, ${now})`, target_advocate_id: null })
      .where('id', '=', offer.signal_id)
      .where('status', '=', 'offered')
      .where('advocate_id', '=', audit.actorId)
      .returning('id')
      .executeTakeFirst()
    if (!signal) throw moved('offer_gone')
    await appendAuditEvent(trx, audit, {
      action: 'intake.signal.accepted',
      entityType: 'intake_signal',
      entityId: offer.signal_id,
    })
    await publish(trx, { type: 'signal.changed', signalId: offer.signal_id })
    return { signalId: offer.signal_id }
  })
}

/** Declines an open offer: the signal goes back to its queue, preferably to someone else. */
export async function declineOffer(deps: Core, advocateId: string, offerId: string, now = new Date()) {
  await deps.database.db.transaction().execute(async (trx) => {
    const offer = await trx
      .updateTable('intake_offer')
      .set({ outcome: 'declined', decided_at: now })
      .where('id', '=', offerId)
      .where('advocate_id', '=', advocateId)
      .where('outcome', 'is', null)
      .returning('signal_id')
      .executeTakeFirst()
    if (!offer) throw moved('offer_gone')
    await requeueOffered(trx, offer.signal_id, advocateId)
  })
}

/** An internal note in the conversation (transfer, wrap-up): never sent to the person. */
async function appendNote(
  trx: Db,
  deps: Core,
  note: { signalId: string; authorId: string; body: string; kind: 'transfer' | 'wrap_up'; now: Date },
) {
  await appendMessage(trx, {
    signalId: note.signalId,
    direction: 'note',
    authorId: note.authorId,
    bodySealed: deps.secrets.seal(note.body),
    provider: 'relais',
    externalId: `relais:${randomUUID()}`,
    receivedAt: note.now,
    kind: note.kind,
  })
}

/** Withdraws the signal's open offer, if any (it moved on before the advocate answered). */
async function withdrawOffers(trx: Db, signalId: string, now: Date) {
  await trx
    .updateTable('intake_offer')
    .set({ outcome: 'withdrawn', decided_at: now })
    .where('signal_id', '=', signalId)
    .where('outcome', 'is', null)
    .execute()
}

/** Locks a signal handled by this advocate (active, or in wrap-up when `allowWrapUp`). */
async function lockOwnSignal(trx: Db, signalId: string, advocateId: string, statuses: string[]) {
  const signal = await trx
    .selectFrom('intake_signal')
    .select(['id', 'channel', 'status', 'advocate_id', 'language'])
    .where('id', '=', signalId)
    .forUpdate()
    .executeTakeFirst()
  if (!signal || signal.advocate_id !== advocateId) throw notFound('signal')
  if (!statuses.includes(signal.status)) throw moved('signal_state')
  return signal
}

/**
 * An advocate's reply: stored sealed, then sent by its channel (web chat: read by the visitor's socket).
 * Refused when the person's case says this channel is not safe for them, unless `override` gives why.
 */
export async function sendReply(
  deps: ConversationDeps,
  advocateId: string,
  signalId: string,
  body: string,
  now = new Date(),
  override?: ContactOverride,
): Promise<{ id: string; seq: number }> {
  return deps.database.db.transaction().execute(async (trx) => {
    const signal = await lockOwnSignal(trx, signalId, advocateId, ['active'])
    await assertContactSafe(trx, deps.secrets, signalId, signal.channel, override)
    const provider =
      signal.channel === 'sms' ? 'twilio' : signal.channel === 'whatsapp' ? 'whatsapp' : 'relais'
    const viaProvider = signal.channel !== 'web_chat'
    const message = await appendMessage(trx, {
      signalId,
      direction: 'out',
      authorId: advocateId,
      bodySealed: deps.secrets.seal(body),
      provider,
      externalId: `relais:${randomUUID()}`,
      receivedAt: now,
      deliveryStatus: viaProvider ? 'queued' : undefined,
    })
    if (viaProvider) {
      await deps.queueOutbound(trx, { messageId: message.id, signalId, channel: signal.channel, now })
    }
    return message
  })
}

/** Ends the conversation: the signal moves to wrap-up, where it must be classified. */
export async function endConversation(
  deps: Core,
  audit: AuditContext & { actorId: string },
  signalId: string,
  now = new Date(),
): Promise<void> {
  await deps.database.db.transaction().execute(async (trx) => {
    await lockOwnSignal(trx, signalId, audit.actorId, ['active'])
    await trx
      .updateTable('intake_signal')
      .set({ status: 'wrap_up', ended_at: now })
      .where('id', '=', signalId)
      .execute()
    await appendAuditEvent(trx, audit, {
      action: 'intake.signal.ended',
      entityType: 'intake_signal',
      entityId: signalId,
    })
    await publish(trx, { type: 'signal.changed', signalId })
  })
}

/** What the advocate records at wrap-up: the classification, and what the person said, if anything. */
export interface WrapUp {
  classification: Classification
  note: string | null
  /** Where the person is, and who they are to the situation: never required, null when not recorded. */
  province?: SignalProvince | null
  callerType?: CallerType | null
}

/**
 * Completes wrap-up: without a classification the signal stays in wrap-up. The audit event names the
 * codes recorded, nothing the person said.
 */
export async function completeWrapUp(
  deps: Core,
  audit: AuditContext & { actorId: string },
  signalId: string,
  wrapUp: WrapUp,
  now = new Date(),
): Promise<void> {
  const province = wrapUp.province ?? null
  const callerType = wrapUp.callerType ?? null
  await deps.database.db.transaction().execute(async (trx) => {
    await lockOwnSignal(trx, signalId, audit.actorId, ['wrap_up'])
    if (wrapUp.note)
      await appendNote(trx, deps, {
        signalId,
        authorId: audit.actorId,
        body: wrapUp.note,
        kind: 'wrap_up',
        now,
      })
    await trx
      .updateTable('intake_signal')
      .set({
        status: 'ended',
        classification: wrapUp.classification,
        province,
        caller_type: callerType,
        wrap_up_ended_at: now,
      })
      .where('id', '=', signalId)
      .execute()
    await appendAuditEvent(trx, audit, {
      action: 'intake.signal.classified',
      entityType: 'intake_signal',
      entityId: signalId,
      details: { classification: wrapUp.classification, province, callerType },
    })
    await publish(trx, { type: 'signal.changed', signalId })
  })
}

/**
 * Hands a conversation on: to a queue (another language), or to one colleague, with an internal note
 * the next advocate reads first. A supervisor may reassign anyone's conversation (`bySupervisor`).
 */
export async function transferConversation(
  deps: Core,
  audit: AuditContext & { actorId: string },
  signalId: string,
  transfer: {
    toAdvocateId: string | null
    toLanguage: string | null
    note: string | null
    bySupervisor?: boolean
  },
  now = new Date(),
): Promise<void> {
  await deps.database.db.transaction().execute(async (trx) => {
    const signal = await trx
      .selectFrom('intake_signal')
      .select(['id', 'channel', 'status', 'advocate_id', 'language', 'preferred_language'])
      .where('id', '=', signalId)
      .forUpdate()
      .executeTakeFirst()
    if (!signal) throw notFound('signal')
    const movable = transfer.bySupervisor ? ['queued', 'offered', 'active'] : ['active']
    if (!transfer.bySupervisor && signal.advocate_id !== audit.actorId) throw notFound('signal')
    if (!movable.includes(signal.status)) throw moved('signal_state')
    if (transfer.toAdvocateId) {
      const target = await trx
        .selectFrom('intake_presence')
        .select('staff_id')
        .where('staff_id', '=', transfer.toAdvocateId)
        .executeTakeFirst()
      if (!target) throw invalidField('toAdvocateId', 'unknown_reference')
    }
    if (signal.status === 'offered') {
      await withdrawOffers(trx, signalId, now)
    }
    const preferred = transfer.toLanguage ?? signal.preferred_language
    if (transfer.note)
      await appendNote(trx, deps, {
        signalId,
        authorId: audit.actorId,
        body: transfer.note,
        kind: 'transfer',
        now,
      })
    await trx
      .updateTable('intake_signal')
      .set({
        status: 'queued',
        advocate_id: null,
        target_advocate_id: transfer.toAdvocateId,
        preferred_language: preferred,
        queue: queueName(signal.channel, preferred ?? signal.language),
      })
      .where('id', '=', signalId)
      .execute()
    await appendAuditEvent(trx, audit, {
      action: transfer.bySupervisor ? 'intake.signal.reassigned' : 'intake.signal.transferred',
      entityType: 'intake_signal',
      entityId: signalId,
      details: { toAdvocateId: transfer.toAdvocateId, toLanguage: transfer.toLanguage },
    })
    await publish(trx, { type: 'signal.queued', signalId })
  })
}

/**
 * The person left (closed the chat, quick exit, hung up). Before an advocate answered, the signal is
 * abandoned; once answered, the conversation ends and the advocate still wraps it up.
 */
export async function personLeft(database: Database, signalId: string, now = new Date()): Promise<void> {
  await database.db.transaction().execute(async (trx) => {
    const signal = await trx
      .selectFrom('intake_signal')
      .select(['status'])
      .where('id', '=', signalId)
      .forUpdate()
      .executeTakeFirst()
    if (!signal) return
    if (signal.status === 'queued' || signal.status === 'offered') {
      await withdrawOffers(trx, signalId, now)
      await trx
        .updateTable('intake_signal')
        .set({ status: 'abandoned', abandoned_at: now, ended_at: now, advocate_id: null })
        .where('id', '=', signalId)
        .execute()
    } else if (signal.status === 'active') {
      await trx
        .updateTable('intake_signal')
        .set({ status: 'wrap_up', ended_at: now })
        .where('id', '=', signalId)
        .execute()
    } else {
      return
    }
    await publish(trx, { type: 'signal.changed', signalId })
  })
}
