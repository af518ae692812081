import type { FastifyRequest } from 'fastify'
import { apiErrorSchema } from '../../../common/contracts/errors.ts'
import {
  createReferralRequest,
  followUpList,
  followUpsQuery,
  referralCaseParams,
  referralEmailRequest,
  referralList,
  referralOutcomeRequest,
  referralParams,
  referralPersonEmailRequest,
  referralView,
  searchDefaults,
  searchDefaultsQuery,
} from '../../../common/contracts/referrals.ts'
import { principalOf } from '../../http/access.ts'
import type { AppDeps, ZodApp } from '../../http/app.ts'
import { type Actor, createReferralService, type ReferralService } from './referrals.service.ts'

const errors = {
  400: apiErrorSchema,
  401: apiErrorSchema,
  403: apiErrorSchema,
  404: apiErrorSchema,
  409: apiErrorSchema,
  503: apiErrorSchema,
}
const read = { access: { kind: 'staff', permission: 'case.read' } } as const
const manage = { access: { kind: 'staff', permission: 'case.manage' } } as const
const tags = ['referrals']

function actorOf(request: FastifyRequest): Actor {
  const principal = principalOf(request)
  const explicit = (request.query as { lang?: 'en' | 'fr' } | undefined)?.lang
  return {
    viewer: { staffId: principal.userId, role: principal.role },
    audit: request.auditContext,
    lang: explicit ?? (request.locale === 'fr' ? 'fr' : 'en'),
  }
}

/**
 * Referrals of a case's needs to directory services, their outcomes and follow-ups. Every route
 * reaches a case through the cases module's visibility: one the caller may not see answers 404.
 */
export function registerReferralRoutes(
  app: ZodApp,
  deps: AppDeps,
  referrals: ReferralService = createReferralService(deps),
) {
  app.get(
    '/api/cases/:id/referrals',
    {
      config: read,
      schema: {
        tags,
        summary: 'The case’s referrals with their outcome history, oldest first',
        params: referralCaseParams,
        response: { 200: referralList, ...errors },
      },
    },
    async (request) => ({ referrals: await referrals.list(actorOf(request), request.params.id) }),
  )

  app.get(
    '/api/cases/:id/referrals/search-defaults',
    {
      config: manage,
      schema: {
        tags,
        summary: 'Directory search filters drawn from the case (place, languages, populations, age)',
        params: referralCaseParams,
        querystring: searchDefaultsQuery,
        response: { 200: searchDefaults, ...errors },
      },
    },
    async (request) => referrals.searchDefaults(actorOf(request), request.params.id, request.query.needId),
  )

  app.post(
    '/api/cases/:id/referrals',
    {
      config: manage,
      schema: {
        tags,
        summary: 'Refer a need to a directory service, with consent; optionally email the provider',
        params: referralCaseParams,
        body: createReferralRequest,
        response: { 201: referralView, ...errors },
      },
    },
    async (request, reply) => {
      const created = await referrals.create(actorOf(request), request.params.id, request.body)
      return reply.code(201).send(created)
    },
  )

  app.post(
    '/api/cases/:id/referrals/:referralId/outcome',
    {
      config: manage,
      schema: {
        tags,
        summary: 'Record an outcome or a follow-up, and when the next follow-up is due',
        params: referralParams,
        body: referralOutcomeRequest,
        response: { 200: referralView, ...errors },
      },
    },
    async (request) =>
      referrals.recordOutcome(actorOf(request), request.params.id, request.params.referralId, request.body),
  )

  app.post(
    '/api/cases/:id/referrals/:referralId/email',
    {
      config: manage,
      schema: {
        tags,
        summary: 'Email the provider what consent allows (again, after a failure)',
        params: referralParams,
        body: referralEmailRequest,
        response: { 200: referralView, ...errors },
      },
    },
    async (request) =>
      referrals.sendEmail(actorOf(request), request.params.id, request.params.referralId, request.body),
  )

  app.post(
    '/api/cases/:id/referrals/:referralId/person-email',
    {
      config: manage,
      schema: {
        tags,
        summary:
          'Email the person the service’s name, address, phone, hours and languages (nothing about the case), unless they said email is unsafe',
        params: referralParams,
        body: referralPersonEmailRequest,
        response: { 200: referralView, ...errors },
      },
    },
    async (request) =>
      referrals.sendToPerson(actorOf(request), request.params.id, request.params.referralId, request.body),
  )

  app.get(
    '/api/referrals/follow-ups',
    {
      config: manage,
      schema: {
        tags,
        summary: 'Referrals due for a follow-up among the cases the caller may see, soonest first',
        querystring: followUpsQuery,
        response: { 200: followUpList, ...errors },
      },
    },
    async (request) => referrals.followUps(actorOf(request), request.query),
  )
}
