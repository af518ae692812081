import type { FastifyRequest } from 'fastify'
import { z } from 'zod'
import { apiErrorSchema } from '../../../common/contracts/errors.ts'
import {
  addProtocolRequest,
  agenciesQuery,
  cancelRequest,
  caseAgencies,
  completeStepRequest,
  escalationCaseParams,
  escalationList,
  escalationParams,
  escalationView,
  evaluationQuery,
  evaluationResponse,
  outcomeRequest,
  pendingReviews,
  protocolList,
  protocolSummary,
  reviewRequest,
  startEscalationRequest,
} from '../../../common/contracts/escalations.ts'
import { principalOf } from '../../http/access.ts'
import type { AppDeps, ZodApp } from '../../http/app.ts'
import { type Actor, type CanSeeCase, createEscalationService } from './escalations.service.ts'

const errors = {
  400: apiErrorSchema,
  401: apiErrorSchema,
  403: apiErrorSchema,
  404: apiErrorSchema,
  409: apiErrorSchema,
}
const langQuery = z.strictObject({ lang: z.enum(['en', 'fr']).optional() })
const staff = <P extends 'case.read' | 'case.manage' | 'case.supervise' | 'escalation.configure'>(
  permission: P,
) => ({
  access: { kind: 'staff' as const, permission },
})

function actorOf(request: FastifyRequest): Actor {
  const query = request.query as { lang?: 'en' | 'fr' } | undefined
  return {
    principal: principalOf(request),
    audit: request.auditContext,
    locale: request.locale,
    ...(query?.lang ? { lang: query.lang } : {}),
  }
}

/**
 * Escalations by protocol on a case, a supervisor's reviews, and the admin's protocol versions.
 * `canSeeCase` is the cases module's visibility rule: a case the caller may not see answers 404.
 */
export function registerEscalationRoutes(
  app: ZodApp,
  { database, secrets, translator }: AppDeps,
  { canSeeCase }: { canSeeCase: CanSeeCase },
) {
  const escalations = createEscalationService({ database, secrets, translator, canSeeCase })
  const tags = ['escalations']

  app.get(
    '/api/cases/:id/escalations/evaluation',
    {
      config: staff('case.read'),
      schema: {
        tags,
        summary: 'What the protocol in force asks for this case now: required, allowed or refused, and why',
        params: escalationCaseParams,
        querystring: evaluationQuery,
        response: { 200: evaluationResponse, ...errors },
      },
    },
    async (request) =>
      escalations.evaluate(actorOf(request), request.params.id, {
        consent: request.query.consent,
        imminentDanger: request.query.imminentDanger,
      }),
  )

  app.get(
    '/api/cases/:id/escalations/agencies',
    {
      config: staff('case.manage'),
      schema: {
        tags,
        summary: 'The agencies responsible for the case’s place that an escalation of this kind goes to',
        params: escalationCaseParams,
        querystring: agenciesQuery,
        response: { 200: caseAgencies, ...errors },
      },
    },
    async (request) => escalations.agencies(actorOf(request), request.params.id, request.query.kind),
  )

  app.get(
    '/api/cases/:id/escalations',
    {
      config: staff('case.read'),
      schema: {
        tags,
        summary: 'The case’s escalations with their steps, oldest first',
        params: escalationCaseParams,
        querystring: langQuery,
        response: { 200: escalationList, ...errors },
      },
    },
    async (request) => ({ escalations: await escalations.list(actorOf(request), request.params.id) }),
  )

  app.post(
    '/api/cases/:id/escalations',
    {
      config: staff('case.manage'),
      schema: {
        tags,
        summary: 'Start an escalation under the protocol in force where the case happens',
        params: escalationCaseParams,
        querystring: langQuery,
        body: startEscalationRequest,
        response: { 201: escalationView, ...errors },
      },
    },
    async (request, reply) => {
      const started = await escalations.start(actorOf(request), request.params.id, request.body)
      return reply.code(201).send(started)
    },
  )

  app.post(
    '/api/cases/:id/escalations/:escalationId/steps',
    {
      config: staff('case.manage'),
      schema: {
        tags,
        summary: 'Complete the protocol’s next step; any other step is refused',
        params: escalationParams,
        querystring: langQuery,
        body: completeStepRequest,
        response: { 200: escalationView, ...errors },
      },
    },
    async (request) =>
      escalations.completeStep(
        actorOf(request),
        request.params.id,
        request.params.escalationId,
        request.body,
      ),
  )

  app.post(
    '/api/cases/:id/escalations/:escalationId/outcome',
    {
      config: staff('case.manage'),
      schema: {
        tags,
        summary: 'Record the outcome once every step is done, completing the escalation',
        params: escalationParams,
        querystring: langQuery,
        body: outcomeRequest,
        response: { 200: escalationView, ...errors },
      },
    },
    async (request) =>
      escalations.recordOutcome(
        actorOf(request),
        request.params.id,
        request.params.escalationId,
        request.body,
      ),
  )

  app.post(
    '/api/cases/:id/escalations/:escalationId/cancel',
    {
      config: staff('case.manage'),
      schema: {
        tags,
        summary: 'Cancel an escalation in progress, with a reason',
        params: escalationParams,
        querystring: langQuery,
        body: cancelRequest,
        response: { 200: escalationView, ...errors },
      },
    },
    async (request) =>
      escalations.cancel(
        actorOf(request),
        request.params.id,
        request.params.escalationId,
        request.body.reason,
      ),
  )

  app.post(
    '/api/cases/:id/escalations/:escalationId/review',
    {
      config: staff('case.supervise'),
      schema: {
        tags,
        summary: 'A supervisor approves a completed escalation, or returns it for changes',
        params: escalationParams,
        querystring: langQuery,
        body: reviewRequest,
        response: { 200: escalationView, ...errors },
      },
    },
    async (request) =>
      escalations.review(actorOf(request), request.params.id, request.params.escalationId, request.body),
  )

  app.get(
    '/api/escalations/reviews',
    {
      config: staff('case.supervise'),
      schema: {
        tags,
        summary: 'Escalations waiting for a supervisor’s review, oldest first',
        querystring: langQuery,
        response: { 200: pendingReviews, ...errors },
      },
    },
    async (request) => ({ reviews: await escalations.pendingReviews(actorOf(request)) }),
  )

  app.get(
    '/api/escalation-protocols',
    {
      config: staff('escalation.configure'),
      schema: {
        tags,
        summary: 'Every protocol version, shipped with Relais or added by an admin',
        querystring: langQuery,
        response: { 200: protocolList, ...errors },
      },
    },
    async (request) => ({ protocols: await escalations.protocols(actorOf(request)) }),
  )

  app.post(
    '/api/escalation-protocols',
    {
      config: staff('escalation.configure'),
      schema: {
        tags,
        summary: 'Add a protocol version; it takes over from its effective date',
        querystring: langQuery,
        body: addProtocolRequest,
        response: { 201: protocolSummary, ...errors },
      },
    },
    async (request, reply) => {
      const added = await escalations.addProtocol(actorOf(request), request.body.document)
      return reply.code(201).send(added)
    },
  )
}
