import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildTestApp, type TestApp } from '../../test/support/app.ts'
import { buildStaff, type SessionFixture, sessionFor } from '../../test/support/factories.ts'
import { caseBuilder } from './extract.fixtures.ts'

let t: TestApp
let analyst: SessionFixture
let analystId: string

beforeAll(async () => {
  t = await buildTestApp()
  const staff = await buildStaff(t, { role: 'analyst' })
  analystId = staff.id
  analyst = await sessionFor(t, staff)
  const builder = await caseBuilder(t.database, t.secrets)
  for (let index = 0; index < 4; index += 1)
    await builder.build({
      openedAt: new Date('2021-08-15T15:00:00Z'),
      location: { province: { state: 'given', value: 'QC' } },
      people: [{ role: { state: 'given', value: 'victim' }, gender: { state: 'given', value: 'Masculine' } }],
    })
})
afterAll(() => t.close())

const post = (body: unknown, headers: Record<string, string> = analyst.headers, query = '') =>
  t.app.inject({ method: 'POST', url: `/api/extracts${query}`, headers, payload: body as object })

describe('POST /api/extracts', () => {
  it('gives an analyst the files and the summary, and audits the extract', async () => {
    const response = await post({ k: 2, period: '2021-22', lang: 'fr' })
    expect(response.statusCode, response.body).toBe(200)
    const body = response.json()
    expect(Object.keys(body.files).sort()).toEqual(['README.md', 'codebook.json', 'data.csv'])
    expect(body.files['data.csv'].split('\r\n')[0]).toMatch(/^rel_RowNumber,rel_AgeBroad,prs_Gender,/)
    expect(body.files['data.csv'].trim().split('\r\n')).toHaveLength(5)
    expect(body.files['README.md']).toMatch(/^# Extrait de dossiers dépersonnalisé/)
    expect(body.files['codebook.json'].k).toBe(2)
    expect(body.summary).toMatchObject({ k: 2, rows: 4, period: { label: '2021-22' } })
    const event = await t.database.db
      .selectFrom('audit_event')
      .selectAll()
      .where('action', '=', 'extract.create')
      .executeTakeFirstOrThrow()
    expect(event.actor_id).toBe(analystId)
    expect(event.details).toMatchObject({ k: 2, rows: 4, fingerprint: body.summary.fingerprint })
  })

  it('takes k = 11 when none is given: four cases are too few to publish', async () => {
    const response = await post({})
    expect(response.statusCode, response.body).toBe(200)
    expect(response.json().summary).toMatchObject({ k: 11, rows: 0, period: null })
    expect(response.json().files['data.csv']).toBe(
      `${response.json().files['data.csv'].split('\r\n')[0]}\r\n`,
    )
  })

  it.each([[1], [2.5], ['11'], [1001]])(
    'refuses k = %j with a 400 naming k, in the caller’s language',
    async (k) => {
      const response = await post({ k }, { ...analyst.headers, 'accept-language': 'fr' })
      expect(response.statusCode).toBe(400)
      const body = response.json()
      expect(body.code).toBe('validation_failed')
      expect(body.fields).toHaveLength(1)
      expect(body.fields[0].path).toBe('k')
      expect(body.fields[0].message).toMatch(/^Le champ k /)
      expect(body.message).toBe('Certains champs ne sont pas valides.')
    },
  )

  it('refuses a period that is none, or ends before it starts, naming period', async () => {
    for (const [period, code] of [
      ['2021-23', 'invalid'],
      ['2021-06-30..2021-04-01', 'range_inverted'],
    ]) {
      const response = await post({ period })
      expect(response.statusCode).toBe(400)
      expect(response.json().fields).toMatchObject([{ path: 'period', code }])
    }
    expect(
      await t.database.db
        .selectFrom('audit_event')
        .select('id')
        .where('action', '=', 'extract.create')
        .execute(),
    ).toHaveLength(2)
  })

  it('is the analysts’ alone: 403 for every other role, 401 without a session', async () => {
    for (const role of ['advocate', 'supervisor', 'directory_manager', 'admin'] as const) {
      const session = await sessionFor(t, await buildStaff(t, { role }))
      const response = await post({ k: 2 }, session.headers)
      expect(response.statusCode, role).toBe(403)
      expect(response.json().code).toBe('forbidden')
    }
    const anonymous = await t.app.inject({ method: 'POST', url: '/api/extracts', payload: { k: 2 } })
    expect(anonymous.statusCode).toBe(401)
    expect(anonymous.json().code).toBe('unauthenticated')
  })
})
