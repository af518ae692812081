import {
  type Dimension,
  indicators,
  type PeriodRange,
  type PresentedReport,
  type Report,
  reportSections,
} from '../../common/contracts/reporting.ts'
import { provinceCode, provinces } from '../../common/geography.ts'
import { chatLanguages } from '../../common/languages.ts'
import type { Translator } from '../http/i18n.ts'

/**
 * A report as a person reads it, in one language: titles, definitions and the label of every
 * category. The console, the PDF, the spreadsheet and the CSV all show this one shape, so a figure
 * reads the same wherever it is seen.
 */
export function presentReport(report: Report, lang: 'en' | 'fr', translator: Translator): PresentedReport {
  const t = (key: string) => translator.t(lang, `reports:${key}`)
  const label = labeller(lang, translator)
  return {
    lang,
    title: t('title'),
    periodLabel: periodLabel(report.period, lang),
    previousLabel: periodLabel(report.previous, lang),
    period: report.period,
    previous: report.previous,
    timeZone: report.timeZone,
    definitionsVersion: report.definitionsVersion,
    fingerprint: report.fingerprint,
    generatedAt: report.generatedAt,
    sections: reportSections
      .map((section) => ({
        id: section,
        title: t(`sections.${section}`),
        indicators: report.indicators
          .filter((indicator) => indicators[indicator.id].section === section)
          .map((indicator) => {
            const spec = indicators[indicator.id]
            return {
              id: indicator.id,
              title: t(`indicators.${indicator.id}.title`),
              definition: t(`indicators.${indicator.id}.definition`),
              unit: spec.unit,
              chart: spec.chart,
              dimensions: spec.dimensions.map((id) => ({ id, label: t(`dimensions.${id}`) })),
              rows: indicator.rows.map((row) => ({
                ...row,
                labels: row.key.map((value, index) => label(spec.dimensions[index]!, value)),
              })),
            }
          }),
      }))
      .filter((section) => section.indicators.length > 0),
  }
}

const stateValues = new Set(['unknown', 'declined', 'not_asked', 'unclassified'])

function labeller(lang: 'en' | 'fr', translator: Translator) {
  const t = (key: string) => translator.t(lang, key)
  const months = new Intl.DateTimeFormat(`${lang}-CA`, { month: 'long', year: 'numeric', timeZone: 'UTC' })
  return (dimension: Dimension, value: string): string => {
    if (stateValues.has(value)) return t(`reports:values.${value}`)
    switch (dimension) {
      case 'channel':
        return t(`workspace:channel.${value}`)
      case 'classification':
        return t(`workspace:wrapUp.classes.${value}`)
      case 'caller_type':
        return t(`workspace:wrapUp.callerTypes.${value}`)
      case 'province': {
        const code = provinceCode(value)
        return code ? provinces[code][lang] : value
      }
      case 'language':
        return chatLanguages.find((language) => language.code === value)?.[lang] ?? value
      case 'month':
        return months.format(new Date(`${value}-01T00:00:00Z`))
      case 'trafficking_type':
        return t(`cases:htcds.vic_TypeOfExploitation.${value}`)
      case 'gender':
        return t(`cases:htcds.prs_Gender.${value}`)
      case 'age_band':
        return t(`cases:ageBand.${value}`)
      case 'need':
        return t(`cases:needKind.${value}`)
      case 'outcome':
        return t(`referrals:outcome.${value}`)
      case 'escalation_kind':
        return t(`escalations:kind.${value}`)
    }
  }
}

/** `2021-22` reads "2021-22 fiscal year" / "exercice 2021-2022"; custom dates read as dates. */
export function periodLabel(period: PeriodRange, lang: 'en' | 'fr'): string {
  const day = new Intl.DateTimeFormat(`${lang}-CA`, { dateStyle: 'long', timeZone: 'UTC' })
  const date = (text: string) => day.format(new Date(`${text}T00:00:00Z`))
  const fiscal = (label: string) => {
    const start = Number(label.slice(0, 4))
    return lang === 'fr' ? `exercice ${start}-${start + 1}` : `fiscal year ${label.slice(0, 7)}`
  }
  switch (period.kind) {
    case 'fiscal_year':
      return fiscal(period.label)
    case 'quarter':
      return `${lang === 'fr' ? 'T' : 'Q'}${period.label.slice(-1)} ${fiscal(period.label)}`
    case 'month':
      return new Intl.DateTimeFormat(`${lang}-CA`, {
        month: 'long',
        year: 'numeric',
        timeZone: 'UTC',
      }).format(new Date(`${period.from}T00:00:00Z`))
    case 'custom':
      return `${date(period.from)} – ${date(period.to)}`
  }
}
