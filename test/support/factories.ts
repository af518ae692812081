import type { Role } from '../../common/permissions.ts'
import { newToken, newTotpSecret, sha256 } from '../../server/identity/credentials.ts'
import { insertSession, updateUser } from '../../server/identity/identity.store.ts'
import type { TestApp } from './app.ts'

let counter = 0

export interface StaffFixture {
  id: string
  email: string
  password: string
  role: Role
  totpSecret: string
}

/** A staff account; enrolled in MFA unless `enrolled: false`. */
export async function buildStaff(
  t: TestApp,
  {
    role = 'advocate',
    enrolled = true,
    locale = 'en',
  }: { role?: Role; enrolled?: boolean; locale?: string } = {},
): Promise<StaffFixture> {
  counter += 1
  const email = `${role}.${counter}.${Date.now()}@example.org`
  const password = `correct horse ${counter} battery`
  const totpSecret = newTotpSecret()
  const user = await t.identity.createUser(
    { email, displayName: `Test ${role} ${counter}`, role, password, locale, totpSecret },
    { actorId: null, actorLabel: 'test', address: null, requestId: null },
  )
  if (enrolled) await updateUser(t.database.db, user.id, { mfa_enrolled_at: new Date() })
  return { id: user.id, email, password, role, totpSecret }
}

export interface SessionFixture {
  cookie: string
  csrf: string
  headers: { cookie: string; 'x-csrf-token': string }
}

/**
 * A signed-in session for a staff member, written straight to the store. The real sign-in flow is
 * tested in the identity tests; other tests use this to avoid TOTP's one-code-per-30-seconds rule.
 */
export async function sessionFor(t: TestApp, staff: { id: string }): Promise<SessionFixture> {
  const token = newToken()
  const csrf = newToken()
  await insertSession(t.database.db, {
    tokenHash: sha256(token),
    userId: staff.id,
    stage: 'active',
    csrfToken: csrf,
    address: null,
    userAgent: 'test',
    expiresAt: new Date(Date.now() + 3600_000),
  })
  const cookie = `relais_session=${token}`
  return { cookie, csrf, headers: { cookie, 'x-csrf-token': csrf } }
}
