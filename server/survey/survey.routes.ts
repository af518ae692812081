import type { FastifyRequest } from 'fastify'
import { apiErrorSchema } from '../../common/contracts/errors.ts'
import {
  campaignDetail,
  campaignIdParams,
  campaignList,
  createCampaignRequest,
  publicSurvey,
  rejectRequest,
  responseIdParams,
  reviewRequest,
  reviewResult,
  sendResult,
  submitResponseRequest,
  submittedResponse,
  tokenParams,
} from '../../common/contracts/survey.ts'
import { principalOf } from '../http/access.ts'
import type { AppDeps, ZodApp } from '../http/app.ts'
import { createSurveyService } from './survey.service.ts'
import type { TokenRow } from './survey.store.ts'

const errors = {
  400: apiErrorSchema,
  401: apiErrorSchema,
  403: apiErrorSchema,
  404: apiErrorSchema,
  409: apiErrorSchema,
  503: apiErrorSchema,
}
const publicErrors = { 400: apiErrorSchema, 404: apiErrorSchema, 410: apiErrorSchema, 429: apiErrorSchema }
const manage = { access: { kind: 'staff' as const, permission: 'survey.manage' as const } }

export function registerSurveyRoutes(app: ZodApp, { database, secrets, translator, env }: AppDeps) {
  const surveys = createSurveyService({ database, secrets, translator, env })
  app.addHook('onClose', async () => surveys.close())

  app.get(
    '/api/survey/campaigns',
    {
      config: manage,
      schema: {
        tags: ['survey'],
        summary: 'Status survey campaigns, with delivery and review counts',
        response: { 200: campaignList, ...errors },
      },
    },
    async () => surveys.list(),
  )

  app.post(
    '/api/survey/campaigns',
    {
      config: manage,
      schema: {
        tags: ['survey'],
        summary: 'Create a campaign: one recipient per provider in scope that has an email',
        body: createCampaignRequest,
        response: { 201: campaignDetail, ...errors },
      },
    },
    async (request, reply) => {
      const principal = principalOf(request)
      const id = await surveys.createCampaign(request.body, principal, request.auditContext)
      return reply.code(201).send(await surveys.detail(id, principal))
    },
  )

  app.get(
    '/api/survey/campaigns/:id',
    {
      config: manage,
      schema: {
        tags: ['survey'],
        summary: 'A campaign: recipients, delivery, responses beside the current entries',
        params: campaignIdParams,
        response: { 200: campaignDetail, ...errors },
      },
    },
    async (request) => surveys.detail(request.params.id, principalOf(request)),
  )

  app.post(
    '/api/survey/campaigns/:id/send',
    {
      config: manage,
      schema: {
        tags: ['survey'],
        summary: 'Send to the next recipients never tried, then retry refused ones',
        description:
          'Sends one batch; a recipient counts as sent only once the mail server accepted it. Call again while `remaining` is above zero.',
        params: campaignIdParams,
        response: { 200: sendResult, ...errors },
      },
    },
    async (request) => surveys.send(request.params.id, request.auditContext),
  )

  // The links' tokens are secrets: these routes log only warnings, so no request line holds one.
  const recipients = new WeakMap<FastifyRequest, TokenRow>()
  const linkHooks = {
    logLevel: 'warn' as const,
    onRequest: async (request: FastifyRequest) => surveys.assertNotThrottled(request.auditContext),
    preValidation: async (request: FastifyRequest) => {
      const { token } = request.params as { token?: unknown }
      const recipient = await surveys.resolveLink(
        typeof token === 'string' ? token : '',
        request.auditContext,
      )
      recipients.set(request, recipient)
    },
  }

  app.get(
    '/api/survey/responses/:token',
    {
      config: { access: { kind: 'public' } },
      ...linkHooks,
      schema: {
        tags: ['survey'],
        summary: 'The entry behind a survey link, for its provider (no account)',
        params: tokenParams,
        response: { 200: publicSurvey, ...publicErrors },
      },
    },
    async (request) => surveys.openSurvey(request.params.token, request.auditContext),
  )

  app.post(
    '/api/survey/responses/:token',
    {
      config: { access: { kind: 'public' } },
      ...linkHooks,
      schema: {
        tags: ['survey'],
        summary: 'Answer the survey: a proposed change, applied only once a manager approves it',
        params: tokenParams,
        body: submitResponseRequest,
        response: { 201: submittedResponse, ...publicErrors },
      },
    },
    async (request, reply) => {
      const recipient = recipients.get(request)!
      await surveys.submit(recipient, request.body, request.locale, request.auditContext)
      return reply.code(201).send({ ok: true as const })
    },
  )

  app.post(
    '/api/survey/responses/:id/approve',
    {
      config: manage,
      schema: {
        tags: ['survey'],
        summary: 'Apply a response to the directory and record the verification',
        params: responseIdParams,
        body: reviewRequest,
        response: { 200: reviewResult, ...errors },
      },
    },
    async (request) => ({
      response: await surveys.approve(
        request.params.id,
        request.body.note || undefined,
        principalOf(request),
        request.auditContext,
      ),
    }),
  )

  app.post(
    '/api/survey/responses/:id/reject',
    {
      config: manage,
      schema: {
        tags: ['survey'],
        summary: 'Close a response without applying it',
        params: responseIdParams,
        body: rejectRequest,
        response: { 200: reviewResult, ...errors },
      },
    },
    async (request) => ({
      response: await surveys.reject(
        request.params.id,
        request.body.note,
        principalOf(request),
        request.auditContext,
      ),
    }),
  )
}
