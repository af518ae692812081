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
  /**
   * Calls `handler` with the payload of every NOTIFY on `channel` (delivered after the notifying
   * transaction commits). Returns the function that stops listening. On PostgreSQL one dedicated
   * connection listens, reconnecting when lost; `onReconnect` then runs, since notifications sent
   * while it was down are gone and the listener must catch up from the tables.
   */
  listen(
    channel: string,
    handler: (payload: string) => void,
    onReconnect?: () => void,
  ): Promise<() => Promise<void>>
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

/** A channel name safe to quote into LISTEN: lower-case letters, digits and underscores. */
function channelName(channel: string): string {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(channel)) throw new Error(`invalid channel name ${channel}`)
  return channel
}

/** One dedicated connection that LISTENs on a channel and comes back after losing the server. */
async function listenPostgres(
  url: string,
  channel: string,
  handler: (payload: string) => void,
  onReconnect?: () => void,
): Promise<() => Promise<void>> {
  const name = channelName(channel)
  let client: pg.Client | null = null
  let stopped = false
  let retryDelay = 100
  const connect = async (): Promise<void> => {
    const next = new pg.Client({ connectionString: url })
    next.on('notification', (message) => {
      if (message.channel === name) handler(message.payload ?? '')
    })
    next.on('error', () => {
      // The connection is gone: its 'end' event follows and schedules a new one.
    })
    next.on('end', () => {
      if (stopped || client !== next) return
      client = null
      setTimeout(() => {
        if (stopped) return
        connect().then(
          () => onReconnect?.(),
          () => {},
        )
      }, retryDelay).unref()
      retryDelay = Math.min(retryDelay * 2, 5000)
    })
    client = next
    await next.connect()
    await next.query(`listen ${name}`)
    retryDelay = 100
  }
  await connect()
  return async () => {
    stopped = true
    const current = client
    client = null
    await current?.end().catch(() => {})
  }
}

async function openPostgres(url: string): Promise<Database> {
  const pool = new pg.Pool({ connectionString: url, max: 10 })
  const listeners = new Set<() => Promise<void>>()
  // A connection lost while a client is checked out between two statements (a transaction's) is
  // reported as an 'error' event with no listener, which would crash the process; the statement that
  // follows fails and its caller handles that.
  pool.on('connect', (client) => {
    client.on('error', () => {})
  })
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
    async listen(channel, handler, onReconnect) {
      const stop = await listenPostgres(url, channel, handler, onReconnect)
      listeners.add(stop)
      return async () => {
        listeners.delete(stop)
        await stop()
      }
    },
    async close() {
      await Promise.all([...listeners].map((stop) => stop()))
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
    async listen(channel, handler) {
      // In process: no connection to lose, so nothing to catch up on. LISTEN runs under Kysely's
      // connection lock, never inside someone else's open transaction.
      const name = channelName(channel)
      const unlisten = await db.connection().execute(() => pglite.listen(name, handler))
      return async () => {
        await db.connection().execute(() => unlisten())
      }
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
