import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { CaseDetail } from '../../common/contracts/cases.ts'
import type { Role } from '../../common/permissions.ts'
import { buildTestApp, type TestApp } from '../../test/support/app.ts'
import { buildStaff, type SessionFixture, sessionFor } from '../../test/support/factories.ts'
import type { SignalStatus } from '../intake/intake.tables.ts'
import { buildSignal } from './cases.factories.ts'

/**
 * Where conversations meet cases, through the intake routes: a reply the person's case says is
 * unsafe, and a conversation's wrap-up that opens a case or adds the conversation to one.
 */

let t: TestApp
const staff: Record<string, { id: string; session: SessionFixture }> = {}

beforeAll(async () => {
  t = await buildTestApp()
  const people: [string, Role][] = [
    ['advocate', 'advocate'],
    ['colleague', 'advocate'],
  ]
  for (const [name, role] of people) {
    const member = await buildStaff(t, { role })
    staff[name] = { id: member.id, session: await sessionFor(t, member) }
  }
})
afterAll(() => t.close())

function call(who: string, method: 'GET' | 'POST', url: string, payload?: unknown, language = 'en') {
  return t.app.inject({
    method,
    url,
    headers: { ...staff[who]!.session.headers, 'accept-language': language },
    ...(payload === undefined ? {} : { payload: payload as Record<string, unknown> }),
  })
}

const signalOf = (who: string, status: SignalStatus = 'active') =>
  buildSignal(t.database, { advocateId: staff[who]!.id, status, channel: 'sms' })

async function caseFrom(who: string, signalId: string): Promise<CaseDetail> {
  const response = await call(who, 'POST', '/api/cases', { signalId })
  expect(response.statusCode, response.body).toBe(201)
  return response.json()
}

async function auditOf(action: string, entityId: string) {
  return t.database.db
    .selectFrom('audit_event')
    .select(['actor_id', 'details'])
    .where('action', '=', action)
    .where('entity_id', '=', entityId)
    .execute()
}

describe('a reply by text to a person who said texts are not safe', () => {
  it('is refused with a translated 409, sent with a reason (audited), and a reason is required', async () => {
    const signalId = await signalOf('advocate')
    const opened = await caseFrom('advocate', signalId)
    const person = await call('advocate', 'POST', `/api/cases/${opened.id}/people`, {
      safeContact: { text: { state: 'given', value: false }, callBack: { state: 'given', value: true } },
    })
    expect(person.statusCode, person.body).toBe(201)
    const url = `/api/intake/signals/${signalId}/messages`

    const refused = await call('advocate', 'POST', url, { body: 'Are you safe to talk?' })
    expect(refused.statusCode).toBe(409)
    expect(refused.json()).toMatchObject({
      code: 'contact_unsafe',
      message:
        'The person said it is not safe to send them a text message. To go ahead anyway, give the reason.',
      fields: [{ path: 'override', code: 'contact_unsafe', values: { method: 'text' } }],
    })
    const enFrançais = await call('advocate', 'POST', url, { body: 'Allô' }, 'fr')
    expect(enFrançais.json().message).toBe(
      'La personne a dit qu’il n’est pas sécuritaire de lui envoyer un texto. Pour le faire quand même, donnez-en la raison.',
    )

    const noReason = await call('advocate', 'POST', url, { body: 'Hello', override: {} })
    expect(noReason.statusCode).toBe(400)
    expect(noReason.json().fields).toEqual([
      expect.objectContaining({ path: 'override.reason', code: 'required' }),
    ])
    const tooShort = await call('advocate', 'POST', url, { body: 'Hello', override: { reason: 'she asked' } })
    expect(tooShort.statusCode).toBe(400)
    expect(tooShort.json().fields).toEqual([
      expect.objectContaining({
        path: 'override.reason',
        code: 'too_small',
        values: expect.objectContaining({ minimum: 10 }),
      }),
    ])
    const messages = () =>
      t.database.db.selectFrom('intake_message').select('id').where('signal_id', '=', signalId).execute()
    expect(await messages()).toEqual([])
    expect(await auditOf('intake.reply.unsafe_override', signalId)).toEqual([])

    const reason = 'She texted first from a friend’s phone and asked for the address.'
    const sent = await call('advocate', 'POST', url, {
      body: 'The address is on its way.',
      override: { reason },
    })
    expect(sent.statusCode, sent.body).toBe(201)
    expect(await messages()).toHaveLength(1)
    expect(await auditOf('intake.reply.unsafe_override', signalId)).toEqual([
      {
        actor_id: staff.advocate!.id,
        details: expect.objectContaining({ channel: 'sms', method: 'text', reason, caseIds: [opened.id] }),
      },
    ])
  })
})

describe('wrap-up and cases', () => {
  const wrapUp = (who: string, signalId: string, body: Record<string, unknown>) =>
    call(who, 'POST', `/api/intake/signals/${signalId}/wrap-up`, { classification: 'trafficking', ...body })
  const signalRow = (signalId: string) =>
    t.database.db
      .selectFrom('intake_signal')
      .select(['status', 'classification'])
      .where('id', '=', signalId)
      .executeTakeFirstOrThrow()

  it('opens a case from the conversation with openCase, the signal linked and the advocate assigned', async () => {
    const signalId = await signalOf('advocate', 'wrap_up')
    const response = await wrapUp('advocate', signalId, { openCase: true, note: 'Will call back Monday' })
    expect(response.statusCode, response.body).toBe(200)
    const { case: linked } = response.json() as { case: { caseId: string; linked: boolean } }
    expect(linked.linked).toBe(true)
    expect(await signalRow(signalId)).toEqual({ status: 'ended', classification: 'trafficking' })

    const opened = await call('advocate', 'GET', `/api/cases/${linked.caseId}`)
    expect(opened.statusCode).toBe(200)
    const detail = opened.json() as CaseDetail
    expect(detail.signals.map((signal) => signal.signalId)).toEqual([signalId])
    expect(detail.assignedTo?.id).toBe(staff.advocate!.id)
    expect(await auditOf('case.created', linked.caseId)).toEqual([
      { actor_id: staff.advocate!.id, details: expect.objectContaining({ signalId }) },
    ])
    expect(await auditOf('intake.signal.classified', signalId)).toHaveLength(1)
  })

  it('adds the conversation to a case the advocate works on, with caseId', async () => {
    const first = await signalOf('advocate', 'ended')
    const opened = await caseFrom('advocate', first)
    const again = await signalOf('advocate', 'wrap_up')
    const response = await wrapUp('advocate', again, { caseId: opened.id })
    expect(response.statusCode, response.body).toBe(200)
    expect(response.json()).toEqual({ case: { caseId: opened.id, linked: true } })
    const detail = (await call('advocate', 'GET', `/api/cases/${opened.id}`)).json() as CaseDetail
    expect(detail.signals.map((signal) => signal.signalId).sort()).toEqual([first, again].sort())
    expect(await auditOf('case.signal_linked', opened.id)).toEqual([
      { actor_id: staff.advocate!.id, details: expect.objectContaining({ signalId: again, linked: true }) },
    ])
  })

  it('changes nothing when the case is not one the advocate may see, or both choices are given', async () => {
    const theirs = await caseFrom('colleague', await signalOf('colleague', 'ended'))
    const signalId = await signalOf('advocate', 'wrap_up')
    const hidden = await wrapUp('advocate', signalId, { caseId: theirs.id })
    const missing = await wrapUp('advocate', signalId, { caseId: randomUUID() })
    expect(hidden.statusCode).toBe(404)
    expect({ ...hidden.json(), requestId: null }).toEqual({ ...missing.json(), requestId: null })
    const both = await wrapUp('advocate', signalId, { caseId: theirs.id, openCase: true })
    expect(both.statusCode).toBe(400)
    expect(both.json().fields).toEqual([
      expect.objectContaining({ path: 'openCase', code: 'one_case_choice' }),
    ])
    expect(await signalRow(signalId)).toEqual({ status: 'wrap_up', classification: null })
    const links = await t.database.db
      .selectFrom('case_signal')
      .select('case_id')
      .where('signal_id', '=', signalId)
      .execute()
    expect(links).toEqual([])
  })

  it('refuses a case for a conversation not in wrap-up, before opening anything', async () => {
    const signalId = await signalOf('advocate', 'active')
    const response = await wrapUp('advocate', signalId, { openCase: true })
    expect(response.statusCode).toBe(409)
    expect(response.json().code).toBe('signal_state')
    const links = await t.database.db
      .selectFrom('case_signal')
      .select('case_id')
      .where('signal_id', '=', signalId)
      .execute()
    expect(links).toEqual([])
  })

  it('still wraps up without a case, answering 204 as before', async () => {
    const signalId = await signalOf('advocate', 'wrap_up')
    const response = await wrapUp('advocate', signalId, {})
    expect(response.statusCode).toBe(204)
    expect(await signalRow(signalId)).toEqual({ status: 'ended', classification: 'trafficking' })
  })
})
