import { type FormEvent, useCallback, useEffect, useId, useMemo, useState } from 'react'
import { useTranslation } from 'react-i18next'
import {
  type PresentedIndicator,
  type PresentedReport,
  type ReportFormat,
  type ReportSection,
  reportSections,
} from '../../../common/contracts/reporting.ts'
import { fiscalYearOf } from '../../../common/periods.ts'
import { createReportFormatter, type ReportFormatter } from '../../../common/report-format.ts'
import { ApiError } from '../../shared/api.ts'
import { ErrorAlert } from '../../shared/fields.tsx'
import { ScrollRegion } from '../ScrollRegion.tsx'
import { useConsole } from '../session.tsx'
import { ReportChart } from './ReportChart.tsx'
import './reports.css'

type Kind = 'fiscal_year' | 'quarter' | 'month' | 'custom'
interface Choice {
  kind: Kind
  year: string
  quarter: string
  month: string
  from: string
  to: string
}

/** The fiscal years an analyst may pick: the line's first (2019-20) to the current one. */
function fiscalYears(today: string): string[] {
  const last = Number(fiscalYearOf(today).slice(0, 4))
  return Array.from({ length: last - 2019 + 1 }, (_, i) => {
    const start = last - i
    return `${start}-${String((start + 1) % 100).padStart(2, '0')}`
  })
}

function periodOf(choice: Choice): string {
  switch (choice.kind) {
    case 'fiscal_year':
      return choice.year
    case 'quarter':
      return `${choice.year}-${choice.quarter}`
    case 'month':
      return choice.month
    case 'custom':
      return `${choice.from}..${choice.to}`
  }
}

/**
 * The reports area: every indicator of a period beside the period before it, as charts and tables
 * in the console's language, each with its definition; the funder's report as a PDF, a spreadsheet
 * or a CSV file of the same figures.
 */
export function ReportsPage() {
  const { t, i18n } = useTranslation('reports')
  const { api } = useConsole()
  const lang = i18n.language === 'fr' ? 'fr' : 'en'
  const today = new Date().toISOString().slice(0, 10)
  const years = useMemo(() => fiscalYears(today), [today])
  const [choice, setChoice] = useState<Choice>({
    kind: 'fiscal_year',
    year: years[1] ?? years[0]!,
    quarter: 'Q1',
    month: today.slice(0, 7),
    from: '',
    to: '',
  })
  const [shown, setShown] = useState<ReportSection | 'all'>('all')
  const [report, setReport] = useState<PresentedReport | null>(null)
  // The period asked for, and how many times: asking again reads the figures again.
  const [asked, setAsked] = useState<{ period: string; times: number } | null>(null)
  const period = asked?.period ?? null
  const [error, setError] = useState<ApiError | null>(null)
  const [loading, setLoading] = useState(false)
  const ids = {
    kind: useId(),
    year: useId(),
    quarter: useId(),
    month: useId(),
    from: useId(),
    to: useId(),
    show: useId(),
  }
  const format = useMemo(
    () => createReportFormatter(lang, (key, values) => t(`render.${key}`, values)),
    [lang, t],
  )

  const load = useCallback(
    async (wanted: string) => {
      setLoading(true)
      setError(null)
      try {
        setReport(await api.get<PresentedReport>('/api/reports', { period: wanted, lang }))
      } catch (caught) {
        setError(caught instanceof ApiError ? caught : null)
        setReport(null)
      } finally {
        setLoading(false)
      }
    },
    [api, lang],
  )
  // Read when asked, and again in the new language when the language changes.
  useEffect(() => {
    if (asked) void load(asked.period)
  }, [load, asked])

  const handleSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault()
    setAsked((current) => ({ period: periodOf(choice), times: (current?.times ?? 0) + 1 }))
  }
  const set = (field: keyof Choice) => (event: { target: { value: string } }) =>
    setChoice((current) => ({ ...current, [field]: event.target.value }))
  const exportUrl = (fileFormat: ReportFormat) =>
    `/api/reports/export?${new URLSearchParams({ period: period ?? '', format: fileFormat, lang })}`

  return (
    <>
      <h1>{t('console.heading')}</h1>
      <p>{t('console.intro')}</p>
      <form onSubmit={handleSubmit} className="panel filters" noValidate>
        <h2>{t('console.period')}</h2>
        <div className="form-grid">
          <div className="field">
            <label htmlFor={ids.kind}>{t('console.kind')}</label>
            <select id={ids.kind} value={choice.kind} onChange={set('kind')}>
              {(['fiscal_year', 'quarter', 'month', 'custom'] as const).map((kind) => (
                <option key={kind} value={kind}>
                  {t(`console.kinds.${kind}`)}
                </option>
              ))}
            </select>
          </div>
          {(choice.kind === 'fiscal_year' || choice.kind === 'quarter') && (
            <div className="field">
              <label htmlFor={ids.year}>{t('console.fiscalYear')}</label>
              <select id={ids.year} value={choice.year} onChange={set('year')}>
                {years.map((year) => (
                  <option key={year} value={year}>
                    {year}
                  </option>
                ))}
              </select>
            </div>
          )}
          {choice.kind === 'quarter' && (
            <div className="field">
              <label htmlFor={ids.quarter}>{t('console.quarter')}</label>
              <select id={ids.quarter} value={choice.quarter} onChange={set('quarter')}>
                {['Q1', 'Q2', 'Q3', 'Q4'].map((quarter) => (
                  <option key={quarter} value={quarter}>
                    {t(`console.quarters.${quarter}`)}
                  </option>
                ))}
              </select>
            </div>
          )}
          {choice.kind === 'month' && (
            <div className="field">
              <label htmlFor={ids.month}>{t('console.month')}</label>
              <input id={ids.month} type="month" value={choice.month} onChange={set('month')} />
            </div>
          )}
          {choice.kind === 'custom' && (
            <>
              <div className="field">
                <label htmlFor={ids.from}>{t('console.from')}</label>
                <input id={ids.from} type="date" value={choice.from} onChange={set('from')} />
              </div>
              <div className="field">
                <label htmlFor={ids.to}>{t('console.to')}</label>
                <input id={ids.to} type="date" value={choice.to} onChange={set('to')} />
              </div>
            </>
          )}
          <div className="field">
            <label htmlFor={ids.show}>{t('console.show')}</label>
            <select
              id={ids.show}
              value={shown}
              onChange={(event) => setShown(event.target.value as ReportSection | 'all')}
            >
              <option value="all">{t('console.allSections')}</option>
              {reportSections.map((section) => (
                <option key={section} value={section}>
                  {t(`sections.${section}`)}
                </option>
              ))}
            </select>
          </div>
        </div>
        <div className="actions">
          <button type="submit" disabled={loading}>
            {t('console.apply')}
          </button>
        </div>
      </form>
      <ErrorAlert error={error} />
      {loading && <p role="status">{t('console.loading')}</p>}
      {report && !loading && (
        <>
          <section className="panel report-about" aria-labelledby="report-about">
            <h2 id="report-about">
              {t('console.figuresFor', { period: report.periodLabel, previous: report.previousLabel })}
            </h2>
            <p>
              {t('console.provenance', {
                version: report.definitionsVersion,
                timeZone: report.timeZone,
                generatedAt: format.instant(report.generatedAt, report.timeZone),
              })}{' '}
              <code className="fingerprint">{report.fingerprint.slice(0, 16)}</code>
            </p>
            <p className="actions">
              {(['pdf', 'xlsx', 'csv'] as const).map((fileFormat) => (
                <a key={fileFormat} className="button secondary" href={exportUrl(fileFormat)} download>
                  {t(`console.download.${fileFormat}`)}
                </a>
              ))}
            </p>
          </section>
          {report.sections
            .filter((section) => shown === 'all' || section.id === shown)
            .map((section) => (
              <section key={section.id} className="report-section" aria-labelledby={`section-${section.id}`}>
                <h2 id={`section-${section.id}`}>{section.title}</h2>
                {section.indicators.map((indicator) => (
                  <Indicator key={indicator.id} indicator={indicator} report={report} format={format} />
                ))}
              </section>
            ))}
        </>
      )}
    </>
  )
}

function Indicator({
  indicator,
  report,
  format,
}: {
  indicator: PresentedIndicator
  report: PresentedReport
  format: ReportFormatter
}) {
  const { t } = useTranslation('reports')
  const headingId = useId()
  return (
    <article className="report-indicator" aria-labelledby={headingId}>
      <h3 id={headingId}>{indicator.title}</h3>
      <p className="definition">{indicator.definition}</p>
      {indicator.chart !== 'none' && <ReportChart indicator={indicator} report={report} format={format} />}
      <ScrollRegion label={indicator.title}>
        <table>
          <caption className="visually-hidden">{indicator.title}</caption>
          <thead>
            <tr>
              {indicator.dimensions.map((dimension) => (
                <th key={dimension.id} scope="col">
                  {dimension.label}
                </th>
              ))}
              <th scope="col" className="number">
                {report.periodLabel}
              </th>
              <th scope="col" className="number">
                {report.previousLabel}
              </th>
              <th scope="col" className="number">
                {t('console.change')}
              </th>
            </tr>
          </thead>
          <tbody>
            {indicator.rows.map((row) => (
              <tr key={row.key.join('|') || 'total'}>
                {row.labels.map((label, index) => (
                  <th key={indicator.dimensions[index]!.id} scope="row">
                    {label}
                  </th>
                ))}
                <td className="number">{format.value(indicator.unit, row.value)}</td>
                <td className="number">{format.value(indicator.unit, row.previous)}</td>
                <td className="number">{format.change(indicator.unit, row.value, row.previous)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </ScrollRegion>
    </article>
  )
}
