import { createHash } from 'node:crypto'
import {
  type Dimension,
  definitionsVersion,
  type IndicatorId,
  indicatorIds,
  indicators,
  type PeriodRange,
  type PresentedIndicator,
  type PresentedReport,
  type PresentedRow,
  type ReportSection,
  reportSections,
  unknownValue,
} from '../../../common/contracts/reporting.ts'
import { provinceCodes, provinces } from '../../../common/geography.ts'
import { monthsOf, parsePeriod, previousPeriod } from '../../../common/periods.ts'
import type { ReportLang } from './format.ts'

/**
 * A funder's report as the presenter hands it to the renderers, made by hand for tests: every
 * section and indicator of the catalogue (so every kind of chart), all 13 provinces and territories,
 * twelve months, shares, durations, missing measures and French accents. Figures come from a seeded
 * generator, so tests compare what a renderer wrote with the report, never with copied numbers.
 */

type Bilingual = { en: string; fr: string }

const sectionTitles: Record<ReportSection, Bilingual> = {
  signals: { en: 'Signals', fr: 'Signalements' },
  cases: { en: 'Cases and victims', fr: 'Dossiers et victimes' },
  referrals: { en: 'Referrals and needs', fr: 'Orientations et besoins' },
  escalations: { en: 'Escalations', fr: 'Signalements aux autorités' },
  service_levels: { en: 'Service levels', fr: 'Niveaux de service' },
  coverage: { en: 'Coverage', fr: 'Couverture' },
}

const texts: Record<IndicatorId, { title: Bilingual; definition: Bilingual }> = {
  'signals.total': {
    title: { en: 'Signals received', fr: 'Signalements reçus' },
    definition: {
      en: 'Every call, message, chat and form received during the period, on any channel.',
      fr: 'Chaque appel, message, clavardage et formulaire reçu pendant la période, par tout canal.',
    },
  },
  'signals.by_month': {
    title: { en: 'Signals by month', fr: 'Signalements par mois' },
    definition: {
      en: 'Signals received, by the month of their arrival in the hotline’s time zone.',
      fr: 'Signalements reçus, selon le mois de leur arrivée dans le fuseau horaire de la ligne.',
    },
  },
  'signals.by_channel': {
    title: { en: 'Signals by channel', fr: 'Signalements par canal' },
    definition: {
      en: 'Signals received, by the channel the person used first.',
      fr: 'Signalements reçus, selon le canal que la personne a d’abord utilisé.',
    },
  },
  'signals.by_classification': {
    title: { en: 'Signals by classification', fr: 'Signalements par classement' },
    definition: {
      en: 'Signals by the classification the advocate gave at wrap-up.',
      fr: 'Signalements selon le classement donné par l’intervenant à la clôture.',
    },
  },
  'signals.by_province': {
    title: { en: 'Signals by province or territory', fr: 'Signalements par province ou territoire' },
    definition: {
      en: 'Signals by the province or territory the person was in, when they said.',
      fr: 'Signalements selon la province ou le territoire où se trouvait la personne, si elle l’a dit.',
    },
  },
  'signals.by_caller_type': {
    title: { en: 'Signals by type of caller', fr: 'Signalements par type d’appelant' },
    definition: {
      en: 'Signals by who reached out: a victim, a survivor, someone concerned or a professional.',
      fr: 'Signalements selon qui a communiqué : victime, survivante, proche inquiet ou professionnel.',
    },
  },
  'signals.by_language': {
    title: { en: 'Signals by language', fr: 'Signalements par langue' },
    definition: {
      en: 'Signals by the language of the conversation, interpreted or not.',
      fr: 'Signalements selon la langue de la conversation, avec ou sans interprète.',
    },
  },
  'signals.trafficking': {
    title: { en: 'Signals about trafficking', fr: 'Signalements liés à la traite' },
    definition: {
      en: 'Signals classified as human trafficking, possible or confirmed.',
      fr: 'Signalements classés comme traite de personnes, possible ou avérée.',
    },
  },
  'signals.trafficking_by_month': {
    title: { en: 'Signals about trafficking by month', fr: 'Signalements liés à la traite par mois' },
    definition: {
      en: 'Signals classified as trafficking, by month of arrival.',
      fr: 'Signalements classés comme traite, selon le mois d’arrivée.',
    },
  },
  'cases.opened': {
    title: { en: 'Cases opened', fr: 'Dossiers ouverts' },
    definition: { en: 'Cases opened during the period.', fr: 'Dossiers ouverts pendant la période.' },
  },
  'cases.active': {
    title: { en: 'Active cases', fr: 'Dossiers actifs' },
    definition: {
      en: 'Cases open at any moment of the period.',
      fr: 'Dossiers ouverts à un moment quelconque de la période.',
    },
  },
  'cases.closed': {
    title: { en: 'Cases closed', fr: 'Dossiers fermés' },
    definition: { en: 'Cases closed during the period.', fr: 'Dossiers fermés pendant la période.' },
  },
  'cases.by_trafficking_type': {
    title: { en: 'Cases by type of exploitation', fr: 'Dossiers par type d’exploitation' },
    definition: {
      en: 'Cases opened, by the type of exploitation recorded (HTCDS); a case may count under several.',
      fr: 'Dossiers ouverts, selon le type d’exploitation consigné (HTCDS); un dossier peut compter plusieurs fois.',
    },
  },
  'victims.total': {
    title: { en: 'Victims and survivors', fr: 'Victimes et survivantes' },
    definition: {
      en: 'Distinct people recorded as victims or survivors in the cases opened.',
      fr: 'Personnes distinctes consignées comme victimes ou survivantes dans les dossiers ouverts.',
    },
  },
  'victims.by_gender': {
    title: { en: 'Victims by gender', fr: 'Victimes par genre' },
    definition: {
      en: 'Victims and survivors by the gender they gave.',
      fr: 'Victimes et survivantes selon le genre qu’elles ont indiqué.',
    },
  },
  'victims.by_age_band': {
    title: { en: 'Victims by age group', fr: 'Victimes par groupe d’âge' },
    definition: {
      en: 'Victims and survivors by age group at the opening of the case.',
      fr: 'Victimes et survivantes selon le groupe d’âge à l’ouverture du dossier.',
    },
  },
  'victims.by_province': {
    title: { en: 'Victims by province or territory', fr: 'Victimes par province ou territoire' },
    definition: {
      en: 'Victims and survivors by the province or territory of the case.',
      fr: 'Victimes et survivantes selon la province ou le territoire du dossier.',
    },
  },
  'referrals.total': {
    title: { en: 'Referrals made', fr: 'Orientations effectuées' },
    definition: {
      en: 'Referrals from a case to a service of the directory.',
      fr: 'Orientations d’un dossier vers un service du répertoire.',
    },
  },
  'referrals.by_need': {
    title: { en: 'Referrals by need', fr: 'Orientations par besoin' },
    definition: {
      en: 'Referrals by the need they answer.',
      fr: 'Orientations selon le besoin auquel elles répondent.',
    },
  },
  'referrals.by_outcome': {
    title: { en: 'Referrals by outcome', fr: 'Orientations par résultat' },
    definition: {
      en: 'Referrals by their last known outcome at the end of the period.',
      fr: 'Orientations selon leur dernier résultat connu à la fin de la période.',
    },
  },
  'needs.requested_share': {
    title: {
      en: 'Share of victims needing each service',
      fr: 'Part des victimes ayant besoin de chaque service',
    },
    definition: {
      en: 'Of the victims and survivors, the share with each need recorded.',
      fr: 'Parmi les victimes et survivantes, la part pour qui chaque besoin a été consigné.',
    },
  },
  'escalations.by_kind': {
    title: { en: 'Escalations by kind', fr: 'Signalements aux autorités par type' },
    definition: {
      en: 'Reports made to child protection, tips to police and emergency dispatches.',
      fr: 'Signalements à la protection de la jeunesse, renseignements à la police et appels d’urgence.',
    },
  },
  'service.wait_average': {
    title: { en: 'Average wait before an answer', fr: 'Attente moyenne avant une réponse' },
    definition: {
      en: 'Mean time from arrival to an advocate’s answer, for answered signals.',
      fr: 'Temps moyen entre l’arrivée et la réponse d’un intervenant, pour les signalements répondus.',
    },
  },
  'service.wait_p90': {
    title: { en: 'Wait for nine in ten signals', fr: 'Attente de neuf signalements sur dix' },
    definition: {
      en: 'The wait that nine answered signals in ten did not exceed (90th percentile).',
      fr: 'L’attente que neuf signalements répondus sur dix n’ont pas dépassée (90e centile).',
    },
  },
  'service.handling_average': {
    title: { en: 'Average handling time', fr: 'Durée moyenne de traitement' },
    definition: {
      en: 'Mean time from an advocate’s answer to the end of the conversation.',
      fr: 'Temps moyen entre la réponse d’un intervenant et la fin de la conversation.',
    },
  },
  'service.unanswered_share': {
    title: { en: 'Share of signals not answered', fr: 'Part des signalements sans réponse' },
    definition: {
      en: 'Signals that ended before an advocate answered, as a share of all signals.',
      fr: 'Signalements terminés avant la réponse d’un intervenant, en part de tous les signalements.',
    },
  },
  'coverage.providers_share': {
    title: { en: 'Share of partner providers', fr: 'Part des fournisseurs partenaires' },
    definition: {
      en: 'Active services of the directory in each province or territory, as a share of all.',
      fr: 'Services actifs du répertoire dans chaque province ou territoire, en part du total.',
    },
  },
  'coverage.trafficking_signals_share': {
    title: { en: 'Share of signals about trafficking', fr: 'Part des signalements liés à la traite' },
    definition: {
      en: 'Signals about trafficking from each province or territory, as a share of all.',
      fr: 'Signalements liés à la traite venant de chaque province ou territoire, en part du total.',
    },
  },
  'coverage.victims_share': {
    title: { en: 'Share of victims', fr: 'Part des victimes' },
    definition: {
      en: 'Victims and survivors in each province or territory, as a share of all.',
      fr: 'Victimes et survivantes dans chaque province ou territoire, en part du total.',
    },
  },
}

const dimensionLabels: Record<Dimension, Bilingual> = {
  channel: { en: 'Channel', fr: 'Canal' },
  classification: { en: 'Classification', fr: 'Classement' },
  province: { en: 'Province or territory', fr: 'Province ou territoire' },
  caller_type: { en: 'Type of caller', fr: 'Type d’appelant' },
  language: { en: 'Language', fr: 'Langue' },
  month: { en: 'Month', fr: 'Mois' },
  trafficking_type: { en: 'Type of exploitation', fr: 'Type d’exploitation' },
  gender: { en: 'Gender', fr: 'Genre' },
  age_band: { en: 'Age group', fr: 'Groupe d’âge' },
  need: { en: 'Need', fr: 'Besoin' },
  outcome: { en: 'Outcome', fr: 'Résultat' },
  escalation_kind: { en: 'Kind', fr: 'Type' },
}

const unknown: Bilingual = { en: 'Unknown', fr: 'Inconnu' }

/** The values of each dimension but month and province (which come from the period and geography). */
const values: Record<Exclude<Dimension, 'month' | 'province'>, Record<string, Bilingual>> = {
  channel: {
    voice: { en: 'Phone', fr: 'Téléphone' },
    sms: { en: 'Text message', fr: 'Texto' },
    whatsapp: { en: 'WhatsApp', fr: 'WhatsApp' },
    web_chat: { en: 'Web chat', fr: 'Clavardage' },
    email: { en: 'Email', fr: 'Courriel' },
    web_form: { en: 'Web form', fr: 'Formulaire Web' },
  },
  classification: {
    trafficking: { en: 'Human trafficking', fr: 'Traite de personnes' },
    possible_trafficking: { en: 'Possible trafficking', fr: 'Traite possible' },
    exploitation: { en: 'Other exploitation, not trafficking', fr: 'Autre exploitation, hors traite' },
    information: { en: 'Request for information', fr: 'Demande de renseignements' },
    unrelated: { en: 'Not related', fr: 'Sans rapport' },
    [unknownValue]: unknown,
  },
  caller_type: {
    victim: { en: 'Victim', fr: 'Victime' },
    survivor: { en: 'Survivor', fr: 'Survivante ou survivant' },
    concerned_other: { en: 'Concerned person', fr: 'Proche inquiet' },
    professional: { en: 'Professional', fr: 'Professionnel' },
    [unknownValue]: unknown,
  },
  language: {
    en: { en: 'English', fr: 'Anglais' },
    fr: { en: 'French', fr: 'Français' },
    es: { en: 'Spanish', fr: 'Espagnol' },
    iu: { en: 'Inuktitut', fr: 'Inuktitut' },
    cr: { en: 'Cree', fr: 'Cri' },
  },
  trafficking_type: {
    SexualExploitation: { en: 'Sexual exploitation', fr: 'Exploitation sexuelle' },
    ForcedLabour: { en: 'Forced labour', fr: 'Travail forcé' },
    ForcedMarriage: { en: 'Forced marriage', fr: 'Mariage forcé' },
    Servitude: { en: 'Servitude', fr: 'Servitude' },
    OrganRemoval: { en: 'Organ removal', fr: 'Prélèvement d’organes' },
    Other: { en: 'Other', fr: 'Autre' },
  },
  gender: {
    Feminine: { en: 'Feminine', fr: 'Féminin' },
    Masculine: { en: 'Masculine', fr: 'Masculin' },
    TransgenderFeminine: { en: 'Transgender feminine', fr: 'Transgenre féminin' },
    TransgenderMasculine: { en: 'Transgender masculine', fr: 'Transgenre masculin' },
    NonConforming: { en: 'Non-conforming', fr: 'Non conforme' },
    [unknownValue]: unknown,
  },
  age_band: {
    under_12: { en: 'Under 12', fr: 'Moins de 12 ans' },
    '12_15': { en: '12 to 15', fr: '12 à 15 ans' },
    '16_17': { en: '16 to 17', fr: '16 à 17 ans' },
    '18_24': { en: '18 to 24', fr: '18 à 24 ans' },
    '25_34': { en: '25 to 34', fr: '25 à 34 ans' },
    '35_44': { en: '35 to 44', fr: '35 à 44 ans' },
    '45_plus': { en: '45 and over', fr: '45 ans et plus' },
    [unknownValue]: unknown,
  },
  need: {
    'immediate-safety': { en: 'Immediate safety', fr: 'Sécurité immédiate' },
    'housing-emergency': { en: 'Emergency housing', fr: 'Hébergement d’urgence' },
    health: { en: 'Health care', fr: 'Soins de santé' },
    'mental-health': { en: 'Mental health', fr: 'Santé mentale' },
    'exit-funds': { en: 'Exit funds', fr: 'Fonds de sortie' },
    counselling: { en: 'Counselling', fr: 'Counseling' },
    immigration: { en: 'Immigration', fr: 'Immigration' },
    'legal-aid': { en: 'Legal aid', fr: 'Aide juridique' },
    'indigenous-healing': { en: 'Indigenous healing', fr: 'Guérison autochtone' },
  },
  outcome: {
    pending: { en: 'Pending', fr: 'En attente' },
    accepted: { en: 'Accepted', fr: 'Acceptée' },
    declined: { en: 'Declined', fr: 'Refusée' },
    no_capacity: { en: 'No capacity', fr: 'Aucune place' },
    completed: { en: 'Completed', fr: 'Terminée' },
    [unknownValue]: unknown,
  },
  escalation_kind: {
    child_protection: { en: 'Child protection report', fr: 'Signalement à la protection de la jeunesse' },
    law_enforcement_tip: { en: 'Tip to police', fr: 'Renseignement à la police' },
    emergency_dispatch: { en: 'Emergency dispatch', fr: 'Appel d’urgence' },
  },
}

/** Mulberry32: a small seeded generator, the same figures for the same seed. */
function generator(seed: number) {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296
  }
}

export interface FixtureOptions {
  lang: ReportLang
  seed?: number
  /** As written by a user; a fiscal year by default. */
  period?: string
}

export function reportFixture({
  lang,
  seed = 2021,
  period: written = '2021-22',
}: FixtureOptions): PresentedReport {
  const parsed = parsePeriod(written)
  if (!parsed.ok) throw new Error(`not a period: ${written}`)
  const period = parsed.period
  const previous = previousPeriod(period)
  const random = generator(seed)
  const locale = lang === 'fr' ? 'fr-CA' : 'en-CA'
  const monthName = new Intl.DateTimeFormat(locale, { month: 'short', year: 'numeric', timeZone: 'UTC' })

  const members = (dimension: Dimension): { code: string; label: string }[] => {
    if (dimension === 'month')
      return monthsOf(period).map((code) => ({
        code,
        label: monthName.format(new Date(`${code}-01T00:00:00Z`)),
      }))
    if (dimension === 'province') return provinceCodes.map((code) => ({ code, label: provinces[code][lang] }))
    return Object.entries(values[dimension]).map(([code, label]) => ({ code, label: label[lang] }))
  }

  // The period before is within a third of this one, as a hotline's figures move from year to year.
  const nearby = (value: number | null, whole: boolean) => {
    if (value === null) return null
    const moved = value * (0.7 + random() * 0.6)
    return whole ? Math.round(moved) : moved
  }
  // Shares of a whole across provinces add up to one, Ontario and Quebec holding the most.
  const spread = (codes: string[]) => {
    const weights = codes.map((code) => (code === 'ON' ? 8 : code === 'QC' ? 3.5 : 0.2 + random()))
    const total = weights.reduce((sum, weight) => sum + weight, 0)
    return weights.map((weight) => weight / total)
  }
  const figures = (id: IndicatorId, keys: string[][]): [number | null, number | null][] => {
    const { unit, dimensions } = indicators[id]
    if (unit === 'share' && dimensions[0] === 'province') {
      const [current, before] = [spread(keys.map((key) => key[0]!)), spread(keys.map((key) => key[0]!))]
      return keys.map((key, index) => [
        current[index]!,
        // The territories had no partner provider listed the year before.
        id === 'coverage.providers_share' && (key[0] === 'NU' || key[0] === 'YT') ? null : before[index]!,
      ])
    }
    return keys.map((key) => {
      // A form has no one waiting, nor anyone to hang up: nothing to measure.
      if (id.startsWith('service.') && key[0] === 'web_form') return [null, null]
      let value: number
      if (unit === 'share') value = 0.02 + random() * 0.4
      else if (unit === 'seconds')
        value = id === 'service.handling_average' ? 240 + random() * 3_900 : 5 + random() * 400
      // Totals run in the thousands, breakdowns in the hundreds.
      else value = Math.floor(random() * (key.length === 0 ? 20_000 : 1_500))
      return [value, nearby(value, unit === 'count')]
    })
  }

  const presented = (id: IndicatorId): PresentedIndicator => {
    const spec = indicators[id]
    const dimension = spec.dimensions[0] as Dimension | undefined
    const keys = dimension ? members(dimension).map((member) => [member]) : [[]]
    const values = figures(
      id,
      keys.map((members) => members.map((member) => member.code)),
    )
    const rows: PresentedRow[] = keys.map((members, index) => ({
      key: members.map((member) => member.code),
      labels: members.map((member) => member.label),
      value: values[index]![0],
      previous: values[index]![1],
    }))
    return {
      id,
      title: texts[id].title[lang],
      definition: texts[id].definition[lang],
      unit: spec.unit,
      chart: spec.chart,
      dimensions: spec.dimensions.map((d) => ({ id: d, label: dimensionLabels[d][lang] })),
      rows,
    }
  }

  const all = new Map(indicatorIds.map((id) => [id, presented(id)]))
  cohere(all, random)
  const named = (range: PeriodRange) =>
    range.kind !== 'fiscal_year'
      ? range.label
      : lang === 'fr'
        ? `Exercice ${range.label}`
        : `Fiscal year ${range.label}`
  return {
    lang,
    title:
      lang === 'fr' ? 'Rapport au bailleur de fonds — Ligne d’urgence' : 'Report to the funder — Hotline',
    periodLabel: named(period),
    previousLabel: named(previous),
    period,
    previous,
    timeZone: 'America/Toronto',
    definitionsVersion,
    fingerprint: createHash('sha256').update(`fixture:${seed}:${written}`).digest('hex'),
    generatedAt: '2022-04-04T13:05:00.000Z',
    sections: reportSections.map((section) => ({
      id: section,
      title: sectionTitles[section][lang],
      indicators: indicatorIds.filter((id) => indicators[id].section === section).map((id) => all.get(id)!),
    })),
  }
}

/** Ties figures that belong together: totals are the sum of their months, a part below its whole. */
function cohere(all: Map<IndicatorId, PresentedIndicator>, random: () => number) {
  const rows = (id: IndicatorId) => all.get(id)!.rows
  const sides = ['value', 'previous'] as const
  const scaled = (value: number | null, low: number, high: number, whole: boolean) => {
    if (value === null) return null
    const result = value * (low + random() * (high - low))
    return whole ? Math.round(result) : result
  }
  rows('signals.trafficking_by_month').forEach((row, index) => {
    const month = rows('signals.by_month')[index]!
    for (const side of sides) row[side] = scaled(month[side], 0.15, 0.4, true)
  })
  const sum = (id: IndicatorId, side: (typeof sides)[number]) =>
    rows(id).reduce((total, row) => total + (row[side] ?? 0), 0)
  for (const side of sides) {
    rows('signals.total')[0]![side] = sum('signals.by_month', side)
    rows('signals.trafficking')[0]![side] = sum('signals.trafficking_by_month', side)
    const [opened, active] = [rows('cases.opened')[0]!, rows('cases.active')[0]!]
    active[side] = scaled(opened[side], 1.2, 1.6, true)
  }
  rows('service.wait_p90').forEach((row, index) => {
    const average = rows('service.wait_average')[index]!
    for (const side of sides) row[side] = scaled(average[side], 1.8, 2.6, false)
  })
}
