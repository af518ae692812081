import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { CaseDetail, CaseList } from '../../common/contracts/cases.ts'
import { caseLimits } from '../../common/contracts/cases.ts'
import type { Role } from '../../common/permissions.ts'
import { buildTestApp, type TestApp } from '../../test/support/app.ts'
import { buildStaff, type SessionFixture, sessionFor } from '../../test/support/factories.ts'
import { buildSignal } from './cases.factories.ts'
import { registerCloseCheck } from './close-checks.ts'

let t: TestApp
const staff: Record<string, { id: string; session: SessionFixture }> = {}

beforeAll(async () => {
  t = await buildTestApp()
  const people: [string, Role][] = [
    ['advocate', 'advocate'],
    ['colleague', 'advocate'],
    ['supervisor', 'supervisor'],
    ['analyst', 'analyst'],
    ['manager', 'directory_manager'],
    ['admin', 'admin'],
  ]
  for (const [name, role] of people) {
    const member = await buildStaff(t, { role })
    staff[name] = { id: member.id, session: await sessionFor(t, member) }
  }
})
afterAll(() => t.close())

type Method = 'GET' | 'POST' | 'PATCH' | 'DELETE'
function call(who: string | null, method: Method, url: string, payload?: unknown) {
  const headers = who ? staff[who]!.session.headers : {}
  const body = payload === undefined ? {} : { payload: payload as Record<string, unknown> }
  return t.app.inject({ method, url, headers, ...body })
}

async function openCase(who = 'advocate'): Promise<CaseDetail> {
  const signalId = await buildSignal(t.database, { advocateId: staff[who]!.id })
  const response = await call(who, 'POST', '/api/cases', { signalId })
  expect(response.statusCode, response.body).toBe(201)
  return response.json()
}

describe('cases API: who may call', () => {
  const someId = randomUUID()
  const routes: [Method, string, unknown?][] = [
    ['GET', '/api/cases'],
    ['POST', '/api/cases', { signalId: someId }],
    ['GET', `/api/cases/hints?signalId=${someId}`],
    ['GET', '/api/cases/break-glass'],
    ['POST', '/api/cases/break-glass', { number: 'C-2026-000001', reason: 'x'.repeat(30) }],
    ['GET', '/api/cases/assignees'],
    ['GET', `/api/cases/${someId}`],
    ['POST', `/api/cases/${someId}/signals`, { signalId: someId }],
    ['PATCH', `/api/cases/${someId}/safety`, {}],
    ['PATCH', `/api/cases/${someId}/situation`, {}],
    ['PATCH', `/api/cases/${someId}/location`, {}],
    ['POST', `/api/cases/${someId}/people`, {}],
    ['PATCH', `/api/cases/${someId}/people/${someId}`, {}],
    ['POST', `/api/cases/${someId}/exploiters`, {}],
    ['PATCH', `/api/cases/${someId}/exploiters/${someId}`, {}],
    ['POST', `/api/cases/${someId}/needs`, { kind: 'housing' }],
    ['PATCH', `/api/cases/${someId}/needs/${someId}`, {}],
    ['DELETE', `/api/cases/${someId}/needs/${someId}`],
    ['POST', `/api/cases/${someId}/notes`, { body: 'x' }],
    ['POST', `/api/cases/${someId}/close`, {}],
    ['POST', `/api/cases/${someId}/reopen`],
    ['POST', `/api/cases/${someId}/assignment`, { staffId: someId }],
    ['POST', `/api/cases/${someId}/break-glass`, { reason: 'x'.repeat(30) }],
    ['GET', `/api/cases/${someId}/export`],
  ]

  it('answers 401 to everyone signed out', async () => {
    for (const [method, url, payload] of routes) {
      expect((await call(null, method, url, payload)).statusCode, `${method} ${url}`).toBe(401)
    }
  })

  it('answers 403 to analysts and directory managers on every route: they reach no case', async () => {
    for (const who of ['analyst', 'manager']) {
      for (const [method, url, payload] of routes) {
        expect((await call(who, method, url, payload)).statusCode, `${who} ${method} ${url}`).toBe(403)
      }
    }
  })

  it('keeps reassignment and the break-the-glass log to supervisors, export too, and break-the-glass to admins', async () => {
    const expectations: [string, Method, string, unknown, number][] = [
      ['advocate', 'POST', `/api/cases/${someId}/assignment`, { staffId: someId }, 403],
      ['advocate', 'GET', '/api/cases/break-glass', undefined, 403],
      ['advocate', 'GET', `/api/cases/${someId}/export`, undefined, 403],
      ['advocate', 'POST', `/api/cases/${someId}/break-glass`, { reason: 'x'.repeat(30) }, 403],
      ['supervisor', 'POST', `/api/cases/${someId}/break-glass`, { reason: 'x'.repeat(30) }, 403],
      ['admin', 'POST', '/api/cases', { signalId: someId }, 403],
      ['admin', 'PATCH', `/api/cases/${someId}/safety`, {}, 403],
      ['admin', 'POST', `/api/cases/${someId}/notes`, { body: 'x' }, 403],
      ['admin', 'GET', '/api/cases/break-glass', undefined, 403],
      ['advocate', 'GET', '/api/cases/assignees', undefined, 403],
      ['admin', 'GET', '/api/cases/assignees', undefined, 403],
      [
        'advocate',
        'POST',
        '/api/cases/break-glass',
        { number: 'C-2026-000001', reason: 'x'.repeat(30) },
        403,
      ],
      [
        'supervisor',
        'POST',
        '/api/cases/break-glass',
        { number: 'C-2026-000001', reason: 'x'.repeat(30) },
        403,
      ],
    ]
    for (const [who, method, url, payload, status] of expectations) {
      expect((await call(who, method, url, payload)).statusCode, `${who} ${method} ${url}`).toBe(status)
    }
  })

  it('refuses bad input with 400 naming the field, in the caller’s language, and changes nothing', async () => {
    const opened = await openCase()
    const tooLong = 'a'.repeat(caseLimits.noteMaxLength + 1)
    const response = await call('advocate', 'POST', `/api/cases/${opened.id}/notes?lang=fr`, {
      body: tooLong,
    })
    expect(response.statusCode).toBe(400)
    expect(response.json().fields).toEqual([
      expect.objectContaining({
        path: 'body',
        code: 'too_big',
        message: `Le champ body doit compter au plus ${caseLimits.noteMaxLength} caractères.`,
      }),
    ])
    const invalid: [string, unknown, string][] = [
      [
        'situation',
        { traffickingTypes: { state: 'given', value: ['Smuggling'] } },
        'traffickingTypes.value.0',
      ],
      ['situation', { peopleAffected: { state: 'given' } }, 'peopleAffected.value'],
      ['situation', { industry: { state: 'maybe' } }, 'industry.state'],
      ['safety', { status: 'perhaps' }, 'status'],
      ['location', { province: { state: 'given', value: 'XX' } }, 'province.value'],
      ['location', { postalCode: { state: 'unknown' } }, 'postalCode'],
    ]
    for (const [section, body, path] of invalid) {
      const refused = await call('advocate', 'PATCH', `/api/cases/${opened.id}/${section}`, body)
      expect(refused.statusCode, JSON.stringify(body)).toBe(400)
      expect(refused.json().fields.map((field: { path: string }) => field.path)).toContain(path)
    }
    const after: CaseDetail = (await call('advocate', 'GET', `/api/cases/${opened.id}`)).json()
    expect([after.notes, after.situation, after.safety, after.location]).toEqual([
      opened.notes,
      opened.situation,
      opened.safety,
      opened.location,
    ])
  })
})

describe('cases API: reach per role', () => {
  it('gives each role exactly its reach, and the same answer for "not yours" as for "does not exist"', async () => {
    const opened = await openCase('advocate')
    const reach = async (who: string) => {
      const list: CaseList = (await call(who, 'GET', `/api/cases?number=${opened.number}`)).json()
      const read = await call(who, 'GET', `/api/cases/${opened.id}`)
      const write = await call(who, 'PATCH', `/api/cases/${opened.id}/safety`, { status: 'unsure' })
      return { listed: list.total, read: read.statusCode, write: write.statusCode }
    }
    expect({
      advocate: await reach('advocate'),
      colleague: await reach('colleague'),
      supervisor: await reach('supervisor'),
      admin: await reach('admin'),
    }).toEqual({
      advocate: { listed: 1, read: 200, write: 200 },
      colleague: { listed: 0, read: 404, write: 404 },
      supervisor: { listed: 1, read: 200, write: 200 },
      admin: { listed: 0, read: 404, write: 403 },
    })
    const hidden = await call('colleague', 'GET', `/api/cases/${opened.id}`)
    const missing = await call('colleague', 'GET', `/api/cases/${randomUUID()}`)
    const { requestId: _a, ...hiddenBody } = hidden.json()
    const { requestId: _b, ...missingBody } = missing.json()
    expect(hiddenBody).toEqual(missingBody)
  })

  it('cannot be used to infer a hidden case: filters and totals count only what the caller may see', async () => {
    const theirs = await openCase('colleague')
    await call('colleague', 'PATCH', `/api/cases/${theirs.id}/location`, {
      province: { state: 'given', value: 'NU' },
      municipality: { state: 'given', value: 'Pangnirtung' },
    })
    for (const query of [
      `number=${theirs.number}`,
      `q=${theirs.number.slice(-6)}`,
      'q=Pangnirtung',
      'province=NU',
      'q=Pangnirtung&status=open&province=NU',
    ]) {
      const list: CaseList = (await call('advocate', 'GET', `/api/cases?${query}`)).json()
      expect(
        list.cases.map((summary) => summary.id),
        query,
      ).not.toContain(theirs.id)
      expect(list.total, query).toBe(list.cases.length)
    }
    const supervised: CaseList = (await call('supervisor', 'GET', '/api/cases?q=Pangnirtung')).json()
    expect(supervised.cases.map((summary) => summary.id)).toContain(theirs.id)
  })

  it('opens a case to an admin only by break-the-glass with a written reason, shown to supervisors', async () => {
    const opened = await openCase('advocate')
    const short = await call('admin', 'POST', `/api/cases/${opened.id}/break-glass`, { reason: 'because' })
    expect(short.statusCode).toBe(400)
    expect(short.json().fields[0]).toMatchObject({ path: 'reason', code: 'too_small' })
    const reason = 'Access request by the person, ticket 2026-118, approved by the director'
    const response = await call('admin', 'POST', `/api/cases/${opened.id}/break-glass`, { reason })
    expect(response.statusCode, response.body).toBe(200)
    const detail: CaseDetail = response.json()
    expect(detail.breakGlass?.reason).toBe(reason)
    expect(detail.abilities).toMatchObject({ update: false, close: false, export: false })
    expect((await call('admin', 'GET', `/api/cases/${opened.id}`)).statusCode).toBe(200)
    const log = (await call('supervisor', 'GET', '/api/cases/break-glass')).json()
    expect(log.entries[0]).toMatchObject({ caseId: opened.id, caseNumber: opened.number, reason })
    const events = await t.database.db
      .selectFrom('audit_event')
      .select(['action', 'details'])
      .where('entity_id', '=', opened.id)
      .where('actor_id', '=', staff.admin!.id)
      .orderBy('id')
      .execute()
    expect(events.map((event) => event.action)).toEqual(['case.break_glass', 'case.read', 'case.read'])
    expect(events[0]!.details).toMatchObject({ reason })
    expect(events[1]!.details).toMatchObject({ breakGlass: true })
  })
})

describe('cases API: working a case', () => {
  it('records safety first, then whatever is known, and reads it all back with what is still unasked', async () => {
    const opened = await openCase()
    expect(opened.unasked).toContain('safety.status')
    expect(opened.abilities).toEqual({
      update: true,
      close: true,
      reopen: false,
      reassign: false,
      export: false,
    })

    let response = await call('advocate', 'PATCH', `/api/cases/${opened.id}/safety`, {
      status: 'no',
      plan: { plan: { state: 'given', value: 'Leave during the night shift; taxi voucher ready.' } },
    })
    expect(response.statusCode, response.body).toBe(200)
    response = await call('advocate', 'PATCH', `/api/cases/${opened.id}/situation`, {
      traffickingTypes: { state: 'given', value: ['ForcedLabour', 'ForcedLabour', 'Servitude'] },
      traffickingStatus: { state: 'declined' },
      industry: { state: 'given', value: 'A_AgricultureForestryAndFishing' },
    })
    expect(response.statusCode, response.body).toBe(200)
    const person = await call('advocate', 'POST', `/api/cases/${opened.id}/people`, {
      role: { state: 'given', value: 'victim' },
      age: { state: 'given', value: { band: '16_17' } },
      gender: { state: 'declined' },
      languages: { state: 'given', value: ['es', 'en'] },
      safeContact: {
        callBack: { state: 'given', value: false },
        codeWord: { state: 'given', value: 'mango' },
      },
    })
    expect(person.statusCode, person.body).toBe(201)
    const personId = person.json().id as string
    const need = await call('advocate', 'POST', `/api/cases/${opened.id}/needs`, {
      kind: 'housing-emergency',
      personId,
    })
    expect(need.statusCode, need.body).toBe(201)
    const note = await call('advocate', 'POST', `/api/cases/${opened.id}/notes`, {
      body: 'Employer holds passports.',
    })
    expect(note.statusCode).toBe(201)

    const detail: CaseDetail = (await call('advocate', 'GET', `/api/cases/${opened.id}`)).json()
    expect(detail.safety).toEqual({
      status: 'no',
      plan: {
        plan: { state: 'given', value: 'Leave during the night shift; taxi voucher ready.' },
        safePlace: { state: 'not_asked' },
        supports: { state: 'not_asked' },
      },
    })
    expect(detail.situation.traffickingTypes).toEqual({
      state: 'given',
      value: ['ForcedLabour', 'Servitude'],
    })
    expect(detail.situation.traffickingStatus).toEqual({ state: 'declined' })
    expect(detail.people[0]).toMatchObject({
      id: personId,
      age: { state: 'given', value: { band: '16_17' } },
      gender: { state: 'declined' },
      safeContact: {
        callBack: { state: 'given', value: false },
        codeWord: { state: 'given', value: 'mango' },
      },
    })
    expect(detail.needs).toEqual([
      expect.objectContaining({ kind: 'housing-emergency', status: 'unmet', personId }),
    ])
    expect(detail.notes).toEqual([
      expect.objectContaining({
        body: 'Employer holds passports.',
        author: expect.objectContaining({ id: staff.advocate!.id }),
      }),
    ])
    expect(detail.signals).toHaveLength(1)
    expect(detail.unasked).not.toContain('safety.status')
    expect(detail.unasked).toEqual(
      expect.arrayContaining([
        'situation.peopleAffected',
        `people.${personId}.residency`,
        'safety.plan.safePlace',
      ]),
    )
    expect(detail.unasked).not.toContain('situation.traffickingStatus')
  })

  it('closes through the close checks: 409 naming what blocks, then closed once nothing does', async () => {
    const opened = await openCase()
    const unregister = registerCloseCheck(async (_trx, { caseId }) =>
      caseId === opened.id ? [{ path: 'escalations', code: 'unknown_reference', message: '' }] : [],
    )
    try {
      const blocked = await call('advocate', 'POST', `/api/cases/${opened.id}/close?lang=fr`, {})
      expect(blocked.statusCode).toBe(409)
      expect(blocked.json()).toMatchObject({
        code: 'case_close_blocked',
        message: 'Ce dossier ne peut pas encore être fermé ; voyez ce qui manque.',
        fields: [{ path: 'escalations', code: 'unknown_reference' }],
      })
    } finally {
      unregister()
    }
    const closed = await call('advocate', 'POST', `/api/cases/${opened.id}/close`, {
      reason: 'Person moved away.',
    })
    expect(closed.statusCode, closed.body).toBe(200)
    expect(closed.json()).toMatchObject({ status: 'closed', closureReason: 'Person moved away.' })
    expect(closed.json().abilities).toMatchObject({ update: false, reopen: true })
    const late = await call('advocate', 'PATCH', `/api/cases/${opened.id}/safety`, { status: 'yes' })
    expect([late.statusCode, late.json().code]).toEqual([409, 'case_closed'])
  })

  it('lets a supervisor reassign, after which the new advocate reaches the case', async () => {
    const opened = await openCase()
    expect((await call('colleague', 'GET', `/api/cases/${opened.id}`)).statusCode).toBe(404)
    const response = await call('supervisor', 'POST', `/api/cases/${opened.id}/assignment`, {
      staffId: staff.colleague!.id,
    })
    expect(response.statusCode, response.body).toBe(200)
    expect(response.json().assignedTo.id).toBe(staff.colleague!.id)
    expect((await call('colleague', 'GET', `/api/cases/${opened.id}`)).statusCode).toBe(200)
    const mine: CaseList = (await call('colleague', 'GET', '/api/cases?assignedToMe=true')).json()
    expect(mine.cases.map((summary) => summary.id)).toContain(opened.id)
  })

  it('lists whom a supervisor may reassign to: active advocates and supervisors only', async () => {
    const leaver = await buildStaff(t, { role: 'advocate' })
    await t.database.db
      .updateTable('staff_user')
      .set({ disabled_at: new Date() })
      .where('id', '=', leaver.id)
      .execute()
    const response = await call('supervisor', 'GET', '/api/cases/assignees')
    expect(response.statusCode, response.body).toBe(200)
    const { assignees } = response.json() as {
      assignees: { id: string; displayName: string; role: string }[]
    }
    const ids = assignees.map((assignee) => assignee.id)
    expect(ids).toEqual(
      expect.arrayContaining([staff.advocate!.id, staff.colleague!.id, staff.supervisor!.id]),
    )
    for (const absent of [staff.admin!.id, staff.analyst!.id, staff.manager!.id, leaver.id]) {
      expect(ids).not.toContain(absent)
    }
    expect(new Set(assignees.map((assignee) => assignee.role))).toEqual(new Set(['advocate', 'supervisor']))
    const names = assignees.map((assignee) => assignee.displayName)
    expect(names).toEqual([...names].sort())
    // What the list leaves out, the assignment refuses too.
    const opened = await openCase()
    const refused = await call('supervisor', 'POST', `/api/cases/${opened.id}/assignment`, {
      staffId: leaver.id,
    })
    expect([refused.statusCode, refused.json().fields[0]?.path]).toEqual([400, 'staffId'])
  })

  it('exports a case as HTCDS JSON for supervisors, audited', async () => {
    const opened = await openCase()
    await call('advocate', 'PATCH', `/api/cases/${opened.id}/situation`, {
      traffickingStatus: { state: 'given', value: 'PossibleVictimOfTrafficking' },
    })
    const response = await call('supervisor', 'GET', `/api/cases/${opened.id}/export`)
    expect(response.statusCode, response.body).toBe(200)
    expect(response.headers['content-disposition']).toBe(`attachment; filename="${opened.number}.json"`)
    const document = response.json()
    expect(document).toMatchObject({
      htcdsVersion: '2.0',
      case: {
        rel_CaseNumber: opened.number,
        cas_Status: 'Active',
        vic_TraffickingStatus: 'PossibleVictimOfTrafficking',
      },
      signals: [expect.objectContaining({ sig_Channel: 'sms' })],
    })
    const event = await t.database.db
      .selectFrom('audit_event')
      .select(['actor_id'])
      .where('entity_id', '=', opened.id)
      .where('action', '=', 'case.exported')
      .executeTakeFirst()
    expect(event?.actor_id).toBe(staff.supervisor!.id)
  })

  it('documents every cases route in the OpenAPI document', async () => {
    const response = await t.app.inject({ method: 'GET', url: '/api/docs/openapi.json' })
    expect(response.statusCode).toBe(200)
    const paths = Object.keys(response.json().paths)
    expect(paths).toEqual(
      expect.arrayContaining([
        '/api/cases',
        '/api/cases/{id}',
        '/api/cases/{id}/export',
        '/api/cases/{id}/people/{childId}',
      ]),
    )
  })
})
