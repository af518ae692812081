import { type Kysely, type RawBuilder, sql } from 'kysely'
import type { DB } from '../../db/schema.ts'
import type { HsdsDoc } from '../directory.tables.ts'
import { hsdsId } from './ids.ts'

/**
 * The read model of the HSDS API and export: assembles full HSDS 3.1 objects (with the Relais
 * profile's properties) from the directory's rows, a page at a time, in a handful of queries per page
 * (each level loaded for every id of the page at once).
 *
 * Confidentiality is enforced here, in the SQL `where` clause of every load, for the `public` scope:
 * no confidential organization, service or location; no service of a confidential organization; no
 * location of a confidential organization; no service at a location whose service, organization or
 * location is confidential. Nested objects come from the same loads, so they obey the same rules.
 */
export type Lang = 'en' | 'fr'
export type Scope = 'public' | 'all'
export type HsdsObject = Record<string, unknown>

export interface ReadContext {
  db: Kysely<DB>
  lang: Lang
  scope: Scope
}

const CHUNK = 500

// ---------------------------------------------------------------------------------------------
// Visibility, as SQL over the aliases used below: o (organization), s (service), l (location),
// lo (the location's organization), sal (service at location).

export const visible = {
  organization: (scope: Scope) => (scope === 'all' ? sql`true` : sql`o.confidential = false`),
  service: (scope: Scope) =>
    scope === 'all' ? sql`true` : sql`s.confidential = false and o.confidential = false`,
  location: (scope: Scope) =>
    scope === 'all' ? sql`true` : sql`l.confidential = false and coalesce(lo.confidential, false) = false`,
  serviceAtLocation: (scope: Scope) =>
    scope === 'all'
      ? sql`true`
      : sql`s.confidential = false and o.confidential = false and l.confidential = false and coalesce(lo.confidential, false) = false`,
}

export const fromServices = sql`directory_service s join directory_organization o on o.id = s.organization_id`
export const fromLocations = sql`directory_location l left join directory_organization lo on lo.id = l.organization_id`
export const fromServiceAtLocations = sql`directory_service_at_location sal
  join directory_service s on s.id = sal.service_id
  join directory_organization o on o.id = s.organization_id
  join directory_location l on l.id = sal.location_id
  left join directory_organization lo on lo.id = l.organization_id`

// ---------------------------------------------------------------------------------------------
// Rows

interface BilingualRow {
  name_en: string | null
  name_fr: string | null
  description_en: string | null
  description_fr: string | null
}

interface VerifiedRow {
  last_verified_at: Date | string | null
  last_verified_by: string | null
  verification_interval_days: number | null
}

export interface OrganizationRow extends BilingualRow, VerifiedRow {
  id: string
  kind: string
  confidential: boolean
  jurisdiction_country: string | null
  jurisdiction_province: string | null
  jurisdiction_municipality: string | null
  jurisdiction_area: unknown
  emergency_phone: string | null
  doc: HsdsDoc
  parent_visible_id: string | null
  updated_at: Date | string
}

export interface LocationRow extends BilingualRow, VerifiedRow {
  id: string
  organization_id: string | null
  location_type: string
  confidential: boolean
  latitude: number | null
  longitude: number | null
  doc: HsdsDoc
  updated_at: Date | string
}

export interface ServiceRow extends BilingualRow, VerifiedRow {
  id: string
  organization_id: string
  status: string
  confidential: boolean
  referral_status: string | null
  referral_status_at: string | null
  minimum_age: number | string | null
  maximum_age: number | string | null
  status_independent: boolean | null
  substance_use_accepted: boolean | null
  doc: HsdsDoc
  updated_at: Date | string
}

export interface ServiceAtLocationRow {
  id: string
  service_id: string
  location_id: string
  doc: HsdsDoc
  updated_at: Date | string
}

export interface TaxonomyRow {
  id: string
  name: string
  description: string
  uri: string | null
  version: string | null
  updated_at: Date | string
}

export interface TermRow extends BilingualRow {
  id: string
  taxonomy_id: string | null
  code: string | null
  parent_id: string | null
  term_uri: string | null
  updated_at: Date | string
  x_id: string | null
  x_name: string | null
  x_description: string | null
  x_uri: string | null
  x_version: string | null
}

interface AttributeRow {
  id: string
  link_entity: string
  link_id: string
  link_type: string | null
  taxonomy_term_id: string
  value: string | null
  label: string | null
}

type Entity = 'organization' | 'service' | 'location' | 'service_at_location'

// ---------------------------------------------------------------------------------------------
// Loads (each for many ids at once)

function chunks<T>(items: T[], size = CHUNK): T[][] {
  const out: T[][] = []
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size))
  return out
}

async function many<R>(
  db: Kysely<DB>,
  ids: Iterable<string>,
  query: (list: RawBuilder<unknown>) => RawBuilder<R>,
): Promise<R[]> {
  const unique = [...new Set(ids)]
  const out: R[] = []
  for (const batch of chunks(unique)) {
    const result = await query(sql.join(batch)).execute(db)
    out.push(...result.rows)
  }
  return out
}

const organizationColumns = sql`o.id, o.name_en, o.name_fr, o.description_en, o.description_fr, o.kind,
  o.confidential, o.jurisdiction_country, o.jurisdiction_province, o.jurisdiction_municipality,
  st_asgeojson(o.jurisdiction_area)::json as jurisdiction_area, o.emergency_phone, o.doc,
  o.last_verified_at, o.last_verified_by::text as last_verified_by, o.verification_interval_days, o.updated_at`

const locationColumns = sql`l.id, l.organization_id, l.location_type, l.name_en, l.name_fr, l.description_en,
  l.description_fr, l.confidential, st_y(l.point::geometry) as latitude, st_x(l.point::geometry) as longitude,
  l.doc, l.last_verified_at, l.last_verified_by::text as last_verified_by, l.verification_interval_days, l.updated_at`

const serviceColumns = sql`s.id, s.organization_id, s.name_en, s.name_fr, s.description_en, s.description_fr,
  s.status, s.confidential, s.referral_status, s.referral_status_at::text as referral_status_at,
  s.minimum_age::float8 as minimum_age, s.maximum_age::float8 as maximum_age, s.status_independent,
  s.substance_use_accepted, s.doc, s.last_verified_at, s.last_verified_by::text as last_verified_by,
  s.verification_interval_days, s.updated_at`

const termColumns = sql`t.id, t.taxonomy_id, t.code, t.name_en, t.name_fr, t.description_en, t.description_fr,
  t.parent_id, t.term_uri, t.updated_at, x.id as x_id, x.name as x_name, x.description as x_description,
  x.uri as x_uri, x.version as x_version`

export function loadOrganizations(ctx: ReadContext, ids: Iterable<string>) {
  // A parent organization is named only when it is visible itself.
  const parentVisible = ctx.scope === 'all' ? sql`true` : sql`p.confidential = false`
  return many(
    ctx.db,
    ids,
    (list) => sql<OrganizationRow>`select ${organizationColumns}, p.id as parent_visible_id
      from directory_organization o
      left join directory_organization p on p.id = o.doc->>'parent_organization_id' and ${parentVisible}
      where o.id in (${list}) and ${visible.organization(ctx.scope)}`,
  )
}

export function loadLocations(ctx: ReadContext, ids: Iterable<string>, by: 'id' | 'organization' = 'id') {
  const column = by === 'id' ? sql`l.id` : sql`l.organization_id`
  return many(
    ctx.db,
    ids,
    (list) => sql<LocationRow>`select ${locationColumns} from ${fromLocations}
      where ${column} in (${list}) and ${visible.location(ctx.scope)} order by l.id`,
  )
}

export function loadServices(ctx: ReadContext, ids: Iterable<string>, by: 'id' | 'organization' = 'id') {
  const column = by === 'id' ? sql`s.id` : sql`s.organization_id`
  return many(
    ctx.db,
    ids,
    (list) => sql<ServiceRow>`select ${serviceColumns} from ${fromServices}
      where ${column} in (${list}) and ${visible.service(ctx.scope)} order by s.id`,
  )
}

export function loadServiceAtLocations(ctx: ReadContext, ids: Iterable<string>, by: 'id' | 'service' = 'id') {
  const column = by === 'id' ? sql`sal.id` : sql`sal.service_id`
  return many(
    ctx.db,
    ids,
    (list) => sql<ServiceAtLocationRow>`select sal.id, sal.service_id, sal.location_id, sal.doc,
      greatest(sal.updated_at, s.updated_at, l.updated_at) as updated_at
      from ${fromServiceAtLocations}
      where ${column} in (${list}) and ${visible.serviceAtLocation(ctx.scope)} order by sal.id`,
  )
}

export function loadTerms(ctx: ReadContext, ids: Iterable<string>) {
  return many(
    ctx.db,
    ids,
    (list) => sql<TermRow>`select ${termColumns} from directory_taxonomy_term t
      left join directory_taxonomy x on x.id = t.taxonomy_id where t.id in (${list})`,
  )
}

export function loadTaxonomies(ctx: ReadContext, ids: Iterable<string>) {
  return many(
    ctx.db,
    ids,
    (list) => sql<TaxonomyRow>`select id, name, description, uri, version, updated_at
      from directory_taxonomy where id in (${list})`,
  )
}

/** The attributes of many entries of several types, in one query. */
async function loadAttributes(ctx: ReadContext, links: { entity: Entity; ids: Iterable<string> }[]) {
  const conditions = links.flatMap(({ entity, ids }) =>
    chunks([...new Set(ids)]).map(
      (batch) => sql`(link_entity = ${entity} and link_id in (${sql.join(batch)}))`,
    ),
  )
  if (conditions.length === 0) return []
  const result =
    await sql<AttributeRow>`select id, link_entity, link_id, link_type, taxonomy_term_id, value, label
    from directory_attribute where ${sql.join(conditions, sql` or `)} order by id`.execute(ctx.db)
  return result.rows
}

// ---------------------------------------------------------------------------------------------
// Shaping

const pick = (lang: Lang, en: string | null, fr: string | null) => (lang === 'fr' ? (fr ?? en) : (en ?? fr))

/**
 * The id an entry is published under: its HSDS id (a UUID) in public output; its stored id in a full
 * backup, which must restore exactly.
 */
const idFor = (scope: Scope, id: string) => (scope === 'all' ? id : hsdsId(id))

const iso = (value: Date | string | null | undefined) =>
  value === null || value === undefined ? undefined : new Date(value).toISOString()

const num = (value: number | string | null | undefined) =>
  value === null || value === undefined ? undefined : Number(value)

/** Drops null and undefined properties at every depth (HSDS fields are never null). */
export function compact<T>(value: T): T {
  if (Array.isArray(value)) return value.map((item) => compact(item)) as T
  if (value && typeof value === 'object' && !(value instanceof Date)) {
    const out: Record<string, unknown> = {}
    for (const [key, item] of Object.entries(value)) {
      if (item === null || item === undefined) continue
      out[key] = compact(item)
    }
    return out as T
  }
  return value
}

function translations(row: BilingualRow) {
  return {
    en: { name: row.name_en, description: row.description_en },
    fr: { name: row.name_fr, description: row.description_fr },
  }
}

function verification(row: VerifiedRow, scope: Scope) {
  if (!row.last_verified_at && !row.verification_interval_days) return undefined
  return {
    last_verified_at: iso(row.last_verified_at),
    // Who verified an entry is staff information: only in a full (backup) export.
    last_verified_by: scope === 'all' ? row.last_verified_by : undefined,
    interval_days: row.verification_interval_days,
  }
}

/** Properties of an HSDS object that Relais sets from its columns or assembles itself. */
const RESERVED = new Set([
  'id',
  'name',
  'description',
  'organization_id',
  'service_id',
  'location_id',
  'parent_organization_id',
  'status',
  'minimum_age',
  'maximum_age',
  'last_modified',
  'location_type',
  'latitude',
  'longitude',
  'organization',
  'service',
  'location',
  'services',
  'locations',
  'service_at_locations',
  'attributes',
  'metadata',
  'confidential',
  'agency_kind',
  'jurisdiction',
  'emergency_phone',
  'referral_status',
  'eligibility',
  'verification',
  'translations',
])

function collectIds(value: unknown, into: Set<string>) {
  if (Array.isArray(value)) for (const item of value) collectIds(item, into)
  else if (value && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      if (key === 'id' && typeof item === 'string') into.add(item)
      else collectIds(item, into)
    }
  }
}

/**
 * A nested sub-object of a doc (phone, address, schedule, contact, ...), with HSDS ids. In the public
 * scope its links (`*_id`) are kept only when they point at its owner or at another sub-object of the
 * same doc, so a sub-object can never name an entry the caller may not see.
 */
function subObject(value: unknown, known: Set<string>, scope: Scope): unknown {
  if (Array.isArray(value)) return value.map((item) => subObject(item, known, scope))
  if (!value || typeof value !== 'object') return value
  const out: Record<string, unknown> = {}
  for (const [key, item] of Object.entries(value)) {
    if (key === 'id' && typeof item === 'string') out.id = idFor(scope, item)
    else if (key.endsWith('_id') && typeof item === 'string') {
      if (scope === 'all' || known.has(item)) out[key] = idFor(scope, item)
    } else out[key] = subObject(item, known, scope)
  }
  return out
}

/** The doc's own fields, split into one-to-one values and nested sub-objects. */
function docFields(doc: HsdsDoc, ownerId: string, ownerField: string, scope: Scope) {
  const known = new Set<string>([ownerId])
  collectIds(doc, known)
  const scalars: Record<string, unknown> = {}
  const nested: Record<string, unknown> = {}
  for (const [key, value] of Object.entries(doc ?? {})) {
    if (RESERVED.has(key)) continue
    if (value !== null && typeof value === 'object') {
      const shaped = subObject(value, known, scope)
      // Public output names each sub-object's owner; a backup keeps the doc as it is stored.
      nested[key] =
        Array.isArray(shaped) && scope === 'public'
          ? shaped.map((item) =>
              item && typeof item === 'object'
                ? { ...(item as object), [ownerField]: idFor(scope, ownerId) }
                : item,
            )
          : shaped
    } else if (key.endsWith('_id') && typeof value === 'string') {
      if (key === 'program_id' || scope === 'all') scalars[key] = idFor(scope, value)
    } else scalars[key] = value
  }
  return { scalars, nested }
}

export function taxonomyObject(row: TaxonomyRow, scope: Scope = 'public'): HsdsObject {
  return compact({
    id: idFor(scope, row.id),
    name: row.name,
    description: row.description,
    uri: row.uri,
    version: row.version,
  })
}

export function termObject(row: TermRow, lang: Lang, scope: Scope = 'public'): HsdsObject {
  const name = pick(lang, row.name_en, row.name_fr) ?? ''
  const language = lang === 'fr' ? (row.name_fr ? 'fr' : 'en') : row.name_en ? 'en' : 'fr'
  return compact({
    id: idFor(scope, row.id),
    code: row.code,
    name,
    description: pick(lang, row.description_en, row.description_fr) ?? name,
    parent_id: row.parent_id ? idFor(scope, row.parent_id) : null,
    taxonomy: row.x_name,
    taxonomy_detail: row.x_id
      ? taxonomyObject(
          {
            id: row.x_id,
            name: row.x_name ?? '',
            description: row.x_description ?? '',
            uri: row.x_uri,
            version: row.x_version,
            updated_at: row.updated_at,
          },
          scope,
        )
      : null,
    language,
    taxonomy_id: row.taxonomy_id ? idFor(scope, row.taxonomy_id) : null,
    term_uri: row.term_uri,
    translations: translations(row),
  })
}

/** The page of objects being assembled, with every related row loaded for the whole page at once. */
class Graph {
  organizations = new Map<string, OrganizationRow>()
  locations = new Map<string, LocationRow>()
  services = new Map<string, ServiceRow>()
  serviceAtLocations = new Map<string, ServiceAtLocationRow>()
  locationsByOrganization = new Map<string, LocationRow[]>()
  servicesByOrganization = new Map<string, ServiceRow[]>()
  serviceAtLocationsByService = new Map<string, ServiceAtLocationRow[]>()
  attributes = new Map<string, AttributeRow[]>()
  terms = new Map<string, TermRow>()

  constructor(readonly ctx: ReadContext) {}

  private static group<T>(map: Map<string, T[]>, key: string | null, row: T) {
    if (!key) return
    const list = map.get(key)
    if (list) list.push(row)
    else map.set(key, [row])
  }

  async addOrganizations(ids: Iterable<string>) {
    const missing = [...ids].filter((id) => !this.organizations.has(id))
    for (const row of await loadOrganizations(this.ctx, missing)) this.organizations.set(row.id, row)
  }

  async addLocations(ids: Iterable<string>) {
    const missing = [...ids].filter((id) => !this.locations.has(id))
    for (const row of await loadLocations(this.ctx, missing)) this.locations.set(row.id, row)
  }

  async addLocationsOfOrganizations(ids: Iterable<string>) {
    const wanted = [...new Set(ids)]
    for (const id of wanted) this.locationsByOrganization.set(id, [])
    for (const row of await loadLocations(this.ctx, wanted, 'organization')) {
      this.locations.set(row.id, row)
      Graph.group(this.locationsByOrganization, row.organization_id, row)
    }
  }

  async addServices(ids: Iterable<string>) {
    const missing = [...ids].filter((id) => !this.services.has(id))
    for (const row of await loadServices(this.ctx, missing)) this.services.set(row.id, row)
  }

  async addServicesOfOrganizations(ids: Iterable<string>) {
    const wanted = [...new Set(ids)]
    for (const id of wanted) this.servicesByOrganization.set(id, [])
    for (const row of await loadServices(this.ctx, wanted, 'organization')) {
      this.services.set(row.id, row)
      Graph.group(this.servicesByOrganization, row.organization_id, row)
    }
  }

  async addServiceAtLocations(ids: Iterable<string>) {
    const missing = [...ids].filter((id) => !this.serviceAtLocations.has(id))
    for (const row of await loadServiceAtLocations(this.ctx, missing))
      this.serviceAtLocations.set(row.id, row)
  }

  async addServiceAtLocationsOfServices(ids: Iterable<string>) {
    const wanted = [...new Set(ids)]
    for (const id of wanted) this.serviceAtLocationsByService.set(id, [])
    for (const row of await loadServiceAtLocations(this.ctx, wanted, 'service')) {
      this.serviceAtLocations.set(row.id, row)
      Graph.group(this.serviceAtLocationsByService, row.service_id, row)
    }
  }

  /** Attributes (with their terms and taxonomies) of every entry loaded so far. */
  async addAttributes() {
    const rows = await loadAttributes(this.ctx, [
      { entity: 'organization', ids: this.organizations.keys() },
      { entity: 'service', ids: this.services.keys() },
      { entity: 'location', ids: this.locations.keys() },
      { entity: 'service_at_location', ids: this.serviceAtLocations.keys() },
    ])
    this.attributes.clear()
    for (const row of rows) Graph.group(this.attributes, `${row.link_entity}:${row.link_id}`, row)
    const missing = [...new Set(rows.map((row) => row.taxonomy_term_id))].filter((id) => !this.terms.has(id))
    for (const term of await loadTerms(this.ctx, missing)) this.terms.set(term.id, term)
  }

  attributesOf(entity: Entity, id: string) {
    return (this.attributes.get(`${entity}:${id}`) ?? []).map((row) => {
      const term = this.terms.get(row.taxonomy_term_id)
      return compact({
        id: idFor(this.ctx.scope, row.id),
        link_id: idFor(this.ctx.scope, row.link_id),
        link_entity: row.link_entity,
        link_type: row.link_type,
        taxonomy_term_id: idFor(this.ctx.scope, row.taxonomy_term_id),
        value: row.value,
        label: row.label,
        taxonomy_term: term ? termObject(term, this.ctx.lang, this.ctx.scope) : null,
      })
    })
  }

  // Objects ----------------------------------------------------------------------------------

  organization(
    row: OrganizationRow,
    options: { full: boolean; services?: 'basic' | 'full'; locations?: boolean },
  ) {
    const { lang, scope } = this.ctx
    const { scalars, nested } = docFields(row.doc, row.id, 'organization_id', scope)
    const parent = scope === 'all' ? row.doc.parent_organization_id : row.parent_visible_id
    const base = {
      id: idFor(this.ctx.scope, row.id),
      name: pick(lang, row.name_en, row.name_fr) ?? '',
      description: pick(lang, row.description_en, row.description_fr) ?? '',
      ...scalars,
      parent_organization_id: typeof parent === 'string' ? idFor(this.ctx.scope, parent) : null,
      confidential: row.confidential,
      agency_kind: row.kind,
      jurisdiction:
        row.jurisdiction_country ||
        row.jurisdiction_province ||
        row.jurisdiction_municipality ||
        row.jurisdiction_area
          ? {
              country: row.jurisdiction_country,
              state_province: row.jurisdiction_province,
              municipality: row.jurisdiction_municipality,
              area: row.jurisdiction_area,
            }
          : null,
      emergency_phone: row.emergency_phone,
      verification: verification(row, scope),
      translations: translations(row),
    }
    if (!options.full) return compact(base)
    const locations =
      options.locations === false
        ? undefined
        : (this.locationsByOrganization.get(row.id) ?? []).map((location) =>
            this.location(location, { full: true }),
          )
    const services = options.services
      ? (this.servicesByOrganization.get(row.id) ?? []).map((service) =>
          this.service(service, {
            full: options.services === 'full',
            organization: 'none',
            serviceAtLocations: options.services === 'full',
          }),
        )
      : undefined
    return compact({
      ...base,
      ...nested,
      ...(locations ? { locations } : {}),
      ...(services ? { services } : {}),
      attributes: this.attributesOf('organization', row.id),
    })
  }

  location(row: LocationRow, options: { full: boolean }) {
    const { lang, scope } = this.ctx
    const { scalars, nested } = docFields(row.doc, row.id, 'location_id', scope)
    const base = {
      id: idFor(this.ctx.scope, row.id),
      location_type: row.location_type,
      organization_id: row.organization_id ? idFor(this.ctx.scope, row.organization_id) : null,
      name: pick(lang, row.name_en, row.name_fr),
      description: pick(lang, row.description_en, row.description_fr),
      ...scalars,
      latitude: num(row.latitude),
      longitude: num(row.longitude),
      confidential: row.confidential,
      verification: verification(row, scope),
      translations: translations(row),
    }
    if (!options.full) return compact(base)
    return compact({ ...base, ...nested, attributes: this.attributesOf('location', row.id) })
  }

  service(
    row: ServiceRow,
    options: {
      full: boolean
      organization: 'none' | 'basic' | 'full'
      serviceAtLocations: boolean
    },
  ): HsdsObject {
    const { lang, scope } = this.ctx
    const { scalars, nested } = docFields(row.doc, row.id, 'service_id', scope)
    const organization = this.organizations.get(row.organization_id)
    const base = {
      id: idFor(this.ctx.scope, row.id),
      organization_id: idFor(this.ctx.scope, row.organization_id),
      name: pick(lang, row.name_en, row.name_fr) ?? '',
      description: pick(lang, row.description_en, row.description_fr),
      ...scalars,
      status: row.status,
      minimum_age: num(row.minimum_age),
      maximum_age: num(row.maximum_age),
      last_modified: iso(row.updated_at),
      confidential: row.confidential,
      referral_status: row.referral_status
        ? { status: row.referral_status, as_of: row.referral_status_at }
        : null,
      eligibility:
        row.status_independent !== null || row.substance_use_accepted !== null
          ? {
              status_independent: row.status_independent,
              substance_use_accepted: row.substance_use_accepted,
            }
          : null,
      verification: verification(row, scope),
      translations: translations(row),
      organization:
        organization && options.organization !== 'none'
          ? this.organization(organization, { full: options.organization === 'full' })
          : null,
    }
    if (!options.full) return compact(base)
    const serviceAtLocations = options.serviceAtLocations
      ? (this.serviceAtLocationsByService.get(row.id) ?? []).map((sal) =>
          this.serviceAtLocation(sal, { full: true, service: false }),
        )
      : undefined
    return compact({
      ...base,
      ...nested,
      ...(serviceAtLocations ? { service_at_locations: serviceAtLocations } : {}),
      attributes: this.attributesOf('service', row.id),
    })
  }

  serviceAtLocation(
    row: ServiceAtLocationRow,
    options: { full: boolean; service: boolean; location?: boolean },
  ): HsdsObject {
    const { scalars, nested } = docFields(row.doc, row.id, 'service_at_location_id', this.ctx.scope)
    const location = this.locations.get(row.location_id)
    const service = this.services.get(row.service_id)
    const base = {
      id: idFor(this.ctx.scope, row.id),
      service_id: idFor(this.ctx.scope, row.service_id),
      location_id: idFor(this.ctx.scope, row.location_id),
      description: typeof row.doc.description === 'string' ? row.doc.description : null,
      ...scalars,
      location:
        location && options.location !== false ? this.location(location, { full: options.full }) : null,
      service:
        service && options.service
          ? this.service(service, { full: options.full, organization: 'basic', serviceAtLocations: false })
          : null,
    }
    if (!options.full) return compact(base)
    return compact({ ...base, ...nested, attributes: this.attributesOf('service_at_location', row.id) })
  }
}

const inOrder = <T extends { id: string }>(ids: string[], rows: Map<string, T>) =>
  ids.map((id) => rows.get(id)).filter((row): row is T => row !== undefined)

// ---------------------------------------------------------------------------------------------
// What the API and the export ask for

/** Services, in the order of `ids` (ids that are not visible are left out). */
export async function readServices(ctx: ReadContext, ids: string[], { full }: { full: boolean }) {
  const graph = new Graph(ctx)
  await graph.addServices(ids)
  const services = inOrder(ids, graph.services)
  const organizationIds = services.map((s) => s.organization_id)
  await graph.addOrganizations(organizationIds)
  if (full) {
    await graph.addServiceAtLocationsOfServices(services.map((s) => s.id))
    await graph.addLocationsOfOrganizations(organizationIds)
    await graph.addLocations([...graph.serviceAtLocations.values()].map((sal) => sal.location_id))
    await graph.addAttributes()
  }
  return services.map((row) =>
    graph.service(row, {
      full,
      organization: full ? 'full' : 'basic',
      serviceAtLocations: true,
    }),
  )
}

export async function readServiceAtLocations(ctx: ReadContext, ids: string[], { full }: { full: boolean }) {
  const graph = new Graph(ctx)
  await graph.addServiceAtLocations(ids)
  const rows = inOrder(ids, graph.serviceAtLocations)
  await graph.addServices(rows.map((row) => row.service_id))
  await graph.addLocations(rows.map((row) => row.location_id))
  await graph.addOrganizations([...graph.services.values()].map((s) => s.organization_id))
  if (full) await graph.addAttributes()
  return rows.map((row) => graph.serviceAtLocation(row, { full, service: true }))
}

export async function readOrganizations(
  ctx: ReadContext,
  ids: string[],
  { full, services = 'basic' }: { full: boolean; services?: 'basic' | 'full' },
) {
  const graph = new Graph(ctx)
  await graph.addOrganizations(ids)
  const rows = inOrder(ids, graph.organizations)
  if (full) {
    const organizationIds = rows.map((row) => row.id)
    await graph.addLocationsOfOrganizations(organizationIds)
    await graph.addServicesOfOrganizations(organizationIds)
    if (services === 'full') {
      await graph.addServiceAtLocationsOfServices(graph.services.keys())
      await graph.addLocations([...graph.serviceAtLocations.values()].map((sal) => sal.location_id))
    }
    await graph.addAttributes()
  }
  return rows.map((row) => graph.organization(row, { full, services }))
}

export async function readTaxonomyTerms(ctx: ReadContext, ids: string[]) {
  const rows = new Map((await loadTerms(ctx, ids)).map((row) => [row.id, row]))
  return inOrder(ids, rows).map((row) => termObject(row, ctx.lang, ctx.scope))
}

export async function readTaxonomies(ctx: ReadContext, ids: string[]) {
  const rows = new Map((await loadTaxonomies(ctx, ids)).map((row) => [row.id, row]))
  return inOrder(ids, rows).map((row) => taxonomyObject(row, ctx.scope))
}

/** `id` and last modification only, for `minimal=true`. */
export const minimalObject = (row: { id: string; updated_at: Date | string }) => ({
  id: hsdsId(row.id),
  last_modified: iso(row.updated_at),
})

export type TopLevel = 'organization' | 'location' | 'service' | 'service_at_location'

/**
 * Entries of one type with their own sub-objects and attributes but without the other top-level
 * types nested (they are linked by id), for exports that hold one list per type.
 */
export async function readOwn(ctx: ReadContext, kind: TopLevel, ids: string[]): Promise<HsdsObject[]> {
  const graph = new Graph(ctx)
  switch (kind) {
    case 'organization': {
      await graph.addOrganizations(ids)
      await graph.addAttributes()
      return inOrder(ids, graph.organizations).map((row) =>
        graph.organization(row, { full: true, locations: false }),
      )
    }
    case 'location': {
      await graph.addLocations(ids)
      await graph.addAttributes()
      return inOrder(ids, graph.locations).map((row) => graph.location(row, { full: true }))
    }
    case 'service': {
      await graph.addServices(ids)
      await graph.addAttributes()
      return inOrder(ids, graph.services).map((row) =>
        graph.service(row, { full: true, organization: 'none', serviceAtLocations: false }),
      )
    }
    case 'service_at_location': {
      await graph.addServiceAtLocations(ids)
      await graph.addAttributes()
      return inOrder(ids, graph.serviceAtLocations).map((row) =>
        graph.serviceAtLocation(row, { full: true, service: false, location: false }),
      )
    }
  }
}
