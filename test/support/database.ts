import { randomBytes } from 'node:crypto'
import pg from 'pg'
import { inject } from 'vitest'
import { type Database, openDatabase } from '../../server/db/database.ts'
import { migrate } from '../../server/db/migrate.ts'
import { TEMPLATE_DATABASE, withDatabase } from '../global-setup.ts'

/** The PostgreSQL server of this test run (see test/global-setup.ts). */
export const postgresUrl = () => inject('postgresUrl')

async function admin<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: postgresUrl() })
  await client.connect()
  try {
    return await work(client)
  } finally {
    await client.end()
  }
}

export interface TestDatabase extends Database {
  url: string
  name: string
}

/** A fresh, migrated PostgreSQL database of its own, cloned from the template. */
export async function createTestDatabase(): Promise<TestDatabase> {
  const name = `relais_test_${randomBytes(6).toString('hex')}`
  await admin((client) => client.query(`create database ${name} template ${TEMPLATE_DATABASE}`))
  const url = withDatabase(postgresUrl(), name)
  const database = await openDatabase({ url })
  return {
    ...database,
    url,
    name,
    async close() {
      await database.close()
      await admin((client) => client.query(`drop database if exists ${name} with (force)`))
    },
  }
}

/** A migrated in-memory PGlite, for store tests that must pass on the embedded engine too. */
export async function createPGliteDatabase(): Promise<Database> {
  const database = await openDatabase({ memory: true })
  await migrate(database)
  return database
}

/** Both engines, for `describe.each(engines)` in store tests. */
export const engines = [
  { engine: 'postgres', open: createTestDatabase },
  { engine: 'pglite', open: createPGliteDatabase },
] as const
