import { type Kysely, sql } from 'kysely'
import type { DB } from './schema.ts'

/** The tables that count failures per key for a progressive back-off (same shape in each module). */
export type ThrottleTable =
  | 'sign_in_throttle'
  | 'survey_link_throttle'
  | 'intake_form_throttle'
  | 'intake_chat_throttle'

/** Counts one more failure for the key and sets the wait the new count calls for. */
export async function recordThrottledFailure(
  db: Kysely<DB>,
  table: ThrottleTable,
  key: string,
  now: Date,
  blockFor: (failures: number) => number,
) {
  const row = await db
    .insertInto(table)
    .values({ key, failures: 1, last_failure_at: now })
    .onConflict((oc) =>
      oc.column('key').doUpdateSet({
        // A quiet hour forgives earlier failures.
        failures: sql`case when ${sql.ref(`${table}.last_failure_at`)} < ${new Date(now.getTime() - 3600_000)} then 1 else ${sql.ref(`${table}.failures`)} + 1 end`,
        last_failure_at: now,
      }),
    )
    .returning('failures')
    .executeTakeFirstOrThrow()
  const seconds = blockFor(row.failures)
  if (seconds > 0) {
    await db
      .updateTable(table)
      .set({ blocked_until: new Date(now.getTime() + seconds * 1000) })
      .where('key', '=', key)
      .execute()
  }
}
