import type { IndicatorUnit, PresentedReport } from './contracts/reporting.ts'

/**
 * How a report's figures are written, shared by its PDF, spreadsheet and CSV: as a person reads them
 * in the report's language (counts with the language's thousands separators, shares as percents
 * with one decimal, durations in minutes and seconds), as spreadsheet number formats, and as plain
 * decimals for machines. The words come from `common/locales/<lang>/reports.json`, under `render`,
 * through the `text` function given (the server's translator, or the console's).
 */

export type ReportLang = PresentedReport['lang']

/** What stands where a measure has nothing to measure. */
export const missing = '—'

const locales: Record<ReportLang, string> = { en: 'en-CA', fr: 'fr-CA' }

export interface ReportFormatter {
  /** The Intl locale: `en-CA` or `fr-CA`. */
  locale: string
  /** A `render.*` string of reports.json, with its ICU values. */
  text(key: string, values?: Record<string, unknown>): string
  /** A value as a person reads it; `—` for null. */
  value(unit: IndicatorUnit, value: number | null): string
  /** A value on a chart's axis: as `value`, without the decimals a round step does not need. */
  tick(unit: IndicatorUnit, value: number): string
  /** The change from the previous period, signed: percent for counts and durations, points for shares. */
  change(unit: IndicatorUnit, value: number | null, previous: number | null): string
  /** A calendar day (`2021-04-01`) written out. */
  day(day: string): string
  /** An instant in the given time zone. */
  instant(iso: string, timeZone: string): string
}

export function createReportFormatter(
  lang: ReportLang,
  text: (key: string, values?: Record<string, unknown>) => string,
): ReportFormatter {
  const locale = locales[lang]
  const integer = new Intl.NumberFormat(locale, { maximumFractionDigits: 0 })
  const percent = new Intl.NumberFormat(locale, {
    style: 'percent',
    minimumFractionDigits: 1,
    maximumFractionDigits: 1,
  })
  const roundPercent = new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 1 })
  const signedPercent = new Intl.NumberFormat(locale, {
    style: 'percent',
    minimumFractionDigits: 1,
    maximumFractionDigits: 1,
    signDisplay: 'exceptZero',
  })
  const signedDecimal = new Intl.NumberFormat(locale, {
    minimumFractionDigits: 1,
    maximumFractionDigits: 1,
    signDisplay: 'exceptZero',
  })
  const duration = (total: number) => {
    const whole = Math.round(total)
    const [hours, minutes, seconds] = [Math.floor(whole / 3600), Math.floor(whole / 60) % 60, whole % 60]
    const two = (n: number) => String(n).padStart(2, '0')
    if (hours > 0)
      return text('duration.hours', {
        hours: integer.format(hours),
        minutes: two(minutes),
        seconds: two(seconds),
      })
    if (minutes > 0) return text('duration.minutes', { minutes, seconds: two(seconds) })
    return text('duration.seconds', { seconds })
  }
  const days = new Intl.DateTimeFormat(locale, { dateStyle: 'long', timeZone: 'UTC' })
  const value = (unit: IndicatorUnit, value: number | null) => {
    if (value === null) return missing
    if (unit === 'share') return percent.format(value)
    if (unit === 'seconds') return duration(value)
    return integer.format(value)
  }
  return {
    locale,
    text,
    value,
    tick: (unit, tick) => (unit === 'share' ? roundPercent.format(tick) : value(unit, tick)),
    change(unit, value, previous) {
      const change = changeOf(unit, value, previous)
      if (change === null) return missing
      return unit === 'share'
        ? text('points', { points: signedDecimal.format(change) })
        : signedPercent.format(change)
    },
    // French writes the first of a month as an ordinal: 1er avril 2021.
    day: (day) =>
      days
        .formatToParts(new Date(`${day}T00:00:00Z`))
        .map((part) => (lang === 'fr' && part.type === 'day' && part.value === '1' ? '1er' : part.value))
        .join(''),
    instant: (iso, timeZone) =>
      new Intl.DateTimeFormat(locale, { dateStyle: 'long', timeStyle: 'short', timeZone }).format(
        new Date(iso),
      ),
  }
}

/** What a report is about, as label and value pairs: its periods, time zone, making and data. */
export function aboutReport(
  report: PresentedReport,
  f: ReportFormatter,
): { label: string; value: string /** Machine text, best in a fixed-width font. */; code?: true }[] {
  const dates = (range: PresentedReport['period']) =>
    f.text('about.dates', { from: f.day(range.from), to: f.day(range.to) })
  return [
    {
      label: f.text('about.period'),
      value: `${report.periodLabel} (${report.period.label}) — ${dates(report.period)}`,
    },
    {
      label: f.text('about.previous'),
      value: `${report.previousLabel} (${report.previous.label}) — ${dates(report.previous)}`,
    },
    { label: f.text('about.timeZone'), value: report.timeZone },
    { label: f.text('about.generatedAt'), value: f.instant(report.generatedAt, report.timeZone) },
    { label: f.text('about.language'), value: f.text('about.languageName') },
    { label: f.text('about.definitionsVersion'), value: report.definitionsVersion },
    { label: f.text('about.fingerprint'), value: report.fingerprint, code: true },
  ]
}

/**
 * The change from the previous period as a number: relative (0.1 for +10 %) for counts and
 * durations, in percentage points (2.5 for 0.20 to 0.225) for shares; null when either side is
 * missing, or a relative change would divide by zero.
 */
export function changeOf(unit: IndicatorUnit, value: number | null, previous: number | null): number | null {
  if (value === null || previous === null) return null
  if (unit === 'share') return (value - previous) * 100
  if (previous === 0) return null
  return (value - previous) / previous
}

/** Spreadsheet number formats of a value, by unit (durations are plain seconds). */
export const spreadsheetFormats: Record<IndicatorUnit, string> = {
  count: '#,##0',
  share: '0.0%',
  seconds: '0',
}

/** Spreadsheet number format of a change, by unit (see `changeOf`). */
export const spreadsheetChangeFormats: Record<IndicatorUnit, string> = {
  count: '+0.0%;-0.0%;0.0%',
  share: '+0.0;-0.0;0.0',
  seconds: '+0.0%;-0.0%;0.0%',
}

/** A value for machines: a plain decimal with a dot and no exponent (`0.221`), empty for null. */
export function plainNumber(value: number | null): string {
  if (value === null) return ''
  const text = String(value)
  if (!/e/i.test(text)) return text
  return value.toFixed(20).replace(/\.?0+$/, '')
}
