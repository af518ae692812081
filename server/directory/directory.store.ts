import { type Kysely, sql } from 'kysely'
import { type ProvinceCode, provinceCode } from '../../common/geography.ts'
import type { DB } from '../db/schema.ts'
import type {
  AttributeRecord,
  BilingualText,
  LocationRecord,
  MunicipalityRecord,
  OrganizationRecord,
  ServiceAtLocationRecord,
  ServiceRecord,
  TaxonomyRecord,
  TaxonomyTermRecord,
} from './directory.records.ts'
import type { HsdsDoc, LinkEntity } from './directory.tables.ts'
import { isAlwaysOpen, multirangeLiteral, type ScheduleLike, weeklyOpenRanges } from './opening-hours.ts'
import { POPULATION, SERVICE_TYPE } from './taxonomies.ts'

type Db = Kysely<DB>
const CHUNK = 500

function chunks<T>(items: T[], size = CHUNK): T[][] {
  const out: T[][] = []
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size))
  return out
}

const text = (value: string | null | undefined) => (value?.trim() ? value.trim() : null)
const bilingual = (prefix: 'name' | 'description', value: BilingualText) => ({
  [`${prefix}_en`]: text(value.en),
  [`${prefix}_fr`]: text(value.fr),
})
const point = (lat: number | null | undefined, lng: number | null | undefined) =>
  typeof lat === 'number' && typeof lng === 'number'
    ? sql<string>`st_setsrid(st_makepoint(${lng}, ${lat}), 4326)::geography`
    : sql<string>`null`

type EntryTable =
  | 'directory_taxonomy'
  | 'directory_taxonomy_term'
  | 'directory_organization'
  | 'directory_location'
  | 'directory_service'
  | 'directory_service_at_location'
  | 'directory_attribute'
  | 'directory_municipality'

/**
 * Inserts rows in batches; a row whose id exists gets every column given here replaced (so never its
 * creation time, which no row carries).
 */
async function upsert<T>(db: Db, table: EntryTable, rows: T[], toRow: (row: T) => Record<string, unknown>) {
  for (const batch of chunks(rows)) {
    const values = batch.map(toRow)
    const columns = Object.keys(values[0]!).filter((column) => column !== 'id')
    await db
      .insertInto(table)
      .values(values as never)
      .onConflict((oc) =>
        oc
          .column('id')
          .doUpdateSet(
            (eb) =>
              Object.fromEntries(
                columns.map((column) => [column, eb.ref(`excluded.${column}` as never)]),
              ) as never,
          ),
      )
      .execute()
  }
}

export function upsertTaxonomies(db: Db, rows: TaxonomyRecord[]) {
  return upsert(db, 'directory_taxonomy', rows, (row) => ({
    id: row.id,
    name: row.name,
    description: row.description,
    uri: row.uri ?? null,
    version: row.version ?? null,
  }))
}

export function upsertTaxonomyTerms(db: Db, rows: TaxonomyTermRecord[]) {
  // Parents before children, so the self-reference holds within one batch.
  return upsert(db, 'directory_taxonomy_term', orderByParent(rows), (row) => ({
    id: row.id,
    taxonomy_id: row.taxonomyId ?? null,
    code: row.code ?? null,
    ...bilingual('name', row.name),
    ...bilingual('description', row.description),
    parent_id: row.parentId ?? null,
    term_uri: row.termUri ?? null,
  }))
}

function orderByParent(rows: TaxonomyTermRecord[]): TaxonomyTermRecord[] {
  const byId = new Map(rows.map((row) => [row.id, row]))
  const done = new Set<string>()
  const out: TaxonomyTermRecord[] = []
  const visit = (row: TaxonomyTermRecord, depth = 0) => {
    if (done.has(row.id) || depth > 50) return
    const parent = row.parentId ? byId.get(row.parentId) : undefined
    if (parent) visit(parent, depth + 1)
    done.add(row.id)
    out.push(row)
  }
  for (const row of rows) visit(row)
  return out
}

export function upsertOrganizations(db: Db, rows: OrganizationRecord[]) {
  return upsert(db, 'directory_organization', rows, (row) => ({
    id: row.id,
    ...bilingual('name', row.name),
    ...bilingual('description', row.description),
    kind: row.kind,
    confidential: row.confidential,
    jurisdiction_country: row.jurisdiction?.country ?? null,
    jurisdiction_province: provinceCode(row.jurisdiction?.province) ?? null,
    jurisdiction_municipality: text(row.jurisdiction?.municipality),
    jurisdiction_area: row.jurisdiction?.area
      ? sql`st_setsrid(st_geomfromgeojson(${JSON.stringify(row.jurisdiction.area)}), 4326)`
      : sql`null`,
    emergency_phone: text(row.emergencyPhone),
    doc: JSON.stringify(row.doc),
    verification_interval_days: row.verificationIntervalDays ?? null,
    updated_at: sql`now()`,
  }))
}

/** Where a location is, from its own fields or else from its first HSDS address. */
function placeOf(row: LocationRecord): { province: ProvinceCode | null; municipality: string | null } {
  const addresses = Array.isArray(row.doc.addresses) ? (row.doc.addresses as Record<string, unknown>[]) : []
  const address = addresses.find((a) => a.address_type === 'physical') ?? addresses[0]
  return {
    province: provinceCode(row.province ?? (address?.state_province as string | undefined)) ?? null,
    municipality: text(row.municipality ?? (address?.city as string | undefined)),
  }
}

export function upsertLocations(db: Db, rows: LocationRecord[]) {
  return upsert(db, 'directory_location', rows, (row) => ({
    id: row.id,
    organization_id: row.organizationId,
    location_type: row.locationType,
    ...bilingual('name', row.name),
    ...bilingual('description', row.description),
    confidential: row.confidential,
    point: point(row.latitude, row.longitude),
    ...placeOf(row),
    doc: JSON.stringify(row.doc),
    verification_interval_days: row.verificationIntervalDays ?? null,
    updated_at: sql`now()`,
  }))
}

export function upsertServices(db: Db, rows: ServiceRecord[]) {
  return upsert(db, 'directory_service', rows, (row) => ({
    id: row.id,
    organization_id: row.organizationId,
    ...bilingual('name', row.name),
    ...bilingual('description', row.description),
    status: row.status,
    confidential: row.confidential,
    referral_status: row.referralStatus ?? null,
    referral_status_at: row.referralStatusAt ?? null,
    minimum_age: row.minimumAge ?? null,
    maximum_age: row.maximumAge ?? null,
    status_independent: row.statusIndependent ?? null,
    substance_use_accepted: row.substanceUseAccepted ?? null,
    doc: JSON.stringify(row.doc),
    verification_interval_days: row.verificationIntervalDays ?? null,
    updated_at: sql`now()`,
  }))
}

export function upsertServiceAtLocations(db: Db, rows: ServiceAtLocationRecord[]) {
  return upsert(db, 'directory_service_at_location', rows, (row) => ({
    id: row.id,
    service_id: row.serviceId,
    location_id: row.locationId,
    doc: JSON.stringify(row.doc),
    updated_at: sql`now()`,
  }))
}

/** The terms, of those given by id, that the directory does not hold; ids in `known` are not looked up. */
export async function unknownTerms<T extends { id: string }>(
  db: Db,
  terms: T[],
  known: ReadonlySet<string> = new Set(),
): Promise<T[]> {
  const asked = terms.filter((term) => !known.has(term.id))
  if (asked.length === 0) return []
  const held = new Set(
    (
      await db
        .selectFrom('directory_taxonomy_term')
        .select('id')
        .where(
          'id',
          'in',
          asked.map((term) => term.id),
        )
        .execute()
    ).map((row) => row.id),
  )
  return asked.filter((term) => !held.has(term.id))
}

/** Ends links between services and locations, with their attributes; returns those that existed. */
export async function deleteServiceAtLocations(db: Db, ids: string[]) {
  const deleted: { id: string; serviceId: string }[] = []
  for (const batch of chunks(ids)) {
    await db
      .deleteFrom('directory_attribute')
      .where('link_entity', '=', 'service_at_location')
      .where('link_id', 'in', batch)
      .execute()
    const rows = await db
      .deleteFrom('directory_service_at_location')
      .where('id', 'in', batch)
      .returning(['id', 'service_id'])
      .execute()
    for (const row of rows) deleted.push({ id: row.id, serviceId: row.service_id })
  }
  return deleted
}

/** Gives each listed entity exactly the attributes given for it. */
export async function replaceAttributes(
  db: Db,
  entities: { linkEntity: LinkEntity; linkId: string }[],
  attributes: AttributeRecord[],
) {
  for (const entity of ['organization', 'service', 'location', 'service_at_location'] as const) {
    const ids = entities.filter((e) => e.linkEntity === entity).map((e) => e.linkId)
    for (const batch of chunks(ids)) {
      await db
        .deleteFrom('directory_attribute')
        .where('link_entity', '=', entity)
        .where('link_id', 'in', batch)
        .execute()
    }
  }
  await upsert(db, 'directory_attribute', attributes, (row) => ({
    id: row.id,
    link_entity: row.linkEntity,
    link_id: row.linkId,
    link_type: row.linkType ?? null,
    taxonomy_term_id: row.taxonomyTermId,
    value: row.value ?? null,
    label: row.label ?? null,
  }))
}

export function upsertMunicipalities(db: Db, rows: MunicipalityRecord[]) {
  return upsert(db, 'directory_municipality', rows, (row) => ({
    id: row.id,
    name: row.name,
    province: row.province,
    point: point(row.latitude, row.longitude),
  }))
}

/** The services whose search rows depend on any of these entries. */
export async function servicesAffectedBy(
  db: Db,
  ids: { organizations: string[]; locations: string[]; services: string[] },
): Promise<string[]> {
  const found = new Set(ids.services)
  for (const batch of chunks(ids.organizations)) {
    for (const row of await db
      .selectFrom('directory_service')
      .select('id')
      .where('organization_id', 'in', batch)
      .execute())
      found.add(row.id)
  }
  for (const batch of chunks(ids.organizations)) {
    for (const row of await db
      .selectFrom('directory_service_at_location as sal')
      .innerJoin('directory_location as l', 'l.id', 'sal.location_id')
      .select('sal.service_id')
      .where('l.organization_id', 'in', batch)
      .execute())
      found.add(row.service_id)
  }
  for (const batch of chunks(ids.locations)) {
    for (const row of await db
      .selectFrom('directory_service_at_location')
      .select('service_id')
      .where('location_id', 'in', batch)
      .execute())
      found.add(row.service_id)
  }
  return [...found]
}

const docArray = (doc: HsdsDoc, key: string) =>
  Array.isArray(doc[key]) ? (doc[key] as Record<string, unknown>[]) : []

/**
 * Rebuilds the search rows of these services: one per service at a location, or one for a service
 * with no location. A row is confidential when the service, its organization or the location is.
 */
export async function refreshSearch(db: Db, serviceIds: string[]) {
  for (const batch of chunks(serviceIds, 200)) {
    await db.deleteFrom('directory_search').where('service_id', 'in', batch).execute()
    const services = await db
      .selectFrom('directory_service as s')
      .innerJoin('directory_organization as o', 'o.id', 's.organization_id')
      .select([
        's.id',
        's.organization_id',
        's.name_en',
        's.name_fr',
        's.description_en',
        's.description_fr',
        's.status',
        's.confidential',
        's.referral_status',
        's.minimum_age',
        's.maximum_age',
        's.substance_use_accepted',
        's.doc',
        's.last_verified_at',
        'o.name_en as org_name_en',
        'o.name_fr as org_name_fr',
        'o.kind',
        'o.confidential as org_confidential',
        'o.jurisdiction_province',
        'o.jurisdiction_municipality',
      ])
      .where('s.id', 'in', batch)
      .execute()
    if (services.length === 0) continue
    const placements = await db
      .selectFrom('directory_service_at_location as sal')
      .innerJoin('directory_location as l', 'l.id', 'sal.location_id')
      // A location is as confidential as the organization it belongs to, even for another one's service.
      .leftJoin('directory_organization as lo', 'lo.id', 'l.organization_id')
      .select([
        'sal.id',
        'sal.service_id',
        'sal.doc as sal_doc',
        'l.id as location_id',
        sql<boolean>`l.confidential or coalesce(lo.confidential, false)`.as('confidential'),
        'l.province',
        'l.municipality',
        'l.doc as location_doc',
        'l.name_en',
        'l.name_fr',
      ])
      .where('sal.service_id', 'in', batch)
      .execute()
    const terms = await db
      .selectFrom('directory_attribute as a')
      .innerJoin('directory_taxonomy_term as t', 't.id', 'a.taxonomy_term_id')
      .select(['a.link_entity', 'a.link_id', 't.id', 't.name_en', 't.name_fr'])
      .where((eb) =>
        eb.or([
          eb.and([eb('a.link_entity', '=', 'service'), eb('a.link_id', 'in', batch)]),
          eb.and([
            eb('a.link_entity', '=', 'organization'),
            eb(
              'a.link_id',
              'in',
              services.map((s) => s.organization_id),
            ),
          ]),
        ]),
      )
      .execute()
    const termsOf = (entity: string, id: string) =>
      terms.filter((term) => term.link_entity === entity && term.link_id === id)
    const codesOf = (termIds: string[], taxonomy: string) =>
      termIds.filter((id) => id.startsWith(`${taxonomy}:`)).map((id) => id.slice(taxonomy.length + 1))

    const rows = services.flatMap((service) => {
      const serviceTerms = [
        ...termsOf('service', service.id),
        ...termsOf('organization', service.organization_id),
      ]
      const termText = (lang: 'en' | 'fr') =>
        serviceTerms
          .map((t) => (lang === 'en' ? (t.name_en ?? t.name_fr) : (t.name_fr ?? t.name_en)))
          .join(' ')
      const termIds = [...new Set(serviceTerms.map((t) => t.id))]
      const serviceLanguages = docArray(service.doc, 'languages')
      const mine = placements.filter((p) => p.service_id === service.id)
      const places = mine.length > 0 ? mine : [null]
      return places.map((place) => {
        const languages = [...serviceLanguages, ...(place ? docArray(place.location_doc, 'languages') : [])]
          .map((language) => (typeof language.code === 'string' ? language.code.toLowerCase() : null))
          .filter((code): code is string => Boolean(code))
        const province = (place?.province ?? service.jurisdiction_province) as ProvinceCode | null
        const schedules = [
          place ? docArray(place.sal_doc, 'schedules') : [],
          docArray(service.doc, 'schedules'),
          place ? docArray(place.location_doc, 'schedules') : [],
        ].find((list) => list.length > 0) as ScheduleLike[] | undefined
        const ranges = weeklyOpenRanges(schedules ?? [], province)
        const en = [
          service.name_en ?? service.name_fr,
          service.org_name_en ?? service.org_name_fr,
          termText('en'),
        ]
        const fr = [
          service.name_fr ?? service.name_en,
          service.org_name_fr ?? service.org_name_en,
          termText('fr'),
        ]
        return {
          id: place?.id ?? `service:${service.id}`,
          service_id: service.id,
          location_id: place?.location_id ?? null,
          organization_id: service.organization_id,
          confidential: service.confidential || service.org_confidential || Boolean(place?.confidential),
          kind: service.kind,
          status: service.status,
          en: en.join(' '),
          en_body: service.description_en ?? service.description_fr ?? '',
          fr: fr.join(' '),
          fr_body: service.description_fr ?? service.description_en ?? '',
          names: [
            service.name_en,
            service.name_fr,
            service.org_name_en,
            service.org_name_fr,
            place?.name_en,
            place?.name_fr,
          ]
            .filter(Boolean)
            .join(' '),
          term_ids: termIds,
          service_types: codesOf(termIds, SERVICE_TYPE),
          populations: codesOf(termIds, POPULATION),
          languages: [...new Set(languages)],
          province,
          municipality: place?.municipality ?? service.jurisdiction_municipality,
          location_id_for_point: place?.location_id ?? null,
          open_minutes: multirangeLiteral(ranges),
          open_24_7: isAlwaysOpen(ranges),
          referral_status: service.referral_status,
          minimum_age: service.minimum_age,
          maximum_age: service.maximum_age,
          substance_use_accepted: service.substance_use_accepted,
          last_verified_at: service.last_verified_at,
        }
      })
    })
    for (const part of chunks(rows, 200)) {
      await db
        .insertInto('directory_search')
        .values(
          part.map((row) => ({
            id: row.id,
            service_id: row.service_id,
            location_id: row.location_id,
            organization_id: row.organization_id,
            confidential: row.confidential,
            kind: row.kind,
            status: row.status,
            text_en: sql`setweight(to_tsvector('english', unaccent(${row.en})), 'A') || to_tsvector('english', unaccent(${row.en_body}))`,
            text_fr: sql`setweight(to_tsvector('french', unaccent(${row.fr})), 'A') || to_tsvector('french', unaccent(${row.fr_body}))`,
            names: sql`lower(unaccent(${row.names}))`,
            term_ids: row.term_ids,
            service_types: row.service_types,
            populations: row.populations,
            languages: row.languages,
            province: row.province,
            municipality: row.municipality,
            municipality_key: row.municipality ? sql`lower(unaccent(${row.municipality}))` : null,
            point: row.location_id_for_point
              ? sql`(select point from directory_location where id = ${row.location_id_for_point})`
              : sql`null`,
            open_minutes: sql`${row.open_minutes}::int4multirange`,
            open_24_7: row.open_24_7,
            referral_status: row.referral_status,
            minimum_age: row.minimum_age,
            maximum_age: row.maximum_age,
            substance_use_accepted: row.substance_use_accepted,
            last_verified_at: row.last_verified_at,
          })) as never,
        )
        .execute()
    }
  }
}
