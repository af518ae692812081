import { sql, type Updateable } from 'kysely'
import type { Db } from '../intake.store.ts'
import type { IntakeVoiceCallTable } from './voice.tables.ts'

/** Stores a call the first time Twilio announces it; false when this CallSid is already stored. */
export async function insertCall(db: Db, callSid: string, receivedAt: Date): Promise<boolean> {
  const row = await db
    .insertInto('intake_voice_call')
    .values({ call_sid: callSid, received_at: receivedAt })
    .onConflict((oc) => oc.column('call_sid').doNothing())
    .returning('call_sid')
    .executeTakeFirst()
  return row !== undefined
}

/** A caller's call by its CallSid, locked for the caller's transaction. */
export function lockCall(db: Db, callSid: string) {
  return db
    .selectFrom('intake_voice_call')
    .selectAll()
    .where('call_sid', '=', callSid)
    .forUpdate()
    .executeTakeFirst()
}

/** A caller's call with its signal's state, by the signal. */
export function callOfSignal(db: Db, signalId: string) {
  return db
    .selectFrom('intake_voice_call as c')
    .innerJoin('intake_signal as s', 's.id', 'c.signal_id')
    .select([
      'c.call_sid',
      'c.language',
      'c.advocate_call_sid',
      'c.bridge_requested_at',
      'c.interpreter_requested_at',
      's.status',
      's.advocate_id',
    ])
    .where('c.signal_id', '=', signalId)
    .executeTakeFirst()
}

/** A caller's call with its signal's state, by the CallSid. */
export function callBySid(db: Db, callSid: string) {
  return db
    .selectFrom('intake_voice_call as c')
    .leftJoin('intake_signal as s', 's.id', 'c.signal_id')
    .select(['c.call_sid', 'c.signal_id', 'c.language', 'c.interpreter_requested_at', 's.status', 's.queue'])
    .where('c.call_sid', '=', callSid)
    .executeTakeFirst()
}

/**
 * Where a waiting signal stands in its queue, counting as routing serves: in danger first, then the
 * longest waiting. Null once it is no longer waiting (offered, answered, ended).
 */
export async function queuePosition(db: Db, signalId: string): Promise<number | null> {
  const row = await sql<{ position: number }>`
    select 1 + (
      select count(*) from intake_signal o
      where o.status = 'queued' and o.queue = s.queue and o.id <> s.id
        and (o.in_danger, s.enqueued_at) > (s.in_danger, o.enqueued_at)
    )::int as position
    from intake_signal s
    where s.id = ${signalId} and s.status = 'queued'
  `.execute(db)
  return row.rows[0]?.position ?? null
}

/**
 * Claims the advocate's leg of an answered call: true for exactly one claimant, however many
 * processes heard the signal become active.
 */
export async function claimBridge(db: Db, signalId: string, now: Date) {
  return db
    .updateTable('intake_voice_call as c')
    .from('intake_signal as s')
    .set({ bridge_requested_at: now, advocate_id: sql.ref('s.advocate_id') })
    .whereRef('s.id', '=', 'c.signal_id')
    .where('c.signal_id', '=', signalId)
    .where('s.status', '=', 'active')
    .where('s.channel', '=', 'voice')
    .where('c.bridge_requested_at', 'is', null)
    .where('c.call_ended_at', 'is', null)
    .returning(['c.call_sid', 'c.advocate_id'])
    .executeTakeFirst()
}

/**
 * Claims putting a bridged caller back in their queue: their conversation went back to waiting
 * (transferred, reassigned) or to another advocate than the one rung. Clears the bridge, so the next
 * advocate to accept is rung in turn.
 */
export async function claimRequeue(db: Db, signalId: string) {
  return db
    .updateTable('intake_voice_call as c')
    .from('intake_signal as s')
    .set({
      bridge_requested_at: null,
      advocate_id: null,
      advocate_call_sid: null,
      interpreter_requested_at: null,
      interpreter_call_sid: null,
    })
    .whereRef('s.id', '=', 'c.signal_id')
    .where('c.signal_id', '=', signalId)
    .where('c.bridge_requested_at', 'is not', null)
    .where('c.call_ended_at', 'is', null)
    .where((eb) =>
      eb.or([
        eb('s.status', 'in', ['queued', 'offered']),
        eb.and([
          eb('s.status', '=', 'active'),
          eb('s.advocate_id', 'is distinct from', eb.ref('c.advocate_id')),
        ]),
      ]),
    )
    .returning(['c.call_sid', 'c.language'])
    .executeTakeFirst()
}

/** Claims hanging up a caller whose conversation the advocate ended, while the call is still up. */
export async function claimHangUp(db: Db, signalId: string, now: Date) {
  return db
    .updateTable('intake_voice_call as c')
    .from('intake_signal as s')
    .set({ hangup_requested_at: now })
    .whereRef('s.id', '=', 'c.signal_id')
    .where('c.signal_id', '=', signalId)
    .where('s.status', 'in', ['wrap_up', 'ended'])
    .where('c.hangup_requested_at', 'is', null)
    .where('c.call_ended_at', 'is', null)
    .returning('c.call_sid')
    .executeTakeFirst()
}

/**
 * Signals the bus may have told of while this process was not listening: answered but not bridged,
 * ended but not hung up, back in the queue while still bridged.
 */
export async function pendingSignals(db: Db): Promise<string[]> {
  const rows = await db
    .selectFrom('intake_voice_call as c')
    .innerJoin('intake_signal as s', 's.id', 'c.signal_id')
    .select('c.signal_id')
    .where('c.call_ended_at', 'is', null)
    .where((eb) =>
      eb.or([
        eb.and([eb('s.status', '=', 'active'), eb('c.bridge_requested_at', 'is', null)]),
        eb.and([eb('s.status', 'in', ['wrap_up', 'ended']), eb('c.hangup_requested_at', 'is', null)]),
        eb.and([eb('s.status', 'in', ['queued', 'offered']), eb('c.bridge_requested_at', 'is not', null)]),
      ]),
    )
    .execute()
  return rows.map((row) => row.signal_id as string)
}

export function updateCall(db: Db, callSid: string, changes: Updateable<IntakeVoiceCallTable>) {
  return db.updateTable('intake_voice_call').set(changes).where('call_sid', '=', callSid).execute()
}

/** The advocate's voice number, sealed; undefined when they set none. */
export async function voiceNumberOf(db: Db, staffId: string): Promise<string | undefined> {
  const row = await db
    .selectFrom('intake_voice_number')
    .select('number_sealed')
    .where('staff_id', '=', staffId)
    .executeTakeFirst()
  return row?.number_sealed
}

export async function saveVoiceNumber(db: Db, staffId: string, numberSealed: string | null, now: Date) {
  if (numberSealed === null) {
    await db.deleteFrom('intake_voice_number').where('staff_id', '=', staffId).execute()
    return
  }
  await db
    .insertInto('intake_voice_number')
    .values({ staff_id: staffId, number_sealed: numberSealed, updated_at: now })
    .onConflict((oc) => oc.column('staff_id').doUpdateSet({ number_sealed: numberSealed, updated_at: now }))
    .execute()
}

/** Keeps a finished recording's id and length once (Twilio may report it again). */
export async function insertRecording(
  db: Db,
  recording: { recordingSid: string; signalId: string; durationSeconds: number | null; recordedAt: Date },
) {
  await db
    .insertInto('intake_voice_recording')
    .values({
      recording_sid: recording.recordingSid,
      signal_id: recording.signalId,
      duration_seconds: recording.durationSeconds,
      recorded_at: recording.recordedAt,
    })
    .onConflict((oc) => oc.column('recording_sid').doNothing())
    .execute()
}

/**
 * Claims recordings older than `before` for deletion. A claim older than `staleBefore` (a process that
 * stopped midway) may be taken again, so no recording outlives its retention for long.
 */
export async function claimExpiredRecordings(
  db: Db,
  before: Date,
  staleBefore: Date,
  now: Date,
  limit: number,
): Promise<string[]> {
  const rows = await db
    .updateTable('intake_voice_recording')
    .set({ delete_requested_at: now })
    // Checked again on the row itself: a concurrent claim that won makes this one skip it.
    .where('deleted_at', 'is', null)
    .where((eb) =>
      eb.or([eb('delete_requested_at', 'is', null), eb('delete_requested_at', '<=', staleBefore)]),
    )
    .where(
      'recording_sid',
      'in',
      db
        .selectFrom('intake_voice_recording')
        .select('recording_sid')
        .where('deleted_at', 'is', null)
        .where('recorded_at', '<=', before)
        .where((eb) =>
          eb.or([eb('delete_requested_at', 'is', null), eb('delete_requested_at', '<=', staleBefore)]),
        )
        .orderBy('recorded_at')
        .limit(limit),
    )
    .returning('recording_sid')
    .execute()
  return rows.map((row) => row.recording_sid)
}

export async function markRecordingDeleted(db: Db, recordingSid: string, now: Date) {
  await db
    .updateTable('intake_voice_recording')
    .set({ deleted_at: now })
    .where('recording_sid', '=', recordingSid)
    .execute()
}
