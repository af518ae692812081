import { type Expression, type Kysely, type RawBuilder, type SqlBool, sql } from 'kysely'
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

interface FacetCount {
  value: string
  count: number
}

/** A search row as the statement returns it (JSON: dates as strings). */
interface Hit {
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
  last_verified_at: string | null
  distance_m: number | null
  latitude: number | null
  longitude: number | null
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

const inTransaction = <T>(db: Db, work: (trx: Db) => Promise<T>) =>
  db.isTransaction ? work(db) : db.transaction().execute(work)

const unaccentLower = (value: string) => sql<string>`lower(unaccent(${value}))`
const originPoint = (origin: Origin) =>
  sql`st_setsrid(st_makepoint(${origin.longitude}, ${origin.latitude}), 4326)::geography`

/** Words found in either language, stemmed by that language's dictionary, accents ignored. */
const textMatch = (q: string) =>
  sql<SqlBool>`(e.text_en @@ websearch_to_tsquery('english', unaccent(${q}))
    or e.text_fr @@ websearch_to_tsquery('french', unaccent(${q})))`
/** Names close to what was typed, letter trigrams apart: slower, so only when the words find nothing. */
const nameMatch = (q: string) => sql<SqlBool>`${unaccentLower(q)} <% e.names`

/**
 * Whether the search must tolerate typos: when the words themselves find no entry the caller may
 * see. (Asked among visible entries only, so a hidden entry never changes what the public sees.)
 */
async function needsTypoTolerance(db: Db, q: string, includeConfidential: boolean) {
  const found = await sql<{ found: boolean }>`select exists (
      select 1 from directory_search e
      where ${textMatch(q)} and ${includeConfidential ? sql`true` : sql`not e.confidential`}
    ) as found`.execute(db)
  return !found.rows[0]?.found
}

/**
 * The filters that narrow the set every facet is counted over: all but the facets' own, as SQL
 * conditions on directory_search `e`. Confidential rows are excluded here unless allowed.
 */
function baseConditions(
  query: DirectorySearchQuery,
  options: SearchOptions,
  origin: Origin | null,
  typoTolerant: boolean,
) {
  const where: Expression<SqlBool>[] = []
  if (!options.includeConfidential) where.push(sql<SqlBool>`not e.confidential`)
  where.push(sql<SqlBool>`e.status in ('active', 'temporarily closed')`)
  if (query.q)
    where.push(
      typoTolerant ? sql<SqlBool>`(${textMatch(query.q)} or ${nameMatch(query.q)})` : textMatch(query.q),
    )
  if (query.municipality)
    where.push(sql<SqlBool>`lower(unaccent(e.municipality)) = ${unaccentLower(query.municipality)}`)
  if (origin) {
    const radius = (query.radiusKm ?? DEFAULT_RADIUS_KM) * 1000
    where.push(
      // On the sphere rather than the spheroid: a tenth of the cost, and 0.3% is no matter at this scale.
      sql<SqlBool>`st_dwithin(e.point, ${originPoint(origin)}, ${radius}, false)`,
    )
  }
  if (query.openNow)
    where.push(sql<SqlBool>`e.open_minutes @> ${minuteOfWeek(options.now ?? new Date())}::int4`)
  if (query.open247) where.push(sql<SqlBool>`e.open_24_7`)
  if (query.age !== undefined)
    where.push(
      sql<SqlBool>`(e.minimum_age is null or e.minimum_age <= ${query.age}) and (e.maximum_age is null or e.maximum_age >= ${query.age})`,
    )
  if (query.substanceUse) where.push(sql<SqlBool>`e.substance_use_accepted`)
  if (query.kind) where.push(sql<SqlBool>`e.kind in (${sql.join(query.kind)})`)
  return sql.join(where, sql` and `)
}

const facets = ['serviceType', 'population', 'language', 'province', 'referralStatus'] as const

/** Each facet's own filter (true when the facet is not filtered on), computed once per row. */
function facetFilters(
  query: DirectorySearchQuery,
  origin: Origin | null,
): Record<Facet, RawBuilder<boolean>> {
  const terms = (taxonomy: string, codes: string[] | undefined) =>
    codes
      ? sql<boolean>`e.term_ids && ${codes.map((code) => `${taxonomy}:${code}`)}::text[]`
      : sql<boolean>`true`
  return {
    serviceType: terms(SERVICE_TYPE, query.serviceType),
    population: terms(POPULATION, query.population),
    language: query.language ? sql<boolean>`e.languages && ${query.language}::text[]` : sql<boolean>`true`,
    // Around a point, the radius decides; the province only names the municipality.
    province: query.province && !origin ? sql<boolean>`e.province = ${query.province}` : sql<boolean>`true`,
    referralStatus: query.accepting ? sql<boolean>`e.referral_status = 'accepting'` : sql<boolean>`true`,
  }
}

const facetColumn = (facet: Facet) => sql.ref(`f_${facet}`)
/** Base rows passing every facet filter but `except`'s. */
const passing = (except?: Facet) =>
  sql.join(
    facets.filter((facet) => facet !== except).map((facet) => facetColumn(facet)),
    sql` and `,
  )

/** One facet's counts: entries per value, among the rows every other facet lets through. */
function facetCounts(facet: Facet) {
  const value = {
    serviceType: sql`v`,
    population: sql`v`,
    language: sql`v`,
    province: sql`b.province`,
    referralStatus: sql`b.referral_status`,
  }[facet]
  const from = {
    serviceType: sql`base b, unnest(b.term_ids) v`,
    population: sql`base b, unnest(b.term_ids) v`,
    language: sql`base b, unnest(b.languages) v`,
    province: sql`base b`,
    referralStatus: sql`base b`,
  }[facet]
  const only =
    facet === 'serviceType'
      ? sql`and v like ${`${SERVICE_TYPE}:%`}`
      : facet === 'population'
        ? sql`and v like ${`${POPULATION}:%`}`
        : sql``
  return sql`(select coalesce(json_agg(json_build_object('value', value, 'count', count) order by count desc, value), '[]'::json)
    from (select ${value} as value, count(*)::int as count from ${from}
      where ${passing(facet)} and ${value} is not null ${only}
      group by 1 order by 2 desc, 1 limit 60) f)`
}

const pick = (lang: Lang, en: string | null, fr: string | null) =>
  (lang === 'fr' ? (fr ?? en) : (en ?? fr)) ?? ''

/** A location's address on one line: its physical address, else its first. */
export function addressOf(doc: HsdsDoc | null): string | null {
  const addresses = Array.isArray(doc?.addresses) ? (doc.addresses as Record<string, unknown>[]) : []
  const address = addresses.find((a) => a.address_type === 'physical') ?? addresses[0]
  if (!address) return null
  return [address.address_1, address.address_2, address.city, address.state_province, address.postal_code]
    .filter((part) => typeof part === 'string' && part.trim())
    .join(', ')
}

/** The phone numbers of the records given, in order, each once. */
export function phonesOf(...docs: (HsdsDoc | null)[]): string[] {
  const numbers = docs.flatMap((doc) =>
    Array.isArray(doc?.phones)
      ? (doc.phones as Record<string, unknown>[]).map((phone) => String(phone.number ?? ''))
      : [],
  )
  return [...new Set(numbers.filter(Boolean))]
}

const weekdays = ['MO', 'TU', 'WE', 'TH', 'FR', 'SA', 'SU']
const everyDay = { en: 'Every day', fr: 'Tous les jours' }
// 2024-01-01 was a Monday: day i of the week is 2024-01-0(i+1). Named once per language.
const dayNames = Object.fromEntries(
  (['en', 'fr'] as const).map((lang) => {
    const format = new Intl.DateTimeFormat(`${lang}-CA`, { weekday: 'short', timeZone: 'UTC' })
    return [lang, weekdays.map((_, index) => format.format(new Date(Date.UTC(2024, 0, 1 + index))))]
  }),
) as Record<Lang, string[]>
const dayName = (index: number, lang: Lang) => dayNames[lang][index]!

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

/** Opening hours in a language, from the first of the records given that has a schedule. */
export function hoursOf(lang: Lang, ...docs: (HsdsDoc | null)[]): string[] {
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
  const ref = origin ? originPoint(origin) : sql`null::geography`
  const typoTolerant = query.q ? await needsTypoTolerance(db, query.q, options.includeConfidential) : false
  const rank = query.q
    ? sql`ts_rank(e.text_en, websearch_to_tsquery('english', unaccent(${query.q})))
        + ts_rank(e.text_fr, websearch_to_tsquery('french', unaccent(${query.q})))
        ${typoTolerant ? sql`+ word_similarity(${unaccentLower(query.q)}, e.names)` : sql``}`
    : sql`0::real`
  const minute = minuteOfWeek(options.now ?? new Date())
  const offset = (query.page - 1) * query.perPage
  const filters = facetFilters(query, origin)
  // One statement: the base set once, then the page of results, the total and every facet from it.
  const statement = sql<{
    total: number
    results: Hit[]
    serviceType: FacetCount[]
    population: FacetCount[]
    language: FacetCount[]
    province: FacetCount[]
    referralStatus: FacetCount[]
  }>`
    with base as materialized (
      select e.id, e.service_id, e.term_ids, e.languages, e.province, e.referral_status,
        ${sql.join(
          facets.map((facet) => sql`${filters[facet]} as ${facetColumn(facet)}`),
          sql`, `,
        )}
      from directory_search e
      where ${baseConditions(query, options, origin, typoTolerant)}
    ),
    hits as (select id from base where ${passing()}),
    -- Ranked and placed only for the hits, and read in full only for the page shown.
    page as (
      select e.id, row_number() over (order by ${sql.join([
        ...(query.q ? [sql`${rank} desc`] : []),
        ...(origin ? [sql`st_distance(e.point, ${ref}, false) asc nulls last`] : []),
        sql`e.id`,
      ])}) as ord
      from hits join directory_search e on e.id = hits.id
      order by ord
      limit ${query.perPage} offset ${offset}
    )
    select
      (select count(*)::int from hits) as total,
      (select coalesce(json_agg(json_build_object(
          'id', e.id, 'service_id', e.service_id, 'location_id', e.location_id,
          'organization_id', e.organization_id, 'confidential', e.confidential, 'kind', e.kind,
          'term_ids', e.term_ids, 'languages', e.languages, 'province', e.province,
          'municipality', e.municipality, 'open_24_7', e.open_24_7,
          'open_now', e.open_minutes @> ${minute}::int4, 'referral_status', e.referral_status,
          'minimum_age', e.minimum_age::float8, 'maximum_age', e.maximum_age::float8,
          'substance_use_accepted', e.substance_use_accepted, 'last_verified_at', e.last_verified_at,
          'distance_m', st_distance(e.point, ${ref}, false),
          'latitude', st_y(e.point::geometry), 'longitude', st_x(e.point::geometry)
        ) order by page.ord), '[]'::json)
        from page join directory_search e on e.id = page.id) as results,
      ${sql.join(
        facets.map((facet) => sql`${facetCounts(facet)} as ${sql.ref(facet)}`),
        sql`, `,
      )}`
  // Parallel workers cost more than they save on a search this selective (measured: 17 ms against
  // 9 ms for the filter at 100,000 services), so the statement runs without them.
  const answer = await inTransaction(db, async (trx) => {
    await sql`set local max_parallel_workers_per_gather = 0`.execute(trx)
    return statement.execute(trx)
  })
  const found = answer.rows[0]!
  const rows = { rows: found.results }

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

  const strip = (prefix: string) => (entry: FacetCount) => ({
    value: entry.value.slice(prefix.length),
    count: entry.count,
  })
  const facetValues = {
    serviceType: found.serviceType.map(strip(`${SERVICE_TYPE}:`)),
    population: found.population.map(strip(`${POPULATION}:`)),
    language: found.language,
    province: found.province,
    referralStatus: found.referralStatus,
  }

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
    total: found.total,
    page: query.page,
    perPage: query.perPage,
    results,
    facets: facetValues,
    agencies,
    origin,
  }
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
  // Without a point, a known municipality stands for one, so agencies with a jurisdiction area are
  // found for a place named by name alone (a case's municipality, for instance).
  const located = !point && province && municipality
  const geography = point
    ? sql`st_setsrid(st_makepoint(${point.longitude}, ${point.latitude}), 4326)`
    : located
      ? sql`(select m.point::geometry from directory_municipality m
             where m.province = ${province} and lower(unaccent(m.name)) = lower(unaccent(${municipality})) limit 1)`
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
        (o.jurisdiction_area is not null and ${point || located ? sql`coalesce(st_contains(o.jurisdiction_area, ${geography}), false)` : sql`false`})
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
