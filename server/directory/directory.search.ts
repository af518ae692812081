import { type Expression, type Kysely, type SqlBool, sql } from 'kysely'
import type { Agency, DirectoryResult, DirectorySearchQuery } from '../../common/contracts/directory.ts'
import type { DB } from '../db/schema.ts'
import { invalidField } from '../http/errors.ts'
import type { AgencyKind, HsdsDoc } from './directory.tables.ts'
import { minuteOfWeek } from './opening-hours.ts'
import { POPULATION, SERVICE_TYPE } from './taxonomies.ts'

type Db = Kysely<DB>
type Lang = 'en' | 'fr'
type Facet = 'serviceType' | 'population' | 'language' | 'province' | 'referralStatus'

export interface SearchOptions {
  /** Whether confidential entries may appear (staff holding directory.read_confidential). */
  includeConfidential: boolean
  lang: Lang
  now?: Date
}

interface Origin {
  latitude: number
  longitude: number
}

const DEFAULT_RADIUS_KM = 50

/** The point a search is centred on: coordinates, or a municipality of the gazetteer. */
async function resolveOrigin(db: Db, query: DirectorySearchQuery): Promise<Origin | null> {
  if (query.lat !== undefined && query.lng !== undefined) return { latitude: query.lat, longitude: query.lng }
  if (!query.nearMunicipality) return null
  const found = await db
    .selectFrom('directory_municipality')
    .select([
      sql<number>`st_y(point::geometry)`.as('latitude'),
      sql<number>`st_x(point::geometry)`.as('longitude'),
    ])
    .where('province', '=', query.province!)
    .where(sql`lower(unaccent(name))`, '=', sql`lower(unaccent(${query.nearMunicipality}))`)
    .executeTakeFirst()
  if (!found) throw invalidField('query.nearMunicipality', 'unknown_place')
  return found
}

const unaccentLower = (value: string) => sql<string>`lower(unaccent(${value}))`

/** Every filter of the query as SQL conditions on directory_search `e`, but the facet's own. */
function conditions(
  query: DirectorySearchQuery,
  options: SearchOptions,
  origin: Origin | null,
  except?: Facet,
) {
  const where: Expression<SqlBool>[] = []
  if (!options.includeConfidential) where.push(sql<SqlBool>`not e.confidential`)
  where.push(sql<SqlBool>`e.status in ('active', 'temporarily closed')`)
  if (query.q) {
    where.push(sql<SqlBool>`(e.text_en @@ websearch_to_tsquery('english', unaccent(${query.q}))
      or e.text_fr @@ websearch_to_tsquery('french', unaccent(${query.q}))
      or ${unaccentLower(query.q)} <% e.names)`)
  }
  if (query.serviceType && except !== 'serviceType')
    where.push(
      sql<SqlBool>`e.term_ids && ${query.serviceType.map((code) => `${SERVICE_TYPE}:${code}`)}::text[]`,
    )
  if (query.population && except !== 'population')
    where.push(sql<SqlBool>`e.term_ids && ${query.population.map((code) => `${POPULATION}:${code}`)}::text[]`)
  if (query.language && except !== 'language')
    where.push(sql<SqlBool>`e.languages && ${query.language}::text[]`)
  if (query.province && except !== 'province' && !origin)
    where.push(sql<SqlBool>`e.province = ${query.province}`)
  if (query.municipality)
    where.push(sql<SqlBool>`lower(unaccent(e.municipality)) = ${unaccentLower(query.municipality)}`)
  if (origin) {
    const radius = (query.radiusKm ?? DEFAULT_RADIUS_KM) * 1000
    where.push(
      sql<SqlBool>`st_dwithin(e.point, st_setsrid(st_makepoint(${origin.longitude}, ${origin.latitude}), 4326)::geography, ${radius})`,
    )
  }
  if (query.openNow)
    where.push(sql<SqlBool>`e.open_minutes @> ${minuteOfWeek(options.now ?? new Date())}::int4`)
  if (query.open247) where.push(sql<SqlBool>`e.open_24_7`)
  if (query.accepting && except !== 'referralStatus')
    where.push(sql<SqlBool>`e.referral_status = 'accepting'`)
  if (query.age !== undefined)
    where.push(
      sql<SqlBool>`(e.minimum_age is null or e.minimum_age <= ${query.age}) and (e.maximum_age is null or e.maximum_age >= ${query.age})`,
    )
  if (query.substanceUse) where.push(sql<SqlBool>`e.substance_use_accepted`)
  if (query.kind) where.push(sql<SqlBool>`e.kind in (${sql.join(query.kind)})`)
  return where.length > 0 ? sql.join(where, sql` and `) : sql`true`
}

async function facetCounts(
  db: Db,
  facet: Facet,
  query: DirectorySearchQuery,
  options: SearchOptions,
  origin: Origin | null,
) {
  const where = conditions(query, options, origin, facet)
  const value = {
    serviceType: sql`unnest(array(select t from unnest(e.term_ids) t where t like ${`${SERVICE_TYPE}:%`}))`,
    population: sql`unnest(array(select t from unnest(e.term_ids) t where t like ${`${POPULATION}:%`}))`,
    language: sql`unnest(e.languages)`,
    province: sql`e.province`,
    referralStatus: sql`e.referral_status`,
  }[facet]
  const result = await sql<{ value: string | null; count: number }>`
    select v as value, count(distinct e.service_id)::int as count
    from directory_search e, lateral (select ${value} as v) f
    where ${where} and v is not null
    group by v order by count desc, v limit 60`.execute(db)
  const prefix = facet === 'serviceType' ? `${SERVICE_TYPE}:` : facet === 'population' ? `${POPULATION}:` : ''
  return result.rows.map((row) => ({
    value: String(row.value).slice(prefix.length),
    count: Number(row.count),
  }))
}

const pick = (lang: Lang, en: string | null, fr: string | null) =>
  (lang === 'fr' ? (fr ?? en) : (en ?? fr)) ?? ''

function addressOf(doc: HsdsDoc | null): string | null {
  const addresses = Array.isArray(doc?.addresses) ? (doc.addresses as Record<string, unknown>[]) : []
  const address = addresses.find((a) => a.address_type === 'physical') ?? addresses[0]
  if (!address) return null
  return [address.address_1, address.address_2, address.city, address.state_province, address.postal_code]
    .filter((part) => typeof part === 'string' && part.trim())
    .join(', ')
}

function phonesOf(...docs: (HsdsDoc | null)[]): string[] {
  const numbers = docs.flatMap((doc) =>
    Array.isArray(doc?.phones)
      ? (doc.phones as Record<string, unknown>[]).map((phone) => String(phone.number ?? ''))
      : [],
  )
  return [...new Set(numbers.filter(Boolean))]
}

const weekdays = ['MO', 'TU', 'WE', 'TH', 'FR', 'SA', 'SU']
const everyDay = { en: 'Every day', fr: 'Tous les jours' }
// 2024-01-01 was a Monday: day i of the week is 2024-01-0(i+1).
const dayName = (index: number, lang: Lang) =>
  new Intl.DateTimeFormat(lang === 'fr' ? 'fr-CA' : 'en-CA', { weekday: 'short', timeZone: 'UTC' }).format(
    new Date(Date.UTC(2024, 0, 1 + index)),
  )

/** "MO,TU,WE,TH,FR,SU" as "Mon–Fri, Sun" (or "lun.–ven., dim."). */
export function dayRanges(byday: string, lang: Lang): string {
  const indexes = [...new Set(byday.split(',').map((day) => weekdays.indexOf(day.trim().toUpperCase())))]
    .filter((index) => index >= 0)
    .sort((a, b) => a - b)
  if (indexes.length === 7) return everyDay[lang]
  const runs: [number, number][] = []
  for (const index of indexes) {
    const last = runs.at(-1)
    if (last && index === last[1] + 1) last[1] = index
    else runs.push([index, index])
  }
  return runs
    .map(([from, to]) => (from === to ? dayName(from, lang) : `${dayName(from, lang)}–${dayName(to, lang)}`))
    .join(', ')
}

function hoursOf(lang: Lang, ...docs: (HsdsDoc | null)[]): string[] {
  for (const doc of docs) {
    const schedules = Array.isArray(doc?.schedules) ? (doc.schedules as Record<string, unknown>[]) : []
    if (schedules.length === 0) continue
    return schedules.map((schedule) => {
      if (typeof schedule.description === 'string' && schedule.description) return schedule.description
      const days =
        typeof schedule.byday === 'string' && schedule.byday
          ? dayRanges(schedule.byday, lang)
          : everyDay[lang]
      return `${days} ${String(schedule.opens_at ?? '').slice(0, 5)}–${String(schedule.closes_at ?? '').slice(0, 5)}`
    })
  }
  return []
}

/**
 * The directory search behind the advocates' console and the public portal: free text (English and
 * French stems, accents ignored, typos tolerated through trigrams) with filters, facet counts, and
 * the agencies responsible for the place. Confidential entries are excluded in SQL unless allowed.
 */
export async function searchDirectory(db: Db, query: DirectorySearchQuery, options: SearchOptions) {
  const origin = await resolveOrigin(db, query)
  const where = conditions(query, options, origin)
  const ref = origin
    ? sql`st_setsrid(st_makepoint(${origin.longitude}, ${origin.latitude}), 4326)::geography`
    : sql`null::geography`
  const rank = sql`ts_rank(e.text_en, websearch_to_tsquery('english', unaccent(${query.q ?? ''})))
        + ts_rank(e.text_fr, websearch_to_tsquery('french', unaccent(${query.q ?? ''})))
        + word_similarity(${unaccentLower(query.q ?? '')}, e.names)`
  const minute = minuteOfWeek(options.now ?? new Date())
  const offset = (query.page - 1) * query.perPage
  const rows = await sql<{
    id: string
    service_id: string
    location_id: string | null
    organization_id: string
    confidential: boolean
    kind: AgencyKind
    term_ids: string[]
    languages: string[]
    province: string | null
    municipality: string | null
    open_24_7: boolean
    open_now: boolean
    referral_status: DirectoryResult['referralStatus']
    minimum_age: number | null
    maximum_age: number | null
    substance_use_accepted: boolean | null
    last_verified_at: Date | null
    distance_m: number | null
    latitude: number | null
    longitude: number | null
    total: number
  }>`
    select e.id, e.service_id, e.location_id, e.organization_id, e.confidential, e.kind, e.term_ids, e.languages,
      e.province, e.municipality, e.open_24_7, e.open_minutes @> ${minute}::int4 as open_now, e.referral_status,
      e.minimum_age::float8 as minimum_age, e.maximum_age::float8 as maximum_age, e.substance_use_accepted,
      e.last_verified_at, st_distance(e.point, ${ref}) as distance_m,
      st_y(e.point::geometry) as latitude, st_x(e.point::geometry) as longitude,
      count(*) over ()::int as total
    from directory_search e
    where ${where}
    order by ${sql.join([
      ...(query.q ? [sql`${rank} desc`] : []),
      ...(origin ? [sql`st_distance(e.point, ${ref}) asc nulls last`] : []),
      sql`e.id`,
    ])}
    limit ${query.perPage} offset ${offset}`.execute(db)

  const serviceIds = [...new Set(rows.rows.map((row) => row.service_id))]
  const locationIds = [...new Set(rows.rows.flatMap((row) => (row.location_id ? [row.location_id] : [])))]
  const organizationIds = [...new Set(rows.rows.map((row) => row.organization_id))]
  const [services, locations, organizations] = await Promise.all([
    serviceIds.length
      ? db
          .selectFrom('directory_service')
          .select(['id', 'name_en', 'name_fr', 'description_en', 'description_fr', 'doc'])
          .where('id', 'in', serviceIds)
          .execute()
      : [],
    locationIds.length
      ? db.selectFrom('directory_location').select(['id', 'doc']).where('id', 'in', locationIds).execute()
      : [],
    organizationIds.length
      ? db
          .selectFrom('directory_organization')
          .select(['id', 'name_en', 'name_fr', 'doc'])
          .where('id', 'in', organizationIds)
          .execute()
      : [],
  ])
  const serviceById = new Map(services.map((row) => [row.id, row]))
  const locationById = new Map(locations.map((row) => [row.id, row]))
  const organizationById = new Map(organizations.map((row) => [row.id, row]))

  const results: DirectoryResult[] = rows.rows.map((row) => {
    const service = serviceById.get(row.service_id)
    const location = row.location_id ? locationById.get(row.location_id) : undefined
    const organization = organizationById.get(row.organization_id)
    const terms = (taxonomy: string) =>
      row.term_ids.filter((id) => id.startsWith(`${taxonomy}:`)).map((id) => id.slice(taxonomy.length + 1))
    return {
      id: row.id,
      serviceId: row.service_id,
      locationId: row.location_id,
      organizationId: row.organization_id,
      name: pick(options.lang, service?.name_en ?? null, service?.name_fr ?? null),
      organizationName: pick(options.lang, organization?.name_en ?? null, organization?.name_fr ?? null),
      description:
        pick(options.lang, service?.description_en ?? null, service?.description_fr ?? null) || null,
      kind: row.kind,
      confidential: row.confidential,
      address: addressOf(location?.doc ?? null),
      municipality: row.municipality,
      province: row.province,
      distanceKm: row.distance_m === null ? null : Math.round(Number(row.distance_m) / 100) / 10,
      latitude: row.latitude === null ? null : Number(row.latitude),
      longitude: row.longitude === null ? null : Number(row.longitude),
      phones: phonesOf(service?.doc ?? null, location?.doc ?? null, organization?.doc ?? null),
      hours: hoursOf(options.lang, service?.doc ?? null, location?.doc ?? null),
      open247: row.open_24_7,
      openNow: row.open_now,
      languages: row.languages,
      serviceTypes: terms(SERVICE_TYPE),
      populations: terms(POPULATION),
      referralStatus: row.referral_status,
      minimumAge: row.minimum_age === null ? null : Number(row.minimum_age),
      maximumAge: row.maximum_age === null ? null : Number(row.maximum_age),
      substanceUseAccepted: row.substance_use_accepted,
      lastVerifiedAt: row.last_verified_at ? new Date(row.last_verified_at).toISOString() : null,
    }
  })

  const facetNames: Facet[] = ['serviceType', 'population', 'language', 'province', 'referralStatus']
  const facetValues: Record<Facet, { value: string; count: number }[]> = {
    serviceType: [],
    population: [],
    language: [],
    province: [],
    referralStatus: [],
  }
  for (const facet of facetNames) facetValues[facet] = await facetCounts(db, facet, query, options, origin)

  const agencies =
    origin || query.province
      ? await findResponsibleAgencies(db, {
          point: origin,
          province: query.province ?? null,
          municipality: query.municipality ?? query.nearMunicipality ?? null,
          lang: options.lang,
          includeConfidential: options.includeConfidential,
        })
      : []
  return {
    total: rows.rows[0]?.total ?? (query.page > 1 ? await countAll(db, where) : 0),
    page: query.page,
    perPage: query.perPage,
    results,
    facets: facetValues,
    agencies,
    origin,
  }
}

async function countAll(db: Db, where: ReturnType<typeof conditions>) {
  const result = await sql<{
    n: number
  }>`select count(*)::int as n from directory_search e where ${where}`.execute(db)
  return Number(result.rows[0]?.n ?? 0)
}

/**
 * The police, child-protection and dispatch agencies responsible for a place: those whose
 * jurisdiction's area contains the point, then those of the municipality, then those of the whole
 * province or territory. Not the nearest ones: the responsible ones.
 */
export async function findResponsibleAgencies(
  db: Db,
  {
    point,
    province,
    municipality,
    kinds = ['law_enforcement', 'child_protection', 'emergency_dispatch'],
    lang,
    includeConfidential,
  }: {
    point: Origin | null
    province: string | null
    municipality: string | null
    kinds?: AgencyKind[]
    lang: Lang
    includeConfidential: boolean
  },
): Promise<Agency[]> {
  const geography = point
    ? sql`st_setsrid(st_makepoint(${point.longitude}, ${point.latitude}), 4326)`
    : sql`null::geometry`
  const placeProvince = province
    ? sql`${province}::text`
    : point
      ? sql`(select m.province from directory_municipality m order by m.point <-> ${geography}::geography limit 1)`
      : sql`null::text`
  const placeMunicipality = municipality
    ? sql`${municipality}::text`
    : point
      ? sql`(select m.name from directory_municipality m where st_dwithin(m.point, ${geography}::geography, 25000) order by m.point <-> ${geography}::geography limit 1)`
      : sql`null::text`
  const result = await sql<{
    id: string
    name_en: string | null
    name_fr: string | null
    kind: AgencyKind
    emergency_phone: string | null
    jurisdiction_province: string | null
    jurisdiction_municipality: string | null
    has_area: boolean
    scope: Agency['scope']
  }>`
    with place as (select ${placeProvince} as province, ${placeMunicipality} as municipality)
    select o.id, o.name_en, o.name_fr, o.kind, o.emergency_phone, o.jurisdiction_province,
      o.jurisdiction_municipality, o.jurisdiction_area is not null as has_area,
      case
        when o.jurisdiction_area is not null then 'area'
        when o.jurisdiction_municipality is not null then 'municipality'
        else 'province'
      end as scope
    from directory_organization o, place
    where o.kind in (${sql.join(kinds)})
      and (${includeConfidential ? sql`true` : sql`not o.confidential`})
      and (
        (o.jurisdiction_area is not null and ${point ? sql`st_contains(o.jurisdiction_area, ${geography})` : sql`false`})
        or (o.jurisdiction_area is null and o.jurisdiction_municipality is not null
            and o.jurisdiction_province = place.province
            and lower(unaccent(o.jurisdiction_municipality)) = lower(unaccent(place.municipality)))
        or (o.jurisdiction_area is null and o.jurisdiction_municipality is null and o.jurisdiction_province = place.province)
      )
    order by o.kind, case when o.jurisdiction_area is not null then 0 when o.jurisdiction_municipality is not null then 1 else 2 end, o.id
    limit 20`.execute(db)
  return result.rows.map((row) => ({
    organizationId: row.id,
    name: pick(lang, row.name_en, row.name_fr),
    kind: row.kind,
    emergencyPhone: row.emergency_phone,
    jurisdiction: {
      province: row.jurisdiction_province,
      municipality: row.jurisdiction_municipality,
      hasArea: row.has_area,
    },
    scope: row.scope,
  }))
}

/** The Relais service types and populations, parents first, named in the language asked for. */
export async function listFilterTerms(db: Db, lang: Lang) {
  const rows = await db
    .selectFrom('directory_taxonomy_term')
    .select(['id', 'taxonomy_id', 'code', 'parent_id', 'name_en', 'name_fr'])
    .where('taxonomy_id', 'in', [SERVICE_TYPE, POPULATION])
    .orderBy('taxonomy_id')
    .orderBy('id')
    .execute()
  const terms = rows.map((row) => ({
    facet: row.taxonomy_id === SERVICE_TYPE ? ('serviceType' as const) : ('population' as const),
    code: row.code ?? row.id,
    parent: row.parent_id ? row.parent_id.slice(row.parent_id.indexOf(':') + 1) : null,
    name: pick(lang, row.name_en, row.name_fr),
  }))
  return terms.sort((a, b) => a.name.localeCompare(b.name, lang))
}
