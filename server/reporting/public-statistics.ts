import {
  type IndicatorId,
  indicatorIds,
  indicators,
  type PresentedIndicator,
  type PresentedReport,
  type PublicStatistics,
} from '../../common/contracts/reporting.ts'
import type { Secrets } from '../crypto/secrets.ts'
import { seededRandom } from './disclosure/random.ts'
import { roundTable } from './disclosure/rounding.ts'
import { protectTable } from './disclosure/suppression.ts'
import { listTable } from './disclosure/table.ts'

/**
 * Public trend statistics: the publishable counts of a report (docs/public-statistics.md), each
 * period's list of categories protected on its own with its total: small figures withheld (`x`),
 * complements withheld until nothing withheld can be worked out from the totals, then, if asked,
 * every figure randomly rounded to base 5. The rounding is drawn from a generator seeded with a keyed
 * hash of the data's fingerprint and the figure's place: an outsider cannot predict it, and asking
 * again for the same data gives the same figures, so repeating a request never averages it away.
 * Only whole fiscal years are published: overlapping periods (a quarter and its year, two custom
 * ranges a day apart) could be subtracted from each other to reveal what suppression hides.
 */

export const publicIndicatorIds = indicatorIds.filter((id) => indicators[id].publishable)

export interface PublicOptions {
  threshold: number
  rounding: 'none' | 'base5'
}

export function publishStatistics(
  report: PresentedReport,
  options: PublicOptions,
  secrets: Secrets,
): PublicStatistics {
  const publish = (indicator: PresentedIndicator, period: 'value' | 'previous') => {
    const counts = indicator.rows.map((row) => row[period] ?? 0)
    const categories = indicator.rows.map((row) => row.key.join('|') || 'total')
    let table = protectTable(listTable(categories, counts), { threshold: options.threshold })
    if (options.rounding === 'base5') {
      const seed = secrets.blindIndex(`public-statistics|${report.fingerprint}|${indicator.id}|${period}`)
      table = roundTable(table, { random: seededRandom(seed) })
    }
    return { cells: table.cells.map((row) => row[0]!), total: table.grandTotal }
  }
  return {
    ...report,
    threshold: options.threshold,
    rounding: options.rounding,
    sections: report.sections
      .map((section) => ({
        ...section,
        indicators: section.indicators
          .filter((indicator) => (publicIndicatorIds as IndicatorId[]).includes(indicator.id))
          .map((indicator) => {
            const [current, previous] = [publish(indicator, 'value'), publish(indicator, 'previous')]
            return {
              ...indicator,
              rows: indicator.rows.map((row, index) => ({
                key: row.key,
                labels: row.labels,
                value: current.cells[index]!,
                previous: previous.cells[index]!,
              })),
              total: { value: current.total, previous: previous.total },
            }
          }),
      }))
      .filter((section) => section.indicators.length > 0),
  }
}
