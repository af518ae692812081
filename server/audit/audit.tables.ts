import type { Generated, JSONColumnType } from 'kysely'

export interface AuditEventTable {
  seq: number
  occurred_at: Date
  actor_id: string | null
  actor_label: string
  action: string
  entity_type: string | null
  entity_id: string | null
  address: string | null
  request_id: string | null
  details: JSONColumnType<Record<string, unknown>, string, string>
  prev_hash: string
  hash: string
}

export interface AuditTables {
  audit_event: AuditEventTable
  schema_migration: { name: string; checksum: string; applied_at: Generated<Date> }
}
