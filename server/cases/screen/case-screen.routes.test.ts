import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { CaseScreen } from '../../../common/contracts/case-screen.ts'
import type { CaseDetail } from '../../../common/contracts/cases.ts'
import type { Role } from '../../../common/permissions.ts'
import { buildTestApp, type TestApp } from '../../../test/support/app.ts'
import { buildStaff, type SessionFixture, sessionFor } from '../../../test/support/factories.ts'
import { buildSignal } from '../cases.factories.ts'

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

function call(who: string | null, method: 'GET' | 'POST' | 'PATCH', url: string, payload?: unknown) {
  return t.app.inject({
    method,
    url,
    headers: who ? staff[who]!.session.headers : {},
    ...(payload === undefined ? {} : { payload: payload as Record<string, unknown> }),
  })
}

/** An advocate's case in Toronto with a 15-year-old in it, and a note. */
async function torontoCase(): Promise<string> {
  const signalId = await buildSignal(t.database, { advocateId: staff.advocate!.id, status: 'ended' })
  const opened = await call('advocate', 'POST', '/api/cases', { signalId })
  expect(opened.statusCode, opened.body).toBe(201)
  const caseId = (opened.json() as CaseDetail).id
  for (const [method, path, body] of [
    [
      'PATCH',
      'location',
      { province: { state: 'given', value: 'ON' }, municipality: { state: 'given', value: 'Toronto' } },
    ],
    [
      'POST',
      'people',
      { role: { state: 'given', value: 'victim' }, age: { state: 'given', value: { years: 15 } } },
    ],
    ['POST', 'notes', { body: 'Employer holds her passport.' }],
  ] as const) {
    const response = await call('advocate', method, `/api/cases/${caseId}/${path}`, body)
    expect(response.statusCode, response.body).toBeLessThan(300)
  }
  return caseId
}

const auditOf = (caseId: string) =>
  t.database.db
    .selectFrom('audit_event')
    .select(['action', 'actor_id', 'request_id', 'details'])
    .where('entity_id', '=', caseId)
    .orderBy('id')
    .execute()

describe('GET /api/cases/:id/screen', () => {
  it('401 signed out, 403 for roles without case work, 400 naming a malformed id', async () => {
    const caseId = await torontoCase()
    const url = `/api/cases/${caseId}/screen`
    expect((await call(null, 'GET', url)).statusCode).toBe(401)
    for (const who of ['analyst', 'manager']) expect((await call(who, 'GET', url)).statusCode, who).toBe(403)
    const malformed = await call('advocate', 'GET', '/api/cases/not-a-case/screen?lang=fr')
    expect(malformed.statusCode).toBe(400)
    expect(malformed.json().fields).toEqual([expect.objectContaining({ path: 'params.id' })])
    const language = await call('advocate', 'GET', `${url}?lang=de`)
    expect(language.statusCode).toBe(400)
    expect(language.json().fields).toEqual([expect.objectContaining({ path: 'query.lang' })])
  })

  it('answers a case the caller may not see exactly as one that does not exist', async () => {
    const caseId = await torontoCase()
    for (const who of ['colleague', 'admin']) {
      const hidden = await call(who, 'GET', `/api/cases/${caseId}/screen`)
      const missing = await call(who, 'GET', `/api/cases/${randomUUID()}/screen`)
      expect(hidden.statusCode, who).toBe(404)
      expect({ ...hidden.json(), requestId: null }).toEqual({ ...missing.json(), requestId: null })
      expect(hidden.headers['content-length']).toBe(missing.headers['content-length'])
    }
    expect((await auditOf(caseId)).map((row) => row.actor_id)).not.toContain(staff.colleague!.id)
  })

  it('holds the whole case screen, as the four separate reads answer it, for one audit event of the request', async () => {
    const caseId = await torontoCase()
    const before = (await auditOf(caseId)).length
    const response = await call('advocate', 'GET', `/api/cases/${caseId}/screen`)
    expect(response.statusCode, response.body).toBe(200)
    const screen: CaseScreen = response.json()
    const events = (await auditOf(caseId)).slice(before)
    expect(events).toEqual([
      {
        action: 'case.read',
        actor_id: staff.advocate!.id,
        request_id: expect.any(String),
        details: expect.objectContaining({
          sections: ['case', 'escalations', 'evaluation', 'referrals'],
          people: 1,
          notes: 1,
          escalations: 0,
          referrals: 0,
          protocol: 'ca-on@1',
          verdicts: expect.objectContaining({ child_protection: 'required' }),
        }),
      },
    ])
    const part = async (path: string) => (await call('advocate', 'GET', `/api/cases/${caseId}${path}`)).json()
    expect(screen).toEqual({
      case: await part(''),
      escalations: (await part('/escalations')).escalations,
      evaluation: await part('/escalations/evaluation'),
      referrals: (await part('/referrals')).referrals,
    })
    expect(screen.evaluation.closeBlockers).toEqual([
      expect.objectContaining({ code: 'child_protection_report_required' }),
    ])
  })

  it('words the protocol’s reasons and names in the caller’s language, or the one asked for', async () => {
    const caseId = await torontoCase()
    const french = await t.app.inject({
      method: 'GET',
      url: `/api/cases/${caseId}/screen`,
      headers: { ...staff.supervisor!.session.headers, 'accept-language': 'fr-CA' },
    })
    expect(french.statusCode, french.body).toBe(200)
    const reasons = (french.json() as CaseScreen).evaluation.kinds[0]!.reasons.map((r) => r.message)
    expect(reasons.join(' ')).toMatch(/ans/)
    const asked = await t.app.inject({
      method: 'GET',
      url: `/api/cases/${caseId}/screen?lang=en`,
      headers: { ...staff.supervisor!.session.headers, 'accept-language': 'fr-CA' },
    })
    const names = [french, asked].map((r) => (r.json() as CaseScreen).evaluation.protocol?.name)
    expect(names[0]).not.toBe(names[1])
    expect(names[1]).toMatch(/Ontario escalation protocol/)
  })

  it('is documented in the OpenAPI document', async () => {
    const response = await t.app.inject({ method: 'GET', url: '/api/docs/openapi.json' })
    expect(Object.keys(response.json().paths)).toContain('/api/cases/{id}/screen')
  })
})
