import { type Kysely, type RawBuilder, sql } from 'kysely'
import type { DB } from '../../db/schema.ts'
import { hsdsIdSql, isUuid, UUID_PATTERN } from './ids.ts'
import {
  fromLocations,
  fromServiceAtLocations,
  fromServices,
  type Lang,
  type ReadContext,
  type Scope,
  visible,
} from './read-model.ts'

/**
 * The lists of the HSDS API: which ids a page holds, in a stable order, and how many there are in
 * all. Every list applies the visibility rules of the read model in its `where` clause.
 */
export interface ListFilters {
  search?: string
  taxonomyTermId?: string
  taxonomyId?: string
  organizationId?: string
  modifiedAfter?: Date
  origin?: { latitude: number; longitude: number; radius?: number }
  parentId?: string
  topOnly?: boolean
}

export interface Window {
  offset: number
  limit: number
  /**
   * Keyset paging for reading everything (NDJSON): the entries after this id, in id order, without
   * counting them all again for each batch.
   */
  after?: string
}

export interface ListedRow {
  id: string
  updated_at: Date | string
}

export interface Listing {
  rows: ListedRow[]
  total: number
}

type Table =
  | 'directory_organization'
  | 'directory_service'
  | 'directory_service_at_location'
  | 'directory_taxonomy'
  | 'directory_taxonomy_term'

/**
 * The stored id an API caller means: the id itself, or the stored id whose HSDS id (a name-based
 * UUID for ids that are not UUIDs) it is. Unknown ids resolve to themselves and so match nothing.
 */
export async function resolveId(db: Kysely<DB>, table: Table, id: string): Promise<string> {
  const direct = await sql<{ id: string }>`select id from ${sql.table(table)} where id = ${id}`.execute(db)
  if (direct.rows.length > 0 || !isUuid(id)) return id
  const mapped = await sql<{ id: string }>`select id from ${sql.table(table)}
    where id !~ ${UUID_PATTERN} and ${hsdsIdSql(sql.ref('id'))} = ${id.toLowerCase()} limit 1`.execute(db)
  return mapped.rows[0]?.id ?? id
}

const likePattern = (value: string) => `%${value.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`
const nameLike = (column: string, search: string) =>
  sql`lower(unaccent(coalesce(${sql.ref(column)}, ''))) like unaccent(${likePattern(search)})`

const config = (lang: Lang) => (lang === 'fr' ? sql.lit('french') : sql.lit('english'))

/** A match of the search index row `ds` against the caller's words, in either language or by name. */
const searchMatch = (
  search: string,
) => sql`(ds.text_en @@ websearch_to_tsquery('english', unaccent(${search}))
  or ds.text_fr @@ websearch_to_tsquery('french', unaccent(${search}))
  or lower(unaccent(${search})) <% ds.names)`
const searchRank = (search: string, lang: Lang, scope: Scope) =>
  sql`(ts_rank(${sql.ref(`ds.text_${lang}`)}, websearch_to_tsquery(${config(lang)}, unaccent(${search})))
  + case when ${searchable(scope)} then word_similarity(lower(unaccent(${search})), ds.names) else 0 end)`

const serviceSearchMatch = (
  search: string,
  scope: Scope,
) => sql`(ds.text_en @@ websearch_to_tsquery('english', unaccent(${search}))
  or ds.text_fr @@ websearch_to_tsquery('french', unaccent(${search}))
  or (${searchable(scope)} and lower(unaccent(${search})) <% ds.names))`

/**
 * A search row the public may see: not confidential (service, organization or location), and not at
 * a location of a confidential organization, which the index's flag does not cover.
 */
const searchable = (scope: Scope) =>
  scope === 'all'
    ? sql`true`
    : sql`(ds.confidential = false and not exists (select 1 from directory_location l2
        join directory_organization lo2 on lo2.id = l2.organization_id
        where l2.id = ds.location_id and lo2.confidential))`

/** The terms a filter names: one term, or every term of one taxonomy, or both. */
async function termCondition(db: Kysely<DB>, filters: ListFilters): Promise<RawBuilder<unknown>[]> {
  const out: RawBuilder<unknown>[] = []
  if (filters.taxonomyTermId) {
    const id = await resolveId(db, 'directory_taxonomy_term', filters.taxonomyTermId)
    out.push(sql`a.taxonomy_term_id = ${id}`)
  }
  if (filters.taxonomyId) {
    const id = await resolveId(db, 'directory_taxonomy', filters.taxonomyId)
    out.push(sql`a.taxonomy_term_id in (select id from directory_taxonomy_term where taxonomy_id = ${id})`)
  }
  return out
}

const hasAttribute = (term: RawBuilder<unknown>, links: RawBuilder<unknown>) =>
  sql`exists (select 1 from directory_attribute a where ${term} and (${links}))`

/** The end of a list query: its order and window, offset or keyset. */
function windowed(window: Window, id: RawBuilder<unknown>, order: RawBuilder<unknown>[]) {
  if (window.after === undefined)
    return {
      where: sql`true`,
      total: sql`count(*) over ()`,
      tail: sql`order by ${sql.join(order)} limit ${window.limit} offset ${window.offset}`,
    }
  return {
    where: sql`${id} > ${window.after}`,
    total: sql`0`,
    tail: sql`order by ${id} limit ${window.limit}`,
  }
}

async function run(
  db: Kysely<DB>,
  query: RawBuilder<ListedRow & { total: number }>,
  count: RawBuilder<{ total: number }>,
  window: Window,
) {
  const result = await query.execute(db)
  const rows = result.rows.map(({ id, updated_at }) => ({ id, updated_at }))
  const first = result.rows[0]
  if (window.after !== undefined) return { rows, total: rows.length }
  // Past the last page the window function has no row to ride on: count on its own.
  const total = first
    ? Number(first.total)
    : window.offset > 0
      ? Number((await count.execute(db)).rows[0]?.total ?? 0)
      : 0
  return { rows, total }
}

const and = (conditions: RawBuilder<unknown>[]) =>
  conditions.length > 0 ? sql.join(conditions, sql` and `) : sql`true`

const nameOrder = (alias: string, lang: Lang) => {
  const other = lang === 'en' ? 'fr' : 'en'
  return sql`lower(coalesce(${sql.ref(`${alias}.name_${lang}`)}, ${sql.ref(`${alias}.name_${other}`)}))`
}

export async function listServices(ctx: ReadContext, filters: ListFilters, window: Window): Promise<Listing> {
  const { db, scope, lang } = ctx
  const where: RawBuilder<unknown>[] = [visible.service(scope)]
  if (filters.organizationId) {
    const id = await resolveId(db, 'directory_organization', filters.organizationId)
    where.push(sql`s.organization_id = ${id}`)
  }
  if (filters.modifiedAfter) where.push(sql`s.updated_at >= ${filters.modifiedAfter}`)
  for (const term of await termCondition(db, filters))
    where.push(
      hasAttribute(
        term,
        sql`(a.link_entity = 'service' and a.link_id = s.id) or (a.link_entity = 'organization' and a.link_id = s.organization_id)`,
      ),
    )
  const order: RawBuilder<unknown>[] = []
  if (filters.search) {
    // The text columns hold the service's, its organization's and its terms' words only, which the
    // caller may see once the service is visible; the names column also holds the location's name,
    // so it counts only on rows whose location is visible too.
    const match = sql`select ds.service_id from directory_search ds where ${serviceSearchMatch(filters.search, scope)}`
    where.push(sql`s.id in (${match})`)
    order.push(sql`(select max(${searchRank(filters.search, lang, scope)}) from directory_search ds
      where ds.service_id = s.id and ${serviceSearchMatch(filters.search, scope)}) desc`)
  }
  order.push(nameOrder('s', lang), sql`s.id`)
  const w = windowed(window, sql`s.id`, order)
  return run(
    db,
    sql<ListedRow & { total: number }>`select s.id, s.updated_at, ${w.total} as total
      from ${fromServices} where ${and(where)} and ${w.where} ${w.tail}`,
    sql<{ total: number }>`select count(*) as total from ${fromServices} where ${and(where)}`,
    window,
  )
}

export async function listServiceAtLocations(
  ctx: ReadContext,
  filters: ListFilters,
  window: Window,
): Promise<Listing> {
  const { db, scope, lang } = ctx
  const where: RawBuilder<unknown>[] = [visible.serviceAtLocation(scope)]
  let from = fromServiceAtLocations
  if (filters.organizationId) {
    const id = await resolveId(db, 'directory_organization', filters.organizationId)
    where.push(sql`s.organization_id = ${id}`)
  }
  if (filters.modifiedAfter)
    where.push(sql`greatest(sal.updated_at, s.updated_at, l.updated_at) >= ${filters.modifiedAfter}`)
  for (const term of await termCondition(db, filters))
    where.push(
      hasAttribute(
        term,
        sql`(a.link_entity = 'service_at_location' and a.link_id = sal.id)
          or (a.link_entity = 'service' and a.link_id = s.id)
          or (a.link_entity = 'location' and a.link_id = l.id)
          or (a.link_entity = 'organization' and a.link_id = s.organization_id)`,
      ),
    )
  const order: RawBuilder<unknown>[] = []
  if (filters.search) {
    from = sql`${from} join directory_search ds on ds.id = sal.id`
    where.push(searchable(scope), searchMatch(filters.search))
    order.push(sql`${searchRank(filters.search, lang, scope)} desc`)
  }
  if (filters.origin) {
    const { latitude, longitude, radius } = filters.origin
    const origin = sql`st_setsrid(st_makepoint(${longitude}, ${latitude}), 4326)::geography`
    where.push(sql`l.point is not null`)
    if (radius !== undefined) where.push(sql`st_dwithin(l.point, ${origin}, ${radius})`)
    order.unshift(sql`st_distance(l.point, ${origin})`)
  }
  order.push(nameOrder('s', lang), sql`sal.id`)
  const w = windowed(window, sql`sal.id`, order)
  return run(
    db,
    sql<
      ListedRow & { total: number }
    >`select sal.id, greatest(sal.updated_at, s.updated_at, l.updated_at) as updated_at,
      ${w.total} as total from ${from} where ${and(where)} and ${w.where} ${w.tail}`,
    sql<{ total: number }>`select count(*) as total from ${from} where ${and(where)}`,
    window,
  )
}

export async function listOrganizations(
  ctx: ReadContext,
  filters: ListFilters,
  window: Window,
): Promise<Listing> {
  const { db, scope, lang } = ctx
  const where: RawBuilder<unknown>[] = [visible.organization(scope)]
  if (filters.modifiedAfter) where.push(sql`o.updated_at >= ${filters.modifiedAfter}`)
  if (filters.search)
    where.push(sql`(${nameLike('o.name_en', filters.search)} or ${nameLike('o.name_fr', filters.search)})`)
  // An organization carries a term itself or through one of its services the caller may see, so a
  // term used only by a confidential service says nothing about the organization.
  const serviceVisible = scope === 'all' ? sql`true` : sql`s.confidential = false`
  for (const term of await termCondition(db, filters))
    where.push(
      sql`(${hasAttribute(term, sql`a.link_entity = 'organization' and a.link_id = o.id`)}
        or exists (select 1 from directory_service s where s.organization_id = o.id and ${serviceVisible}
          and ${hasAttribute(term, sql`a.link_entity = 'service' and a.link_id = s.id`)}))`,
    )
  const w = windowed(window, sql`o.id`, [nameOrder('o', lang), sql`o.id`])
  return run(
    db,
    sql<ListedRow & { total: number }>`select o.id, o.updated_at, ${w.total} as total
      from directory_organization o where ${and(where)} and ${w.where} ${w.tail}`,
    sql<{ total: number }>`select count(*) as total from directory_organization o where ${and(where)}`,
    window,
  )
}

export async function listTaxonomies(
  ctx: ReadContext,
  filters: ListFilters,
  window: Window,
): Promise<Listing> {
  const where: RawBuilder<unknown>[] = []
  if (filters.search) where.push(nameLike('x.name', filters.search))
  if (filters.modifiedAfter) where.push(sql`x.updated_at >= ${filters.modifiedAfter}`)
  const w = windowed(window, sql`x.id`, [sql`lower(x.name)`, sql`x.id`])
  return run(
    ctx.db,
    sql<ListedRow & { total: number }>`select x.id, x.updated_at, ${w.total} as total
      from directory_taxonomy x where ${and(where)} and ${w.where} ${w.tail}`,
    sql<{ total: number }>`select count(*) as total from directory_taxonomy x where ${and(where)}`,
    window,
  )
}

export async function listTaxonomyTerms(
  ctx: ReadContext,
  filters: ListFilters,
  window: Window,
): Promise<Listing> {
  const { db, lang } = ctx
  const where: RawBuilder<unknown>[] = []
  if (filters.search)
    where.push(
      sql`(${nameLike('t.name_en', filters.search)} or ${nameLike('t.name_fr', filters.search)} or lower(t.code) = ${filters.search.toLowerCase()})`,
    )
  if (filters.taxonomyId)
    where.push(sql`t.taxonomy_id = ${await resolveId(db, 'directory_taxonomy', filters.taxonomyId)}`)
  if (filters.parentId)
    where.push(sql`t.parent_id = ${await resolveId(db, 'directory_taxonomy_term', filters.parentId)}`)
  if (filters.topOnly) where.push(sql`t.parent_id is null`)
  if (filters.modifiedAfter) where.push(sql`t.updated_at >= ${filters.modifiedAfter}`)
  const w = windowed(window, sql`t.id`, [sql`t.taxonomy_id nulls last`, nameOrder('t', lang), sql`t.id`])
  return run(
    db,
    sql<ListedRow & { total: number }>`select t.id, t.updated_at, ${w.total} as total
      from directory_taxonomy_term t where ${and(where)} and ${w.where} ${w.tail}`,
    sql<{ total: number }>`select count(*) as total from directory_taxonomy_term t where ${and(where)}`,
    window,
  )
}

/** Whether one entry exists and is visible, for the detail routes (the same rules as the lists). */
export async function findVisible(
  ctx: ReadContext,
  kind: 'service' | 'service_at_location' | 'organization' | 'taxonomy' | 'taxonomy_term',
  requested: string,
): Promise<string | null> {
  const { db, scope } = ctx
  const table = {
    service: 'directory_service',
    service_at_location: 'directory_service_at_location',
    organization: 'directory_organization',
    taxonomy: 'directory_taxonomy',
    taxonomy_term: 'directory_taxonomy_term',
  } as const
  const id = await resolveId(db, table[kind], requested)
  const query = {
    service: sql<{
      id: string
    }>`select s.id from ${fromServices} where s.id = ${id} and ${visible.service(scope)}`,
    service_at_location: sql<{
      id: string
    }>`select sal.id from ${fromServiceAtLocations} where sal.id = ${id} and ${visible.serviceAtLocation(scope)}`,
    organization: sql<{
      id: string
    }>`select o.id from directory_organization o where o.id = ${id} and ${visible.organization(scope)}`,
    taxonomy: sql<{ id: string }>`select id from directory_taxonomy where id = ${id}`,
    taxonomy_term: sql<{ id: string }>`select id from directory_taxonomy_term where id = ${id}`,
  }[kind]
  const found = await query.execute(db)
  return found.rows[0]?.id ?? null
}

/** Ids of every visible entry of one type after `after`, in id order: the export's batches. */
export async function idsAfter(
  ctx: ReadContext,
  kind: 'organization' | 'location' | 'service' | 'service_at_location' | 'taxonomy' | 'taxonomy_term',
  after: string,
  limit: number,
): Promise<string[]> {
  const { db, scope } = ctx
  const query = {
    organization: sql<{ id: string }>`select o.id from directory_organization o
      where o.id > ${after} and ${visible.organization(scope)} order by o.id limit ${limit}`,
    location: sql<{ id: string }>`select l.id from ${fromLocations}
      where l.id > ${after} and ${visible.location(scope)} order by l.id limit ${limit}`,
    service: sql<{ id: string }>`select s.id from ${fromServices}
      where s.id > ${after} and ${visible.service(scope)} order by s.id limit ${limit}`,
    service_at_location: sql<{ id: string }>`select sal.id from ${fromServiceAtLocations}
      where sal.id > ${after} and ${visible.serviceAtLocation(scope)} order by sal.id limit ${limit}`,
    taxonomy: sql<{
      id: string
    }>`select id from directory_taxonomy where id > ${after} order by id limit ${limit}`,
    taxonomy_term: sql<{
      id: string
    }>`select id from directory_taxonomy_term where id > ${after} order by id limit ${limit}`,
  }[kind]
  return (await query.execute(db)).rows.map((row) => row.id)
}
