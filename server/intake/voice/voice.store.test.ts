import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { engines } from '../../../test/support/database.ts'
import type { Database } from '../../db/database.ts'
import { openSignal } from '../signals.ts'
import { FakeTwilio } from './fake-twilio.ts'
import { TwilioCalls } from './twilio-calls.ts'
import { purgeExpiredRecordings } from './voice.recordings.ts'
import {
  claimBridge,
  claimHangUp,
  insertCall,
  insertRecording,
  queuePosition,
  updateCall,
} from './voice.store.ts'

const system = { actorId: null, actorLabel: 'test', address: null, requestId: null }
const ACCOUNT = `AC${'fedcba9876543210'.repeat(2)}`
const TOKEN = 'twilio_test_token_0123456789abcdef'
const DAY = 86_400_000

let counter = 0
const sid = (prefix: string) => `${prefix}${(Date.now() * 1000 + ++counter).toString(16).padStart(32, '0')}`

describe.each(engines)('voice storage on $engine', ({ open }) => {
  let database: Database
  let advocateId: string
  const fake = new FakeTwilio()

  beforeAll(async () => {
    database = await open()
    await fake.start()
    const staff = await database.db
      .insertInto('staff_user')
      .values({
        email: `voice.${Date.now()}@example.org`,
        display_name: 'Voice advocate',
        role: 'advocate',
        password_hash: 'x',
        locale: 'en',
      })
      .returning('id')
      .executeTakeFirstOrThrow()
    advocateId = staff.id
  })
  afterAll(async () => {
    await fake.stop()
    await database.close()
  })
  afterEach(() => {
    fake.requests.length = 0
    fake.missing.clear()
    fake.failing.clear()
  })

  /** A caller's call that chose a language, with its signal. */
  async function call(options: { enqueuedAt?: Date; inDanger?: boolean } = {}) {
    const callSid = sid('CA')
    const at = options.enqueuedAt ?? new Date()
    return database.db.transaction().execute(async (trx) => {
      await insertCall(trx, callSid, at)
      const signalId = await openSignal(
        trx,
        { channel: 'voice', contactId: null, language: 'fr', receivedAt: at, inDanger: options.inDanger },
        { interpreterFallbackSeconds: 60 },
        system,
      )
      await updateCall(trx, callSid, { signal_id: signalId, language: 'fr' })
      return { callSid, signalId }
    })
  }

  const setSignal = (id: string, status: 'offered' | 'active' | 'wrap_up') =>
    database.db
      .updateTable('intake_signal')
      .set({ status, advocate_id: advocateId })
      .where('id', '=', id)
      .execute()

  it('claims the advocate’s leg once, and only once the signal is active', async () => {
    const { callSid, signalId } = await call()
    expect(await claimBridge(database.db, signalId, new Date())).toBeUndefined()
    await setSignal(signalId, 'active')
    const [first, second] = await Promise.all([
      claimBridge(database.db, signalId, new Date()),
      claimBridge(database.db, signalId, new Date()),
    ])
    expect([first, second].filter(Boolean)).toEqual([{ call_sid: callSid, advocate_id: advocateId }])
  })

  it('claims the hang-up once the conversation ended, once, and not for a call already over', async () => {
    const { signalId } = await call()
    await setSignal(signalId, 'active')
    expect(await claimHangUp(database.db, signalId, new Date())).toBeUndefined()
    await setSignal(signalId, 'wrap_up')
    expect(await claimHangUp(database.db, signalId, new Date())).toBeDefined()
    expect(await claimHangUp(database.db, signalId, new Date())).toBeUndefined()
    const over = await call()
    await updateCall(database.db, over.callSid, { call_ended_at: new Date() })
    await setSignal(over.signalId, 'wrap_up')
    expect(await claimHangUp(database.db, over.signalId, new Date())).toBeUndefined()
  })

  it('counts a caller’s place as routing serves: in danger first, then the longest waiting', async () => {
    await database.db
      .updateTable('intake_signal')
      .set({ status: 'abandoned' })
      .where('status', '=', 'queued')
      .execute()
    const now = Date.now()
    const older = await call({ enqueuedAt: new Date(now - 60_000) })
    const newer = await call({ enqueuedAt: new Date(now - 30_000) })
    const danger = await call({ enqueuedAt: new Date(now), inDanger: true })
    expect(await queuePosition(database.db, danger.signalId)).toBe(1)
    expect(await queuePosition(database.db, older.signalId)).toBe(2)
    expect(await queuePosition(database.db, newer.signalId)).toBe(3)
    await setSignal(danger.signalId, 'offered')
    expect(await queuePosition(database.db, danger.signalId)).toBeNull()
    expect(await queuePosition(database.db, newer.signalId)).toBe(2)
  })

  it('deletes recordings past retention through Twilio’s API, once each, and retries a failure later', async () => {
    const { signalId } = await call()
    const now = new Date()
    const recorded = (daysAgo: number) => {
      const recordingSid = sid('RE')
      return insertRecording(database.db, {
        recordingSid,
        signalId,
        durationSeconds: 30,
        recordedAt: new Date(now.getTime() - daysAgo * DAY),
      }).then(() => recordingSid)
    }
    const expired = await recorded(40)
    const gone = await recorded(31)
    const refused = await recorded(35)
    const kept = await recorded(5)
    fake.missing.add(gone)
    fake.failing.add(refused)
    const calls = new TwilioCalls({ apiBase: fake.base, accountSid: ACCOUNT, authToken: TOKEN })
    const purge = { database, calls, retentionDays: 30 }

    expect(await purgeExpiredRecordings(purge, now)).toEqual({ deleted: 2, failed: 1 })
    const deletes = fake.requests.filter((request) => request.method === 'DELETE')
    expect(deletes.map((request) => request.path).sort()).toEqual(
      [expired, gone, refused].map((id) => `/2010-04-01/Accounts/${ACCOUNT}/Recordings/${id}.json`).sort(),
    )
    expect(deletes.every((request) => request.auth === `${ACCOUNT}:${TOKEN}`)).toBe(true)
    const state = async () =>
      Object.fromEntries(
        (
          await database.db
            .selectFrom('intake_voice_recording')
            .select(['recording_sid', 'deleted_at'])
            .where('signal_id', '=', signalId)
            .execute()
        ).map((row) => [row.recording_sid, row.deleted_at !== null]),
      )
    expect(await state()).toEqual({ [expired]: true, [gone]: true, [refused]: false, [kept]: false })

    // Run again at once (another process): nothing is deleted twice, the fresh claim is left alone.
    fake.requests.length = 0
    expect(await purgeExpiredRecordings(purge, now)).toEqual({ deleted: 0, failed: 0 })
    expect(fake.requests).toHaveLength(0)
    // Later, Twilio answers again: the one it refused is deleted.
    fake.failing.clear()
    expect(await purgeExpiredRecordings(purge, new Date(now.getTime() + 15 * 60_000))).toEqual({
      deleted: 1,
      failed: 0,
    })
    expect(await state()).toEqual({ [expired]: true, [gone]: true, [refused]: true, [kept]: false })
  })
})
