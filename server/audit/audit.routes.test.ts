import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildTestApp, type TestApp } from '../../test/support/app.ts'
import { buildStaff, type SessionFixture, sessionFor } from '../../test/support/factories.ts'

let t: TestApp
let admin: SessionFixture
let adminId: string
beforeAll(async () => {
  t = await buildTestApp()
  const staff = await buildStaff(t, { role: 'admin' })
  adminId = staff.id
  admin = await sessionFor(t, staff)
})
afterAll(() => t.close())

interface Event {
  seq: number
  occurredAt: string
  actorId: string | null
  actorLabel: string
  action: string
  entityType: string | null
  entityId: string | null
  requestId: string | null
  details: Record<string, unknown>
}

async function readAudit(query: string, session: SessionFixture = admin) {
  const response = await t.app.inject({
    method: 'GET',
    url: `/api/admin/audit${query ? `?${query}` : ''}`,
    headers: session.headers,
  })
  return response
}

async function page(query: string, session: SessionFixture = admin) {
  const response = await readAudit(query, session)
  expect(response.statusCode, response.body).toBe(200)
  return response.json() as { events: Event[]; nextBefore: number | null }
}

const lastEvent = () =>
  t.database.db.selectFrom('audit_event').selectAll().orderBy('id', 'desc').executeTakeFirstOrThrow()

const today = () => new Date().toISOString().slice(0, 10)

describe('GET /api/admin/audit: who may read it', () => {
  it('401 without a session', async () => {
    const response = await t.app.inject({ method: 'GET', url: '/api/admin/audit' })
    expect(response.statusCode).toBe(401)
    expect(response.json().code).toBe('unauthenticated')
  })

  it('403 for every role but admin, before looking at the query', async () => {
    for (const role of ['advocate', 'supervisor', 'directory_manager', 'analyst'] as const) {
      const session = await sessionFor(t, await buildStaff(t, { role }))
      for (const query of ['', 'from=not-a-date&bogus=1']) {
        const response = await readAudit(query, session)
        expect(response.statusCode, `${role} ${query}`).toBe(403)
        expect(response.json().code).toBe('forbidden')
      }
    }
  })
})

describe('GET /api/admin/audit: bad queries', () => {
  it.each([
    { query: 'from=2024-02-30', path: 'query.from', code: 'invalid_format' },
    { query: 'to=yesterday', path: 'query.to', code: 'invalid_format' },
    { query: 'from=2024-03-02&to=2024-03-01', path: 'query.to', code: 'range_inverted' },
    { query: 'bogus=1', path: 'query.bogus', code: 'unknown_field' },
    { query: 'limit=0', path: 'query.limit', code: 'too_small' },
    { query: 'limit=101', path: 'query.limit', code: 'too_big' },
    { query: 'before=0', path: 'query.before', code: 'too_small' },
    { query: 'actor=someone', path: 'query.actor', code: 'invalid_format' },
    { query: 'action=Sign-In', path: 'query.action', code: 'invalid_format' },
  ])('400 for $query, naming $path ($code)', async ({ query, path, code }) => {
    const before = (await lastEvent()).id
    const response = await readAudit(query)
    expect(response.statusCode).toBe(400)
    const body = response.json()
    expect(body.code).toBe('validation_failed')
    expect(body.fields).toEqual([expect.objectContaining({ path, code, message: expect.any(String) })])
    expect(body.fields[0].message).not.toBe('')
    // A refused query reads nothing, so it records no read either.
    expect((await lastEvent()).id).toBe(before)
  })

  it('words the inverted range in French for a French-speaking admin', async () => {
    const response = await t.app.inject({
      method: 'GET',
      url: '/api/admin/audit?from=2024-03-02&to=2024-03-01',
      headers: { ...admin.headers, 'accept-language': 'fr' },
    })
    expect(response.json().fields[0].message).toBe(
      'Le champ query.to ne doit pas précéder le début de la période.',
    )
  })
})

describe('GET /api/admin/audit: reading', () => {
  it('returns the newest events first, in the documented shape', async () => {
    const staff = await buildStaff(t)
    const { events } = await page('limit=5')
    expect(events.length).toBeGreaterThan(1)
    const seqs = events.map((event) => event.seq)
    expect(seqs).toEqual([...seqs].sort((a, b) => b - a))
    const created = events.find((event) => event.entityId === staff.id)
    expect(created).toMatchObject({
      action: 'user.created',
      actorId: null,
      actorLabel: 'test',
      entityType: 'staff_user',
      details: { role: 'advocate' },
    })
    expect(new Date(created!.occurredAt).toISOString()).toBe(created!.occurredAt)
  })

  it('filters by actor', async () => {
    const other = await buildStaff(t, { role: 'admin' })
    const otherSession = await sessionFor(t, other)
    const target = await buildStaff(t)
    const disable = await t.app.inject({
      method: 'POST',
      url: `/api/admin/users/${target.id}/disable`,
      headers: otherSession.headers,
    })
    expect(disable.statusCode).toBe(200)

    const { events } = await page(`actor=${other.id}`)
    expect(events.length).toBeGreaterThan(0)
    expect(events.every((event) => event.actorId === other.id)).toBe(true)
    expect(events.map((event) => event.action)).toContain('user.disabled')
    // The admin who reads has done other things; none of them shows here.
    expect(events.some((event) => event.actorId === adminId)).toBe(false)
  })

  it('filters by action or action prefix', async () => {
    const staff = await buildStaff(t)
    await t.app.inject({
      method: 'POST',
      url: '/api/auth/sign-in',
      headers: { 'content-type': 'application/json' },
      payload: { email: staff.email, password: 'not the password at all' },
    })
    const failed = await page('action=sign_in.failed')
    expect(failed.events.length).toBeGreaterThan(0)
    expect(failed.events.every((event) => event.action === 'sign_in.failed')).toBe(true)
    expect(failed.events.map((event) => event.entityId)).toContain(staff.id)

    const prefix = await page('action=sign_in')
    expect(prefix.events.every((event) => event.action.startsWith('sign_in'))).toBe(true)
    const users = await page('action=user.')
    expect(users.events.length).toBeGreaterThan(0)
    expect(users.events.every((event) => event.action.startsWith('user.'))).toBe(true)
    expect((await page('action=nothing.like.this')).events).toEqual([])
  })

  it('filters by day, both ends inclusive', async () => {
    const staff = await buildStaff(t)
    // Move this user's creation to late on 15 January 2020 (bypassing the append-only trigger).
    await t.database.db.transaction().execute(async (trx) => {
      await sql`set local session_replication_role = replica`.execute(trx)
      await trx
        .updateTable('audit_event')
        .set({ occurred_at: new Date('2020-01-15T23:30:00Z') })
        .where('entity_id', '=', staff.id)
        .execute()
    })
    const onTheDay = await page('from=2020-01-15&to=2020-01-15')
    expect(onTheDay.events.map((event) => event.entityId)).toEqual([staff.id])
    expect(onTheDay.events[0]?.occurredAt).toBe('2020-01-15T23:30:00.000Z')
    expect((await page('from=2020-01-14&to=2020-01-14')).events).toEqual([])
    expect((await page('from=2020-01-16&to=2020-01-16')).events).toEqual([])
    expect((await page('to=2020-01-15')).events.map((event) => event.entityId)).toEqual([staff.id])
    const sinceThen = await page('from=2020-01-16&limit=100')
    expect(sinceThen.events.length).toBeGreaterThan(0)
    expect(sinceThen.events.some((event) => event.entityId === staff.id)).toBe(false)
    const todays = await page(`from=${today()}&to=${today()}&action=user.created&limit=100`)
    expect(todays.events.length).toBeGreaterThan(0)
    expect(todays.events.some((event) => event.entityId === staff.id)).toBe(false)
  })

  it('pages with nextBefore, without gaps or repeats', async () => {
    for (let i = 0; i < 5; i++) await buildStaff(t)
    const all = await page('action=user.created&limit=100')
    expect(all.nextBefore).toBeNull()
    expect(all.events.length).toBeGreaterThanOrEqual(5)

    const seen: number[] = []
    let query = 'action=user.created&limit=2'
    let pages = 0
    for (;;) {
      const current = await page(query)
      pages += 1
      expect(current.events.length).toBeLessThanOrEqual(2)
      seen.push(...current.events.map((event) => event.seq))
      if (current.nextBefore === null) break
      expect(current.nextBefore).toBe(current.events.at(-1)?.seq)
      query = `action=user.created&limit=2&before=${current.nextBefore}`
    }
    expect(seen).toEqual(all.events.map((event) => event.seq))
    expect(pages).toBeGreaterThanOrEqual(Math.ceil(all.events.length / 2))
  })

  it('records each read as an audit.read event, with the filter used', async () => {
    const response = await readAudit(`action=user.&from=2020-01-01&to=${today()}&limit=3`)
    expect(response.statusCode).toBe(200)
    const event = await lastEvent()
    expect(event).toMatchObject({
      action: 'audit.read',
      actor_id: adminId,
      request_id: response.headers['x-request-id'],
      details: { filter: { action: 'user.', from: '2020-01-01', to: today() } },
    })
    expect(event.address).toBeTruthy()

    const again = await readAudit('')
    const next = await lastEvent()
    expect(next.seq).toBe(event.seq! + 1)
    expect(next).toMatchObject({
      action: 'audit.read',
      request_id: again.headers['x-request-id'],
      details: { filter: {} },
    })

    const reads = await page(`action=audit.read&actor=${adminId}&limit=100`)
    expect(reads.events.map((read) => read.requestId)).toEqual(
      expect.arrayContaining([response.headers['x-request-id'], again.headers['x-request-id']]),
    )
  })
})
