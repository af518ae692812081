import type { FastifyInstance } from 'fastify'
import type { Env } from './config/env.ts'
import { createSecrets, loadMasterKey } from './crypto/secrets.ts'
import { type Database, openDatabase } from './db/database.ts'
import { migrate } from './db/migrate.ts'
import { seedDemo } from './demo/demo.ts'
import { buildApp } from './http/app.ts'
import { createTranslator } from './http/i18n.ts'
import { createIdentityService, identityConfigFor } from './identity/identity.service.ts'
import { modules } from './modules.ts'

export const DEMO_SEED = 20211

/** Opens the configured database: PostgreSQL when DATABASE_URL is set, otherwise PGlite in the data folder. */
export function openConfiguredDatabase(env: Env): Promise<Database> {
  return env.DATABASE_URL
    ? openDatabase({ url: env.DATABASE_URL })
    : openDatabase({ dataDir: `${env.dataDir}/pglite` })
}

export function secretsFor(env: Env) {
  const retired =
    env.RELAIS_ENCRYPTION_KEYS_RETIRED?.split(',').map((key) => Buffer.from(key, 'base64')) ?? []
  return createSecrets([loadMasterKey(env.RELAIS_ENCRYPTION_KEY, env.dataDir), ...retired])
}

export interface Running {
  app: FastifyInstance
  database: Database
  address: string
  demoReport: string[]
  stop(): Promise<void>
}

/** Boots Relais: database, migrations, optional demo data, HTTP server. */
export async function startRelais(env: Env, options: { demo: boolean }): Promise<Running> {
  const database = await openConfiguredDatabase(env)
  try {
    await migrate(database)
    const secrets = secretsFor(env)
    const translator = await createTranslator()
    let demoReport: string[] = []
    if (options.demo) {
      const identity = createIdentityService({
        database,
        secrets,
        config: identityConfigFor(env),
      })
      demoReport = await seedDemo(modules, { database, secrets, identity, seed: DEMO_SEED })
    }
    const app = await buildApp({ env, database, secrets, translator })
    const address = await app.listen({ port: env.PORT, host: env.HOST })
    let stopping: Promise<void> | undefined
    return {
      app,
      database,
      address,
      demoReport,
      stop() {
        // In-flight requests finish; new connections are refused; then the database closes.
        stopping ??= app.close().then(() => database.close())
        return stopping
      },
    }
  } catch (error) {
    await database.close().catch(() => {})
    throw error
  }
}
