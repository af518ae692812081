import { randomBytes } from 'node:crypto'
import { afterEach, describe, expect, it } from 'vitest'
import { buildTestApp, type TestApp } from '../../test/support/app.ts'
import { demoEmail } from './identity.demo.ts'

let t: TestApp | undefined
afterEach(async () => {
  await t?.close()
  t = undefined
})

async function signInAsDemoAdmin(env: Record<string, string>) {
  t = await buildTestApp(env)
  const password = 'a demo password printed for all to see'
  await t.identity.createUser(
    { email: demoEmail('admin'), displayName: 'Demo admin', role: 'admin', password, locale: 'en' },
    { actorId: null, actorLabel: 'test', address: null, requestId: null },
  )
  return t.app.inject({
    method: 'POST',
    url: '/api/auth/sign-in',
    headers: { 'content-type': 'application/json' },
    payload: { email: demoEmail('admin').toUpperCase(), password },
  })
}

describe('demo accounts', () => {
  it('sign in outside production', async () => {
    const response = await signInAsDemoAdmin({ NODE_ENV: 'development' })
    expect(response.statusCode).toBe(200)
    expect(response.json().next).toBe('enrol')
  })

  it('are refused in production even with the right password, and the attempt is audited', async () => {
    const response = await signInAsDemoAdmin({
      NODE_ENV: 'production',
      RELAIS_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
    })
    expect(response.statusCode).toBe(401)
    expect(response.json().code).toBe('invalid_credentials')
    const failures = await t!.database.db
      .selectFrom('audit_event')
      .select('action')
      .where('action', '=', 'sign_in.failed')
      .execute()
    expect(failures).toHaveLength(1)
  })
})
