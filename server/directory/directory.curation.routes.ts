import type { FastifyRequest } from 'fastify'
import { z } from 'zod'
import {
  locationInput,
  organizationInput,
  organizationView,
  queueEntry,
  serviceInput,
  verificationInput,
  verificationQueueQuery,
} from '../../common/contracts/directory.ts'
import { apiErrorSchema } from '../../common/contracts/errors.ts'
import { can } from '../../common/permissions.ts'
import { principalOf } from '../http/access.ts'
import type { AppDeps, ZodApp } from '../http/app.ts'
import { notFound } from '../http/errors.ts'
import {
  recordVerification,
  saveLocation,
  saveOrganization,
  saveService,
  verificationQueue,
} from './directory.curation.ts'
import { presentOrganization } from './directory.presenter.ts'

const errors = { 400: apiErrorSchema, 401: apiErrorSchema, 403: apiErrorSchema, 404: apiErrorSchema }
const idParams = z.strictObject({ id: z.string().min(1).max(100) })
const saved = z.object({ id: z.string(), organization: organizationView })

/** Directory managers' routes: edit organizations, locations and services; work the verification queue. */
export function registerDirectoryCurationRoutes(app: ZodApp, { database, env }: AppDeps) {
  const view = async (request: FastifyRequest, id: string) => {
    const { role } = principalOf(request)
    const organization = await presentOrganization(database.db, id, {
      includeConfidential: can(role, 'directory.read_confidential'),
      canEdit: can(role, 'directory.manage'),
      canVerify: can(role, 'directory.verify'),
    })
    if (!organization) throw notFound('organization')
    return organization
  }

  app.get(
    '/api/directory/organizations/:id',
    {
      config: { access: { kind: 'staff', permission: 'directory.read' } },
      schema: {
        tags: ['directory'],
        summary: 'An organization with its locations and services',
        params: idParams,
        response: { 200: organizationView, ...errors },
      },
    },
    async (request) => view(request, request.params.id),
  )

  app.post(
    '/api/directory/organizations',
    {
      config: { access: { kind: 'staff', permission: 'directory.manage' } },
      schema: {
        tags: ['directory'],
        summary: 'Create an organization',
        body: organizationInput,
        response: { 201: saved, ...errors },
      },
    },
    async (request, reply) => {
      const id = await saveOrganization(database, null, request.body, request.auditContext)
      return reply.code(201).send({ id, organization: await view(request, id) })
    },
  )
  app.put(
    '/api/directory/organizations/:id',
    {
      config: { access: { kind: 'staff', permission: 'directory.manage' } },
      schema: {
        tags: ['directory'],
        summary: 'Update an organization',
        params: idParams,
        body: organizationInput,
        response: { 200: saved, ...errors },
      },
    },
    async (request) => {
      const id = await saveOrganization(database, request.params.id, request.body, request.auditContext)
      return { id, organization: await view(request, id) }
    },
  )

  app.post(
    '/api/directory/locations',
    {
      config: { access: { kind: 'staff', permission: 'directory.manage' } },
      schema: {
        tags: ['directory'],
        summary: 'Create a location',
        body: locationInput,
        response: { 201: saved, ...errors },
      },
    },
    async (request, reply) => {
      const id = await saveLocation(database, null, request.body, request.auditContext)
      return reply.code(201).send({ id, organization: await view(request, request.body.organizationId) })
    },
  )
  app.put(
    '/api/directory/locations/:id',
    {
      config: { access: { kind: 'staff', permission: 'directory.manage' } },
      schema: {
        tags: ['directory'],
        summary: 'Update a location',
        params: idParams,
        body: locationInput,
        response: { 200: saved, ...errors },
      },
    },
    async (request) => {
      const id = await saveLocation(database, request.params.id, request.body, request.auditContext)
      return { id, organization: await view(request, request.body.organizationId) }
    },
  )

  app.post(
    '/api/directory/services',
    {
      config: { access: { kind: 'staff', permission: 'directory.manage' } },
      schema: {
        tags: ['directory'],
        summary: 'Create a service',
        body: serviceInput,
        response: { 201: saved, ...errors },
      },
    },
    async (request, reply) => {
      const id = await saveService(database, null, request.body, request.auditContext)
      return reply.code(201).send({ id, organization: await view(request, request.body.organizationId) })
    },
  )
  app.put(
    '/api/directory/services/:id',
    {
      config: { access: { kind: 'staff', permission: 'directory.manage' } },
      schema: {
        tags: ['directory'],
        summary: 'Update a service',
        params: idParams,
        body: serviceInput,
        response: { 200: saved, ...errors },
      },
    },
    async (request) => {
      const id = await saveService(database, request.params.id, request.body, request.auditContext)
      return { id, organization: await view(request, request.body.organizationId) }
    },
  )

  app.get(
    '/api/directory/verification-queue',
    {
      config: { access: { kind: 'staff', permission: 'directory.verify' } },
      schema: {
        tags: ['directory'],
        summary: 'Entries whose verification is due, longest overdue first',
        querystring: verificationQueueQuery,
        response: { 200: z.object({ entries: z.array(queueEntry) }), ...errors },
      },
    },
    async (request) => ({
      entries: await verificationQueue(database.db, {
        entityType: request.query.entityType,
        limit: request.query.limit,
        lang: request.query.lang ?? (request.locale === 'fr' ? 'fr' : 'en'),
        defaults: {
          organization: env.RELAIS_VERIFY_ORGANIZATION_DAYS,
          service: env.RELAIS_VERIFY_SERVICE_DAYS,
          location: env.RELAIS_VERIFY_LOCATION_DAYS,
        },
      }),
    }),
  )

  app.post(
    '/api/directory/verifications',
    {
      config: { access: { kind: 'staff', permission: 'directory.verify' } },
      schema: {
        tags: ['directory'],
        summary: 'Log a check of an entry: confirmed, changed, unreachable or closed',
        body: verificationInput,
        response: { 201: z.object({ ok: z.literal(true) }), ...errors },
      },
    },
    async (request, reply) => {
      const principal = principalOf(request)
      await recordVerification(database, request.body, { ...request.auditContext, actorId: principal.userId })
      return reply.code(201).send({ ok: true as const })
    },
  )
}
