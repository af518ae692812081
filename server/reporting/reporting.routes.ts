import { z } from 'zod'
import { apiErrorSchema } from '../../common/contracts/errors.ts'
import {
  presentedReportSchema,
  publicStatisticsQuery,
  publicStatisticsSchema,
  reportExportQuery,
  reportQuery,
} from '../../common/contracts/reporting.ts'
import type { AppDeps, ZodApp } from '../http/app.ts'
import { invalidField } from '../http/errors.ts'
import { produceReportFile } from './funder-report.ts'
import { publicIndicatorIds, publishStatistics } from './public-statistics.ts'
import { presentReport } from './report.presenter.ts'
import { reportArguments } from './report.request.ts'
import { computeReport } from './report.service.ts'

const errors = { 400: apiErrorSchema, 401: apiErrorSchema, 403: apiErrorSchema }

/** The reports area: every indicator for a period, in the reader's language. */
export function registerReportingRoutes(app: ZodApp, deps: AppDeps) {
  const argumentsOf = (query: z.infer<typeof reportQuery>) => {
    const checked = reportArguments(query)
    if (!checked.ok) {
      const { field, code, value } = checked.problem
      throw invalidField(`query.${field}`, code, value === undefined ? undefined : { value })
    }
    return checked.value
  }
  const langOf = (lang: 'en' | 'fr' | undefined, locale: string) => lang ?? (locale === 'fr' ? 'fr' : 'en')

  app.get(
    '/api/reports',
    {
      config: { access: { kind: 'staff', permission: 'report.read' } },
      schema: {
        tags: ['reporting'],
        summary: 'Every indicator for a period beside the previous one, with labels and definitions',
        querystring: reportQuery,
        response: { 200: presentedReportSchema, ...errors },
      },
    },
    async (request) => {
      const { period, indicators } = argumentsOf(request.query)
      const report = await computeReport(deps.database, {
        period,
        indicators,
        timeZone: deps.env.RELAIS_TIME_ZONE,
      })
      return presentReport(report, langOf(request.query.lang, request.locale), deps.translator)
    },
  )

  app.get(
    '/api/reports/export',
    {
      config: { access: { kind: 'staff', permission: 'report.read' } },
      schema: {
        tags: ['reporting'],
        summary:
          'The funder’s report as a PDF, XLSX, CSV or JSON file, with its parameters and data fingerprint (audited)',
        querystring: reportExportQuery,
        response: { 200: z.unknown().describe('the report file'), ...errors },
      },
    },
    async (request, reply) => {
      const { period, indicators } = argumentsOf(request.query)
      const file = await produceReportFile(
        { database: deps.database, translator: deps.translator, timeZone: deps.env.RELAIS_TIME_ZONE },
        {
          period,
          indicators,
          lang: langOf(request.query.lang, request.locale),
          format: request.query.format,
        },
        request.auditContext,
      )
      return reply
        .header('content-type', file.contentType)
        .header('content-disposition', `attachment; filename="${file.filename}"`)
        .header('x-relais-fingerprint', file.fingerprint)
        .send(file.body)
    },
  )

  app.get(
    '/api/public/statistics',
    {
      config: { access: { kind: 'public' } },
      schema: {
        tags: ['reporting'],
        summary:
          'Public trend statistics for a fiscal year: small counts withheld (x) with complementary suppression, optionally rounded to base 5',
        querystring: publicStatisticsQuery,
        response: { 200: publicStatisticsSchema, 400: apiErrorSchema },
      },
    },
    async (request) => {
      const { period } = argumentsOf({ period: request.query.period })
      if (period.kind !== 'fiscal_year') throw invalidField('query.period', 'period_not_public')
      const report = await computeReport(deps.database, {
        period,
        indicators: publicIndicatorIds,
        timeZone: deps.env.RELAIS_TIME_ZONE,
      })
      const presented = presentReport(report, langOf(request.query.lang, request.locale), deps.translator)
      const options = {
        threshold: deps.env.RELAIS_PUBLIC_THRESHOLD,
        rounding: deps.env.RELAIS_PUBLIC_ROUNDING,
      }
      return publishStatistics(presented, options, deps.secrets)
    },
  )
}
