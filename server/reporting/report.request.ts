import { type IndicatorId, indicatorIds, type PeriodRange } from '../../common/contracts/reporting.ts'
import { parsePeriod } from '../../common/periods.ts'

/**
 * What a report request names, checked the same way for the console's API and the command line:
 * the period, and optionally which indicators (comma-separated ids). Each problem is reported with
 * the argument it concerns and a code the caller translates.
 */
export type ReportArguments = { period: PeriodRange; indicators?: IndicatorId[] }
export type ArgumentProblem = { field: 'period' | 'indicators'; code: string; value?: string }

export function reportArguments(input: {
  period: string
  indicators?: string
}): { ok: true; value: ReportArguments } | { ok: false; problem: ArgumentProblem } {
  const period = parsePeriod(input.period)
  if (!period.ok) return { ok: false, problem: { field: 'period', code: `period_${period.error}` } }
  if (input.indicators === undefined) return { ok: true, value: { period: period.period } }
  const wanted = input.indicators
    .split(',')
    .map((id) => id.trim())
    .filter(Boolean)
  const unknown = wanted.find((id) => !(indicatorIds as string[]).includes(id))
  if (unknown !== undefined || wanted.length === 0) {
    return { ok: false, problem: { field: 'indicators', code: 'unknown_indicator', value: unknown ?? '' } }
  }
  return { ok: true, value: { period: period.period, indicators: wanted as IndicatorId[] } }
}
