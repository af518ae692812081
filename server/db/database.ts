import { mkdirSync } from 'node:fs'
import { Kysely, PostgresDialect, sql } from 'kysely'
import pg from 'pg'
import { PGliteDialect } from './pglite-dialect.ts'
import type { DB } from './schema.ts'

export type DatabaseKind = 'pglite' | 'postgres'

/** One handle on the database, whichever engine is behind it. */
export interface Database {
  readonly kind: DatabaseKind
  readonly db: Kysely<DB>
  /**
   * Runs a multi-statement SQL script (migrations) on one connection; if it fails, any transaction
   * the script opened is rolled back before the connection is reused. Never for user input.
   */
  exec(script: string): Promise<void>
  close(): Promise<void>
}

export type OpenOptions = { url: string } | { dataDir: string } | { memory: true }

// int8 (counts, sequences) as JavaScript numbers on both engines: our counts stay far below 2^53.
pg.types.setTypeParser(20, (value) => Number(value))

/** Opens PostgreSQL (by URL) or the embedded PGlite (in a folder, or in memory for tests). */
export async function openDatabase(options: OpenOptions): Promise<Database> {
  if ('url' in options) return openPostgres(options.url)
  return openPGlite('dataDir' in options ? options.dataDir : undefined)
}

async function openPostgres(url: string): Promise<Database> {
  const pool = new pg.Pool({ connectionString: url, max: 10 })
  pool.on('error', () => {
    // An idle client lost its connection; the pool replaces it. Errors on queries still reach callers.
  })
  const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool }) })
  return {
    kind: 'postgres',
    db,
    async exec(script) {
      const client = await pool.connect()
      try {
        await client.query(script)
      } catch (error) {
        await client.query('rollback').catch(() => {})
        throw error
      } finally {
        client.release()
      }
    },
    async close() {
      await db.destroy()
    },
  }
}

async function openPGlite(dataDir: string | undefined): Promise<Database> {
  const [{ PGlite }, { pg_trgm }, { unaccent }, { postgis }] = await Promise.all([
    import('@electric-sql/pglite'),
    import('@electric-sql/pglite/contrib/pg_trgm'),
    import('@electric-sql/pglite/contrib/unaccent'),
    import('@electric-sql/pglite-postgis'),
  ])
  if (dataDir) mkdirSync(dataDir, { recursive: true })
  const pglite = await PGlite.create({
    dataDir,
    extensions: { pg_trgm, unaccent, postgis },
    parsers: { 20: (value: string) => Number(value) },
  })
  const db = new Kysely<DB>({ dialect: new PGliteDialect(pglite) })
  return {
    kind: 'pglite',
    db,
    async exec(script) {
      // Through Kysely's connection lock, so a script never interleaves with a transaction.
      await db.connection().execute(async () => {
        try {
          await pglite.exec(script)
        } catch (error) {
          await pglite.exec('rollback').catch(() => {})
          throw error
        }
      })
    },
    async close() {
      await db.destroy()
      await pglite.close()
    },
  }
}

/** True when the database answers a trivial query. */
export async function isDatabaseReachable(database: Database): Promise<boolean> {
  try {
    await sql`select 1`.execute(database.db)
    return true
  } catch {
    return false
  }
}
