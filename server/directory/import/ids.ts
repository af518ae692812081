import { type Kysely, sql } from 'kysely'
import type { DB } from '../../db/schema.ts'
import { hsdsId, hsdsIdSql, isUuid } from '../hsds/ids.ts'
import { relaisTaxonomies, relaisTaxonomyTerms } from '../taxonomies.ts'
import type { BundleBuilder } from './builder.ts'
import type { EntryKind } from './issues.ts'

const tables = {
  organization: 'directory_organization',
  location: 'directory_location',
  service: 'directory_service',
  service_at_location: 'directory_service_at_location',
  taxonomy: 'directory_taxonomy',
  taxonomy_term: 'directory_taxonomy_term',
} as const

/** Relais's own taxonomies and terms, by the UUID they are published under. */
const relaisByHsdsId = new Map<string, [EntryKind, string]>([
  ...relaisTaxonomies.map((t): [string, [EntryKind, string]] => [hsdsId(t.id), ['taxonomy', t.id]]),
  ...relaisTaxonomyTerms.map((t): [string, [EntryKind, string]] => [hsdsId(t.id), ['taxonomy_term', t.id]]),
])

/**
 * Relais publishes entries whose ids are not UUIDs (its taxonomies, spreadsheet ids) under a
 * name-based UUID (`hsdsId`). Importing such an export back gives those entries their own ids again,
 * so a re-import updates the entries it came from instead of adding copies.
 */
export async function restoreRelaisIds(db: Kysely<DB>, builder: BundleBuilder) {
  const { bundle } = builder
  const wanted = new Map<EntryKind, Set<string>>()
  const want = (kind: EntryKind, id: string | null | undefined) => {
    if (!id || !isUuid(id)) return
    const set = wanted.get(kind) ?? new Set<string>()
    set.add(id)
    wanted.set(kind, set)
  }
  for (const t of bundle.taxonomies) want('taxonomy', t.id)
  for (const t of bundle.taxonomyTerms) {
    want('taxonomy_term', t.id)
    want('taxonomy', t.taxonomyId)
    want('taxonomy_term', t.parentId)
  }
  for (const o of bundle.organizations) want('organization', o.id)
  for (const l of bundle.locations) {
    want('location', l.id)
    want('organization', l.organizationId)
  }
  for (const s of bundle.services) {
    want('service', s.id)
    want('organization', s.organizationId)
  }
  for (const p of bundle.serviceAtLocations) {
    want('service_at_location', p.id)
    want('service', p.serviceId)
    want('location', p.locationId)
  }
  for (const a of bundle.attributes) {
    want(a.linkEntity, a.linkId)
    want('taxonomy_term', a.taxonomyTermId)
  }

  const renames = new Map<EntryKind, Map<string, string>>()
  const rename = (kind: EntryKind, from: string, to: string) => {
    const map = renames.get(kind) ?? new Map<string, string>()
    map.set(from, to)
    renames.set(kind, map)
  }
  for (const [kind, ids] of wanted) {
    for (const id of ids) {
      const relais = relaisByHsdsId.get(id)
      if (relais && relais[0] === kind) rename(kind, id, relais[1])
    }
    const list = [...ids]
    for (let i = 0; i < list.length; i += 1000) {
      const batch = list.slice(i, i + 1000)
      const table = tables[kind]
      const rows = await sql<{ id: string; hsds: string }>`
        select id, ${hsdsIdSql(sql.ref('id'))} as hsds from ${sql.table(table)}
        where id !~* '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$'
          and ${hsdsIdSql(sql.ref('id'))} = any(${batch}::text[])`.execute(db)
      for (const row of rows.rows) rename(kind, row.hsds, row.id)
    }
  }
  if (renames.size > 0) builder.rename(renames)
}
