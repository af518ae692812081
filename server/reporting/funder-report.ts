import type { IndicatorId, PeriodRange, ReportFormat } from '../../common/contracts/reporting.ts'
import { type AuditContext, appendAuditEvent } from '../audit/audit.store.ts'
import type { Database } from '../db/database.ts'
import type { Translator } from '../http/i18n.ts'
import { renderReportCsv } from './render/csv.ts'
import { renderReportPdf } from './render/pdf.ts'
import { renderReportXlsx } from './render/xlsx.ts'
import { presentReport } from './report.presenter.ts'
import { computeReport } from './report.service.ts'

/**
 * The funder's report as a file: the figures computed, presented in one language and rendered as
 * PDF, XLSX, CSV or JSON. Each file carries its parameters, the definitions' version and the data's
 * fingerprint, and its production is audited with the same, so a report sent can be traced and
 * produced again.
 */

export interface ReportFile {
  filename: string
  contentType: string
  body: Buffer
  fingerprint: string
}

const contentTypes: Record<ReportFormat, string> = {
  pdf: 'application/pdf',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  csv: 'text/csv; charset=utf-8',
  json: 'application/json; charset=utf-8',
}

export async function produceReportFile(
  deps: { database: Database; translator: Translator; timeZone: string },
  request: { period: PeriodRange; indicators?: IndicatorId[]; lang: 'en' | 'fr'; format: ReportFormat },
  audit: AuditContext,
): Promise<ReportFile> {
  const report = await computeReport(deps.database, {
    period: request.period,
    indicators: request.indicators,
    timeZone: deps.timeZone,
  })
  const presented = presentReport(report, request.lang, deps.translator)
  const body =
    request.format === 'pdf'
      ? await renderReportPdf(presented)
      : request.format === 'xlsx'
        ? await renderReportXlsx(presented)
        : Buffer.from(
            request.format === 'csv' ? renderReportCsv(presented) : `${JSON.stringify(presented, null, 2)}\n`,
            'utf8',
          )
  await appendAuditEvent(deps.database.db, audit, {
    action: 'report.export',
    entityType: 'report',
    entityId: request.period.label,
    details: {
      period: request.period,
      indicators: request.indicators ?? 'all',
      lang: request.lang,
      format: request.format,
      timeZone: report.timeZone,
      definitionsVersion: report.definitionsVersion,
      fingerprint: report.fingerprint,
    },
  })
  return {
    filename: `relais-report-${request.period.label.replace(/\.\./g, '_')}-${request.lang}.${request.format}`,
    contentType: contentTypes[request.format],
    body,
    fingerprint: report.fingerprint,
  }
}
