import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildTestApp, type TestApp } from '../../../test/support/app.ts'
import { buildStaff, type SessionFixture, sessionFor } from '../../../test/support/factories.ts'
import { saveBundle } from '../../directory/directory.service.ts'
import { agencyBundle, insertCase, insertPerson } from './escalations.fixtures.ts'

let t: TestApp
const sessions = {} as Record<
  'advocate' | 'colleague' | 'supervisor' | 'analyst' | 'manager' | 'admin',
  SessionFixture
>
const ids = {} as Record<'advocate' | 'supervisor', string>
const system = { actorId: null, actorLabel: 'test', address: null, requestId: null }

beforeAll(async () => {
  t = await buildTestApp()
  await saveBundle(t.database, agencyBundle(), system)
  const advocate = await buildStaff(t, { role: 'advocate' })
  const supervisor = await buildStaff(t, { role: 'supervisor' })
  ids.advocate = advocate.id
  ids.supervisor = supervisor.id
  sessions.advocate = await sessionFor(t, advocate)
  sessions.supervisor = await sessionFor(t, supervisor)
  sessions.colleague = await sessionFor(t, await buildStaff(t, { role: 'advocate' }))
  sessions.analyst = await sessionFor(t, await buildStaff(t, { role: 'analyst' }))
  sessions.manager = await sessionFor(t, await buildStaff(t, { role: 'directory_manager' }))
  sessions.admin = await sessionFor(t, await buildStaff(t, { role: 'admin' }))
})
afterAll(() => t.close())

async function call(
  method: 'GET' | 'POST',
  url: string,
  session: SessionFixture | null,
  body?: unknown,
  language = 'en',
) {
  const response = await t.app.inject({
    method,
    url,
    headers: { ...(session?.headers ?? {}), 'accept-language': language },
    ...(body === undefined ? {} : { payload: body as Record<string, unknown> }),
  })
  return { status: response.statusCode, body: response.json() }
}

async function ontarioChild() {
  const caseId = await insertCase(t.database.db, {
    province: 'ON',
    municipality: 'Toronto',
    workers: [ids.advocate],
  })
  const child = await insertPerson(t.database.db, caseId, { age: 15 })
  return { caseId, child }
}
const startChildProtection = { kind: 'child_protection', consent: 'not_asked', imminentDanger: false }
const recently = () => new Date(Date.now() - 60_000).toISOString()

describe('access to the escalation routes', () => {
  it('401 without a session, 403 for roles without case work, 404 for a case the caller may not see', async () => {
    const { caseId } = await ontarioChild()
    const evaluation = `/api/cases/${caseId}/escalations/evaluation`
    expect((await call('GET', evaluation, null)).status).toBe(401)
    expect((await call('GET', evaluation, sessions.analyst)).status).toBe(403)
    expect((await call('GET', evaluation, sessions.manager)).status).toBe(403)
    const hidden = await call('GET', evaluation, sessions.colleague)
    const missing = await call('GET', `/api/cases/${randomUUID()}/escalations/evaluation`, sessions.colleague)
    expect(hidden.status).toBe(404)
    expect({ ...hidden.body, requestId: null }).toEqual({ ...missing.body, requestId: null })
    expect(
      (await call('POST', `/api/cases/${caseId}/escalations`, sessions.analyst, startChildProtection)).status,
    ).toBe(403)
    // An admin reaches a case only by break-the-glass, which this one has not used.
    expect((await call('GET', `/api/cases/${caseId}/escalations`, sessions.admin)).status).toBe(404)
    expect((await call('GET', '/api/escalations/reviews', sessions.advocate)).status).toBe(403)
    expect((await call('GET', '/api/escalation-protocols', sessions.supervisor)).status).toBe(403)
    expect((await call('GET', evaluation, sessions.supervisor)).status).toBe(200)
  })

  it('400 naming the field for a malformed request', async () => {
    const { caseId } = await ontarioChild()
    const bad = await call('POST', `/api/cases/${caseId}/escalations`, sessions.advocate, {
      ...startChildProtection,
      kind: 'press_release',
      colour: 'red',
    })
    expect(bad.status).toBe(400)
    expect(bad.body.fields).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ path: 'kind', code: 'invalid_value' }),
        expect.objectContaining({ path: 'colour', code: 'unknown_field' }),
      ]),
    )
    expect((await call('GET', '/api/cases/not-a-uuid/escalations', sessions.advocate)).body.fields).toEqual([
      expect.objectContaining({ path: 'params.id', code: 'invalid_format' }),
    ])
  })
})

describe('a minor in Ontario, through the API', () => {
  it('is recognised, walked through the protocol in order, and the case closes only once the report is recorded', async () => {
    const { caseId, child } = await ontarioChild()
    const evaluation = await call('GET', `/api/cases/${caseId}/escalations/evaluation`, sessions.advocate)
    expect(evaluation.status).toBe(200)
    expect(evaluation.body.kinds[0]).toMatchObject({
      kind: 'child_protection',
      verdict: 'required',
      personIds: [child],
    })
    expect(evaluation.body.closeBlockers).toHaveLength(1)

    const blocked = await call('POST', `/api/cases/${caseId}/close`, sessions.advocate, {})
    expect(blocked.status).toBe(409)
    expect(blocked.body.fields).toEqual([
      expect.objectContaining({
        path: 'escalations.child_protection',
        code: 'child_protection_report_required',
      }),
    ])
    const blockedFr = await call('POST', `/api/cases/${caseId}/close`, sessions.advocate, {}, 'fr')
    expect(blockedFr.body.fields[0].message).toBe(
      'escalations.child_protection : un signalement à la protection de l’enfance est obligatoire et n’a pas été consigné.',
    )

    const started = await call(
      'POST',
      `/api/cases/${caseId}/escalations`,
      sessions.advocate,
      startChildProtection,
    )
    expect(started.status).toBe(201)
    const steps = `/api/cases/${caseId}/escalations/${started.body.id}/steps`
    const outOfOrder = await call(
      'POST',
      steps,
      sessions.advocate,
      { stepId: 'call_agency', contactedAt: recently() },
      'fr',
    )
    expect(outOfOrder.status).toBe(400)
    expect(outOfOrder.body).toMatchObject({
      code: 'validation_failed',
      fields: [
        {
          path: 'stepId',
          code: 'step_out_of_order',
          values: { expected: 'gather_facts' },
          message:
            'stepId : cette étape n’est pas la suivante; la prochaine étape du protocole est gather_facts.',
        },
      ],
    })
    expect((await call('POST', steps, sessions.advocate, { stepId: 'gather_facts' })).status).toBe(200)
    expect(
      (await call('POST', steps, sessions.advocate, { stepId: 'choose_shared', sharedFields: ['age'] }))
        .status,
    ).toBe(200)
    const called = await call('POST', steps, sessions.advocate, {
      stepId: 'call_agency',
      contactedAt: recently(),
    })
    expect(called.body.agency).toMatchObject({ id: 'cas-toronto', phone: '416-924-4646' })
    expect(
      (
        await call('POST', steps, sessions.advocate, {
          stepId: 'record_reference',
          reportReference: 'CAS-77',
        })
      ).status,
    ).toBe(200)
    const outcome = await call(
      'POST',
      `/api/cases/${caseId}/escalations/${started.body.id}/outcome`,
      sessions.advocate,
      { outcome: 'reported' },
    )
    expect(outcome.body).toMatchObject({ status: 'completed', review: { status: 'pending' } })

    const closed = await call('POST', `/api/cases/${caseId}/close`, sessions.advocate, {})
    expect(closed.status).toBe(200)

    const events = await t.database.db
      .selectFrom('audit_event')
      .select('action')
      .where('entity_id', '=', started.body.id)
      .orderBy('id')
      .execute()
    expect(events.map((event) => event.action)).toEqual([
      'escalation.started',
      'escalation.step_completed',
      'escalation.step_completed',
      'escalation.step_completed',
      'escalation.step_completed',
      'escalation.completed',
    ])
  })

  it('is reviewed by a supervisor from the pending list', async () => {
    const { caseId } = await ontarioChild()
    const { body } = await call(
      'POST',
      `/api/cases/${caseId}/escalations`,
      sessions.advocate,
      startChildProtection,
    )
    const steps = `/api/cases/${caseId}/escalations/${body.id}/steps`
    await call('POST', steps, sessions.advocate, { stepId: 'gather_facts' })
    await call('POST', steps, sessions.advocate, {
      stepId: 'choose_shared',
      sharedFields: ['age', 'location'],
    })
    await call('POST', steps, sessions.advocate, { stepId: 'call_agency', contactedAt: recently() })
    await call('POST', steps, sessions.advocate, { stepId: 'record_reference', reportReference: 'CAS-78' })
    await call('POST', `/api/cases/${caseId}/escalations/${body.id}/outcome`, sessions.advocate, {
      outcome: 'reported',
    })

    const pending = await call('GET', '/api/escalations/reviews?lang=fr', sessions.supervisor)
    expect(pending.body.reviews).toContainEqual(
      expect.objectContaining({
        escalationId: body.id,
        caseId,
        kind: 'child_protection',
        agencyName: 'Société d’aide à l’enfance de Toronto',
        completedBy: ids.advocate,
      }),
    )
    const review = `/api/cases/${caseId}/escalations/${body.id}/review`
    expect((await call('POST', review, sessions.advocate, { decision: 'approved' })).status).toBe(403)
    const approved = await call('POST', review, sessions.supervisor, { decision: 'approved' })
    expect(approved.body.review).toMatchObject({ status: 'approved', by: ids.supervisor })
    const again = await call('POST', review, sessions.supervisor, { decision: 'approved' })
    expect(again.status).toBe(409)
    expect(again.body.fields).toEqual([
      expect.objectContaining({ path: 'decision', code: 'review_not_pending' }),
    ])
  })
})

describe('an adult’s tip, through the API', () => {
  it('is refused without consent in the caller’s language, and allowed when imminent danger is recorded', async () => {
    const caseId = await insertCase(t.database.db, {
      province: 'QC',
      municipality: 'Montréal',
      workers: [ids.advocate],
    })
    await insertPerson(t.database.db, caseId, { age: 34 })
    const preview = await call(
      'GET',
      `/api/cases/${caseId}/escalations/evaluation?consent=refused`,
      sessions.advocate,
      undefined,
      'fr',
    )
    const tip = preview.body.kinds.find((kind: { kind: string }) => kind.kind === 'law_enforcement_tip')
    expect(tip.verdict).toBe('refused')
    expect(tip.reasons[0].message).toBe(
      'Les renseignements d’un adulte ne sont communiqués qu’avec son consentement.',
    )
    const withDanger = await call(
      'GET',
      `/api/cases/${caseId}/escalations/evaluation?consent=refused&imminentDanger=true`,
      sessions.advocate,
    )
    expect(withDanger.body.kinds[1].verdict).toBe('allowed')

    const refused = await call('POST', `/api/cases/${caseId}/escalations`, sessions.advocate, {
      kind: 'law_enforcement_tip',
      consent: 'refused',
      imminentDanger: false,
    })
    expect(refused.status).toBe(400)
    expect(refused.body.fields).toEqual([
      expect.objectContaining({
        path: 'consent',
        code: 'consent_required',
        message:
          "consent: an adult's information may be shared only with their consent, unless imminent danger is recorded and the protocol allows it.",
      }),
    ])
    const list = await call('GET', `/api/cases/${caseId}/escalations`, sessions.advocate)
    expect(list.body.escalations).toEqual([])

    const started = await call('POST', `/api/cases/${caseId}/escalations`, sessions.advocate, {
      kind: 'law_enforcement_tip',
      consent: 'refused',
      imminentDanger: true,
      imminentDangerNote: 'Locked in, exploiters expected back tonight',
    })
    expect(started.status).toBe(201)
    expect(started.body.nextStepId).toBe('confirm_consent')
  })
})

describe('the agency look-up and the protocols', () => {
  it('finds the police for the case’s place, its 24/7 line first', async () => {
    const caseId = await insertCase(t.database.db, {
      province: 'ON',
      municipality: 'Toronto',
      workers: [ids.advocate],
    })
    const found = await call(
      'GET',
      `/api/cases/${caseId}/escalations/agencies?kind=emergency_dispatch`,
      sessions.advocate,
    )
    expect(found.body).toMatchObject({ province: 'ON', municipality: 'Toronto' })
    expect(found.body.agencies.map((agency: { organizationId: string }) => agency.organizationId)).toEqual([
      'tps',
      'opp',
    ])
  })

  it('lets an admin list and add protocol versions, refusing an invalid one by field', async () => {
    const list = await call('GET', '/api/escalation-protocols', sessions.admin)
    expect(list.body.protocols).toHaveLength(13)
    const invalid = await call('POST', '/api/escalation-protocols', sessions.admin, {
      document: { id: 'ca-on' },
    })
    expect(invalid.status).toBe(400)
    expect(invalid.body.fields).toEqual(
      expect.arrayContaining([expect.objectContaining({ path: 'document.version', code: 'required' })]),
    )
    expect(
      (await call('POST', '/api/escalation-protocols', sessions.advocate, { document: {} })).status,
    ).toBe(403)
  })

  it('are documented in the OpenAPI description', async () => {
    const { body } = await call('GET', '/api/docs/openapi.json', null)
    expect(Object.keys(body.paths)).toEqual(
      expect.arrayContaining([
        '/api/cases/{id}/escalations/evaluation',
        '/api/cases/{id}/escalations/{escalationId}/steps',
        '/api/escalations/reviews',
      ]),
    )
  })
})
