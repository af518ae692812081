import { type Kysely, sql, type Transaction } from 'kysely'
import type { Database } from './database.ts'
import type { DB } from './schema.ts'

type Reader<T> = (trx: Kysely<DB>) => Promise<T>

/**
 * Runs two groups of read-only queries that must agree with each other, side by side: in two
 * REPEATABLE READ transactions on two connections, the second importing the first's snapshot
 * (`pg_export_snapshot`), so both see exactly the same data while each uses a core of its own.
 * PGlite has a single connection: there the two run one after the other, in one transaction.
 * `prepare` runs first in each transaction (its SET LOCAL settings).
 */
export async function readSideBySide<A, B>(
  database: Database,
  prepare: (trx: Kysely<DB>) => Promise<void>,
  first: Reader<A>,
  second: Reader<B>,
): Promise<[A, B]> {
  const readOnly = database.db.transaction().setIsolationLevel('repeatable read')
  return readOnly.execute(async (trx) => {
    await sql`set transaction read only`.execute(trx)
    await prepare(trx)
    if (database.kind === 'pglite') return [await first(trx), await second(trx)]
    const { rows } = await sql<{ id: string }>`select pg_export_snapshot() as id`.execute(trx)
    const snapshot = rows[0]!.id
    // SET TRANSACTION SNAPSHOT takes no parameter: the identifier is checked, then quoted in.
    if (!/^[0-9A-F]+-[0-9A-F]+(-[0-9]+)?$/i.test(snapshot))
      throw new Error(`unexpected snapshot id ${snapshot}`)
    const other = readOnly.execute(async (beside: Transaction<DB>) => {
      await sql.raw(`set transaction snapshot '${snapshot}'`).execute(beside)
      await sql`set transaction read only`.execute(beside)
      await prepare(beside)
      return second(beside)
    })
    // Both settle before the exporting transaction ends, whichever fails first.
    const [a, b] = await Promise.allSettled([first(trx), other])
    if (a.status === 'rejected') throw a.reason
    if (b.status === 'rejected') throw b.reason
    return [a.value, b.value]
  })
}
