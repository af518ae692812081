import { createHash } from 'node:crypto'
import { type Kysely, sql } from 'kysely'
import type { DB } from '../db/schema.ts'

/** Who did something, from where, in which request: attached to every audit event. */
export interface AuditContext {
  actorId: string | null
  actorLabel: string
  address: string | null
  requestId: string | null
}

export interface AuditEntry {
  action: string
  entityType?: string
  entityId?: string
  details?: Record<string, unknown>
}

const GENESIS = '0'.repeat(64)
const CHAIN_LOCK = 7243002

/** Canonical JSON: keys sorted at every level, so jsonb's reordering cannot change a hash. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`
  }
  return JSON.stringify(value ?? null)
}

interface HashedFields {
  seq: number
  occurred_at: Date
  actor_id: string | null
  actor_label: string
  action: string
  entity_type: string | null
  entity_id: string | null
  address: string | null
  request_id: string | null
  details: Record<string, unknown>
  prev_hash: string
}

function hashOf(row: HashedFields): string {
  return createHash('sha256')
    .update(
      canonical({
        ...row,
        occurred_at: row.occurred_at.toISOString(),
      }),
    )
    .digest('hex')
}

/**
 * Records one event. Call it inside the transaction of the change it records, so the event and the
 * change commit or fail together. Recording waits for no other transaction: the event joins the chain
 * when `sealAuditEvents` next runs after the commit.
 */
export async function appendAuditEvent(
  trx: Kysely<DB>,
  context: AuditContext,
  entry: AuditEntry,
): Promise<void> {
  await trx.insertInto('audit_event').values(auditEventRow(context, entry)).execute()
}

/** The row `appendAuditEvent` inserts, for a statement that records the event with its change. */
export function auditEventRow(context: AuditContext, entry: AuditEntry) {
  return {
    // Milliseconds only: what JavaScript can represent, so the hash survives a round trip.
    occurred_at: new Date(Math.floor(Date.now())),
    actor_id: context.actorId,
    actor_label: context.actorLabel,
    action: entry.action,
    entity_type: entry.entityType ?? null,
    entity_id: entry.entityId ?? null,
    address: context.address,
    request_id: context.requestId,
    details: JSON.stringify(entry.details ?? {}),
  }
}

const SEAL_BATCH = 1000

/** Runs `work` in `db`'s transaction when it is one, in a new one otherwise. */
function inTransaction<T>(db: Kysely<DB>, work: (trx: Kysely<DB>) => Promise<T>): Promise<T> {
  return db.isTransaction ? work(db) : db.transaction().execute(work)
}

/**
 * Seals every committed event not sealed yet into the chain, in the order they were recorded: each
 * gets the next seq, the hash of the event before it and its own. One sealer at a time across
 * processes; when another is sealing, this one returns at once (it will seal what is left), unless
 * `wait` is set: then it waits for the other to commit, so that what the caller reads next in its
 * transaction includes every event committed before the call. Returns how many events it sealed.
 */
export async function sealAuditEvents(db: Kysely<DB>, { wait = false } = {}): Promise<number> {
  let sealed = 0
  for (;;) {
    const count = await inTransaction(db, async (trx) => {
      if (wait) await sql`select pg_advisory_xact_lock(${CHAIN_LOCK})`.execute(trx)
      else {
        const { rows } = await sql<{ locked: boolean }>`
          select pg_try_advisory_xact_lock(${CHAIN_LOCK}) as locked`.execute(trx)
        if (!rows[0]?.locked) return 0
      }
      const pending = await trx
        .selectFrom('audit_event')
        .selectAll()
        .where('seq', 'is', null)
        .orderBy('id')
        .limit(SEAL_BATCH)
        .execute()
      if (pending.length === 0) return 0
      const last = await trx
        .selectFrom('audit_event')
        .select(['seq', 'hash'])
        .where('seq', 'is not', null)
        .orderBy('seq', 'desc')
        .limit(1)
        .executeTakeFirst()
      let seq = last?.seq ?? 0
      let prevHash = last?.hash ?? GENESIS
      const links = pending.map(({ id, hash: _hash, seq: _seq, prev_hash: _prev, ...content }) => {
        seq += 1
        const hash = hashOf({ ...content, seq, prev_hash: prevHash })
        const link = sql`(${id}::bigint, ${seq}::bigint, ${prevHash}, ${hash})`
        prevHash = hash
        return link
      })
      await sql`
        update audit_event as event
        set seq = link.seq, prev_hash = link.prev_hash, hash = link.hash
        from (values ${sql.join(links)}) as link (id, seq, prev_hash, hash)
        where event.id = link.id`.execute(trx)
      return pending.length
    })
    sealed += count
    if (count < SEAL_BATCH) return sealed
  }
}

/** Seals the trail every `intervalMs` until stopped, and once more when stopped. */
export function startAuditSealer(db: Kysely<DB>, intervalMs: number, onError: (error: unknown) => void) {
  let running: Promise<unknown> = Promise.resolve()
  const tick = () => {
    running = sealAuditEvents(db).catch(onError)
  }
  const timer = setInterval(tick, intervalMs)
  timer.unref()
  return {
    async stop() {
      clearInterval(timer)
      await running
      await sealAuditEvents(db).catch(onError)
    },
  }
}

export type ChainVerdict =
  | { ok: true; count: number }
  | { ok: false; count: number; seq: number; problem: 'altered' | 'removed' | 'chain_broken' }

/**
 * Seals what is pending, then walks the whole chain in order and names the first row that was
 * altered, or the first gap.
 */
export async function verifyAuditChain(db: Kysely<DB>, batchSize = 5000): Promise<ChainVerdict> {
  await sealAuditEvents(db)
  let expectedSeq = 1
  let prevHash = GENESIS
  let count = 0
  for (;;) {
    const rows = await db
      .selectFrom('audit_event')
      .selectAll()
      .where('seq', '>=', expectedSeq)
      .orderBy('seq')
      .limit(batchSize)
      .execute()
    if (rows.length === 0) return { ok: true, count }
    for (const row of rows) {
      if (row.seq !== expectedSeq) return { ok: false, count, seq: expectedSeq, problem: 'removed' }
      if (row.prev_hash !== prevHash) return { ok: false, count, seq: row.seq, problem: 'chain_broken' }
      const { id: _id, hash, ...fields } = row
      if (hashOf(fields as HashedFields) !== hash)
        return { ok: false, count, seq: row.seq, problem: 'altered' }
      prevHash = hash
      expectedSeq += 1
      count += 1
    }
  }
}

export interface AuditFilter {
  actorId?: string
  action?: string
  from?: Date
  to?: Date
  beforeSeq?: number
  limit: number
}

/**
 * Sealed events, newest first, filtered by person, action (prefix) and time range; keyset-paginated by
 * seq. Seal first, waiting for any other sealer, to include what was just recorded.
 */
export async function findAuditEvents(db: Kysely<DB>, filter: AuditFilter) {
  let query = db.selectFrom('audit_event').selectAll().where('seq', 'is not', null)
  if (filter.actorId) query = query.where('actor_id', '=', filter.actorId)
  if (filter.action) query = query.where('action', 'like', `${filter.action.replace(/[\\%_]/g, '\\$&')}%`)
  if (filter.from) query = query.where('occurred_at', '>=', filter.from)
  if (filter.to) query = query.where('occurred_at', '<', filter.to)
  if (filter.beforeSeq) query = query.where('seq', '<', filter.beforeSeq)
  const rows = await query.orderBy('seq', 'desc').limit(filter.limit).execute()
  return rows.map((row) => ({ ...row, seq: row.seq as number }))
}
