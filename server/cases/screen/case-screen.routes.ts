import type { FastifyRequest } from 'fastify'
import { caseScreen, caseScreenQuery } from '../../../common/contracts/case-screen.ts'
import { caseIdParams } from '../../../common/contracts/cases.ts'
import { apiErrorSchema } from '../../../common/contracts/errors.ts'
import { principalOf } from '../../http/access.ts'
import type { AppDeps, ZodApp } from '../../http/app.ts'
import { type Actor, type CaseScreenService, createCaseScreenService } from './case-screen.service.ts'

function actorOf(request: FastifyRequest): Actor {
  const principal = principalOf(request)
  return {
    viewer: { staffId: principal.userId, role: principal.role },
    audit: request.auditContext,
    locale: request.locale,
    lang: (request.query as { lang?: 'en' | 'fr' }).lang ?? (request.locale === 'fr' ? 'fr' : 'en'),
  }
}

/** The case screen in one request: what `GET /api/cases/:id` and the three lists beside it return. */
export function registerCaseScreenRoutes(
  app: ZodApp,
  deps: AppDeps,
  screens: CaseScreenService = createCaseScreenService(deps),
) {
  app.get(
    '/api/cases/:id/screen',
    {
      config: { access: { kind: 'staff', permission: 'case.read' } },
      schema: {
        tags: ['cases'],
        summary:
          'Open a case as its screen shows it: the case, its escalations, the protocol’s verdicts and its referrals (one audited read)',
        params: caseIdParams,
        querystring: caseScreenQuery,
        response: {
          200: caseScreen,
          400: apiErrorSchema,
          401: apiErrorSchema,
          403: apiErrorSchema,
          404: apiErrorSchema,
        },
      },
    },
    async (request) => screens.open(actorOf(request), request.params.id),
  )
}
