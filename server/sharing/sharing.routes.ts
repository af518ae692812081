import { apiErrorSchema } from '../../common/contracts/errors.ts'
import { extractRequest, extractResponse } from '../../common/contracts/sharing.ts'
import { parsePeriod } from '../../common/periods.ts'
import type { AppDeps, ZodApp } from '../http/app.ts'
import { invalidField } from '../http/errors.ts'
import { createExtractService, type ExtractService } from './extract.service.ts'

/** The statistics agency's extract, for analysts: the files in one JSON answer. */
export function registerSharingRoutes(
  app: ZodApp,
  deps: AppDeps,
  extracts: ExtractService = createExtractService({
    database: deps.database,
    translator: deps.translator,
    timeZone: deps.env.RELAIS_TIME_ZONE,
  }),
) {
  app.post(
    '/api/extracts',
    {
      config: { access: { kind: 'staff', permission: 'extract.create' } },
      schema: {
        tags: ['sharing'],
        summary:
          'A de-identified, k-anonymous extract of the cases for the statistics agency: data.csv, its codebook and README (audited)',
        body: extractRequest,
        response: { 200: extractResponse, 400: apiErrorSchema, 401: apiErrorSchema, 403: apiErrorSchema },
      },
    },
    async (request) => {
      const { k, period: text, lang } = request.body
      let period = null
      if (text !== undefined) {
        const parsed = parsePeriod(text)
        if (!parsed.ok)
          throw invalidField('period', parsed.error === 'inverted' ? 'range_inverted' : 'invalid')
        period = parsed.period
      }
      const files = await extracts.create(request.auditContext, {
        k,
        period,
        lang: lang ?? (request.locale === 'fr' ? 'fr' : 'en'),
      })
      const { 'summary.json': summary, ...rest } = files
      return { files: rest, summary }
    },
  )
}
