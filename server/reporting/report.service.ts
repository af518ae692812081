import { createHash } from 'node:crypto'
import { sql } from 'kysely'
import { ageBands, needKinds, unansweredStates } from '../../common/contracts/cases.ts'
import { escalationKinds } from '../../common/contracts/escalations.ts'
import { callerTypes, channels } from '../../common/contracts/intake.ts'
import { referralOutcomes } from '../../common/contracts/referrals.ts'
import {
  definitionsVersion,
  type IndicatorId,
  indicatorIds,
  type PeriodRange,
  type Report,
  type ReportRow,
  unknownValue,
} from '../../common/contracts/reporting.ts'
import { provinceCodes } from '../../common/geography.ts'
import { genders, traffickingTypes } from '../../common/htcds/index.ts'
import { monthsOf, previousPeriod } from '../../common/periods.ts'
import type { Database } from '../db/database.ts'
import { readSideBySide } from '../db/snapshot.ts'
import { classifications } from '../intake/intake.tables.ts'
import {
  caseFigures,
  caseFingerprints,
  type FigureRow,
  providerProvinces,
  type SignalGroupRow,
  signalGroups,
  type Window,
  waitPercentiles,
  windowBounds,
} from './report.store.ts'

/**
 * Computes every indicator for a period beside the period before it, in one read-only snapshot
 * (REPEATABLE READ, shared by two connections), so the figures agree with each other and with the
 * fingerprint. Categories are listed in full, zeros included, with what was not shared or not
 * recorded as its own category: nothing is dropped silently.
 */
export async function computeReport(
  database: Database,
  options: { period: PeriodRange; timeZone: string; indicators?: readonly IndicatorId[]; now?: Date },
): Promise<Report> {
  const window: Window = {
    current: options.period,
    previous: previousPeriod(options.period),
    timeZone: options.timeZone,
  }
  // About as much work on each of two connections: the signals' breakdowns on one, the waits'
  // percentiles and the case tables on the other.
  const bounds = await windowBounds(database.db, window)
  const [signals, { waits, cases, fingerprints, providers }] = await readSideBySide(
    database,
    async (trx) => {
      // The breakdowns aggregate by hashing in memory rather than sorting on disk; the plan is run,
      // not compiled (JIT costs more than it saves on these few scans); and each connection keeps
      // to one process, since the two side by side already have a core each.
      await sql`set local work_mem = '64MB'`.execute(trx)
      await sql`set local jit = off`.execute(trx)
      await sql`set local max_parallel_workers_per_gather = 0`.execute(trx)
    },
    (trx) => signalGroups(trx, bounds),
    async (trx) => ({
      waits: await waitPercentiles(trx, bounds),
      cases: await caseFigures(trx, bounds),
      fingerprints: await caseFingerprints(trx, bounds),
      providers: await providerProvinces(trx),
    }),
  )
  const figures = assemble(window, signals, cases, providers, waits)
  const wanted = options.indicators ?? indicatorIds
  const fingerprint = createHash('sha256')
    .update(
      JSON.stringify({
        signals: signals
          .filter((row) => row.by === 'total')
          .map((row) => [row.p, row.n, row.fingerprint])
          .sort(byFirst),
        cases: fingerprints.map((row) => [row.name, row.v]).sort(byFirst),
        providers: providers.map((row) => [row.k, row.v, row.h]).sort(byFirst),
      }),
    )
    .digest('hex')
  return {
    period: window.current,
    previous: window.previous,
    timeZone: window.timeZone,
    definitionsVersion,
    fingerprint,
    generatedAt: (options.now ?? new Date()).toISOString(),
    indicators: wanted.map((id) => ({ id, rows: figures[id] })),
  }
}

/** Rows in the order of their first column, whatever order the plan returned them in. */
const byFirst = (a: unknown[], b: unknown[]) => String(a[0]).localeCompare(String(b[0]))

// ---------------------------------------------------------------------------------------------------
// From query rows to indicators

const answerCategories = [...unansweredStates] as string[]
const known = {
  channel: [...channels],
  classification: [...classifications, 'unclassified'],
  province: [...provinceCodes, 'declined', unknownValue],
  callerType: [...callerTypes],
  traffickingType: [...traffickingTypes, ...answerCategories],
  gender: [...genders, ...answerCategories],
  ageBand: [...ageBands, ...answerCategories],
  caseProvince: [...provinceCodes, ...answerCategories],
  need: [...needKinds],
  outcome: [...referralOutcomes],
  escalation: [...escalationKinds],
}

type Counts = { c: Map<string, number>; p: Map<string, number> }

function assemble(
  window: Window,
  signals: SignalGroupRow[],
  cases: FigureRow[],
  providers: { k: string; v: number }[],
  waits: { p: 'c' | 'p'; k: string; wait_p90: number | null }[],
): Record<IndicatorId, ReportRow[]> {
  const signalsBy = (by: string) => signals.filter((row) => row.by === by)
  const signalCounts = (by: string, measure: (row: SignalGroupRow) => number = (row) => row.n): Counts =>
    counts(signalsBy(by).map((row) => ({ p: row.p, k: row.k ?? '', v: measure(row) })))
  const caseCounts = (indicator: string): Counts =>
    counts(
      cases
        .filter((row) => row.indicator === indicator)
        .map((row) => ({ p: row.p, k: row.k1 ?? '', v: row.v ?? 0 })),
    )
  /** A measure per channel, from rows keyed by period and channel; null where a channel had none. */
  const perChannel = <R extends { p: 'c' | 'p'; k: string | null }>(
    rows: R[],
    measure: (row: R) => number | null,
  ): ReportRow[] =>
    channels.map((channel) => {
      const value = (p: 'c' | 'p') => {
        const row = rows.find((candidate) => candidate.p === p && candidate.k === channel)
        return row ? measure(row) : null
      }
      return { key: [channel], value: value('c'), previous: value('p') }
    })
  const channelMeasure = (measure: (row: SignalGroupRow) => number | null) =>
    perChannel(signalsBy('channel'), measure)

  const months = { c: monthsOf(window.current), p: monthsOf(window.previous) }
  const monthly = (measure: (row: SignalGroupRow) => number): ReportRow[] => {
    const byMonth = signalCounts('month', measure)
    return months.c.map((month, index) => {
      const previousMonth = months.p[index]
      return {
        key: [month],
        value: byMonth.c.get(month) ?? 0,
        previous: previousMonth === undefined ? null : (byMonth.p.get(previousMonth) ?? 0),
      }
    })
  }

  const victimsByProvince = caseCounts('victims.by_province')
  const needs = caseCounts('needs.by_kind')
  const providerCounts: Counts = { c: new Map(providers.map((row) => [row.k, row.v])), p: new Map() }
  const trafficking = signalCounts('province', (row) => row.trafficking)
  const total = (c: Counts) => ({ c: sum(c.c), p: sum(c.p) })

  return {
    'signals.total': [single(signalCounts('total'))],
    'signals.by_month': monthly((row) => row.n),
    'signals.by_channel': listed(known.channel, signalCounts('channel')),
    'signals.by_classification': listed(known.classification, signalCounts('classification')),
    'signals.by_province': listed(known.province, signalCounts('province')),
    'signals.by_caller_type': listed(known.callerType, signalCounts('caller_type')),
    'signals.by_language': listed(observed(signalCounts('language')), signalCounts('language')),
    'signals.trafficking': [single(signalCounts('total', (row) => row.trafficking))],
    'signals.trafficking_by_month': monthly((row) => row.trafficking),
    'cases.opened': [single(caseCounts('cases.opened'))],
    'cases.active': [single(caseCounts('cases.active'))],
    'cases.closed': [single(caseCounts('cases.closed'))],
    'cases.by_trafficking_type': listed(known.traffickingType, caseCounts('cases.by_trafficking_type')),
    'victims.total': [single(caseCounts('victims.total'))],
    'victims.by_gender': listed(known.gender, caseCounts('victims.by_gender')),
    'victims.by_age_band': listed(known.ageBand, caseCounts('victims.by_age_band')),
    'victims.by_province': listed(known.caseProvince, victimsByProvince),
    'referrals.total': [single(caseCounts('referrals.by_outcome'))],
    'referrals.by_need': listed(known.need, caseCounts('referrals.by_need')),
    'referrals.by_outcome': listed(known.outcome, caseCounts('referrals.by_outcome')),
    'needs.requested_share': shares(known.need, needs, total(needs)),
    'escalations.by_kind': listed(known.escalation, caseCounts('escalations.by_kind')),
    'service.wait_average': channelMeasure((row) => row.wait_average),
    'service.wait_p90': perChannel(waits, (row) => row.wait_p90),
    'service.handling_average': channelMeasure((row) => row.handling_average),
    'service.unanswered_share': channelMeasure((row) => (row.n === 0 ? null : row.abandoned / row.n)),
    'coverage.providers_share': shares(
      [...provinceCodes, unknownValue],
      providerCounts,
      { c: sum(providerCounts.c), p: 0 },
      { previous: false },
    ),
    'coverage.trafficking_signals_share': shares(
      [...provinceCodes, unknownValue],
      merged(trafficking, ['declined', unknownValue]),
      total(trafficking),
    ),
    'coverage.victims_share': shares(
      [...provinceCodes, unknownValue],
      merged(victimsByProvince, answerCategories),
      total(victimsByProvince),
    ),
  }
}

function counts(rows: { p: 'c' | 'p'; k: string; v: number }[]): Counts {
  const result: Counts = { c: new Map(), p: new Map() }
  for (const row of rows) result[row.p].set(row.k, (result[row.p].get(row.k) ?? 0) + row.v)
  return result
}

const sum = (values: Map<string, number>) => [...values.values()].reduce((a, b) => a + b, 0)

/** A figure without a dimension: the sum of what the query returned (nothing is zero). */
function single(counts: Counts): ReportRow {
  return { key: [], value: sum(counts.c), previous: sum(counts.p) }
}

/** Every category of a list, zeros included; a category the list does not know is added at the end. */
function listed(categories: readonly string[], counts: Counts): ReportRow[] {
  const all = [...categories]
  for (const key of [...counts.c.keys(), ...counts.p.keys()]) if (!all.includes(key)) all.push(key)
  return all.map((key) => ({ key: [key], value: counts.c.get(key) ?? 0, previous: counts.p.get(key) ?? 0 }))
}

/** The categories seen in either period, most frequent first. */
function observed(counts: Counts): string[] {
  const keys = new Set([...counts.c.keys(), ...counts.p.keys()])
  return [...keys].sort((a, b) => (counts.c.get(b) ?? 0) - (counts.c.get(a) ?? 0) || a.localeCompare(b))
}

/** Categories folded into `unknown` (declined, not asked, ...) for a side-by-side comparison. */
function merged(counts: Counts, into: readonly string[]): Counts {
  const fold = (values: Map<string, number>) => {
    const result = new Map<string, number>()
    for (const [key, value] of values) {
      const target = into.includes(key) ? unknownValue : key
      result.set(target, (result.get(target) ?? 0) + value)
    }
    return result
  }
  return { c: fold(counts.c), p: fold(counts.p) }
}

function shares(
  categories: readonly string[],
  counts: Counts,
  totals: { c: number; p: number },
  options: { previous: boolean } = { previous: true },
): ReportRow[] {
  const share = (value: number | undefined, whole: number) => (whole === 0 ? null : (value ?? 0) / whole)
  return listed(categories, counts).map((row) => ({
    key: row.key,
    value: share(counts.c.get(row.key[0]!), totals.c),
    previous: options.previous ? share(counts.p.get(row.key[0]!), totals.p) : null,
  }))
}
