import { z } from 'zod'

/**
 * Reporting: the indicators an operator reports to its funder and publishes, computed for a period
 * and compared with the period before it. Each indicator is one measure broken down by at most two
 * dimensions; its definition (common/locales/<lang>/reports.json) says exactly what it counts, and
 * `definitionsVersion` changes whenever one of them does, so a report can be reproduced.
 */

/** Bumped whenever an indicator's definition (what it counts, how) changes. */
export const definitionsVersion = '2026.1'

export const reportSections = [
  'signals',
  'cases',
  'referrals',
  'escalations',
  'service_levels',
  'coverage',
] as const
export type ReportSection = (typeof reportSections)[number]

export const dimensions = [
  'channel',
  'classification',
  'province',
  'caller_type',
  'language',
  'month',
  'trafficking_type',
  'gender',
  'age_band',
  'need',
  'outcome',
  'escalation_kind',
] as const
export type Dimension = (typeof dimensions)[number]

/** What a value is: a count, a share of a whole (0 to 1), or a duration in seconds. */
export type IndicatorUnit = 'count' | 'share' | 'seconds'
/** How the console and the PDF draw it. */
export type IndicatorChart = 'none' | 'bars' | 'time_series' | 'province_bars'

export interface IndicatorSpec {
  section: ReportSection
  unit: IndicatorUnit
  dimensions: readonly Dimension[]
  chart: IndicatorChart
  /** Whether it may be published as public statistics (counts of people and contacts only). */
  publishable: boolean
}

/** Every indicator, in the order reports show them. */
export const indicators = {
  'signals.total': { section: 'signals', unit: 'count', dimensions: [], chart: 'none', publishable: true },
  'signals.by_month': {
    section: 'signals',
    unit: 'count',
    dimensions: ['month'],
    chart: 'time_series',
    publishable: true,
  },
  'signals.by_channel': {
    section: 'signals',
    unit: 'count',
    dimensions: ['channel'],
    chart: 'bars',
    publishable: true,
  },
  'signals.by_classification': {
    section: 'signals',
    unit: 'count',
    dimensions: ['classification'],
    chart: 'bars',
    publishable: true,
  },
  'signals.by_province': {
    section: 'signals',
    unit: 'count',
    dimensions: ['province'],
    chart: 'province_bars',
    publishable: true,
  },
  'signals.by_caller_type': {
    section: 'signals',
    unit: 'count',
    dimensions: ['caller_type'],
    chart: 'bars',
    publishable: true,
  },
  'signals.by_language': {
    section: 'signals',
    unit: 'count',
    dimensions: ['language'],
    chart: 'bars',
    publishable: true,
  },
  'signals.trafficking': {
    section: 'signals',
    unit: 'count',
    dimensions: [],
    chart: 'none',
    publishable: true,
  },
  'signals.trafficking_by_month': {
    section: 'signals',
    unit: 'count',
    dimensions: ['month'],
    chart: 'time_series',
    publishable: true,
  },
  'cases.opened': { section: 'cases', unit: 'count', dimensions: [], chart: 'none', publishable: true },
  'cases.active': { section: 'cases', unit: 'count', dimensions: [], chart: 'none', publishable: true },
  'cases.closed': { section: 'cases', unit: 'count', dimensions: [], chart: 'none', publishable: true },
  'cases.by_trafficking_type': {
    section: 'cases',
    unit: 'count',
    dimensions: ['trafficking_type'],
    chart: 'bars',
    publishable: true,
  },
  'victims.total': { section: 'cases', unit: 'count', dimensions: [], chart: 'none', publishable: true },
  'victims.by_gender': {
    section: 'cases',
    unit: 'count',
    dimensions: ['gender'],
    chart: 'bars',
    publishable: true,
  },
  'victims.by_age_band': {
    section: 'cases',
    unit: 'count',
    dimensions: ['age_band'],
    chart: 'bars',
    publishable: true,
  },
  'victims.by_province': {
    section: 'cases',
    unit: 'count',
    dimensions: ['province'],
    chart: 'province_bars',
    publishable: true,
  },
  'referrals.total': {
    section: 'referrals',
    unit: 'count',
    dimensions: [],
    chart: 'none',
    publishable: true,
  },
  'referrals.by_need': {
    section: 'referrals',
    unit: 'count',
    dimensions: ['need'],
    chart: 'bars',
    publishable: true,
  },
  'referrals.by_outcome': {
    section: 'referrals',
    unit: 'count',
    dimensions: ['outcome'],
    chart: 'bars',
    publishable: true,
  },
  'needs.requested_share': {
    section: 'referrals',
    unit: 'share',
    dimensions: ['need'],
    chart: 'bars',
    publishable: false,
  },
  'escalations.by_kind': {
    section: 'escalations',
    unit: 'count',
    dimensions: ['escalation_kind'],
    chart: 'bars',
    publishable: true,
  },
  'service.wait_average': {
    section: 'service_levels',
    unit: 'seconds',
    dimensions: ['channel'],
    chart: 'bars',
    publishable: false,
  },
  'service.wait_p90': {
    section: 'service_levels',
    unit: 'seconds',
    dimensions: ['channel'],
    chart: 'bars',
    publishable: false,
  },
  'service.handling_average': {
    section: 'service_levels',
    unit: 'seconds',
    dimensions: ['channel'],
    chart: 'bars',
    publishable: false,
  },
  'service.unanswered_share': {
    section: 'service_levels',
    unit: 'share',
    dimensions: ['channel'],
    chart: 'bars',
    publishable: false,
  },
  'coverage.providers_share': {
    section: 'coverage',
    unit: 'share',
    dimensions: ['province'],
    chart: 'province_bars',
    publishable: false,
  },
  'coverage.trafficking_signals_share': {
    section: 'coverage',
    unit: 'share',
    dimensions: ['province'],
    chart: 'province_bars',
    publishable: false,
  },
  'coverage.victims_share': {
    section: 'coverage',
    unit: 'share',
    dimensions: ['province'],
    chart: 'province_bars',
    publishable: false,
  },
} as const satisfies Record<string, IndicatorSpec>

export type IndicatorId = keyof typeof indicators
export const indicatorIds = Object.keys(indicators) as IndicatorId[]

/** A value of a dimension the person did not share, or the line did not record. */
export const unknownValue = 'unknown'

// ---------------------------------------------------------------------------------------------------
// Figures as computed (language-free)

export interface ReportRow {
  /** One value per dimension of the indicator, in its order (codes: `ON`, `voice`, `2021-04`, ...). */
  key: string[]
  /** Null where a measure has nothing to measure (an average over no contact). */
  value: number | null
  previous: number | null
}

export interface IndicatorResult {
  id: IndicatorId
  rows: ReportRow[]
}

export interface PeriodRange {
  kind: PeriodKind
  /** As written by the user: `2021-22`, `2021-22-Q1`, `2021-04`, `2021-04-01..2021-06-30`. */
  label: string
  /** First and last day, inclusive, in the hotline's time zone. */
  from: string
  to: string
}

export interface Report {
  period: PeriodRange
  previous: PeriodRange
  timeZone: string
  definitionsVersion: string
  /** SHA-256 over the rows the report read (ids and last changes), to tell whether data changed. */
  fingerprint: string
  generatedAt: string
  indicators: IndicatorResult[]
}

// ---------------------------------------------------------------------------------------------------
// Figures as read by a person (one language), for the console and every export format

export interface PresentedRow extends ReportRow {
  labels: string[]
}

export interface PresentedIndicator {
  id: IndicatorId
  title: string
  definition: string
  unit: IndicatorUnit
  chart: IndicatorChart
  dimensions: { id: Dimension; label: string }[]
  rows: PresentedRow[]
}

export interface PresentedReport {
  lang: 'en' | 'fr'
  title: string
  periodLabel: string
  previousLabel: string
  period: PeriodRange
  previous: PeriodRange
  timeZone: string
  definitionsVersion: string
  fingerprint: string
  generatedAt: string
  sections: { id: ReportSection; title: string; indicators: PresentedIndicator[] }[]
}

// ---------------------------------------------------------------------------------------------------
// Periods

export const periodKinds = ['fiscal_year', 'quarter', 'month', 'custom'] as const
export type PeriodKind = (typeof periodKinds)[number]

export const reportFormats = ['pdf', 'xlsx', 'csv', 'json'] as const
export type ReportFormat = (typeof reportFormats)[number]

export const reportQuery = z.strictObject({
  period: z.string().trim().min(1).max(40),
  indicators: z.string().max(2_000).optional(),
  lang: z.enum(['en', 'fr']).optional(),
})

export const reportExportQuery = reportQuery.extend({ format: z.enum(reportFormats) })

export const publicStatisticsQuery = z.strictObject({
  period: z.string().trim().min(1).max(40),
  lang: z.enum(['en', 'fr']).optional(),
})

const periodRange = z.object({
  kind: z.enum(periodKinds),
  label: z.string(),
  from: z.string(),
  to: z.string(),
})

/** An indicator as the API returns it, its figures of the given schema (a number, or also `x`). */
const indicatorSchema = <F extends z.ZodType>(figure: F) =>
  z.object({
    id: z.enum(indicatorIds as [IndicatorId, ...IndicatorId[]]),
    title: z.string(),
    definition: z.string(),
    unit: z.enum(['count', 'share', 'seconds']),
    chart: z.enum(['none', 'bars', 'time_series', 'province_bars']),
    dimensions: z.array(z.object({ id: z.enum(dimensions), label: z.string() })),
    rows: z.array(
      z.object({ key: z.array(z.string()), labels: z.array(z.string()), value: figure, previous: figure }),
    ),
  })

const sectionsSchema = <I extends z.ZodType>(indicator: I) =>
  z.array(z.object({ id: z.enum(reportSections), title: z.string(), indicators: z.array(indicator) }))

/** The report as the API returns it (`PresentedReport`). */
export const presentedReportSchema = z.object({
  lang: z.enum(['en', 'fr']),
  title: z.string(),
  periodLabel: z.string(),
  previousLabel: z.string(),
  period: periodRange,
  previous: periodRange,
  timeZone: z.string(),
  definitionsVersion: z.string(),
  fingerprint: z.string(),
  generatedAt: z.string(),
  sections: sectionsSchema(indicatorSchema(z.number().nullable())),
}) satisfies z.ZodType<PresentedReport>

const publishedFigure = z.union([z.number(), z.literal('x')])

/** Public trend statistics as the API returns them: the publishable indicators, protected. */
export const publicStatisticsSchema = presentedReportSchema.omit({ sections: true }).extend({
  threshold: z.number(),
  rounding: z.enum(['none', 'base5']),
  sections: sectionsSchema(
    indicatorSchema(publishedFigure).extend({
      total: z.object({ value: publishedFigure, previous: publishedFigure }),
    }),
  ),
})
export type PublicStatistics = z.infer<typeof publicStatisticsSchema>
