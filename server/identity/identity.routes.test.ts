import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildTestApp, sessionCookie, type TestApp } from '../../test/support/app.ts'
import { buildStaff, sessionFor } from '../../test/support/factories.ts'
import { currentTotp, TOTP_PERIOD_SECONDS } from './credentials.ts'

let t: TestApp
beforeAll(async () => {
  t = await buildTestApp()
})
afterAll(() => t.close())

const json = { 'content-type': 'application/json' }

async function signInWithPassword(email: string, password: string, headers: Record<string, string> = {}) {
  return t.app.inject({
    method: 'POST',
    url: '/api/auth/sign-in',
    headers: { ...json, ...headers },
    payload: { email, password },
  })
}

async function actions(userId: string) {
  const rows = await t.database.db
    .selectFrom('audit_event')
    .select('action')
    .where('entity_id', '=', userId)
    .orderBy('id')
    .execute()
  return rows.map((row) => row.action)
}

describe('POST /api/auth/sign-in', () => {
  it('answers malformed JSON with 400 malformed_json and a request id', async () => {
    const response = await t.app.inject({
      method: 'POST',
      url: '/api/auth/sign-in',
      headers: json,
      payload: '{"email":',
    })
    expect(response.statusCode).toBe(400)
    expect(response.json()).toMatchObject({
      code: 'malformed_json',
      requestId: response.headers['x-request-id'],
    })
  })

  it('names missing and unknown fields, in the caller’s language', async () => {
    const response = await t.app.inject({
      method: 'POST',
      url: '/api/auth/sign-in',
      headers: { ...json, 'accept-language': 'fr-CA,fr;q=0.9' },
      payload: { email: 'a@b.c', remember: true },
    })
    expect(response.statusCode).toBe(400)
    const body = response.json()
    expect(body.code).toBe('validation_failed')
    expect(body.message).toBe('Certains champs ne sont pas valides.')
    expect(body.fields).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          path: 'password',
          code: 'required',
          message: expect.stringContaining('obligatoire'),
        }),
        expect.objectContaining({ path: 'remember', code: 'unknown_field' }),
      ]),
    )
  })

  it('refuses other content types with 415 and oversize bodies with 413', async () => {
    const text = await t.app.inject({
      method: 'POST',
      url: '/api/auth/sign-in',
      headers: { 'content-type': 'text/plain' },
      payload: 'x',
    })
    expect(text.statusCode).toBe(415)
    expect(text.json().code).toBe('unsupported_media_type')
    const big = await t.app.inject({
      method: 'POST',
      url: '/api/auth/sign-in',
      headers: json,
      payload: JSON.stringify({ email: 'a@b.c', password: 'x'.repeat(300 * 1024) }),
    })
    expect(big.statusCode).toBe(413)
    expect(big.json().code).toBe('payload_too_large')
  })

  it('rejects a wrong password without saying whether the account exists', async () => {
    const staff = await buildStaff(t)
    const wrong = await signInWithPassword(staff.email, 'not the password at all')
    const unknown = await signInWithPassword('nobody@example.org', 'not the password at all')
    expect(wrong.statusCode).toBe(401)
    expect(unknown.statusCode).toBe(401)
    expect(wrong.json().code).toBe('invalid_credentials')
    expect(unknown.json().message).toBe(wrong.json().message)
    expect(wrong.cookies).toHaveLength(0)
    expect(await actions(staff.id)).toContain('sign_in.failed')
  })

  it('backs off per account after repeated failures, and says when to retry', async () => {
    const staff = await buildStaff(t)
    const statuses: number[] = []
    for (let i = 0; i < 6; i++)
      statuses.push((await signInWithPassword(staff.email, 'wrong password!!')).statusCode)
    expect(statuses.slice(0, 5)).toEqual([401, 401, 401, 401, 401])
    expect(statuses[5]).toBe(429)
    const blocked = await signInWithPassword(staff.email, staff.password)
    expect(blocked.statusCode).toBe(429)
    expect(Number(blocked.headers['retry-after'])).toBeGreaterThan(0)
    expect(blocked.json().code).toBe('rate_limited')
    // Once the wait is over, the right password works and clears the account's counter.
    await t.database.db.updateTable('sign_in_throttle').set({ blocked_until: null }).execute()
    expect((await signInWithPassword(staff.email, staff.password)).statusCode).toBe(200)
    const row = await t.database.db
      .selectFrom('sign_in_throttle')
      .selectAll()
      .where('key', '=', `account:${staff.email.toLowerCase()}`)
      .executeTakeFirst()
    expect(row).toBeUndefined()
  })

  it('backs off per address across accounts', async () => {
    const address = '203.0.113.77'
    let last = 0
    for (let i = 0; i < 21; i++) {
      const response = await t.app.inject({
        method: 'POST',
        url: '/api/auth/sign-in',
        remoteAddress: address,
        headers: json,
        payload: { email: `guess${i}@example.org`, password: 'guessing password' },
      })
      last = response.statusCode
    }
    expect(last).toBe(429)
    const other = await t.app.inject({
      method: 'POST',
      url: '/api/auth/sign-in',
      remoteAddress: '203.0.113.78',
      headers: json,
      payload: { email: 'guess0@example.org', password: 'guessing password' },
    })
    expect(other.statusCode).toBe(401)
  })
})

describe('MFA enrolment and verification', () => {
  it('enrols at first sign-in with a QR code drawn locally, then signs in fully', async () => {
    const staff = await buildStaff(t, { enrolled: false })
    const first = await signInWithPassword(staff.email, staff.password)
    expect(first.statusCode).toBe(200)
    expect(first.json().next).toBe('enrol')
    const cookie = sessionCookie(first)
    const setCookie = String(first.headers['set-cookie'])
    expect(setCookie).toMatch(/HttpOnly/i)
    expect(setCookie).toMatch(/SameSite=Strict/i)
    const csrf = first.json().csrfToken as string

    // Half-signed-in sessions reach nothing but the MFA step.
    expect(
      (await t.app.inject({ method: 'GET', url: '/api/auth/session', headers: { cookie } })).statusCode,
    ).toBe(401)

    const enrolment = await t.app.inject({
      method: 'GET',
      url: '/api/auth/mfa/enrolment',
      headers: { cookie },
    })
    expect(enrolment.statusCode).toBe(200)
    const { secret, uri, qrSvg } = enrolment.json()
    expect(secret).toBe(staff.totpSecret)
    expect(uri).toMatch(/^otpauth:\/\/totp\/Relais:/)
    expect(qrSvg).toMatch(/^<svg/)

    const bad = await t.app.inject({
      method: 'POST',
      url: '/api/auth/mfa/enrol',
      headers: { cookie, 'x-csrf-token': csrf, ...json },
      payload: { code: '000000' === currentTotp(secret) ? '111111' : '000000' },
    })
    expect(bad.statusCode).toBe(401)
    expect(bad.json().code).toBe('invalid_mfa_code')

    const code = currentTotp(secret)
    const noCsrf = await t.app.inject({
      method: 'POST',
      url: '/api/auth/mfa/enrol',
      headers: { cookie, ...json },
      payload: { code },
    })
    expect(noCsrf.statusCode).toBe(403)
    expect(noCsrf.json().code).toBe('csrf_invalid')

    const ok = await t.app.inject({
      method: 'POST',
      url: '/api/auth/mfa/enrol',
      headers: { cookie, 'x-csrf-token': csrf, ...json },
      payload: { code },
    })
    expect(ok.statusCode).toBe(200)
    expect(ok.json()).toMatchObject({ stage: 'active', user: { email: staff.email } })
    const session = await t.app.inject({ method: 'GET', url: '/api/auth/session', headers: { cookie } })
    expect(session.statusCode).toBe(200)
    expect(session.json().permissions).toContain('console.use')
    expect(await actions(staff.id)).toEqual(
      expect.arrayContaining([
        'sign_in.password_accepted',
        'sign_in.mfa_failed',
        'mfa.enrolled',
        'sign_in.succeeded',
      ]),
    )
    const stored = await t.database.db
      .selectFrom('staff_user')
      .select('totp_secret')
      .where('id', '=', staff.id)
      .executeTakeFirstOrThrow()
    expect(stored.totp_secret).not.toContain(secret)
  })

  it('asks an enrolled account for a code, and never accepts the same code twice', async () => {
    const staff = await buildStaff(t)
    const first = await signInWithPassword(staff.email, staff.password)
    expect(first.json().next).toBe('verify')
    const cookie = sessionCookie(first)
    const headers = { cookie, 'x-csrf-token': first.json().csrfToken, ...json }
    expect(
      (await t.app.inject({ method: 'GET', url: '/api/auth/mfa/enrolment', headers: { cookie } })).statusCode,
    ).toBe(409)
    const code = currentTotp(staff.totpSecret)
    const verified = await t.app.inject({
      method: 'POST',
      url: '/api/auth/mfa/verify',
      headers,
      payload: { code },
    })
    expect(verified.statusCode).toBe(200)

    const second = await signInWithPassword(staff.email, staff.password)
    const replay = await t.app.inject({
      method: 'POST',
      url: '/api/auth/mfa/verify',
      headers: { cookie: sessionCookie(second), 'x-csrf-token': second.json().csrfToken, ...json },
      payload: { code },
    })
    expect(replay.statusCode).toBe(401)
    expect(replay.json().code).toBe('invalid_mfa_code')
  })

  it('accepts a code from the previous time step (clock drift) but not an older one', async () => {
    const staff = await buildStaff(t)
    const now = Date.now()
    const tooOld = await signInWithPassword(staff.email, staff.password)
    const old = await t.app.inject({
      method: 'POST',
      url: '/api/auth/mfa/verify',
      headers: { cookie: sessionCookie(tooOld), 'x-csrf-token': tooOld.json().csrfToken, ...json },
      payload: { code: currentTotp(staff.totpSecret, now - 3 * TOTP_PERIOD_SECONDS * 1000) },
    })
    expect(old.statusCode).toBe(401)
    const drift = await signInWithPassword(staff.email, staff.password)
    const previous = await t.app.inject({
      method: 'POST',
      url: '/api/auth/mfa/verify',
      headers: { cookie: sessionCookie(drift), 'x-csrf-token': drift.json().csrfToken, ...json },
      payload: { code: currentTotp(staff.totpSecret, now - TOTP_PERIOD_SECONDS * 1000) },
    })
    expect(previous.statusCode).toBe(200)
  })

  it('sets the Secure flag when the request came over TLS through a trusted proxy', async () => {
    const proxied = await buildTestApp({ RELAIS_TRUST_PROXY: 'true' })
    try {
      const staff = await buildStaff(proxied)
      const response = await proxied.app.inject({
        method: 'POST',
        url: '/api/auth/sign-in',
        headers: { ...json, 'x-forwarded-proto': 'https' },
        payload: { email: staff.email, password: staff.password },
      })
      expect(String(response.headers['set-cookie'])).toMatch(/; Secure/)
    } finally {
      await proxied.close()
    }
  })
})

describe('sessions', () => {
  it('end after the idle timeout', async () => {
    const staff = await buildStaff(t)
    const session = await sessionFor(t, staff)
    expect(
      (await t.app.inject({ method: 'GET', url: '/api/auth/session', headers: session.headers })).statusCode,
    ).toBe(200)
    await t.database.db
      .updateTable('staff_session')
      .set({ last_seen_at: sql<Date>`now() - interval '31 minutes'` })
      .where('user_id', '=', staff.id)
      .execute()
    expect(
      (await t.app.inject({ method: 'GET', url: '/api/auth/session', headers: session.headers })).statusCode,
    ).toBe(401)
  })

  it('sign out ends this session only; sign out everywhere ends all of them', async () => {
    const staff = await buildStaff(t)
    const a = await sessionFor(t, staff)
    const b = await sessionFor(t, staff)
    const c = await sessionFor(t, staff)
    expect(
      (await t.app.inject({ method: 'POST', url: '/api/auth/sign-out', headers: { cookie: a.cookie } }))
        .statusCode,
    ).toBe(403)
    const out = await t.app.inject({ method: 'POST', url: '/api/auth/sign-out', headers: a.headers })
    expect(out.statusCode).toBe(200)
    expect(String(out.headers['set-cookie'])).toMatch(/relais_session=;/)
    expect(
      (await t.app.inject({ method: 'GET', url: '/api/auth/session', headers: a.headers })).statusCode,
    ).toBe(401)
    expect(
      (await t.app.inject({ method: 'GET', url: '/api/auth/session', headers: b.headers })).statusCode,
    ).toBe(200)
    const everywhere = await t.app.inject({
      method: 'POST',
      url: '/api/auth/sign-out-everywhere',
      headers: b.headers,
    })
    expect(everywhere.json()).toEqual({ ok: true, sessions: 2 })
    expect(
      (await t.app.inject({ method: 'GET', url: '/api/auth/session', headers: c.headers })).statusCode,
    ).toBe(401)
    expect(await actions(staff.id)).toEqual(expect.arrayContaining(['sign_out', 'sign_out.everywhere']))
  })

  it('keep the interface language as a preference', async () => {
    const staff = await buildStaff(t)
    const session = await sessionFor(t, staff)
    const bad = await t.app.inject({
      method: 'PATCH',
      url: '/api/auth/preferences',
      headers: session.headers,
      payload: { locale: 'de' },
    })
    expect(bad.statusCode).toBe(400)
    const ok = await t.app.inject({
      method: 'PATCH',
      url: '/api/auth/preferences',
      headers: session.headers,
      payload: { locale: 'fr' },
    })
    expect(ok.statusCode).toBe(200)
    const me = await t.app.inject({ method: 'GET', url: '/api/auth/session', headers: session.headers })
    expect(me.json().user.locale).toBe('fr')
  })
})

describe('admin: staff accounts', () => {
  const routes = [
    { method: 'GET' as const, url: '/api/admin/users' },
    { method: 'POST' as const, url: '/api/admin/users' },
    { method: 'POST' as const, url: '/api/admin/users/00000000-0000-4000-8000-000000000000/disable' },
    { method: 'POST' as const, url: '/api/admin/users/00000000-0000-4000-8000-000000000000/enable' },
    { method: 'POST' as const, url: '/api/admin/users/00000000-0000-4000-8000-000000000000/reset-mfa' },
  ]

  it.each(routes)('$method $url: 401 without a session', async (route) => {
    const response = await t.app.inject({
      ...route,
      headers: json,
      payload: route.method === 'POST' ? {} : undefined,
    })
    expect(response.statusCode).toBe(401)
  })

  it.each(routes)('$method $url: 403 for every role but admin', async (route) => {
    for (const role of ['advocate', 'supervisor', 'directory_manager', 'analyst'] as const) {
      const session = await sessionFor(t, await buildStaff(t, { role }))
      const response = await t.app.inject({
        ...route,
        headers: { ...session.headers, ...json },
        payload: route.method === 'POST' ? {} : undefined,
      })
      expect(response.statusCode, role).toBe(403)
      expect(response.json().code).toBe('forbidden')
    }
  })

  it('400: a new account needs a valid email, a known role and a long enough password', async () => {
    const admin = await sessionFor(t, await buildStaff(t, { role: 'admin' }))
    const response = await t.app.inject({
      method: 'POST',
      url: '/api/admin/users',
      headers: { ...admin.headers, ...json },
      payload: { email: 'not-an-email', displayName: 'X', role: 'superuser', password: 'short' },
    })
    expect(response.statusCode).toBe(400)
    const paths = response.json().fields.map((field: { path: string }) => field.path)
    expect(paths).toEqual(expect.arrayContaining(['email', 'role', 'password']))
    const badId = await t.app.inject({
      method: 'POST',
      url: '/api/admin/users/not-a-uuid/disable',
      headers: admin.headers,
    })
    expect(badId.statusCode).toBe(400)
    expect(badId.json().fields[0].path).toBe('params.id')
    const count = await t.database.db
      .selectFrom('staff_user')
      .select((eb) => eb.fn.countAll().as('n'))
      .where('email', '=', 'not-an-email')
      .executeTakeFirstOrThrow()
    expect(Number(count.n)).toBe(0)
  })

  it('creates, disables, re-enables and resets MFA, each audited', async () => {
    const adminStaff = await buildStaff(t, { role: 'admin' })
    const admin = await sessionFor(t, adminStaff)
    const headers = { ...admin.headers, ...json }
    const email = `new.${Date.now()}@example.org`
    const created = await t.app.inject({
      method: 'POST',
      url: '/api/admin/users',
      headers,
      payload: {
        email,
        displayName: 'Nouvelle intervenante',
        role: 'advocate',
        password: 'a long enough password',
        locale: 'fr',
      },
    })
    expect(created.statusCode).toBe(201)
    const user = created.json()
    expect(user).toMatchObject({
      email,
      role: 'advocate',
      mfaEnrolled: false,
      disabled: false,
      abilities: { disable: true },
    })

    const duplicate = await t.app.inject({
      method: 'POST',
      url: '/api/admin/users',
      headers,
      payload: {
        email: email.toUpperCase(),
        displayName: 'Twin',
        role: 'analyst',
        password: 'a long enough password',
      },
    })
    expect(duplicate.statusCode).toBe(409)
    expect(duplicate.json().fields).toEqual([expect.objectContaining({ path: 'email', code: 'taken' })])

    const theirSession = await sessionFor(t, { id: user.id })
    const disabled = await t.app.inject({
      method: 'POST',
      url: `/api/admin/users/${user.id}/disable`,
      headers: admin.headers,
    })
    expect(disabled.json()).toMatchObject({ disabled: true, abilities: { enable: true, disable: false } })
    expect(
      (await t.app.inject({ method: 'GET', url: '/api/auth/session', headers: theirSession.headers }))
        .statusCode,
    ).toBe(401)
    expect((await signInWithPassword(email, 'a long enough password')).statusCode).toBe(401)

    const enabled = await t.app.inject({
      method: 'POST',
      url: `/api/admin/users/${user.id}/enable`,
      headers: admin.headers,
    })
    expect(enabled.json().disabled).toBe(false)
    expect((await signInWithPassword(email, 'a long enough password')).json().next).toBe('enrol')

    const enrolled = await buildStaff(t)
    const reset = await t.app.inject({
      method: 'POST',
      url: `/api/admin/users/${enrolled.id}/reset-mfa`,
      headers: admin.headers,
    })
    expect(reset.json().mfaEnrolled).toBe(false)
    expect((await signInWithPassword(enrolled.email, enrolled.password)).json().next).toBe('enrol')

    const self = await t.app.inject({
      method: 'POST',
      url: `/api/admin/users/${adminStaff.id}/disable`,
      headers: admin.headers,
    })
    expect(self.statusCode).toBe(400)
    const missing = await t.app.inject({
      method: 'POST',
      url: '/api/admin/users/00000000-0000-4000-8000-000000000000/enable',
      headers: admin.headers,
    })
    expect(missing.statusCode).toBe(404)

    expect(await actions(user.id)).toEqual([
      'user.created',
      'user.disabled',
      'sign_in.failed',
      'user.enabled',
      'sign_in.password_accepted',
    ])
    expect(await actions(enrolled.id)).toContain('user.mfa_reset')
    const list = await t.app.inject({ method: 'GET', url: '/api/admin/users', headers: admin.headers })
    expect(list.json().users.map((u: { email: string }) => u.email)).toContain(email)
  })
})
