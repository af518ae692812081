import { readFileSync } from 'node:fs'
import path from 'node:path'
import { Readable } from 'node:stream'
import { fileURLToPath } from 'node:url'
import type { FastifyReply, FastifyRequest } from 'fastify'
import { z } from 'zod'
import { apiErrorSchema } from '../../../common/contracts/errors.ts'
import type { AppDeps, ZodApp } from '../../http/app.ts'
import { AppError, invalidField } from '../../http/errors.ts'
import {
  detailQuery,
  hsdsObject,
  hsdsPage,
  hsdsRoot,
  idParams,
  organizationDetailQuery,
  organizationListQuery,
  serviceAtLocationListQuery,
  serviceListQuery,
  taxonomyListQuery,
  taxonomyTermListQuery,
} from './contracts.ts'
import {
  findVisible,
  type ListFilters,
  type Listing,
  listOrganizations,
  listServiceAtLocations,
  listServices,
  listTaxonomies,
  listTaxonomyTerms,
  type Window,
} from './queries.ts'
import {
  type HsdsObject,
  type Lang,
  minimalObject,
  type ReadContext,
  readOrganizations,
  readServiceAtLocations,
  readServices,
  readTaxonomies,
  readTaxonomyTerms,
} from './read-model.ts'

export const HSDS_VERSION = '3.1'
const NDJSON_BATCH = 200
const profileDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../docs/hsds-profile')
const profileTypes = ['organization', 'service', 'location', 'taxonomy_term'] as const

type Kind = 'service' | 'service_at_location' | 'organization' | 'taxonomy' | 'taxonomy_term'

const errors = { 400: apiErrorSchema, 404: apiErrorSchema }

interface ListQuery {
  page: number
  per_page: number
  format: 'json' | 'ndjson'
  minimal?: boolean
  full?: boolean
}

function contextOf(request: FastifyRequest, deps: AppDeps): ReadContext {
  const lang: Lang = request.locale === 'fr' ? 'fr' : 'en'
  return { db: deps.database.db, lang, scope: 'public' }
}

/** The HSDS pagination object around one page of contents. */
export function pageOf(total: number, page: number, perPage: number, contents: HsdsObject[]) {
  const totalPages = Math.ceil(total / perPage)
  return {
    total_items: total,
    total_pages: totalPages,
    page_number: page,
    size: contents.length,
    first_page: page === 1,
    last_page: page >= totalPages,
    empty: contents.length === 0,
    contents,
  }
}

type Lister = (ctx: ReadContext, filters: ListFilters, window: Window) => Promise<Listing>
type Reader = (ctx: ReadContext, ids: string[]) => Promise<HsdsObject[]>

async function answerList(
  reply: FastifyReply,
  ctx: ReadContext,
  query: ListQuery,
  filters: ListFilters,
  list: Lister,
  read: Reader,
) {
  const shape = async ({ rows }: Listing) =>
    query.minimal
      ? rows.map(minimalObject)
      : read(
          ctx,
          rows.map((row) => row.id),
        )
  if (query.format === 'ndjson') {
    // Every result, without paging, one object per line, read a batch at a time in id order.
    async function* lines() {
      for (let after = ''; ; ) {
        const listing = await list(ctx, filters, { offset: 0, limit: NDJSON_BATCH, after })
        for (const object of await shape(listing)) yield `${JSON.stringify(object)}\n`
        const last = listing.rows.at(-1)
        if (!last || listing.rows.length < NDJSON_BATCH) return
        after = last.id
      }
    }
    return reply.type('application/x-ndjson; charset=utf-8').send(Readable.from(lines()))
  }
  const listing = await list(ctx, filters, {
    offset: (query.page - 1) * query.per_page,
    limit: query.per_page,
  })
  return pageOf(listing.total, query.page, query.per_page, await shape(listing))
}

function notFound(request: FastifyRequest, deps: AppDeps, kind: Kind) {
  return new AppError('not_found', 404, {
    values: { entity: deps.translator.t(request.locale, `hsds:entity.${kind}`) },
  })
}

/** Proximity needs both coordinates, and coordinates come in pairs. */
function originOf(query: { lat?: number; lng?: number; proximity?: number }): ListFilters['origin'] {
  const { lat, lng, proximity } = query
  if (lat === undefined && lng === undefined) {
    if (proximity !== undefined) throw invalidField('query.lat', 'required')
    return undefined
  }
  if (lat === undefined) throw invalidField('query.lat', 'required')
  if (lng === undefined) throw invalidField('query.lng', 'required')
  return { latitude: lat, longitude: lng, radius: proximity }
}

const modifiedAfter = (value: string | undefined) => (value ? new Date(value) : undefined)

/**
 * The public HSDS 3.1 API at /api/hsds/: read-only, no session, never a confidential entry (the read
 * model filters them in SQL), JSON pages or NDJSON streams.
 */
export function registerHsdsRoutes(app: ZodApp, deps: AppDeps) {
  const publicAccess = { access: { kind: 'public' as const } }
  const profile = Object.fromEntries(
    profileTypes.map((type) => [
      type,
      JSON.parse(readFileSync(path.join(profileDir, `${type}.json`), 'utf8')) as unknown,
    ]),
  )

  app.get(
    '/api/hsds/',
    {
      config: publicAccess,
      schema: {
        tags: ['hsds'],
        summary: 'HSDS API root: the HSDS version and the profile of this API',
        querystring: detailQuery,
        response: { 200: hsdsRoot, 400: apiErrorSchema },
      },
    },
    async (request) => {
      const base = `${request.protocol}://${request.host}`
      return {
        version: HSDS_VERSION,
        profile: `${base}/api/hsds/profile`,
        openapi_url: `${base}/api/docs/openapi.json`,
      }
    },
  )

  app.get(
    '/api/hsds/profile',
    {
      config: publicAccess,
      schema: {
        tags: ['hsds'],
        summary: 'The Relais profile of HSDS: JSON merge patches of the official schemas',
        querystring: detailQuery,
        response: {
          200: z.object({
            name: z.string(),
            hsds_version: z.string(),
            schemas: z.record(z.string(), z.unknown()),
          }),
          400: apiErrorSchema,
        },
      },
    },
    async () => ({ name: 'relais', hsds_version: HSDS_VERSION, schemas: profile }),
  )

  app.get(
    '/api/hsds/services',
    {
      config: publicAccess,
      schema: {
        tags: ['hsds'],
        summary: 'Services, a page at a time (or every one as NDJSON)',
        querystring: serviceListQuery,
        response: { 200: hsdsPage, 400: apiErrorSchema },
      },
    },
    async (request, reply) => {
      const query = request.query
      const full = query.full ?? false
      return answerList(
        reply,
        contextOf(request, deps),
        query,
        {
          search: query.search,
          taxonomyTermId: query.taxonomy_term_id,
          taxonomyId: query.taxonomy_id,
          organizationId: query.organization_id,
          modifiedAfter: modifiedAfter(query.modified_after),
        },
        listServices,
        (ctx, ids) => readServices(ctx, ids, { full }),
      )
    },
  )

  app.get(
    '/api/hsds/services/:id',
    {
      config: publicAccess,
      schema: {
        tags: ['hsds'],
        summary: 'One service, fully nested',
        params: idParams,
        querystring: detailQuery,
        response: { 200: hsdsObject, ...errors },
      },
    },
    async (request) => {
      const ctx = contextOf(request, deps)
      const id = await findVisible(ctx, 'service', request.params.id)
      const [found] = id ? await readServices(ctx, [id], { full: true }) : []
      if (!found) throw notFound(request, deps, 'service')
      return found
    },
  )

  app.get(
    '/api/hsds/service_at_locations',
    {
      config: publicAccess,
      schema: {
        tags: ['hsds'],
        summary: 'Services at locations, a page at a time, optionally near a point',
        querystring: serviceAtLocationListQuery,
        response: { 200: hsdsPage, 400: apiErrorSchema },
      },
    },
    async (request, reply) => {
      const query = request.query
      const origin = originOf(query)
      const full = query.full ?? false
      return answerList(
        reply,
        contextOf(request, deps),
        query,
        {
          search: query.search,
          taxonomyTermId: query.taxonomy_term_id,
          taxonomyId: query.taxonomy_id,
          organizationId: query.organization_id,
          modifiedAfter: modifiedAfter(query.modified_after),
          origin,
        },
        listServiceAtLocations,
        (ctx, ids) => readServiceAtLocations(ctx, ids, { full }),
      )
    },
  )

  app.get(
    '/api/hsds/service_at_locations/:id',
    {
      config: publicAccess,
      schema: {
        tags: ['hsds'],
        summary: 'One service at a location, fully nested',
        params: idParams,
        querystring: detailQuery,
        response: { 200: hsdsObject, ...errors },
      },
    },
    async (request) => {
      const ctx = contextOf(request, deps)
      const id = await findVisible(ctx, 'service_at_location', request.params.id)
      const [found] = id ? await readServiceAtLocations(ctx, [id], { full: true }) : []
      if (!found) throw notFound(request, deps, 'service_at_location')
      return found
    },
  )

  app.get(
    '/api/hsds/organizations',
    {
      config: publicAccess,
      schema: {
        tags: ['hsds'],
        summary: 'Organizations, a page at a time',
        querystring: organizationListQuery,
        response: { 200: hsdsPage, 400: apiErrorSchema },
      },
    },
    async (request, reply) => {
      const query = request.query
      const full = query.full ?? false
      const services = query.full_service ? 'full' : 'basic'
      return answerList(
        reply,
        contextOf(request, deps),
        query,
        {
          search: query.search,
          taxonomyTermId: query.taxonomy_term_id,
          taxonomyId: query.taxonomy_id,
          modifiedAfter: modifiedAfter(query.modified_after),
        },
        listOrganizations,
        (ctx, ids) => readOrganizations(ctx, ids, { full, services }),
      )
    },
  )

  app.get(
    '/api/hsds/organizations/:id',
    {
      config: publicAccess,
      schema: {
        tags: ['hsds'],
        summary: 'One organization, with its locations and services',
        params: idParams,
        querystring: organizationDetailQuery,
        response: { 200: hsdsObject, ...errors },
      },
    },
    async (request) => {
      const ctx = contextOf(request, deps)
      const id = await findVisible(ctx, 'organization', request.params.id)
      const services = request.query.full_service ? 'full' : 'basic'
      const [found] = id ? await readOrganizations(ctx, [id], { full: true, services }) : []
      if (!found) throw notFound(request, deps, 'organization')
      return found
    },
  )

  app.get(
    '/api/hsds/taxonomies',
    {
      config: publicAccess,
      schema: {
        tags: ['hsds'],
        summary: 'Taxonomies, a page at a time',
        querystring: taxonomyListQuery,
        response: { 200: hsdsPage, 400: apiErrorSchema },
      },
    },
    async (request, reply) => {
      const query = request.query
      return answerList(
        reply,
        contextOf(request, deps),
        query,
        { search: query.search, modifiedAfter: modifiedAfter(query.modified_after) },
        listTaxonomies,
        readTaxonomies,
      )
    },
  )

  app.get(
    '/api/hsds/taxonomies/:id',
    {
      config: publicAccess,
      schema: {
        tags: ['hsds'],
        summary: 'One taxonomy',
        params: idParams,
        querystring: detailQuery,
        response: { 200: hsdsObject, ...errors },
      },
    },
    async (request) => {
      const ctx = contextOf(request, deps)
      const id = await findVisible(ctx, 'taxonomy', request.params.id)
      const [found] = id ? await readTaxonomies(ctx, [id]) : []
      if (!found) throw notFound(request, deps, 'taxonomy')
      return found
    },
  )

  app.get(
    '/api/hsds/taxonomy_terms',
    {
      config: publicAccess,
      schema: {
        tags: ['hsds'],
        summary: 'Taxonomy terms, a page at a time',
        querystring: taxonomyTermListQuery,
        response: { 200: hsdsPage, 400: apiErrorSchema },
      },
    },
    async (request, reply) => {
      const query = request.query
      return answerList(
        reply,
        contextOf(request, deps),
        query,
        {
          search: query.search,
          taxonomyId: query.taxonomy_id,
          parentId: query.parent_id,
          topOnly: query.top_only,
          modifiedAfter: modifiedAfter(query.modified_after),
        },
        listTaxonomyTerms,
        readTaxonomyTerms,
      )
    },
  )

  app.get(
    '/api/hsds/taxonomy_terms/:id',
    {
      config: publicAccess,
      schema: {
        tags: ['hsds'],
        summary: 'One taxonomy term',
        params: idParams,
        querystring: detailQuery,
        response: { 200: hsdsObject, ...errors },
      },
    },
    async (request) => {
      const ctx = contextOf(request, deps)
      const id = await findVisible(ctx, 'taxonomy_term', request.params.id)
      const [found] = id ? await readTaxonomyTerms(ctx, [id]) : []
      if (!found) throw notFound(request, deps, 'taxonomy_term')
      return found
    },
  )
}
