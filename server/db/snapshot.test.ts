import { type Kysely, sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createPGliteDatabase, createTestDatabase, type TestDatabase } from '../../test/support/database.ts'
import type { Database } from './database.ts'
import type { DB } from './schema.ts'
import { readSideBySide } from './snapshot.ts'

const count = async (trx: Kysely<DB>) =>
  (await sql<{ n: number }>`select count(*)::int as n from snapshot_probe`.execute(trx)).rows[0]!.n
const workMem = async (trx: Kysely<DB>) =>
  (await sql<{ v: string }>`select current_setting('work_mem') as v`.execute(trx)).rows[0]!.v
const prepare = async (trx: Kysely<DB>) => {
  await sql`set local work_mem = '12MB'`.execute(trx)
}
/** A table of two rows, the data both readers count. */
const createProbe = async (database: Database) => {
  await sql`create table snapshot_probe (n int)`.execute(database.db)
  await sql`insert into snapshot_probe values (1), (2)`.execute(database.db)
}

describe('two readers side by side on PostgreSQL', () => {
  let database: TestDatabase
  beforeAll(async () => {
    database = await createTestDatabase()
    await createProbe(database)
  })
  afterAll(() => database.close())

  it('see the same data, though a row was committed before the second one read anything', async () => {
    let committed!: () => void
    const inserted = new Promise<void>((resolve) => {
      committed = resolve
    })
    const [first, second] = await readSideBySide(
      database,
      prepare,
      async (trx) => {
        const n = await count(trx)
        await sql`insert into snapshot_probe values (3)`.execute(database.db)
        committed()
        return { n, workMem: await workMem(trx) }
      },
      async (trx) => {
        await inserted
        return { n: await count(trx), workMem: await workMem(trx) }
      },
    )
    expect(first).toEqual({ n: 2, workMem: '12MB' })
    expect(second).toEqual({ n: 2, workMem: '12MB' })
    expect(await count(database.db)).toBe(3)
  })

  it('run on two connections at once', async () => {
    const [first, second] = await readSideBySide(
      database,
      prepare,
      async (trx) => (await sql<{ pid: number }>`select pg_backend_pid() as pid`.execute(trx)).rows[0]!.pid,
      async (trx) => (await sql<{ pid: number }>`select pg_backend_pid() as pid`.execute(trx)).rows[0]!.pid,
    )
    expect(first).not.toBe(second)
  })

  it('are read-only, and a failure on one side fails the whole with no transaction left open', async () => {
    await expect(
      readSideBySide(
        database,
        prepare,
        (trx) => sql`insert into snapshot_probe values (4)`.execute(trx),
        async (trx) => {
          await sql`select pg_sleep(0.2)`.execute(trx)
        },
      ),
    ).rejects.toThrow(/read-only transaction/)
    const { rows } = await sql<{ n: number }>`
      select count(*)::int as n from pg_stat_activity
      where datname = current_database() and state like 'idle in transaction%'`.execute(database.db)
    expect(rows[0]!.n).toBe(0)
    expect(await count(database.db)).toBe(3)
  })
})

describe('two readers on PGlite, which has one connection', () => {
  let database: Database
  beforeAll(async () => {
    database = await createPGliteDatabase()
    await createProbe(database)
  })
  afterAll(() => database.close())

  it('run one after the other in one read-only transaction', async () => {
    const [first, second] = await readSideBySide(
      database,
      prepare,
      async (trx) => ({ n: await count(trx), workMem: await workMem(trx) }),
      async (trx) => ({ n: await count(trx), workMem: await workMem(trx) }),
    )
    expect(first).toEqual({ n: 2, workMem: '12MB' })
    expect(second).toEqual(first)
    await expect(
      readSideBySide(
        database,
        prepare,
        (trx) => sql`insert into snapshot_probe values (4)`.execute(trx),
        (trx) => count(trx),
      ),
    ).rejects.toThrow(/read-only transaction/)
  })
})
