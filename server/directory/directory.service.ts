import { type Kysely, sql } from 'kysely'
import { type AuditContext, appendAuditEvent } from '../audit/audit.store.ts'
import type { Database } from '../db/database.ts'
import type { DB } from '../db/schema.ts'
import type { DirectoryBundle } from './directory.records.ts'
import * as store from './directory.store.ts'
import type { LinkEntity } from './directory.tables.ts'

type Resource = 'organization' | 'location' | 'service' | 'service_at_location' | 'taxonomy' | 'taxonomy_term'

const tableOf = {
  organization: 'directory_organization',
  location: 'directory_location',
  service: 'directory_service',
  service_at_location: 'directory_service_at_location',
  taxonomy: 'directory_taxonomy',
  taxonomy_term: 'directory_taxonomy_term',
} as const

/** What a save changed, per kind of entry. */
export interface SaveSummary {
  created: Record<Resource, string[]>
  updated: Record<Resource, string[]>
  unchanged: number
}

/** The comparable content of a row: everything but bookkeeping columns. */
function comparable(row: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {}
  for (const [key, value] of Object.entries(row)) {
    if (['created_at', 'updated_at', 'last_verified_at', 'last_verified_by'].includes(key)) continue
    out[key] =
      value === null || value === undefined
        ? ''
        : typeof value === 'object'
          ? JSON.stringify(value)
          : String(value)
  }
  return out
}

/** PostGIS columns, compared (and recorded) as well-known text. */
const geometryColumns: Partial<Record<Resource, string[]>> = {
  organization: ['jurisdiction_area'],
  location: ['point'],
}
const attributed = new Set<Resource>(['organization', 'service', 'location', 'service_at_location'])

/**
 * What each entry holds before or after a save, field by field: its columns, its geometry as text
 * and, for entries that carry HSDS attributes (service types, populations…), their terms as
 * `attributes`.
 */
async function snapshot(db: Kysely<DB>, resource: Resource, ids: string[]) {
  const table = tableOf[resource]
  const found = new Map<string, Record<string, string>>()
  for (let i = 0; i < ids.length; i += 500) {
    const batch = ids.slice(i, i + 500)
    if (batch.length === 0) continue
    const geometry = geometryColumns[resource] ?? []
    const rows = (await db
      .selectFrom(table)
      .selectAll()
      .select(
        geometry.map((column) => sql<string>`st_astext(${sql.ref(column)}::geometry)`.as(`${column}_wkt`)),
      )
      .where('id', 'in', batch)
      .execute()) as unknown as Record<string, unknown>[]
    const terms = new Map<string, string[]>()
    if (attributed.has(resource)) {
      const attributes = await db
        .selectFrom('directory_attribute')
        .select(['link_id', 'taxonomy_term_id', 'value'])
        .where('link_entity', '=', resource as LinkEntity)
        .where('link_id', 'in', batch)
        .execute()
      for (const { link_id, taxonomy_term_id, value } of attributes)
        terms.set(link_id, [
          ...(terms.get(link_id) ?? []),
          value === null ? taxonomy_term_id : `${taxonomy_term_id}=${value}`,
        ])
    }
    for (const row of rows) {
      for (const column of geometry) {
        row[column] = row[`${column}_wkt`]
        delete row[`${column}_wkt`]
      }
      if (attributed.has(resource)) row.attributes = (terms.get(String(row.id)) ?? []).sort().join(' ')
      found.set(String(row.id), comparable(row))
    }
  }
  return found
}

/**
 * Writes a bundle of directory entries in one transaction: upserts every entry, records each changed
 * field as HSDS metadata, rebuilds the search rows of every service touched, and audits the change:
 * one event per entry for an edit, or one summary event naming every entry for a bulk write.
 */
export async function saveBundle(
  database: Database | { db: Kysely<DB> },
  bundle: DirectoryBundle,
  audit: AuditContext,
  {
    mode = 'per_entry',
    action = 'directory.saved',
    removedServiceAtLocations = [],
  }: {
    mode?: 'per_entry' | 'summary'
    action?: string
    /** Links between a service and a location that the save ends. */
    removedServiceAtLocations?: string[]
  } = {},
): Promise<SaveSummary> {
  const run = async (trx: Kysely<DB>) => {
    const entries: [Resource, { id: string }[]][] = [
      ['taxonomy', bundle.taxonomies],
      ['taxonomy_term', bundle.taxonomyTerms],
      ['organization', bundle.organizations],
      ['location', bundle.locations],
      ['service', bundle.services],
      ['service_at_location', bundle.serviceAtLocations],
    ]
    const before = new Map<Resource, Map<string, Record<string, string>>>()
    for (const [resource, rows] of entries)
      before.set(
        resource,
        await snapshot(
          trx,
          resource,
          rows.map((r) => r.id),
        ),
      )

    const removed = await store.deleteServiceAtLocations(trx, removedServiceAtLocations)
    await store.upsertTaxonomies(trx, bundle.taxonomies)
    await store.upsertTaxonomyTerms(trx, bundle.taxonomyTerms)
    await store.upsertOrganizations(trx, bundle.organizations)
    await store.upsertLocations(trx, bundle.locations)
    await store.upsertServices(trx, bundle.services)
    await store.upsertServiceAtLocations(trx, bundle.serviceAtLocations)
    await store.replaceAttributes(
      trx,
      [
        ...bundle.organizations.map((r) => ({ linkEntity: 'organization' as const, linkId: r.id })),
        ...bundle.services.map((r) => ({ linkEntity: 'service' as const, linkId: r.id })),
        ...bundle.locations.map((r) => ({ linkEntity: 'location' as const, linkId: r.id })),
        ...bundle.serviceAtLocations.map((r) => ({
          linkEntity: 'service_at_location' as const,
          linkId: r.id,
        })),
      ],
      bundle.attributes,
    )
    await store.upsertMunicipalities(trx, bundle.municipalities ?? [])

    const summary: SaveSummary = {
      created: {
        organization: [],
        location: [],
        service: [],
        service_at_location: [],
        taxonomy: [],
        taxonomy_term: [],
      },
      updated: {
        organization: [],
        location: [],
        service: [],
        service_at_location: [],
        taxonomy: [],
        taxonomy_term: [],
      },
      unchanged: 0,
    }
    const metadata: Parameters<typeof insertMetadata>[1] = []
    for (const [resource, rows] of entries) {
      const after = await snapshot(
        trx,
        resource,
        rows.map((r) => r.id),
      )
      for (const [id, now] of after) {
        const old = before.get(resource)?.get(id)
        const changed = Object.keys(now).filter((field) => field !== 'id' && old?.[field] !== now[field])
        if (!old) summary.created[resource].push(id)
        else if (changed.length > 0) summary.updated[resource].push(id)
        else summary.unchanged += 1
        for (const field of old ? changed : ['id']) {
          metadata.push({
            resource_id: id,
            resource_type: resource,
            last_action_type: old ? 'update' : 'create',
            field_name: field,
            previous_value: old?.[field] ?? '',
            replacement_value: old ? (now[field] ?? '') : id,
            updated_by: audit.actorLabel,
          })
        }
        if (mode === 'per_entry' && (!old || changed.length > 0)) {
          await appendAuditEvent(trx, audit, {
            action: old ? 'directory.updated' : 'directory.created',
            entityType: resource,
            entityId: id,
            details: old ? { fields: changed } : {},
          })
        }
      }
    }
    for (const { id } of removed) {
      metadata.push({
        resource_id: id,
        resource_type: 'service_at_location',
        last_action_type: 'delete',
        field_name: 'id',
        previous_value: id,
        replacement_value: '',
        updated_by: audit.actorLabel,
      })
      await appendAuditEvent(trx, audit, {
        action: 'directory.deleted',
        entityType: 'service_at_location',
        entityId: id,
        details: {},
      })
    }
    await insertMetadata(trx, metadata)
    if (mode === 'summary') {
      await appendAuditEvent(trx, audit, {
        action,
        details: { created: summary.created, updated: summary.updated },
      })
    }
    const affected = await store.servicesAffectedBy(trx, {
      organizations: bundle.organizations.map((r) => r.id),
      locations: bundle.locations.map((r) => r.id),
      services: [
        ...bundle.services.map((r) => r.id),
        ...[...bundle.serviceAtLocations, ...removed].map((r) => r.serviceId),
      ],
    })
    await store.refreshSearch(trx, affected)
    return summary
  }
  return database.db.isTransaction ? run(database.db) : database.db.transaction().execute(run)
}

async function insertMetadata(
  db: Kysely<DB>,
  rows: {
    resource_id: string
    resource_type: string
    last_action_type: 'create' | 'update' | 'delete'
    field_name: string
    previous_value: string
    replacement_value: string
    updated_by: string
  }[],
) {
  for (let i = 0; i < rows.length; i += 1000) {
    const batch = rows.slice(i, i + 1000)
    if (batch.length > 0) await db.insertInto('directory_metadata').values(batch).execute()
  }
}
