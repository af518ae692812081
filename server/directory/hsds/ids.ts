import { createHash } from 'node:crypto'
import { type RawBuilder, sql } from 'kysely'

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i
export const UUID_PATTERN = '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$'

export const isUuid = (value: string) => UUID.test(value)

/**
 * The HSDS id of a Relais id. HSDS ids are UUIDs; Relais's own taxonomies use readable ids
 * (`relais-service-type:housing`), so any id that is not a UUID is published as a name-based UUID:
 * the first 128 bits of SHA-256("relais:" + id) with the version nibble 8 and the RFC 4122 variant.
 * The same formula exists in SQL (`hsdsIdSql`) so that the API finds an entry by either form.
 */
export function hsdsId(id: string): string {
  if (isUuid(id)) return id.toLowerCase()
  const x = createHash('sha256').update(`relais:${id}`, 'utf8').digest('hex')
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-8${x.slice(13, 16)}-8${x.slice(17, 20)}-${x.slice(20, 32)}`
}

/** `hsdsId` of a text column, in SQL (PostgreSQL's built-in sha256, no extension needed). */
export function hsdsIdSql(column: RawBuilder<unknown>): RawBuilder<string> {
  const x = sql`encode(sha256(convert_to('relais:' || ${column}, 'UTF8')), 'hex')`
  return sql<string>`(substr(${x}, 1, 8) || '-' || substr(${x}, 9, 4) || '-8' || substr(${x}, 14, 3) || '-8' || substr(${x}, 18, 3) || '-' || substr(${x}, 21, 12))`
}
