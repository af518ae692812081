import { type Expression, type Kysely, type RawBuilder, type SqlBool, sql } from 'kysely'
import type { Agency, DirectoryResult, DirectorySearchQuery } from '../../common/contracts/directory.ts'
import type { DB } from '../db/schema.ts'
import { AppError, invalidField } from '../http/errors.ts'
import {
  type DirectoryIndex,
  FACET_VALUES,
  type Facet,
  type FacetCount,
  facets,
  type IndexResult,
  type IndexSearch,
} from './directory.index.ts'
import { unknownTerms } from './directory.store.ts'
import type { AgencyKind, HsdsDoc } from './directory.tables.ts'
import { type OpeningMinutes, openingMinutes } from './opening-hours.ts'
import { POPULATION, relaisTaxonomyTerms, SERVICE_TYPE } from './taxonomies.ts'
import { parseTsquery } from './text-rank.ts'

type Db = Kysely<DB>
type Lang = 'en' | 'fr'

export interface SearchOptions {
  /** Whether confidential entries may appear (staff holding directory.read_confidential). */
  includeConfidential: boolean
  lang: Lang
  now?: Date
  /** The search rows in memory: filtering, counting and ranking there, when it can (ADR 005). */
  index?: DirectoryIndex
}

/** A page's search row as the statement returns it (JSON: dates as strings), with what it shows. */
interface Hit {
  id: string
  service_id: string
  location_id: string | null
  organization_id: string
  confidential: boolean
  kind: AgencyKind
  service_types: string[]
  populations: string[]
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
  name_en: string | null
  name_fr: string | null
  description_en: string | null
  description_fr: string | null
  organization_name_en: string | null
  organization_name_fr: string | null
  /** The phones and schedules of the service, location and organization, the addresses of the location. */
  service_doc: HsdsDoc | null
  location_doc: HsdsDoc | null
  organization_doc: HsdsDoc | null
}

interface Origin {
  latitude: number
  longitude: number
}

const DEFAULT_RADIUS_KM = 50
/**
 * The sphere PostGIS measures on when not asked for the spheroid: the mean radius of WGS 84,
 * (2a + b) / 3, in metres. On the sphere rather than the spheroid: 0.3% is no matter at this scale.
 */
const EARTH_RADIUS_M = (2 * 6378137 + 6356752.314245179) / 3

/**
 * A search circle as the statement tests it: the box of longitudes and latitudes around it, for the
 * index on the points, then the exact test, the dot product of a row's unit vector (`unit_x`, `unit_y`,
 * `unit_z`) with the origin's at least the cosine of the angle the radius spans.
 */
export function circleAround(origin: Origin, radiusM: number) {
  const radians = Math.PI / 180
  const angle = Math.min(radiusM / EARTH_RADIUS_M, Math.PI)
  const latitude = origin.latitude * radians
  const longitude = origin.longitude * radians
  let south = latitude - angle
  let north = latitude + angle
  let west = -Math.PI
  let east = Math.PI
  if (north >= Math.PI / 2 || south <= -Math.PI / 2) {
    // A pole is inside the circle: every longitude.
    south = Math.max(south, -Math.PI / 2)
    north = Math.min(north, Math.PI / 2)
  } else {
    // Otherwise the circle spans this many radians of longitude on either side of the origin.
    const spread = Math.asin(Math.min(1, Math.sin(angle) / Math.cos(latitude)))
    // Across the antimeridian: every longitude too, rather than two boxes.
    if (longitude - spread >= -Math.PI && longitude + spread <= Math.PI) {
      west = longitude - spread
      east = longitude + spread
    }
  }
  return {
    box: { west: west / radians, south: south / radians, east: east / radians, north: north / radians },
    unit: {
      x: Math.cos(latitude) * Math.cos(longitude),
      y: Math.cos(latitude) * Math.sin(longitude),
      z: Math.sin(latitude),
    },
    minimumDot: Math.cos(angle),
  }
}
type Circle = ReturnType<typeof circleAround>

/** How close a row is to the circle's origin: the cosine of the angle between them, 1 at the origin. */
const nearness = ({ unit }: Circle) =>
  sql<number>`(e.unit_x * ${unit.x} + e.unit_y * ${unit.y} + e.unit_z * ${unit.z})`
const withinCircle = (circle: Circle) => {
  const { west, south, east, north } = circle.box
  return sql<SqlBool>`(e.point::geometry) && st_makeenvelope(${west}, ${south}, ${east}, ${north}, 4326)
    and ${nearness(circle)} >= ${circle.minimumDot}`
}

/** The minute of the week a row's stored hours are looked up at: its province's, in daylight saving. */
function openingMinute({ utc, byProvince }: OpeningMinutes) {
  const shifted = Object.entries(byProvince)
  if (shifted.length === 0) return sql<number>`${utc}::int4`
  return sql<number>`(case e.province ${sql.join(
    shifted.map(([code, minute]) => sql`when ${code} then ${minute}`),
    sql` `,
  )} else ${utc} end)::int4`
}

const unaccentLower = (value: string) => sql<string>`lower(unaccent(${value}))`
const originPoint = (origin: Origin) =>
  sql`st_setsrid(st_makepoint(${origin.longitude}, ${origin.latitude}), 4326)::geography`

/** Words found in either language, stemmed by that language's dictionary, accents ignored. */
const textMatch = (q: string) =>
  sql<SqlBool>`(e.text_en @@ websearch_to_tsquery('english', unaccent(${q}))
    or e.text_fr @@ websearch_to_tsquery('french', unaccent(${q})))`
/** Names close to what was typed, letter trigrams apart: slower, so only when the words find nothing. */
const nameMatch = (q: string) => sql<SqlBool>`${unaccentLower(q)} <% e.names`
const visibleTo = (includeConfidential: boolean) =>
  includeConfidential ? sql<SqlBool>`true` : sql<SqlBool>`not e.confidential`

/** What the index needs from the database for a search: its revision, the text as tsqueries. */
interface IndexFacts {
  revision: number
  queryEn: string | null
  queryFr: string | null
  municipalityKey: string | null
}

/**
 * What the search needs to know before it runs, in one round trip and only when it needs it: where
 * the municipality it is centred on is, and whether the words themselves find an entry the caller may
 * see; when they find none, the search tolerates typos. (Asked among visible entries only, so a hidden
 * entry never changes what the public sees.) With an index, also what it needs to answer.
 */
async function prepare(
  db: Db,
  query: DirectorySearchQuery,
  includeConfidential: boolean,
  withIndex: boolean,
) {
  const coordinates =
    query.lat !== undefined && query.lng !== undefined ? { latitude: query.lat, longitude: query.lng } : null
  const byName = !coordinates && query.nearMunicipality ? query.nearMunicipality : null
  if (!byName && !query.q && !withIndex) return { origin: coordinates, typoTolerant: false, facts: null }
  const tsquery = (config: 'english' | 'french') =>
    withIndex && query.q ? sql`websearch_to_tsquery(${config}, unaccent(${query.q}))::text` : sql`null::text`
  const found = await sql<{
    origin: Origin | null
    words_found: boolean
    revision: string | null
    query_en: string | null
    query_fr: string | null
    municipality_key: string | null
  }>`select
      ${
        byName
          ? sql`(select json_build_object('latitude', st_y(point::geometry), 'longitude', st_x(point::geometry))
              from directory_municipality
              where province = ${query.province!} and lower(unaccent(name)) = ${unaccentLower(byName)}
              limit 1)`
          : sql`null::json`
      } as origin,
      ${
        query.q
          ? sql`exists (select 1 from directory_search e
              where ${textMatch(query.q)} and ${visibleTo(includeConfidential)})`
          : sql`true`
      } as words_found,
      ${withIndex ? sql`(select revision::text from directory_search_revision)` : sql`null::text`} as revision,
      ${tsquery('english')} as query_en, ${tsquery('french')} as query_fr,
      ${withIndex && query.municipality ? unaccentLower(query.municipality) : sql`null::text`} as municipality_key
    `.execute(db)
  const row = found.rows[0]!
  if (byName && !row.origin) throw invalidField('query.nearMunicipality', 'unknown_place')
  const facts: IndexFacts | null =
    row.revision === null
      ? null
      : {
          revision: Number(row.revision),
          queryEn: row.query_en,
          queryFr: row.query_fr,
          municipalityKey: row.municipality_key,
        }
  return { origin: coordinates ?? row.origin, typoTolerant: !row.words_found, facts }
}

/**
 * The filters that narrow the set every facet is counted over: all but the facets' own, as SQL
 * conditions on directory_search `e`. Confidential rows are excluded here unless allowed.
 */
function baseConditions(
  query: DirectorySearchQuery,
  options: SearchOptions,
  circle: Circle | null,
  typoTolerant: boolean,
) {
  const where: Expression<SqlBool>[] = []
  if (!options.includeConfidential) where.push(sql<SqlBool>`not e.confidential`)
  where.push(sql<SqlBool>`e.status in ('active', 'temporarily closed')`)
  if (query.q)
    where.push(
      typoTolerant ? sql<SqlBool>`(${textMatch(query.q)} or ${nameMatch(query.q)})` : textMatch(query.q),
    )
  if (query.municipality) where.push(sql<SqlBool>`e.municipality_key = ${unaccentLower(query.municipality)}`)
  if (circle) where.push(withinCircle(circle))
  if (query.age !== undefined)
    where.push(
      sql<SqlBool>`(e.minimum_age is null or e.minimum_age <= ${query.age}) and (e.maximum_age is null or e.maximum_age >= ${query.age})`,
    )
  if (query.kind) where.push(sql<SqlBool>`e.kind in (${sql.join(query.kind)})`)
  return sql.join(where, sql` and `)
}

/**
 * The province a search keeps to: none around a point (`around`: its origin or circle), where the
 * radius decides and the province only names the municipality.
 */
const provinceFilter = (query: DirectorySearchQuery, around: object | null) =>
  query.province && !around ? query.province : null

/** Each facet's own filter (true when the facet is not filtered on), computed once per row. */
function facetFilters(
  query: DirectorySearchQuery,
  origin: Origin | null,
  openingAt: OpeningMinutes,
): Record<Facet, RawBuilder<boolean>> {
  const province = provinceFilter(query, origin)
  const any = (column: string, values: string[] | undefined) =>
    values ? sql<boolean>`${sql.ref(`e.${column}`)} && ${values}::text[]` : sql<boolean>`true`
  return {
    serviceType: any('service_types', query.serviceType),
    population: any('populations', query.population),
    language: any('languages', query.language),
    province: province ? sql<boolean>`e.province = ${province}` : sql<boolean>`true`,
    referralStatus: query.accepting ? sql<boolean>`e.referral_status = 'accepting'` : sql<boolean>`true`,
    openNow: query.openNow ? sql<boolean>`e.open_minutes @> ${openingMinute(openingAt)}` : sql<boolean>`true`,
    open247: query.open247 ? sql<boolean>`e.open_24_7` : sql<boolean>`true`,
    substanceUse: query.substanceUse ? sql<boolean>`e.substance_use_accepted is true` : sql<boolean>`true`,
  }
}

const facetColumn = (facet: Facet) => sql.ref(`f_${facet}`)
/** Rows (of base `b`, or of the flags `f` beside a search row) passing every facet filter but `except`'s. */
const passing = (alias: 'b' | 'f', except?: Facet) =>
  sql.join(
    facets.filter((facet) => facet !== except).map((facet) => sql.ref(`${alias}.f_${facet}`)),
    sql` and `,
  )

/** One facet's counts: entries per value, among the rows every other facet lets through. */
function facetCounts(facet: Facet) {
  const value = {
    serviceType: sql`unnest(b.service_types)`,
    population: sql`unnest(b.populations)`,
    language: sql`unnest(b.languages)`,
    province: sql`b.province`,
    referralStatus: sql`b.referral_status`,
    openNow: sql`case when b.open_now then 'yes' end`,
    open247: sql`case when b.open_24_7 then 'yes' end`,
    substanceUse: sql`case when b.substance_use_accepted then 'yes' end`,
  }[facet]
  return sql`(select coalesce(json_agg(json_build_object('value', value, 'count', count) order by count desc, value collate "C"), '[]'::json)
    from (select value, count(*)::int as count
      from (select ${value} as value from base b where ${passing('b', facet)}) v
      where value is not null
      group by 1 order by 2 desc, value collate "C" limit ${sql.lit(FACET_VALUES)}) f)`
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

/** The Relais service type and population terms, by id (`<taxonomy>:<code>`). */
const relaisTermIds = new Set(relaisTaxonomyTerms.map((term) => term.id))

/**
 * Refuses service type and population codes that are no term of the Relais taxonomies: neither
 * Relais's own nor added to them in the directory (by an import). A code no entry has yet is known.
 */
async function refuseUnknownCodes(db: Db, query: DirectorySearchQuery) {
  const given = [
    ...(query.serviceType ?? []).map((code, index) => ({
      id: `${SERVICE_TYPE}:${code}`,
      path: `query.serviceType.${index}`,
    })),
    ...(query.population ?? []).map((code, index) => ({
      id: `${POPULATION}:${code}`,
      path: `query.population.${index}`,
    })),
  ]
  const unknown = await unknownTerms(db, given, relaisTermIds)
  if (unknown.length > 0)
    throw new AppError('validation_failed', 400, {
      fields: unknown.map((term) => ({ path: term.path, code: 'unknown_code', message: '' })),
    })
}

/**
 * The directory search behind the advocates' console and the public portal: free text (English and
 * French stems, accents ignored, typos tolerated through trigrams) with filters, facet counts, and
 * the agencies responsible for the place. Confidential entries are excluded unless allowed, in
 * memory and again in SQL. Given an index that can answer, the filtering, counting and ranking happen
 * there and SQL reads the page; otherwise one SQL statement does it all.
 */
export async function searchDirectory(db: Db, query: DirectorySearchQuery, options: SearchOptions) {
  const { index } = options
  await refuseUnknownCodes(db, query)
  const { origin, typoTolerant, facts } = await prepare(
    db,
    query,
    options.includeConfidential,
    Boolean(index),
  )
  const circle = origin ? circleAround(origin, (query.radiusKm ?? DEFAULT_RADIUS_KM) * 1000) : null
  const openingAt = openingMinutes(options.now ?? new Date())
  const offset = (query.page - 1) * query.perPage
  const agencies =
    origin || query.province
      ? responsibleAgencies({
          point: origin,
          province: query.province ?? null,
          municipality: query.municipality ?? query.nearMunicipality ?? null,
          includeConfidential: options.includeConfidential,
        })
      : null
  // What a page shows of each of its entries (page: id, ord), and the responsible agencies.
  const resultsJson = sql<Hit[]>`
      (select coalesce(json_agg(json_build_object(
          'id', e.id, 'service_id', e.service_id, 'location_id', e.location_id,
          'organization_id', e.organization_id, 'confidential', e.confidential, 'kind', e.kind,
          'service_types', e.service_types, 'populations', e.populations, 'languages', e.languages,
          'province', e.province, 'municipality', e.municipality, 'open_24_7', e.open_24_7,
          'open_now', e.open_minutes @> ${openingMinute(openingAt)}, 'referral_status', e.referral_status,
          'minimum_age', e.minimum_age::float8, 'maximum_age', e.maximum_age::float8,
          'substance_use_accepted', e.substance_use_accepted, 'last_verified_at', e.last_verified_at,
          'distance_m', ${origin ? sql`st_distance(e.point, ${originPoint(origin)}, false)` : sql`null::float8`},
          'latitude', st_y(e.point::geometry), 'longitude', st_x(e.point::geometry),
          'name_en', s.name_en, 'name_fr', s.name_fr,
          'description_en', s.description_en, 'description_fr', s.description_fr,
          'organization_name_en', o.name_en, 'organization_name_fr', o.name_fr,
          'service_doc', json_build_object('phones', s.doc -> 'phones', 'schedules', s.doc -> 'schedules'),
          'location_doc', case when l.id is not null then json_build_object(
            'addresses', l.doc -> 'addresses', 'phones', l.doc -> 'phones', 'schedules', l.doc -> 'schedules') end,
          'organization_doc', json_build_object('phones', o.doc -> 'phones')
        ) order by page.ord), '[]'::json)
        from page
        join directory_search e on e.id = page.id and ${visibleTo(options.includeConfidential)}
        join directory_service s on s.id = e.service_id
        join directory_organization o on o.id = e.organization_id
        left join directory_location l on l.id = e.location_id)`
  const agenciesJson = agencies
    ? sql<AgencyRow[]>`(select coalesce(json_agg(a order by a.ord), '[]'::json) from (${agencies}) a)`
    : sql<AgencyRow[]>`'[]'::json`

  const inMemory =
    index && facts && !typoTolerant
      ? await searchIndex(index, facts, query, options, circle, openingAt, offset)
      : null
  const found = inMemory
    ? {
        ...inMemory.facets,
        total: inMemory.total,
        ...(
          await sql<{ results: Hit[]; agencies: AgencyRow[] }>`
            with page as (select p.id, p.ord from unnest(${inMemory.ids}::text[]) with ordinality as p(id, ord))
            select ${resultsJson} as results, ${agenciesJson} as agencies`.execute(db)
        ).rows[0]!,
      }
    : await searchInSql(db, query, options, {
        origin,
        circle,
        typoTolerant,
        offset,
        openingAt,
        resultsJson,
        agenciesJson,
      })

  const results: DirectoryResult[] = found.results.map((row) => ({
    id: row.id,
    serviceId: row.service_id,
    locationId: row.location_id,
    organizationId: row.organization_id,
    name: pick(options.lang, row.name_en, row.name_fr),
    organizationName: pick(options.lang, row.organization_name_en, row.organization_name_fr),
    description: pick(options.lang, row.description_en, row.description_fr) || null,
    kind: row.kind,
    confidential: row.confidential,
    address: addressOf(row.location_doc),
    municipality: row.municipality,
    province: row.province,
    distanceKm: row.distance_m === null ? null : Math.round(Number(row.distance_m) / 100) / 10,
    latitude: row.latitude === null ? null : Number(row.latitude),
    longitude: row.longitude === null ? null : Number(row.longitude),
    phones: phonesOf(row.service_doc, row.location_doc, row.organization_doc),
    hours: hoursOf(options.lang, row.service_doc, row.location_doc),
    open247: row.open_24_7,
    openNow: row.open_now,
    languages: row.languages,
    serviceTypes: row.service_types,
    populations: row.populations,
    referralStatus: row.referral_status,
    minimumAge: row.minimum_age === null ? null : Number(row.minimum_age),
    maximumAge: row.maximum_age === null ? null : Number(row.maximum_age),
    substanceUseAccepted: row.substance_use_accepted,
    lastVerifiedAt: row.last_verified_at ? new Date(row.last_verified_at).toISOString() : null,
  }))

  return {
    total: found.total,
    page: query.page,
    perPage: query.perPage,
    results,
    facets: Object.fromEntries(facets.map((facet) => [facet, found[facet]])) as Record<Facet, FacetCount[]>,
    agencies: found.agencies.map((row) => presentAgency(row, options.lang)),
    origin,
    /** Which answered the filtering, counting and ranking: the index in memory, or SQL alone. */
    answeredBy: inMemory ? ('index' as const) : ('sql' as const),
  }
}

/**
 * The search's total, page ids and facets from the index, with every filter as the SQL statement
 * applies it; `null` when the index cannot answer (not loaded yet, or words it does not evaluate).
 */
async function searchIndex(
  index: DirectoryIndex,
  facts: IndexFacts,
  query: DirectorySearchQuery,
  options: SearchOptions,
  circle: Circle | null,
  openingAt: OpeningMinutes,
  offset: number,
): Promise<IndexResult | null> {
  let text: IndexSearch['text'] = null
  if (query.q) {
    const en = parseTsquery(facts.queryEn ?? '')
    const fr = parseTsquery(facts.queryFr ?? '')
    if (!en || !fr) return null
    text = { en, fr }
  }
  return index.search(facts.revision, {
    includeConfidential: options.includeConfidential,
    text,
    municipalityKey: query.municipality ? facts.municipalityKey : null,
    circle: circle && { ...circle.unit, minimumDot: circle.minimumDot },
    openingAt,
    openNow: query.openNow === true,
    open247: query.open247 === true,
    age: query.age ?? null,
    substanceUse: query.substanceUse === true,
    kinds: query.kind ?? null,
    serviceTypes: query.serviceType ?? null,
    populations: query.population ?? null,
    languages: query.language ?? null,
    province: provinceFilter(query, circle),
    accepting: query.accepting === true,
    offset,
    limit: query.perPage,
  })
}

/** The search in one SQL statement: base set, page, total, facets and agencies. */
async function searchInSql(
  db: Db,
  query: DirectorySearchQuery,
  options: SearchOptions,
  context: {
    origin: Origin | null
    circle: Circle | null
    typoTolerant: boolean
    offset: number
    openingAt: OpeningMinutes
    resultsJson: RawBuilder<Hit[]>
    agenciesJson: RawBuilder<AgencyRow[]>
  },
) {
  const { origin, circle, typoTolerant, offset } = context
  const filters = facetFilters(query, origin, context.openingAt)
  // Ranked only for the hits, as the base rows are read: the queries are parsed once, not per row.
  const rank = query.q
    ? sql`case when ${passing('f')} then
        ts_rank(e.text_en, (select websearch_to_tsquery('english', unaccent(${query.q}))))
        + ts_rank(e.text_fr, (select websearch_to_tsquery('french', unaccent(${query.q}))))
        ${typoTolerant ? sql`+ word_similarity(${unaccentLower(query.q)}, e.names)` : sql``}
      end`
    : sql`null::real`
  const order = sql.join([
    ...(query.q ? [sql`b.rank desc`] : []),
    ...(circle ? [sql`b.nearness desc nulls last`] : []),
    sql`b.id collate "C"`,
  ])
  // One statement: the base set once, then the page of results with what they show, the total,
  // every facet and the responsible agencies from it.
  const statement = sql<{
    total: number
    results: Hit[]
    serviceType: FacetCount[]
    population: FacetCount[]
    language: FacetCount[]
    province: FacetCount[]
    referralStatus: FacetCount[]
    openNow: FacetCount[]
    open247: FacetCount[]
    substanceUse: FacetCount[]
    agencies: AgencyRow[]
  }>`
    with base as materialized (
      select e.id, e.service_types, e.populations, e.languages, e.province, e.referral_status,
        e.open_minutes @> ${openingMinute(context.openingAt)} as open_now, e.open_24_7, e.substance_use_accepted,
        ${sql.join(
          facets.map((facet) => sql`f.${facetColumn(facet)}`),
          sql`, `,
        )},
        ${rank} as rank,
        ${circle ? nearness(circle) : sql`null::float8`} as nearness
      from directory_search e,
        lateral (select ${sql.join(
          facets.map((facet) => sql`${filters[facet]} as ${facetColumn(facet)}`),
          sql`, `,
        )}) f
      where ${baseConditions(query, options, circle, typoTolerant)}
    ),
    -- The page first (the top of the hits, a bounded sort), then numbered in the same order.
    page as (
      select b.id, row_number() over (order by ${order}) as ord
      from (
        select b.id, b.rank, b.nearness from base b
        where ${passing('b')}
        order by ${order}
        limit ${query.perPage} offset ${offset}
      ) b
    )
    select
      (select count(*)::int from base b where ${passing('b')}) as total,
      ${context.resultsJson} as results,
      ${sql.join(
        facets.map((facet) => sql`${facetCounts(facet)} as ${sql.ref(facet)}`),
        sql`, `,
      )},
      ${context.agenciesJson} as agencies`
  return (await statement.execute(db)).rows[0]!
}

/** An agency as the statement that finds it returns it. */
interface AgencyRow {
  id: string
  name_en: string | null
  name_fr: string | null
  kind: AgencyKind
  emergency_phone: string | null
  jurisdiction_province: string | null
  jurisdiction_municipality: string | null
  has_area: boolean
  scope: Agency['scope']
}

interface Place {
  point: Origin | null
  province: string | null
  municipality: string | null
  kinds?: AgencyKind[]
  includeConfidential: boolean
}

/**
 * The statement finding the agencies responsible for a place, in order (`ord`): those whose
 * jurisdiction's area contains the point, then those of the municipality, then those of the whole
 * province or territory. Not the nearest ones: the responsible ones.
 */
function responsibleAgencies({
  point,
  province,
  municipality,
  kinds = ['law_enforcement', 'child_protection', 'emergency_dispatch'],
  includeConfidential,
}: Place) {
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
  const order = sql`o.kind, case when o.jurisdiction_area is not null then 0 when o.jurisdiction_municipality is not null then 1 else 2 end, o.id`
  return sql<AgencyRow & { ord: number }>`
    with place as (select ${placeProvince} as province, ${placeMunicipality} as municipality)
    select o.id, o.name_en, o.name_fr, o.kind, o.emergency_phone, o.jurisdiction_province,
      o.jurisdiction_municipality, o.jurisdiction_area is not null as has_area,
      case
        when o.jurisdiction_area is not null then 'area'
        when o.jurisdiction_municipality is not null then 'municipality'
        else 'province'
      end as scope,
      row_number() over (order by ${order}) as ord
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
    order by ${order}
    limit 20`
}

const presentAgency = (row: AgencyRow, lang: Lang): Agency => ({
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
})

/**
 * The police, child-protection and dispatch agencies responsible for a place: those whose
 * jurisdiction's area contains the point, then those of the municipality, then those of the whole
 * province or territory. Not the nearest ones: the responsible ones.
 */
export async function findResponsibleAgencies(db: Db, place: Place & { lang: Lang }): Promise<Agency[]> {
  const result = await responsibleAgencies(place).execute(db)
  return result.rows.map((row) => presentAgency(row, place.lang))
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
