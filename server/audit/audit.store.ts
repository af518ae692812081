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
 * Appends one event to the chain. Call it inside the transaction of the change it records, so the
 * event and the change commit or fail together. Appends are serialised by an advisory lock.
 */
export async function appendAuditEvent(
  trx: Kysely<DB>,
  context: AuditContext,
  entry: AuditEntry,
): Promise<void> {
  await sql`select pg_advisory_xact_lock(${CHAIN_LOCK})`.execute(trx)
  const last = await trx
    .selectFrom('audit_event')
    .select(['seq', 'hash'])
    .orderBy('seq', 'desc')
    .limit(1)
    .executeTakeFirst()
  const row: HashedFields = {
    seq: (last?.seq ?? 0) + 1,
    // Milliseconds only: what JavaScript can represent, so the hash survives a round trip.
    occurred_at: new Date(Math.floor(Date.now())),
    actor_id: context.actorId,
    actor_label: context.actorLabel,
    action: entry.action,
    entity_type: entry.entityType ?? null,
    entity_id: entry.entityId ?? null,
    address: context.address,
    request_id: context.requestId,
    details: entry.details ?? {},
    prev_hash: last?.hash ?? GENESIS,
  }
  await trx
    .insertInto('audit_event')
    .values({ ...row, details: JSON.stringify(row.details), hash: hashOf(row) })
    .execute()
}

export type ChainVerdict =
  | { ok: true; count: number }
  | { ok: false; count: number; seq: number; problem: 'altered' | 'removed' | 'chain_broken' }

/** Walks the whole chain in order and names the first row that was altered, or the first gap. */
export async function verifyAuditChain(db: Kysely<DB>, batchSize = 5000): Promise<ChainVerdict> {
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
      const { hash, ...fields } = row
      if (hashOf(fields) !== hash) return { ok: false, count, seq: row.seq, problem: 'altered' }
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

/** Newest first, filtered by person, action (prefix) and time range; keyset-paginated by seq. */
export async function findAuditEvents(db: Kysely<DB>, filter: AuditFilter) {
  let query = db.selectFrom('audit_event').selectAll()
  if (filter.actorId) query = query.where('actor_id', '=', filter.actorId)
  if (filter.action) query = query.where('action', 'like', `${filter.action.replace(/[\\%_]/g, '\\$&')}%`)
  if (filter.from) query = query.where('occurred_at', '>=', filter.from)
  if (filter.to) query = query.where('occurred_at', '<', filter.to)
  if (filter.beforeSeq) query = query.where('seq', '<', filter.beforeSeq)
  return query.orderBy('seq', 'desc').limit(filter.limit).execute()
}
