import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildTestApp, type TestApp } from '../../test/support/app.ts'
import { buildStaff, type SessionFixture, sessionFor } from '../../test/support/factories.ts'
import { buildSignal } from '../cases/cases.factories.ts'

/** The advocate's wrap-up through its route: what the person said of where they are and who they are. */

let t: TestApp
let advocate: { id: string; session: SessionFixture }

beforeAll(async () => {
  t = await buildTestApp()
  const member = await buildStaff(t, { role: 'advocate' })
  advocate = { id: member.id, session: await sessionFor(t, member) }
})
afterAll(() => t.close())

const wrapUp = (signalId: string, body: Record<string, unknown>, language = 'en') =>
  t.app.inject({
    method: 'POST',
    url: `/api/intake/signals/${signalId}/wrap-up`,
    headers: { ...advocate.session.headers, 'accept-language': language },
    payload: { classification: 'trafficking', ...body },
  })
const inWrapUp = () => buildSignal(t.database, { advocateId: advocate.id, status: 'wrap_up', channel: 'sms' })
const signalRow = (signalId: string) =>
  t.database.db
    .selectFrom('intake_signal')
    .select(['status', 'classification', 'province', 'caller_type'])
    .where('id', '=', signalId)
    .executeTakeFirstOrThrow()
const classifiedEvents = (signalId: string) =>
  t.database.db
    .selectFrom('audit_event')
    .select(['actor_id', 'details'])
    .where('action', '=', 'intake.signal.classified')
    .where('entity_id', '=', signalId)
    .execute()

describe('wrap-up with a province and a caller type', () => {
  it('stores both and names their codes in the wrap-up’s audit event', async () => {
    const signalId = await inWrapUp()
    const response = await wrapUp(signalId, { province: 'QC', callerType: 'professional', note: 'Nurse' })
    expect(response.statusCode, response.body).toBe(204)
    expect(await signalRow(signalId)).toEqual({
      status: 'ended',
      classification: 'trafficking',
      province: 'QC',
      caller_type: 'professional',
    })
    expect(await classifiedEvents(signalId)).toEqual([
      {
        actor_id: advocate.id,
        details: { classification: 'trafficking', province: 'QC', callerType: 'professional' },
      },
    ])
  })

  it('keeps what the person would not say: unknown, declined, or nothing recorded', async () => {
    const unsaid = await inWrapUp()
    expect((await wrapUp(unsaid, { province: 'unknown', callerType: 'declined' })).statusCode).toBe(204)
    expect(await signalRow(unsaid)).toMatchObject({ province: 'unknown', caller_type: 'declined' })

    for (const body of [{}, { province: null, callerType: null }]) {
      const signalId = await inWrapUp()
      expect((await wrapUp(signalId, body)).statusCode).toBe(204)
      expect(await signalRow(signalId)).toMatchObject({ status: 'ended', province: null, caller_type: null })
      expect((await classifiedEvents(signalId))[0]?.details).toEqual({
        classification: 'trafficking',
        province: null,
        callerType: null,
      })
    }
  })

  it('answers 400 naming the field, in the caller’s language, for a value outside the lists; nothing changes', async () => {
    const signalId = await inWrapUp()
    const cases = [
      {
        body: { province: 'Quebec' },
        field: 'province',
        language: 'en',
        message: /not one of the allowed values/,
      },
      { body: { province: 'US-NY' }, field: 'province', language: 'fr', message: /valeurs permises/ },
      {
        body: { callerType: 'witness' },
        field: 'callerType',
        language: 'en',
        message: /not one of the allowed/,
      },
      { body: { callerType: 'victime' }, field: 'callerType', language: 'fr', message: /valeurs permises/ },
    ]
    for (const { body, field, language, message } of cases) {
      const response = await wrapUp(signalId, body, language)
      expect(response.statusCode, response.body).toBe(400)
      const fields = (response.json() as { fields: { path: string; message: string }[] }).fields
      expect(fields.map((f) => f.path)).toEqual([field])
      expect(fields[0]?.message).toMatch(message)
      expect(fields[0]?.message).toContain(field)
    }
    expect(await signalRow(signalId)).toEqual({
      status: 'wrap_up',
      classification: null,
      province: null,
      caller_type: null,
    })
    expect(await classifiedEvents(signalId)).toEqual([])
  })
})
