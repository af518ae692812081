import type { FastifyRequest } from 'fastify'
import { apiErrorSchema } from '../../../common/contracts/errors.ts'
import { webFormChallenge, webFormReceipt, webFormSubmission } from '../../../common/contracts/web-form.ts'
import type { AppDeps, ZodApp } from '../../http/app.ts'
import { routingPolicy } from '../signals.ts'
import { createFormService, newReference } from './form.service.ts'

const errors = { 400: apiErrorSchema, 413: apiErrorSchema, 415: apiErrorSchema, 429: apiErrorSchema }

/**
 * The public web form: a proof-of-work challenge, then the submission. Both routes log only
 * warnings, so a person's address never reaches a request log line; the audit trail does not keep
 * it either.
 */
export function registerFormRoutes(app: ZodApp, deps: AppDeps) {
  const forms = createFormService({
    database: deps.database,
    secrets: deps.secrets,
    policy: routingPolicy(deps.env),
    powBits: deps.env.RELAIS_FORM_POW_BITS,
    perAddress: deps.env.RELAIS_FORM_PER_ADDRESS,
  })
  const anonymousAudit = (request: FastifyRequest) => ({
    ...request.auditContext,
    actorLabel: 'web form',
    address: null,
  })

  app.get(
    '/api/intake/form/challenge',
    {
      config: { access: { kind: 'public' } },
      logLevel: 'warn',
      schema: {
        tags: ['intake'],
        summary: 'A proof-of-work challenge for one web form submission',
        description:
          'Find a decimal counter such that SHA-256(challenge followed by counter) starts with `bits` zero bits, and send both with the form before `expiresAt`. Each challenge is accepted once.',
        response: { 200: webFormChallenge },
      },
    },
    async () => {
      const issued = forms.challenge()
      return { ...issued, expiresAt: issued.expiresAt.toISOString() }
    },
  )

  app.post(
    '/api/intake/form',
    {
      config: { access: { kind: 'public' } },
      logLevel: 'warn',
      onRequest: async (request) => forms.assertNotThrottled(request.ip),
      preValidation: async (request, reply) => {
        // The honeypot: a field hidden from people (and from screen readers) that only robots
        // fill. Such a submission gets the same 202 and a made-up reference, so the robot learns
        // nothing, and nothing at all is stored: no signal, no message, no count, no spent
        // challenge (it need not even carry a valid proof).
        const website = (request.body as { website?: unknown } | undefined)?.website
        if (typeof website === 'string' && website.trim() !== '') {
          return reply.code(202).send({ reference: newReference() })
        }
      },
      schema: {
        tags: ['intake'],
        summary: 'Report a concern or ask for help through the web form, anonymously by default',
        description:
          'Opens a signal in the queue `form.<language>` (the preferred language when given). Fields the form gets wrong are named in `fields`, in the language of `?lang=` or Accept-Language. A reused, expired or wrong proof of work is refused as the field `proof`.',
        body: webFormSubmission,
        response: { 202: webFormReceipt, ...errors },
      },
    },
    async (request, reply) => {
      const { reference } = await forms.submit(request.body, {
        locale: request.locale,
        address: request.ip,
        audit: anonymousAudit(request),
      })
      return reply.code(202).send({ reference })
    },
  )
}
