import { useTranslation } from 'react-i18next'
import type { PresentedIndicator, PresentedReport } from '../../../common/contracts/reporting.ts'
import type { ReportFormatter } from '../../../common/report-format.ts'

/**
 * An indicator drawn as SVG: months as columns (the period's beside the previous period's), other
 * categories as horizontal bars. The chart is a picture of the table below it, which holds the same
 * figures for screen readers; the picture is named for what it shows.
 */
export function ReportChart({
  indicator,
  report,
  format,
}: {
  indicator: PresentedIndicator
  report: PresentedReport
  format: ReportFormatter
}) {
  const { t } = useTranslation('reports')
  const rows = indicator.rows.filter((row) => row.value !== null || row.previous !== null)
  const max = Math.max(0, ...rows.flatMap((row) => [row.value ?? 0, row.previous ?? 0]))
  const label = t('console.chartOf', { title: indicator.title })
  const legend = (
    <p className="chart-legend" aria-hidden="true">
      <span className="swatch current" /> {report.periodLabel} <span className="swatch previous" />{' '}
      {report.previousLabel}
    </p>
  )
  if (rows.length === 0 || max === 0) return null

  if (indicator.chart === 'time_series') {
    const width = 720
    const height = 200
    const band = width / rows.length
    const bar = Math.max(2, band / 2 - 3)
    const shortMonth = new Intl.DateTimeFormat(format.locale, { month: 'short', timeZone: 'UTC' })
    const y = (value: number | null) => ((value ?? 0) / max) * (height - 30)
    return (
      <figure className="report-chart">
        <svg viewBox={`0 0 ${width} ${height}`} role="img" aria-label={label}>
          {rows.map((row, index) => {
            const x = index * band
            return (
              <g key={row.key.join('|')}>
                <rect
                  className="previous"
                  x={x + 2}
                  y={height - 20 - y(row.previous)}
                  width={bar}
                  height={y(row.previous)}
                />
                <rect
                  className="current"
                  x={x + 2 + bar}
                  y={height - 20 - y(row.value)}
                  width={bar}
                  height={y(row.value)}
                />
                <text x={x + band / 2} y={height - 5} textAnchor="middle" className="tick">
                  {shortMonth.format(new Date(`${row.key[0]}-01T00:00:00Z`))}
                </text>
              </g>
            )
          })}
        </svg>
        {legend}
      </figure>
    )
  }

  const rowHeight = 22
  const labelWidth = 230
  const width = 720
  const barWidth = width - labelWidth - 90
  const height = rows.length * rowHeight + 4
  const w = (value: number | null) => ((value ?? 0) / max) * barWidth
  return (
    <figure className="report-chart">
      <svg viewBox={`0 0 ${width} ${height}`} role="img" aria-label={label}>
        {rows.map((row, index) => {
          const top = index * rowHeight + 2
          return (
            <g key={row.key.join('|')}>
              <text x={labelWidth - 6} y={top + 14} textAnchor="end" className="tick">
                {row.labels.join(' · ').slice(0, 36)}
              </text>
              <rect className="previous" x={labelWidth} y={top + 12} width={w(row.previous)} height={6} />
              <rect className="current" x={labelWidth} y={top + 2} width={w(row.value)} height={10} />
              <text x={labelWidth + w(row.value) + 4} y={top + 11} className="tick">
                {format.value(indicator.unit, row.value)}
              </text>
            </g>
          )
        })}
      </svg>
      {legend}
    </figure>
  )
}
