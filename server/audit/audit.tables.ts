import type { Generated, JSONColumnType } from 'kysely'

export interface AuditEventTable {
  /** The order events were recorded in; gaps where a transaction rolled back. */
  id: Generated<number>
  /** The event's place in the chain, gap-free: null until it is sealed. */
  seq: number | null
  occurred_at: Date
  actor_id: string | null
  actor_label: string
  action: string
  entity_type: string | null
  entity_id: string | null
  address: string | null
  request_id: string | null
  details: JSONColumnType<Record<string, unknown>, string, string>
  prev_hash: string | null
  hash: string | null
}

export interface AuditTables {
  audit_event: AuditEventTable
  schema_migration: { name: string; checksum: string; applied_at: Generated<Date> }
}
