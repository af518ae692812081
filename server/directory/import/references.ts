import type { Kysely } from 'kysely'
import type { DB } from '../../db/schema.ts'
import type { DirectoryBundle } from '../directory.records.ts'
import { relaisTaxonomies, relaisTaxonomyTerms } from '../taxonomies.ts'
import { type BundleBuilder, entryKey } from './builder.ts'
import { type EntryKind, type ImportIssue, type IssueLog, type Origin, pointer } from './issues.ts'

const tables = {
  organization: 'directory_organization',
  location: 'directory_location',
  service: 'directory_service',
  service_at_location: 'directory_service_at_location',
  taxonomy: 'directory_taxonomy',
  taxonomy_term: 'directory_taxonomy_term',
} as const

/** The ids, among these, of entries already in the database. */
async function existing(db: Kysely<DB>, kind: EntryKind, ids: Iterable<string>): Promise<Set<string>> {
  const list = [...new Set(ids)]
  const found = new Set<string>()
  for (let i = 0; i < list.length; i += 500) {
    const batch = list.slice(i, i + 500)
    const rows = await db.selectFrom(tables[kind]).select('id').where('id', 'in', batch).execute()
    for (const row of rows) found.add(row.id)
  }
  return found
}

interface Reference {
  kind: EntryKind
  id: string
  from: { kind: EntryKind; id: string }
  field: string
  /** A required link stops the entry; an optional one is dropped with a warning. */
  required: boolean
  drop?: () => void
  origin?: Origin
}

/**
 * Checks that every id an entry refers to is in the file or in the database. The Relais taxonomies'
 * terms are added to the bundle when a file uses them and the database does not have them yet.
 */
export async function checkReferences(db: Kysely<DB>, builder: BundleBuilder, log: IssueLog) {
  const { bundle } = builder
  const refs: Reference[] = []
  for (const service of bundle.services)
    if (service.organizationId)
      refs.push({
        kind: 'organization',
        id: service.organizationId,
        from: { kind: 'service', id: service.id },
        field: 'organization_id',
        required: true,
      })
  for (const location of bundle.locations)
    if (location.organizationId)
      refs.push({
        kind: 'organization',
        id: location.organizationId,
        from: { kind: 'location', id: location.id },
        field: 'organization_id',
        required: false,
        drop: () => {
          location.organizationId = null
        },
      })
  for (const placement of bundle.serviceAtLocations) {
    const from = { kind: 'service_at_location' as const, id: placement.id }
    if (placement.serviceId)
      refs.push({ kind: 'service', id: placement.serviceId, from, field: 'service_id', required: true })
    if (placement.locationId)
      refs.push({ kind: 'location', id: placement.locationId, from, field: 'location_id', required: true })
  }
  for (const term of bundle.taxonomyTerms) {
    const from = { kind: 'taxonomy_term' as const, id: term.id }
    if (term.taxonomyId)
      refs.push({ kind: 'taxonomy', id: term.taxonomyId, from, field: 'taxonomy_id', required: true })
    if (term.parentId)
      refs.push({
        kind: 'taxonomy_term',
        id: term.parentId,
        from,
        field: 'parent_id',
        required: false,
        drop: () => {
          term.parentId = null
        },
      })
  }
  for (const attribute of bundle.attributes) {
    const from = { kind: attribute.linkEntity, id: attribute.linkId }
    const origin = builder.origins.get(`attribute:${attribute.id}`)
    refs.push({
      kind: 'taxonomy_term',
      id: attribute.taxonomyTermId,
      from,
      field: 'taxonomy_term_id',
      required: true,
      origin,
    })
    if (!builder.has(attribute.linkEntity, attribute.linkId))
      refs.push({
        kind: attribute.linkEntity,
        id: attribute.linkId,
        from,
        field: 'link_id',
        required: true,
        origin,
      })
  }

  // Relais's own terms (and their parents and taxonomy) come with the import when the database lacks them.
  const relaisTerms = new Map(relaisTaxonomyTerms.map((term) => [term.id, term]))
  const wanted = refs.filter((ref) => ref.kind === 'taxonomy_term' && !builder.has('taxonomy_term', ref.id))
  const inDatabaseTerms = await existing(
    db,
    'taxonomy_term',
    wanted.map((ref) => ref.id),
  )
  const toAdd = new Set<string>()
  for (const ref of wanted) {
    let term = inDatabaseTerms.has(ref.id) ? undefined : relaisTerms.get(ref.id)
    while (term && !toAdd.has(term.id) && !builder.has('taxonomy_term', term.id)) {
      toAdd.add(term.id)
      term = term.parentId ? relaisTerms.get(term.parentId) : undefined
    }
  }
  const relaisTaxonomyIds = new Set(relaisTaxonomies.map((t) => t.id))
  const taxonomyWanted =
    toAdd.size > 0 ||
    refs.some(
      (ref) => ref.kind === 'taxonomy' && relaisTaxonomyIds.has(ref.id) && !builder.has('taxonomy', ref.id),
    )
  if (taxonomyWanted) {
    const parents = await existing(db, 'taxonomy_term', toAdd)
    const taxonomies = await existing(db, 'taxonomy', relaisTaxonomyIds)
    for (const taxonomy of relaisTaxonomies)
      if (!taxonomies.has(taxonomy.id) && !builder.has('taxonomy', taxonomy.id))
        builder.put('taxonomy', { ...taxonomy }, { file: 'relais' })
    for (const id of toAdd)
      if (!parents.has(id)) builder.put('taxonomy_term', { ...relaisTerms.get(id)! }, { file: 'relais' })
  }

  const missing = new Map<EntryKind, Set<string>>()
  for (const ref of refs) {
    if (builder.has(ref.kind, ref.id)) continue
    const set = missing.get(ref.kind) ?? new Set()
    set.add(ref.id)
    missing.set(ref.kind, set)
  }
  const found = new Map<EntryKind, Set<string>>()
  for (const [kind, ids] of missing) found.set(kind, await existing(db, kind, ids))
  for (const ref of refs) {
    if (builder.has(ref.kind, ref.id) || found.get(ref.kind)?.has(ref.id)) continue
    const base = ref.origin ?? builder.origins.get(entryKey(ref.from.kind, ref.from.id)) ?? { file: '' }
    const origin =
      base.path !== undefined && !ref.origin ? { ...base, path: pointer(base.path, ref.field) } : base
    const issue: ImportIssue = {
      ...origin,
      code:
        ref.kind === 'taxonomy_term' && ref.field === 'taxonomy_term_id'
          ? 'unknown_term'
          : 'unknown_reference',
      severity: ref.required ? 'error' : 'warning',
      field: ref.field,
      value: ref.id,
      params: { kind: ref.kind },
      entry: ref.from,
    }
    log.add(issue)
    if (!ref.required) ref.drop?.()
  }

  await checkUniqueness(db, builder, log)
}

/** A taxonomy's codes, and a service's locations, are unique. */
async function checkUniqueness(db: Kysely<DB>, builder: BundleBuilder, log: IssueLog) {
  const { bundle } = builder
  const codes = new Map<string, string>()
  for (const term of bundle.taxonomyTerms) {
    if (!term.code || !term.taxonomyId) continue
    const key = `${term.taxonomyId}\u0000${term.code}`
    const other = codes.get(key)
    if (other && other !== term.id)
      log.error(
        builder.origins.get(entryKey('taxonomy_term', term.id)) ?? { file: '' },
        'duplicate_code',
        'code',
        {
          value: term.code,
          params: { other },
          entry: { kind: 'taxonomy_term', id: term.id },
        },
      )
    else codes.set(key, term.id)
  }
  const taxonomyIds = [
    ...new Set(bundle.taxonomyTerms.map((t) => t.taxonomyId).filter((id): id is string => !!id)),
  ]
  for (let i = 0; i < taxonomyIds.length; i += 200) {
    const rows = await db
      .selectFrom('directory_taxonomy_term')
      .select(['id', 'taxonomy_id', 'code'])
      .where('taxonomy_id', 'in', taxonomyIds.slice(i, i + 200))
      .where('code', 'is not', null)
      .execute()
    for (const row of rows) {
      const mine = codes.get(`${row.taxonomy_id}\u0000${row.code}`)
      if (mine && mine !== row.id && !builder.has('taxonomy_term', row.id))
        log.error(
          builder.origins.get(entryKey('taxonomy_term', mine)) ?? { file: '' },
          'duplicate_code',
          'code',
          {
            value: row.code ?? '',
            params: { other: row.id },
            entry: { kind: 'taxonomy_term', id: mine },
          },
        )
    }
  }

  const pairs = new Map<string, string>()
  for (const placement of bundle.serviceAtLocations) {
    const key = `${placement.serviceId}\u0000${placement.locationId}`
    const other = pairs.get(key)
    if (other && other !== placement.id)
      log.error(
        builder.origins.get(entryKey('service_at_location', placement.id)) ?? { file: '' },
        'duplicate_id',
        'location_id',
        {
          value: placement.locationId,
          params: { other },
          entry: { kind: 'service_at_location', id: placement.id },
        },
      )
    else pairs.set(key, placement.id)
  }
  const serviceIds = [...new Set(bundle.serviceAtLocations.map((p) => p.serviceId))]
  for (let i = 0; i < serviceIds.length; i += 500) {
    const rows = await db
      .selectFrom('directory_service_at_location')
      .select(['id', 'service_id', 'location_id'])
      .where('service_id', 'in', serviceIds.slice(i, i + 500))
      .execute()
    for (const row of rows) {
      const mine = pairs.get(`${row.service_id}\u0000${row.location_id}`)
      if (mine && mine !== row.id && !builder.has('service_at_location', row.id))
        log.error(
          builder.origins.get(entryKey('service_at_location', mine)) ?? { file: '' },
          'duplicate_id',
          'id',
          {
            value: mine,
            params: { other: row.id },
            entry: { kind: 'service_at_location', id: mine },
          },
        )
    }
  }
}

/**
 * Leaves out every entry with an error, and what depends on it (the services of a rejected
 * organization, the placements of a rejected service or location, the terms of a rejected taxonomy).
 * Returns the keys of the entries left out.
 */
export function rejectInvalid(builder: BundleBuilder, log: IssueLog): Set<string> {
  const { bundle } = builder
  const rejected = new Set<string>()
  for (const issue of log.errors) if (issue.entry) rejected.add(entryKey(issue.entry.kind, issue.entry.id))
  const cascade = (kind: EntryKind, id: string, cause: { kind: EntryKind; id: string }, field: string) => {
    const key = entryKey(kind, id)
    if (rejected.has(key) || !rejected.has(entryKey(cause.kind, cause.id))) return false
    rejected.add(key)
    log.error(builder.origins.get(key) ?? { file: '' }, 'depends_on_rejected', field, {
      value: cause.id,
      params: { kind: cause.kind },
      entry: { kind, id },
    })
    return true
  }
  let changed = true
  while (changed) {
    changed = false
    for (const term of bundle.taxonomyTerms) {
      if (term.taxonomyId)
        changed =
          cascade('taxonomy_term', term.id, { kind: 'taxonomy', id: term.taxonomyId }, 'taxonomy_id') ||
          changed
      if (term.parentId)
        changed =
          cascade('taxonomy_term', term.id, { kind: 'taxonomy_term', id: term.parentId }, 'parent_id') ||
          changed
    }
    for (const attribute of bundle.attributes)
      changed =
        cascade(
          attribute.linkEntity,
          attribute.linkId,
          { kind: 'taxonomy_term', id: attribute.taxonomyTermId },
          'taxonomy_term_id',
        ) || changed
    for (const location of bundle.locations)
      if (location.organizationId)
        changed =
          cascade(
            'location',
            location.id,
            { kind: 'organization', id: location.organizationId },
            'organization_id',
          ) || changed
    for (const service of bundle.services)
      changed =
        cascade(
          'service',
          service.id,
          { kind: 'organization', id: service.organizationId },
          'organization_id',
        ) || changed
    for (const placement of bundle.serviceAtLocations) {
      changed =
        cascade(
          'service_at_location',
          placement.id,
          { kind: 'service', id: placement.serviceId },
          'service_id',
        ) || changed
      changed =
        cascade(
          'service_at_location',
          placement.id,
          { kind: 'location', id: placement.locationId },
          'location_id',
        ) || changed
    }
  }
  const keep = <T extends { id: string }>(kind: EntryKind, rows: T[]) =>
    rows.filter((row) => !rejected.has(entryKey(kind, row.id)))
  const counted = new Set<string>()
  for (const [kind, rows] of [
    ['taxonomy', bundle.taxonomies],
    ['taxonomy_term', bundle.taxonomyTerms],
    ['organization', bundle.organizations],
    ['location', bundle.locations],
    ['service', bundle.services],
    ['service_at_location', bundle.serviceAtLocations],
  ] as const)
    for (const row of rows) if (rejected.has(entryKey(kind, row.id))) counted.add(entryKey(kind, row.id))
  const kept: DirectoryBundle = {
    ...bundle,
    taxonomies: keep('taxonomy', bundle.taxonomies),
    taxonomyTerms: keep('taxonomy_term', bundle.taxonomyTerms),
    organizations: keep('organization', bundle.organizations),
    locations: keep('location', bundle.locations),
    services: keep('service', bundle.services),
    serviceAtLocations: keep('service_at_location', bundle.serviceAtLocations),
    attributes: bundle.attributes.filter(
      (a) =>
        !rejected.has(entryKey(a.linkEntity, a.linkId)) &&
        !rejected.has(entryKey('taxonomy_term', a.taxonomyTermId)),
    ),
  }
  Object.assign(bundle, kept)
  return counted
}
