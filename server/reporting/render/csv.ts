import type { PresentedReport } from '../../../common/contracts/reporting.ts'
import { csvLine } from '../../directory/import/csv.ts'
import { plainNumber } from './format.ts'

/**
 * The funder's report as one tidy CSV table (RFC 4180, CRLF, UTF-8 with a byte order mark so a
 * spreadsheet reads its accents): a row per figure, with its indicator, up to two dimensions as code
 * and label, both periods, and the definitions version and data fingerprint on every row, so a row
 * taken alone still says what it counts. Shares are decimals (0.221) and durations seconds.
 */

export const reportCsvColumns = [
  'indicator',
  'indicator_title',
  'unit',
  'dimension_1',
  'value_1_code',
  'value_1_label',
  'dimension_2',
  'value_2_code',
  'value_2_label',
  'period',
  'period_label',
  'value',
  'previous_period',
  'previous_period_label',
  'previous',
  'definitions_version',
  'fingerprint',
] as const

export function renderReportCsv(report: PresentedReport): string {
  const lines = [csvLine(reportCsvColumns)]
  for (const section of report.sections) {
    for (const indicator of section.indicators) {
      for (const row of indicator.rows) {
        const dimension = (index: number) => [
          indicator.dimensions[index]?.id ?? '',
          row.key[index] ?? '',
          row.labels[index] ?? '',
        ]
        lines.push(
          csvLine([
            indicator.id,
            indicator.title,
            indicator.unit,
            ...dimension(0),
            ...dimension(1),
            report.period.label,
            report.periodLabel,
            plainNumber(row.value),
            report.previous.label,
            report.previousLabel,
            plainNumber(row.previous),
            report.definitionsVersion,
            report.fingerprint,
          ]),
        )
      }
    }
  }
  return `\uFEFF${lines.join('\r\n')}\r\n`
}
