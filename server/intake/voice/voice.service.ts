import { type AuditContext, appendAuditEvent } from '../../audit/audit.store.ts'
import type { Secrets } from '../../crypto/secrets.ts'
import type { Database } from '../../db/database.ts'
import { AppError, invalidField, notFound } from '../../http/errors.ts'
import { personLeft } from '../conversation.service.ts'
import { publish } from '../events.ts'
import { contactIndex, normalisePhone } from '../intake.service.ts'
import { upsertContact } from '../intake.store.ts'
import { openSignal, type RoutingPolicy } from '../signals.ts'
import {
  callBySid,
  insertCall,
  insertRecording,
  lockCall,
  saveVoiceNumber,
  updateCall,
} from './voice.store.ts'
import type { VoiceLanguage } from './voice.tables.ts'

export interface VoiceDeps {
  database: Database
  secrets: Secrets
  policy: Pick<RoutingPolicy, 'interpreterFallbackSeconds'>
  /** The language a caller who chooses none is answered in (RELAIS_INTAKE_LANGUAGE). */
  defaultLanguage: VoiceLanguage
}

const E164 = /^\+[1-9][0-9]{6,14}$/

/** How often the language menu is played again before the line's default language is chosen. */
const MENU_REPEATS = 1

/**
 * Stores a call Twilio announces, with its caller as a contact (by the blind index of the number;
 * a withheld number leaves the call without one). A redelivery of the same CallSid stores nothing.
 */
export async function recordIncomingCall(
  deps: VoiceDeps,
  call: { callSid: string; from: string },
  now = new Date(),
): Promise<void> {
  await deps.database.db.transaction().execute(async (trx) => {
    if (!(await insertCall(trx, call.callSid, now))) return
    const number = normalisePhone(call.from)
    if (!E164.test(number)) return
    const contactId = await upsertContact(trx, {
      kind: 'phone',
      blindIndex: contactIndex(deps.secrets, 'phone', number),
      addressSealed: deps.secrets.seal(number),
      displayNameSealed: null,
      seenAt: now,
    })
    await updateCall(trx, call.callSid, { contact_id: contactId })
  })
}

export type LanguageOutcome =
  | { kind: 'unknown' }
  | { kind: 'menu' }
  | { kind: 'queued'; signalId: string; language: VoiceLanguage }

/**
 * The caller's key on the language menu: 1 English, 2 French. Anything else (or nothing) plays the
 * menu once more, then the line's default language is chosen, so no caller is left out of the queue.
 * The signal opens with the choice, in one transaction; asked again, the same signal is answered.
 */
export async function chooseLanguage(
  deps: VoiceDeps,
  choice: { callSid: string; digits: string | null },
  audit: AuditContext,
  now = new Date(),
): Promise<LanguageOutcome> {
  return deps.database.db.transaction().execute(async (trx): Promise<LanguageOutcome> => {
    const call = await lockCall(trx, choice.callSid)
    if (!call) return { kind: 'unknown' }
    if (call.signal_id && call.language) {
      return { kind: 'queued', signalId: call.signal_id, language: call.language }
    }
    const chosen: VoiceLanguage | null = choice.digits === '1' ? 'en' : choice.digits === '2' ? 'fr' : null
    if (!chosen && call.menu_repeats < MENU_REPEATS) {
      await updateCall(trx, call.call_sid, { menu_repeats: call.menu_repeats + 1 })
      return { kind: 'menu' }
    }
    const language = chosen ?? deps.defaultLanguage
    const signalId = await openSignal(
      trx,
      { channel: 'voice', contactId: call.contact_id, language, receivedAt: new Date(call.received_at) },
      deps.policy,
      audit,
    )
    // The call came in at received_at; it joined the queue now, after the menu.
    await trx.updateTable('intake_signal').set({ enqueued_at: now }).where('id', '=', signalId).execute()
    await updateCall(trx, call.call_sid, { signal_id: signalId, language, language_chosen_at: now })
    return { kind: 'queued', signalId, language }
  })
}

export type QueueOutcome =
  | { kind: 'unknown' }
  /** The caller is still on the line after leaving the queue: what they hear next. */
  | { kind: 'conference'; signalId: string }
  | { kind: 'goodbye'; language: VoiceLanguage | null }
  | { kind: 'failed'; language: VoiceLanguage | null }
  | { kind: 'gone' }

const QUEUE_FAILURES = new Set(['queue-full', 'error', 'system-error'])
/** The call left the queue because Relais gave it other TwiML through the REST API: it goes on there. */
const REDIRECTED = new Set(['redirected', 'redirected-from-bridged'])

/**
 * Why the caller left their queue (Twilio's QueueResult) and how long they waited in it. Hanging up
 * in the queue abandons the signal. `bridged` comes once the advocate's leg has gone: the caller hears
 * goodbye, unless the call moved into a conference with an interpreter.
 */
export async function recordQueueResult(
  deps: VoiceDeps,
  report: { callSid: string; result: string; queueTime: number | null },
  now = new Date(),
): Promise<QueueOutcome> {
  const call = await callBySid(deps.database.db, report.callSid)
  if (!call) return { kind: 'unknown' }
  await updateCall(deps.database.db, call.call_sid, {
    queue_result: report.result,
    queue_time_seconds: report.queueTime,
    queue_result_at: now,
  })
  const signalId = call.signal_id
  if (REDIRECTED.has(report.result)) return { kind: 'gone' }
  if (report.result === 'hangup') {
    if (signalId) await personLeft(deps.database, signalId, now)
    return { kind: 'gone' }
  }
  if (QUEUE_FAILURES.has(report.result)) {
    // The caller is about to be told to call again: the line no longer holds them.
    if (signalId) await personLeft(deps.database, signalId, now)
    return { kind: 'failed', language: call.language }
  }
  if (signalId && call.interpreter_requested_at && call.status === 'active') {
    return { kind: 'conference', signalId }
  }
  return { kind: 'goodbye', language: call.language }
}

/** Twilio's call statuses after which the call is over. */
const FINISHED = new Set(['completed', 'busy', 'failed', 'no-answer', 'canceled'])
/** Those of them for a call that was never answered. */
export const UNANSWERED = new Set(['busy', 'failed', 'no-answer', 'canceled'])

/**
 * A call's status callback, for any of the three legs: the caller's, the advocate's, the interpreter's.
 * The caller's call ending while their signal is still queued, offered or active means they left.
 */
export async function recordCallStatus(
  deps: VoiceDeps,
  report: { callSid: string; status: string },
  now = new Date(),
): Promise<void> {
  const db = deps.database.db
  const finished = FINISHED.has(report.status)
  const caller = await db
    .updateTable('intake_voice_call')
    .set({ call_status: report.status, ...(finished ? { call_ended_at: now } : {}) })
    .where('call_sid', '=', report.callSid)
    .returning('signal_id')
    .executeTakeFirst()
  if (caller) {
    if (finished && caller.signal_id) await personLeft(deps.database, caller.signal_id, now)
    return
  }
  const rung = await db
    .updateTable('intake_voice_call')
    .set({ advocate_call_status: report.status })
    .where('advocate_call_sid', '=', report.callSid)
    .returning('signal_id')
    .executeTakeFirst()
  if (rung?.signal_id && UNANSWERED.has(report.status)) {
    await requeueUnbridged(
      deps.database,
      rung.signal_id,
      report.callSid,
      report.status as UnbridgedReason,
      now,
    )
    return
  }
  await db
    .updateTable('intake_voice_call')
    .set({ interpreter_call_status: report.status })
    .where('interpreter_call_sid', '=', report.callSid)
    .execute()
}

/** Why a call accepted by an advocate went back to the queue before they were bridged to the caller. */
export type UnbridgedReason = 'no_voice_number' | 'not_reached' | 'busy' | 'no-answer' | 'failed' | 'canceled'

/**
 * Puts a call back in its queue when the advocate who accepted it could not be reached: no voice
 * number, Twilio refused to ring them, or their phone did not answer. The caller is still waiting in
 * Twilio's queue; the advocate is set away (they are probably not at their phone), so routing offers
 * the call to someone else. `advocateCallSid`, when given, must still be the leg rung for this call.
 */
export async function requeueUnbridged(
  database: Database,
  signalId: string,
  advocateCallSid: string | null,
  reason: UnbridgedReason,
  now = new Date(),
): Promise<boolean> {
  return database.db.transaction().execute(async (trx) => {
    const call = await trx
      .selectFrom('intake_voice_call')
      .selectAll()
      .where('signal_id', '=', signalId)
      .forUpdate()
      .executeTakeFirst()
    if (!call?.advocate_id || call.call_ended_at) return false
    if (advocateCallSid !== null && call.advocate_call_sid !== advocateCallSid) return false
    const requeued = await trx
      .updateTable('intake_signal')
      .set({ status: 'queued', advocate_id: null, target_advocate_id: null })
      .where('id', '=', signalId)
      .where('status', '=', 'active')
      .where('advocate_id', '=', call.advocate_id)
      .returning('id')
      .executeTakeFirst()
    if (!requeued) return false
    await updateCall(trx, call.call_sid, {
      bridge_requested_at: null,
      advocate_id: null,
      advocate_call_sid: null,
      bridge_error: reason,
    })
    const away = await trx
      .updateTable('intake_presence')
      .set({ state: 'away', state_since: now })
      .where('staff_id', '=', call.advocate_id)
      .where('state', '=', 'available')
      .returning('staff_id')
      .executeTakeFirst()
    await appendAuditEvent(
      trx,
      { actorId: null, actorLabel: 'twilio', address: null, requestId: null },
      {
        action: 'intake.voice.unanswered',
        entityType: 'intake_signal',
        entityId: signalId,
        details: { advocateId: call.advocate_id, reason },
      },
    )
    if (away) await publish(trx, { type: 'presence.changed', staffId: call.advocate_id })
    await publish(trx, { type: 'signal.queued', signalId })
    return true
  })
}

/** A finished recording of a signal's call: only its id and length are kept. */
export async function recordRecording(
  deps: VoiceDeps,
  report: { signalId: string; recordingSid: string; status: string; durationSeconds: number | null },
  now = new Date(),
): Promise<void> {
  if (report.status !== 'completed') return
  const db = deps.database.db
  const signal = await db
    .selectFrom('intake_signal')
    .select('id')
    .where('id', '=', report.signalId)
    .where('channel', '=', 'voice')
    .executeTakeFirst()
  if (!signal) return
  await insertRecording(db, {
    recordingSid: report.recordingSid,
    signalId: report.signalId,
    durationSeconds: report.durationSeconds,
    recordedAt: now,
  })
}

/** Sets (or with null, clears) the number Relais rings when this advocate accepts a call. */
export async function setVoiceNumber(
  deps: Pick<VoiceDeps, 'database' | 'secrets'>,
  audit: AuditContext & { actorId: string },
  number: string | null,
  now = new Date(),
): Promise<void> {
  const normalised = number === null ? null : normalisePhone(number)
  if (normalised !== null && !E164.test(normalised)) throw invalidField('number', 'invalid')
  await deps.database.db.transaction().execute(async (trx) => {
    await saveVoiceNumber(trx, audit.actorId, normalised === null ? null : deps.secrets.seal(normalised), now)
    await appendAuditEvent(trx, audit, {
      action: normalised === null ? 'intake.voice.number.cleared' : 'intake.voice.number.set',
      entityType: 'staff_user',
      entityId: audit.actorId,
    })
  })
}

/**
 * Claims bringing an interpreter into an answered call, for the advocate handling it: marks the
 * signal as needing one, and audits it. The legs are moved by the caller of this function, once the
 * claim is committed, so a leg leaving the bridge on its own also finds its way to the conference.
 */
export async function claimInterpreter(
  deps: Pick<VoiceDeps, 'database'>,
  audit: AuditContext & { actorId: string },
  signalId: string,
  now = new Date(),
): Promise<{ callSid: string; advocateCallSid: string }> {
  return deps.database.db.transaction().execute(async (trx) => {
    const signal = await trx
      .selectFrom('intake_signal')
      .select(['status', 'advocate_id', 'channel'])
      .where('id', '=', signalId)
      .forUpdate()
      .executeTakeFirst()
    if (signal?.channel !== 'voice' || signal.advocate_id !== audit.actorId) {
      throw notFound('signal')
    }
    if (signal.status !== 'active') throw new AppError('signal_state', 409)
    const call = await trx
      .selectFrom('intake_voice_call')
      .selectAll()
      .where('signal_id', '=', signalId)
      .forUpdate()
      .executeTakeFirst()
    // Not yet bridged (the advocate's phone has not answered), or an interpreter already asked for.
    if (!call?.advocate_call_sid || call.call_ended_at) throw new AppError('signal_state', 409)
    if (call.interpreter_requested_at) throw new AppError('conflict', 409)
    await updateCall(trx, call.call_sid, { interpreter_requested_at: now })
    await trx
      .updateTable('intake_signal')
      .set({ interpreter_needed: true })
      .where('id', '=', signalId)
      .execute()
    await appendAuditEvent(trx, audit, {
      action: 'intake.voice.interpreter',
      entityType: 'intake_signal',
      entityId: signalId,
    })
    await publish(trx, { type: 'signal.changed', signalId })
    return { callSid: call.call_sid, advocateCallSid: call.advocate_call_sid }
  })
}
