// What does authentication cost? Compares the authenticated GET /api/auth/session (session cookie
// looked up in the database, principal built, JSON answer) with the bare GET /healthz, both served
// by the same running Relais over loopback, in the same run.
import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { loadEnv } from '../server/config/env.ts'
import { createSecrets } from '../server/crypto/secrets.ts'
import { type Database, openDatabase } from '../server/db/database.ts'
import { migrate } from '../server/db/migrate.ts'
import { buildApp } from '../server/http/app.ts'
import { createTranslator } from '../server/http/i18n.ts'
import { newToken, sha256 } from '../server/identity/credentials.ts'
import { createIdentityService } from '../server/identity/identity.service.ts'
import { insertSession, updateUser } from '../server/identity/identity.store.ts'
import {
  defineBenchmark,
  type Measurement,
  measure,
  onCleanup,
  round,
  settings,
  type Target,
} from './harness.ts'
import { LOG_LEVEL, serveInChild, startPostgres } from './relais.ts'

interface Server {
  port: number
  database: Database
  setup: string
}

async function serveInProcess(encryptionKey: string, dataDir: string): Promise<Server> {
  const database = await openDatabase({ memory: true })
  onCleanup(() => database.close())
  await migrate(database)
  const env = loadEnv({
    NODE_ENV: 'production',
    HOST: '127.0.0.1',
    PORT: '0',
    RELAIS_ENCRYPTION_KEY: encryptionKey,
    RELAIS_DATA_DIR: dataDir,
    RELAIS_LOG_LEVEL: LOG_LEVEL,
  })
  const app = await buildApp({
    env,
    database,
    secrets: createSecrets([Buffer.from(encryptionKey, 'base64')]),
    translator: await createTranslator(),
  })
  const address = await app.listen({ host: '127.0.0.1', port: 0 })
  onCleanup(() => app.close())
  return {
    port: Number(new URL(address).port),
    database,
    setup: `${process.env.BENCH_ENGINE === 'pglite' ? 'BENCH_ENGINE=pglite' : 'PostgreSQL binaries not found'}: in-memory PGlite, server in the benchmark process (figures not comparable with PostgreSQL runs)`,
  }
}

/** A signed-in staff member, written straight to the store (as test/support/factories.ts does). */
async function signedInSession(database: Database, encryptionKey: string): Promise<string> {
  const identity = createIdentityService({
    database,
    secrets: createSecrets([Buffer.from(encryptionKey, 'base64')]),
    config: { sessionIdleMinutes: 30, sessionMaxHours: 12, refuseDemoAccounts: true },
  })
  const user = await identity.createUser(
    {
      email: 'bench@example.org',
      displayName: 'Benchmark',
      role: 'advocate',
      password: randomBytes(16).toString('hex'),
      locale: 'en',
    },
    { actorId: null, actorLabel: 'bench', address: null, requestId: null },
  )
  await updateUser(database.db, user.id, { mfa_enrolled_at: new Date() })
  const token = newToken()
  await insertSession(database.db, {
    tokenHash: sha256(token),
    userId: user.id,
    stage: 'active',
    csrfToken: newToken(),
    address: '127.0.0.1',
    userAgent: 'bench',
    expiresAt: new Date(Date.now() + 3600_000),
  })
  return `relais_session=${token}`
}

function row(result: Measurement) {
  return {
    endpoint: result.label,
    requests: result.requests,
    errors: result.errors,
    'req/s': round(result.perSecond, 0),
    'p50 ms': round(result.p50Ms),
    'p99 ms': round(result.p99Ms),
    'max ms': round(result.maxMs),
  }
}

export default defineBenchmark({
  name: 'auth-request',
  description: 'authenticated GET /api/auth/session against the bare GET /healthz, over loopback',
  async run() {
    const encryptionKey = randomBytes(32).toString('base64')
    const dataDir = mkdtempSync(path.join(tmpdir(), 'relais-bench-'))
    onCleanup(() => rmSync(dataDir, { recursive: true, force: true }))

    const postgres = process.env.BENCH_ENGINE === 'pglite' ? null : await startPostgres()
    let server: Server
    if (postgres) {
      const port = await serveInChild(postgres.url, encryptionKey, dataDir)
      server = {
        port,
        database: postgres.database,
        setup: 'PostgreSQL (throwaway cluster) and `relais serve` in a child process, NODE_ENV=production',
      }
    } else {
      server = await serveInProcess(encryptionKey, dataDir)
    }
    const cookie = await signedInSession(server.database, encryptionKey)

    const health: Target = { label: 'GET /healthz', port: server.port, path: '/healthz' }
    const session: Target = {
      label: 'GET /api/auth/session',
      port: server.port,
      path: '/api/auth/session',
      headers: { cookie },
    }
    // A wrong set-up would otherwise be measured as a fast stream of 401s.
    const probe = await fetch(`http://127.0.0.1:${server.port}${session.path}`, { headers: { cookie } })
    if (probe.status !== 200)
      throw new Error(`GET /api/auth/session answered ${probe.status}, not 200: ${await probe.text()}`)

    const results: Measurement[] = []
    for (const target of [health, session]) {
      await measure(target, { durationMs: settings.warmupMs })
      results.push(await measure(target))
    }
    const [bare, authenticated] = results as [Measurement, Measurement]
    const errors = bare.errors + authenticated.errors
    return {
      rows: results.map(row),
      notes: [
        `throughput ratio session/healthz: ${round(authenticated.perSecond / bare.perSecond)} (authentication costs ${round(bare.perSecond / authenticated.perSecond, 1)}x a bare request)`,
        `p50 latency ratio session/healthz: ${round(authenticated.p50Ms / bare.p50Ms, 1)}x; p99: ${round(authenticated.p99Ms / bare.p99Ms, 1)}x`,
        `setup: ${server.setup}; server log level ${LOG_LEVEL}; ${settings.connections} keep-alive connections, closed loop`,
        ...(errors > 0 ? [`WARNING: ${errors} request(s) failed or answered another status`] : []),
      ],
    }
  },
})
