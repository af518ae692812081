import { randomBytes } from 'node:crypto'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { Writable } from 'node:stream'
import { sql } from 'kysely'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { z } from 'zod'
import type { Permission } from '../../common/permissions.ts'
import { buildTestApp, type TestApp } from '../../test/support/app.ts'
import { postgresUrl } from '../../test/support/database.ts'
import { buildStaff, sessionFor } from '../../test/support/factories.ts'
import { loadEnv } from '../config/env.ts'
import { createSecrets } from '../crypto/secrets.ts'
import { modules, type RelaisModule } from '../modules.ts'
import { buildApp } from './app.ts'
import { createTranslator } from './i18n.ts'

let t: TestApp
beforeAll(async () => {
  t = await buildTestApp()
})
afterAll(() => t.close())

/** Collects pino's output, one parsed JSON object per line. */
function logCollector() {
  let text = ''
  const stream = new Writable({
    write(chunk, _encoding, done) {
      text += String(chunk)
      done()
    },
  })
  return {
    stream,
    text: () => text,
    lines: () =>
      text
        .split('\n')
        .filter((line) => line.trim() !== '')
        .map((line) => JSON.parse(line) as Record<string, unknown>),
  }
}

/** The app with one more module, as a new domain module would add itself to server/modules.ts. */
async function buildWith(extra: RelaisModule) {
  const env = loadEnv({
    NODE_ENV: 'test',
    RELAIS_LOG_LEVEL: 'silent',
    RELAIS_DATA_DIR: mkdtempSync(path.join(tmpdir(), 'relais-data-')),
    DATABASE_URL: t.database.url,
  })
  modules.push(extra)
  try {
    const app = await buildApp({
      env,
      database: t.database,
      secrets: createSecrets([randomBytes(32)]),
      translator: await createTranslator(),
    })
    await app.ready()
    return app
  } finally {
    modules.splice(modules.indexOf(extra), 1)
  }
}

describe('health', () => {
  it('GET /healthz answers ok', async () => {
    const response = await t.app.inject({ method: 'GET', url: '/healthz' })
    expect(response.statusCode).toBe(200)
    expect(response.json()).toEqual({ status: 'ok' })
  })

  it('GET /readyz names the database engine when it answers', async () => {
    const response = await t.app.inject({ method: 'GET', url: '/readyz' })
    expect(response.statusCode).toBe(200)
    expect(response.json()).toEqual({ status: 'ready', database: 'postgres' })
  })

  it('GET /readyz answers 503 service_unavailable once the database is gone', async () => {
    const down = await buildTestApp()
    try {
      expect((await down.app.inject({ method: 'GET', url: '/readyz' })).statusCode).toBe(200)
      // Drop the database under the running app (terminating its pooled connections).
      const admin = new pg.Client({ connectionString: postgresUrl() })
      await admin.connect()
      await admin.query(`drop database ${down.database.name} with (force)`)
      await admin.end()

      const response = await down.app.inject({
        method: 'GET',
        url: '/readyz',
        headers: { 'accept-language': 'fr' },
      })
      expect(response.statusCode).toBe(503)
      expect(response.headers['content-type']).toMatch(/^application\/json/)
      expect(response.json()).toEqual({
        code: 'service_unavailable',
        message: 'Le service n’est pas prêt. Réessayez sous peu.',
        requestId: response.headers['x-request-id'],
      })
      // Liveness does not depend on the database.
      expect((await down.app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200)
    } finally {
      await down.close()
    }
  })
})

describe('unknown routes', () => {
  it('answer 404 route_not_found with a request id', async () => {
    const response = await t.app.inject({ method: 'GET', url: '/api/nothing-here' })
    expect(response.statusCode).toBe(404)
    const body = response.json()
    expect(body).toEqual({
      code: 'route_not_found',
      message: 'There is nothing at this address.',
      requestId: response.headers['x-request-id'],
    })
    expect(body.requestId).toMatch(/^[0-9a-f-]{36}$/)
  })

  it('answer in French for a French-speaking caller', async () => {
    const response = await t.app.inject({
      method: 'POST',
      url: '/nowhere',
      headers: { 'accept-language': 'fr' },
    })
    expect(response.statusCode).toBe(404)
    expect(response.json()).toMatchObject({
      code: 'route_not_found',
      message: 'Il n’y a rien à cette adresse.',
    })
  })

  it('give every response its own request id', async () => {
    const a = await t.app.inject({ method: 'GET', url: '/nowhere' })
    const b = await t.app.inject({ method: 'GET', url: '/nowhere' })
    expect(a.json().requestId).not.toBe(b.json().requestId)
  })
})

describe('text PostgreSQL cannot store', () => {
  it('a NUL character in a JSON body is a 400 naming the field, not a 500', async () => {
    const response = await t.app.inject({
      method: 'POST',
      url: '/api/auth/sign-in',
      headers: { 'content-type': 'application/json' },
      payload: '{"email":"ana\\u0000@example.org","password":"a long enough password"}',
    })
    expect(response.statusCode).toBe(400)
    expect(response.json()).toMatchObject({
      code: 'validation_failed',
      fields: [expect.objectContaining({ path: 'email', code: 'invalid' })],
    })
  })

  it('a NUL character in a query string is a 400 too, after the access check', async () => {
    const app = await buildWith({
      name: 'search',
      registerRoutes(scope) {
        scope.get(
          '/api/search',
          {
            config: { access: { kind: 'staff' } },
            schema: { querystring: z.strictObject({ q: z.string().max(100) }) },
          },
          async (request) => {
            const { rows } = await sql<{ q: string }>`select ${request.query.q}::text as q`.execute(
              t.database.db,
            )
            return { q: rows[0]?.q }
          },
        )
      },
    })
    try {
      expect((await app.inject({ method: 'GET', url: '/api/search?q=a%00b' })).statusCode).toBe(401)
      const session = await sessionFor(t, await buildStaff(t))
      const fine = await app.inject({ method: 'GET', url: '/api/search?q=ab', headers: session.headers })
      expect(fine.json()).toEqual({ q: 'ab' })
      const response = await app.inject({
        method: 'GET',
        url: '/api/search?q=a%00b',
        headers: session.headers,
      })
      expect(response.statusCode).toBe(400)
      expect(response.json()).toMatchObject({
        code: 'validation_failed',
        fields: [expect.objectContaining({ path: 'query.q', code: 'invalid' })],
      })
    } finally {
      await app.close()
    }
  })

  it('names query fields "query.<name>" in validation errors', async () => {
    const admin = await sessionFor(t, await buildStaff(t, { role: 'admin' }))
    const response = await t.app.inject({
      method: 'GET',
      url: '/api/admin/audit?limit=0',
      headers: admin.headers,
    })
    expect(response.statusCode).toBe(400)
    expect(response.json().fields).toEqual([
      expect.objectContaining({ path: 'query.limit', code: 'too_small' }),
    ])
  })
})

describe('security headers', () => {
  function scriptSources(policy: string): string[] {
    const directive = policy
      .split(';')
      .map((part) => part.trim())
      .find((part) => part.startsWith('script-src '))
    return directive ? directive.split(/\s+/).slice(1) : []
  }

  function expectHardened(response: Awaited<ReturnType<TestApp['app']['inject']>>, what: string) {
    const policy = String(response.headers['content-security-policy'] ?? '')
    expect(scriptSources(policy), what).toEqual(["'self'"])
    expect(policy, what).toContain("frame-ancestors 'none'")
    expect(policy, what).toContain("object-src 'none'")
    expect(response.headers['referrer-policy'], what).toBe('no-referrer')
    expect(response.headers['x-content-type-options'], what).toBe('nosniff')
    expect(response.headers['x-frame-options'], what).toBe('DENY')
    expect(response.headers['cache-control'], what).toBe('no-store')
    expect(response.headers['x-request-id'], what).toMatch(/^[0-9a-f-]{36}$/)
  }

  it('are on API answers, success and error alike, and x-request-id matches the error body', async () => {
    const ok = await t.app.inject({ method: 'GET', url: '/healthz' })
    expectHardened(ok, 'GET /healthz')
    const unauthenticated = await t.app.inject({ method: 'GET', url: '/api/auth/session' })
    expect(unauthenticated.statusCode).toBe(401)
    expectHardened(unauthenticated, 'GET /api/auth/session')
    expect(unauthenticated.headers['x-request-id']).toBe(unauthenticated.json().requestId)
    const invalid = await t.app.inject({
      method: 'POST',
      url: '/api/auth/sign-in',
      headers: { 'content-type': 'application/json' },
      payload: '{',
    })
    expect(invalid.statusCode).toBe(400)
    expectHardened(invalid, 'POST /api/auth/sign-in')
    expect(invalid.headers['x-request-id']).toBe(invalid.json().requestId)
  })

  it('are on pages, and the API reference loads no inline script', async () => {
    const docs = await t.app.inject({ method: 'GET', url: '/api/docs' })
    expect(docs.statusCode).toBe(200)
    expect(docs.headers['content-type']).toMatch(/^text\/html/)
    expectHardened(docs, 'GET /api/docs')
    const scripts = [...docs.body.matchAll(/<script\b([^>]*)>/g)].map((match) => match[1] ?? '')
    expect(scripts.length).toBeGreaterThan(0)
    for (const attributes of scripts) expect(attributes).toMatch(/\bsrc="\/api\/docs\//)

    // The portal and the console answer a page when the web apps are built, 503 otherwise: the
    // headers are the same either way.
    for (const url of ['/', '/console/', '/console/cases/123']) {
      const page = await t.app.inject({ method: 'GET', url })
      expect([200, 503], url).toContain(page.statusCode)
      expectHardened(page, `GET ${url}`)
    }
  })

  it('let /console redirect once to /console/, which does not redirect again', async () => {
    const bare = await t.app.inject({ method: 'GET', url: '/console' })
    expect(bare.statusCode).toBe(302)
    expect(bare.headers.location).toBe('/console/')
    const slash = await t.app.inject({ method: 'GET', url: '/console/' })
    expect(slash.statusCode).not.toBe(302)
    expect(slash.headers.location).toBeUndefined()
  })
})

describe('OpenAPI', () => {
  it('describes the identity and admin API as OpenAPI 3.1', async () => {
    const response = await t.app.inject({ method: 'GET', url: '/api/docs/openapi.json' })
    expect(response.statusCode).toBe(200)
    const document = response.json()
    expect(document.openapi).toBe('3.1.0')
    const paths = Object.keys(document.paths)
    expect(paths).toEqual(
      expect.arrayContaining([
        '/api/auth/sign-in',
        '/api/auth/session',
        '/api/auth/mfa/verify',
        '/api/admin/users',
        '/api/admin/audit',
      ]),
    )
    // Health probes and the document itself are hidden.
    expect(paths).not.toContain('/healthz')
    expect(paths).not.toContain('/api/docs/openapi.json')
    const signIn = document.paths['/api/auth/sign-in'].post
    expect(signIn.requestBody.content['application/json'].schema.required).toEqual(
      expect.arrayContaining(['email', 'password']),
    )
    const audit = document.paths['/api/admin/audit'].get
    expect(audit.parameters.map((parameter: { name: string }) => parameter.name)).toEqual(
      expect.arrayContaining(['actor', 'action', 'from', 'to', 'before', 'limit']),
    )
  })
})

describe('structured logs', () => {
  it('tag every line of a request with its id, and never print a password or a cookie', async () => {
    const logs = logCollector()
    const logged = await buildTestApp({ RELAIS_LOG_LEVEL: 'trace' }, { logStream: logs.stream })
    try {
      const staff = await buildStaff(logged)
      const session = await sessionFor(logged, staff)
      const password = `Zebra-${randomBytes(6).toString('hex')}-Quartz`
      const failed = await logged.app.inject({
        method: 'POST',
        url: '/api/auth/sign-in',
        headers: { 'content-type': 'application/json', cookie: session.cookie, 'x-csrf-token': session.csrf },
        payload: { email: staff.email, password },
      })
      expect(failed.statusCode).toBe(401)
      const me = await logged.app.inject({
        method: 'GET',
        url: '/api/auth/session',
        headers: session.headers,
      })
      expect(me.statusCode).toBe(200)

      const lines = logs.lines()
      for (const response of [failed, me]) {
        const requestId = response.headers['x-request-id']
        const mine = lines.filter((line) => line.reqId === requestId)
        expect(mine.map((line) => line.msg)).toEqual(
          expect.arrayContaining(['incoming request', 'request completed']),
        )
      }
      // Every line written while serving a request says which request it belongs to.
      const requestLines = lines.filter((line) => 'req' in line || 'res' in line)
      expect(requestLines.length).toBeGreaterThanOrEqual(4)
      for (const line of requestLines) expect(line.reqId).toEqual(expect.any(String))

      const text = logs.text()
      const token = session.cookie.split('=')[1]!
      expect(text).not.toContain(password)
      expect(text).not.toContain(token)
      expect(text).not.toContain(session.csrf)
      expect(text).not.toContain(staff.password)
    } finally {
      await logged.close()
    }
  })
})

describe('deny by default', () => {
  it('refuses to start with an API route that declares no access rule', async () => {
    await expect(
      buildWith({
        name: 'careless',
        registerRoutes(app) {
          app.get('/api/careless', async () => ({ secret: true }))
        },
      }),
    ).rejects.toThrow('Route GET /api/careless declares no access rule')
  })

  it.each(['user.delete', 'case.delete'])(
    'refuses a route whose permission (%s) no role holds',
    async (permission) => {
      await expect(
        buildWith({
          name: 'unheld',
          registerRoutes(app) {
            app.get(
              '/api/unheld',
              { config: { access: { kind: 'staff', permission: permission as Permission } } },
              async () => ({}),
            )
          },
        }),
      ).rejects.toThrow(`Route GET /api/unheld names permission ${permission}, which no role holds`)
    },
  )

  it('starts with the same route once it declares one, and enforces it', async () => {
    const app = await buildWith({
      name: 'careful',
      registerRoutes(scope) {
        scope.get('/api/careful', { config: { access: { kind: 'staff' } } }, async () => ({ ok: true }))
      },
    })
    try {
      expect((await app.inject({ method: 'GET', url: '/api/careful' })).statusCode).toBe(401)
      const session = await sessionFor(t, await buildStaff(t))
      const allowed = await app.inject({ method: 'GET', url: '/api/careful', headers: session.headers })
      expect(allowed.statusCode).toBe(200)
      expect(allowed.json()).toEqual({ ok: true })
    } finally {
      await app.close()
    }
  })
})
