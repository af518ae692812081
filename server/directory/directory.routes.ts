import type { FastifyReply } from 'fastify'
import { z } from 'zod'
import {
  agenciesQuery,
  agencySchema,
  type DirectorySearchQuery,
  directorySearchQuery,
  directorySearchResponse,
  termSchema,
} from '../../common/contracts/directory.ts'
import { apiErrorSchema } from '../../common/contracts/errors.ts'
import { can } from '../../common/permissions.ts'
import { principalOf } from '../http/access.ts'
import type { AppDeps, ZodApp } from '../http/app.ts'
import { DirectoryIndex } from './directory.index.ts'
import {
  findResponsibleAgencies,
  listFilterTerms,
  type SearchOptions,
  searchDirectory,
} from './directory.search.ts'

const errors = { 400: apiErrorSchema, 401: apiErrorSchema, 403: apiErrorSchema }
const language = (explicit: 'en' | 'fr' | undefined, locale: string) =>
  explicit ?? (locale === 'fr' ? 'fr' : 'en')

/** The directory search: the staff's (confidential entries for roles allowed them) and the public's. */
export function registerDirectorySearchRoutes(app: ZodApp, { database }: AppDeps) {
  // Loaded once the server is up; until then, and whenever it cannot answer, SQL does.
  const index = new DirectoryIndex(database.db, (error) =>
    app.log.error({ err: error }, 'the directory index failed to load or catch up'),
  )
  app.addHook('onReady', async () => {
    void index.load()
  })
  app.addHook('onClose', async () => index.close())
  /** The search, saying in Server-Timing which answered it: the index in memory or SQL alone. */
  const search = async (
    reply: FastifyReply,
    query: DirectorySearchQuery,
    options: Omit<SearchOptions, 'index'>,
  ) => {
    const { answeredBy, ...found } = await searchDirectory(database.db, query, { ...options, index })
    reply.header('server-timing', `directory;desc="${answeredBy}"`)
    return found
  }
  app.get(
    '/api/directory/search',
    {
      config: { access: { kind: 'staff', permission: 'directory.read' } },
      schema: {
        tags: ['directory'],
        summary: 'Search the directory, confidential entries included for roles allowed to see them',
        querystring: directorySearchQuery,
        response: { 200: directorySearchResponse, ...errors },
      },
    },
    async (request, reply) => {
      const principal = principalOf(request)
      return search(reply, request.query, {
        includeConfidential: can(principal.role, 'directory.read_confidential'),
        lang: language(request.query.lang, request.locale),
      })
    },
  )

  app.get(
    '/api/directory/public-search',
    {
      config: { access: { kind: 'public' } },
      schema: {
        tags: ['directory'],
        summary: 'Search the public directory (never any confidential entry)',
        querystring: directorySearchQuery,
        response: { 200: directorySearchResponse, 400: apiErrorSchema },
      },
    },
    async (request, reply) =>
      search(reply, request.query, {
        includeConfidential: false,
        lang: language(request.query.lang, request.locale),
      }),
  )

  app.get(
    '/api/directory/terms',
    {
      config: { access: { kind: 'public' } },
      schema: {
        tags: ['directory'],
        summary: 'Service types and populations to filter on, named in the caller’s language',
        querystring: z.strictObject({ lang: z.enum(['en', 'fr']).optional() }),
        response: { 200: z.object({ terms: z.array(termSchema) }), 400: apiErrorSchema },
      },
    },
    async (request) => ({
      terms: await listFilterTerms(database.db, language(request.query.lang, request.locale)),
    }),
  )

  app.get(
    '/api/directory/agencies',
    {
      config: { access: { kind: 'staff', permission: 'directory.read' } },
      schema: {
        tags: ['directory'],
        summary: 'The police, child-protection and dispatch agencies responsible for a place',
        querystring: agenciesQuery,
        response: { 200: z.object({ agencies: z.array(agencySchema) }), ...errors },
      },
    },
    async (request) => {
      const { query } = request
      const principal = principalOf(request)
      const agencies = await findResponsibleAgencies(database.db, {
        point:
          query.lat !== undefined && query.lng !== undefined
            ? { latitude: query.lat, longitude: query.lng }
            : null,
        province: query.province ?? null,
        municipality: query.municipality ?? null,
        kinds: query.kind,
        lang: language(query.lang, request.locale),
        includeConfidential: can(principal.role, 'directory.read_confidential'),
      })
      return { agencies }
    },
  )
}
