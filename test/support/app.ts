import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import type { FastifyInstance, LightMyRequestResponse } from 'fastify'
import { loadEnv } from '../../server/config/env.ts'
import { createSecrets } from '../../server/crypto/secrets.ts'
import { buildApp } from '../../server/http/app.ts'
import { createTranslator } from '../../server/http/i18n.ts'
import {
  createIdentityService,
  type IdentityService,
  identityConfigFor,
} from '../../server/identity/identity.service.ts'
import { createTestDatabase, type TestDatabase } from './database.ts'

export interface TestApp {
  app: FastifyInstance
  database: TestDatabase
  identity: IdentityService
  secrets: ReturnType<typeof createSecrets>
  close(): Promise<void>
}

export interface TestAppOptions {
  /** Where the app's pino logs go, for tests that read them (set RELAIS_LOG_LEVEL in the overrides). */
  logStream?: NodeJS.WritableStream
}

/** The whole application on a fresh PostgreSQL database, for in-process route tests (app.inject). */
export async function buildTestApp(
  overrides: Record<string, string> = {},
  options: TestAppOptions = {},
): Promise<TestApp> {
  const database = await createTestDatabase()
  const dataDir = mkdtempSync(path.join(tmpdir(), 'relais-data-'))
  const env = loadEnv({
    NODE_ENV: 'test',
    RELAIS_LOG_LEVEL: 'silent',
    RELAIS_DATA_DIR: dataDir,
    DATABASE_URL: database.url,
    ...overrides,
  })
  const secrets = createSecrets([randomBytes(32)])
  const translator = await createTranslator()
  const app = await buildApp({ env, database, secrets, translator, logStream: options.logStream })
  await app.ready()
  const identity = createIdentityService({
    database,
    secrets,
    config: identityConfigFor(env),
  })
  return {
    app,
    database,
    identity,
    secrets,
    async close() {
      await app.close()
      await database.close()
      rmSync(dataDir, { recursive: true, force: true })
    },
  }
}

/** The session cookie set by a response, as a Cookie header value. */
export function sessionCookie(response: LightMyRequestResponse): string {
  const cookie = response.cookies.find((c) => c.name === 'relais_session')
  if (!cookie) throw new Error(`no session cookie in response ${response.statusCode}: ${response.body}`)
  return `relais_session=${cookie.value}`
}
