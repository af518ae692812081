import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { IndicatorId, Report, ReportRow } from '../../common/contracts/reporting.ts'
import { parsePeriod } from '../../common/periods.ts'
import { engines } from '../../test/support/database.ts'
import { providerBundle, taxonomyBundle } from '../../test/support/directory.ts'
import { buildViewer, testAudit } from '../cases/cases.factories.ts'
import type { Database } from '../db/database.ts'
import { saveBundle } from '../directory/directory.service.ts'
import { computeReport } from './report.service.ts'
import { generateReportingData, type ReportingData } from './reporting.fixtures.ts'

/**
 * Every indicator recomputed here, independently of the SQL, from the rows the generator wrote:
 * signals just before and after midnight at the fiscal year's ends in the hotline's time zone,
 * abandoned calls, cases with many signals, people whose answers are unknown or declined.
 */

const timeZone = 'America/Toronto'
const localDay = (date: Date, zone = timeZone) =>
  new Intl.DateTimeFormat('en-CA', {
    timeZone: zone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).format(date)
const within = (date: Date | null, from: string, to: string, zone = timeZone) => {
  if (!date) return false
  const day = localDay(date, zone)
  return day >= from && day <= to
}

function percentile90(values: number[]): number | null {
  if (values.length === 0) return null
  const sorted = [...values].sort((a, b) => a - b)
  const position = 0.9 * (sorted.length - 1)
  const lower = Math.floor(position)
  const upper = Math.min(lower + 1, sorted.length - 1)
  return sorted[lower]! + (sorted[upper]! - sorted[lower]!) * (position - lower)
}
const average = (values: number[]) =>
  values.length === 0 ? null : values.reduce((a, b) => a + b, 0) / values.length

function rowsOf(report: Report, id: IndicatorId): ReportRow[] {
  const found = report.indicators.find((indicator) => indicator.id === id)
  if (!found) throw new Error(`no ${id}`)
  return found.rows
}
/** The value of one category, current and previous. */
function cell(report: Report, id: IndicatorId, key: string[] = []) {
  const row = rowsOf(report, id).find((candidate) => candidate.key.join('|') === key.join('|'))
  return row ? { value: row.value, previous: row.previous } : undefined
}

describe.each(engines)('the report on $engine', ({ open }) => {
  let database: Database
  let data: ReportingData
  let report: Report
  const current = { from: '2021-04-01', to: '2022-03-31' }
  const previous = { from: '2020-04-01', to: '2021-03-31' }

  beforeAll(async () => {
    database = await open()
    const staff = await buildViewer(database, 'advocate')
    await saveBundle(database, taxonomyBundle(), testAudit, { mode: 'summary' })
    for (const province of ['ON', 'ON', 'QC', 'NS'])
      await saveBundle(database, providerBundle({ province }), testAudit)
    data = await generateReportingData(database, { seed: 7, staffId: staff.staffId, signals: 400, cases: 70 })
    const period = parsePeriod('2021-22')
    if (!period.ok) throw new Error('period')
    report = await computeReport(database, { period: period.period, timeZone })
  })
  afterAll(() => database.close())

  it('counts signals by every breakdown, by the day they arrived in the hotline’s time zone', () => {
    const inPeriod = (range: typeof current) =>
      data.signals.filter((s) => within(s.received_at, range.from, range.to))
    const [c, p] = [inPeriod(current), inPeriod(previous)]
    // The generator puts signals a minute on either side of midnight, Toronto time, at both ends.
    expect(data.signals.some((s) => s.received_at.toISOString() === '2021-04-01T03:59:00.000Z')).toBe(true)
    expect(cell(report, 'signals.total')).toEqual({ value: c.length, previous: p.length })
    const by = <K extends keyof (typeof data.signals)[number]>(list: typeof c, field: K, value: unknown) =>
      list.filter((s) => (s[field] ?? null) === value).length
    for (const channel of ['voice', 'sms', 'web_chat']) {
      expect(cell(report, 'signals.by_channel', [channel])).toEqual({
        value: by(c, 'channel', channel),
        previous: by(p, 'channel', channel),
      })
    }
    expect(cell(report, 'signals.by_classification', ['unclassified'])?.value).toBe(
      by(c, 'classification', null),
    )
    expect(cell(report, 'signals.by_classification', ['unclassified'])?.value).toBeGreaterThan(0)
    expect(cell(report, 'signals.by_province', ['unknown'])?.value).toBe(
      by(c, 'province', null) + by(c, 'province', 'unknown'),
    )
    expect(cell(report, 'signals.by_province', ['declined'])?.value).toBe(by(c, 'province', 'declined'))
    expect(cell(report, 'signals.by_province', ['QC'])?.value).toBe(by(c, 'province', 'QC'))
    expect(cell(report, 'signals.by_caller_type', ['unknown'])?.value).toBe(
      by(c, 'caller_type', null) + by(c, 'caller_type', 'unknown'),
    )
    expect(cell(report, 'signals.by_caller_type', ['victim'])?.value).toBe(by(c, 'caller_type', 'victim'))
    const spoken = (s: (typeof c)[number]) => s.preferred_language ?? s.language
    expect(cell(report, 'signals.by_language', ['es'])?.value).toBe(
      c.filter((s) => spoken(s) === 'es').length,
    )
    const trafficking = (list: typeof c) => list.filter((s) => s.classification === 'trafficking').length
    expect(cell(report, 'signals.trafficking')).toEqual({ value: trafficking(c), previous: trafficking(p) })
    // Every category is listed, zeros included, and the breakdowns add up to the total.
    expect(rowsOf(report, 'signals.by_channel')).toHaveLength(6)
    for (const id of ['signals.by_channel', 'signals.by_province', 'signals.by_caller_type'] as const) {
      expect(
        rowsOf(report, id).reduce((total, row) => total + (row.value ?? 0), 0),
        id,
      ).toBe(c.length)
    }
  })

  it('counts by month of the fiscal year, April first, each beside the same month a year before', () => {
    const months = rowsOf(report, 'signals.by_month')
    expect(months.map((row) => row.key[0])).toEqual([
      ...['04', '05', '06', '07', '08', '09', '10', '11', '12'].map((m) => `2021-${m}`),
      ...['01', '02', '03'].map((m) => `2022-${m}`),
    ])
    const inMonth = (month: string) =>
      data.signals.filter((s) => localDay(s.received_at).startsWith(month)).length
    for (const row of months) {
      const month = row.key[0]!
      const yearBefore = `${Number(month.slice(0, 4)) - 1}${month.slice(4)}`
      expect(row, month).toMatchObject({ value: inMonth(month), previous: inMonth(yearBefore) })
    }
    const tMonths = rowsOf(report, 'signals.trafficking_by_month')
    expect(tMonths.reduce((total, row) => total + (row.value ?? 0), 0)).toBe(
      cell(report, 'signals.trafficking')?.value,
    )
  })

  it('measures waits, handling and unanswered contacts per channel, abandoned calls included', () => {
    const c = data.signals.filter((s) => within(s.received_at, current.from, current.to))
    for (const channel of ['voice', 'web_chat', 'sms']) {
      const mine = c.filter((s) => s.channel === channel)
      const answered = mine.filter((s) => s.answered_at)
      const waits = answered.map(
        (s) => (s.answered_at!.getTime() - (s.enqueued_at ?? s.received_at).getTime()) / 1000,
      )
      const handling = answered
        .filter((s) => s.ended_at)
        .map((s) => ((s.wrap_up_ended_at ?? s.ended_at)!.getTime() - s.answered_at!.getTime()) / 1000)
      expect(cell(report, 'service.wait_average', [channel])?.value).toBeCloseTo(average(waits)!, 6)
      expect(cell(report, 'service.wait_p90', [channel])?.value).toBeCloseTo(percentile90(waits)!, 6)
      expect(cell(report, 'service.handling_average', [channel])?.value).toBeCloseTo(average(handling)!, 6)
      const abandoned = mine.filter((s) => s.abandoned_at).length
      expect(abandoned, channel).toBeGreaterThan(0)
      expect(cell(report, 'service.unanswered_share', [channel])?.value).toBeCloseTo(
        abandoned / mine.length,
        9,
      )
    }
  })

  it('counts cases opened, active and closed, and their types with what was not shared', () => {
    const count = (test: (k: (typeof data.cases)[number]) => boolean) => data.cases.filter(test).length
    const opened = (range: typeof current) => (k: (typeof data.cases)[number]) =>
      within(k.created_at, range.from, range.to)
    const active = (range: typeof current) => (k: (typeof data.cases)[number]) =>
      localDay(k.created_at) <= range.to && (k.closed_at === null || localDay(k.closed_at) >= range.from)
    expect(cell(report, 'cases.opened')).toEqual({
      value: count(opened(current)),
      previous: count(opened(previous)),
    })
    expect(cell(report, 'cases.active')).toEqual({
      value: count(active(current)),
      previous: count(active(previous)),
    })
    expect(cell(report, 'cases.closed')).toEqual({
      value: count((k) => within(k.closed_at, current.from, current.to)),
      previous: count((k) => within(k.closed_at, previous.from, previous.to)),
    })
    const ofType = (type: string) =>
      count(
        (k) =>
          opened(current)(k) &&
          (k.trafficking_types_answer === 'given'
            ? (k.trafficking_types ?? []).includes(type)
            : k.trafficking_types_answer === type),
      )
    for (const type of ['SexualExploitation', 'ForcedLabour', 'declined', 'unknown', 'not_asked']) {
      expect(cell(report, 'cases.by_trafficking_type', [type])?.value, type).toBe(ofType(type))
    }
    expect(ofType('declined')).toBeGreaterThan(0)
  })

  it('counts potential victims by gender, age band and province, unknown and declined kept', () => {
    const openedNow = new Set(
      data.cases.filter((k) => within(k.created_at, current.from, current.to)).map((k) => k.id),
    )
    const victims = data.people.filter(
      (person) =>
        openedNow.has(person.case_id) &&
        (person.role_answer !== 'given' || person.role === 'victim' || person.role === 'survivor'),
    )
    expect(cell(report, 'victims.total')?.value).toBe(victims.length)
    const ofGender = (g: string) =>
      victims.filter((v) => (v.gender_answer === 'given' ? v.gender === g : v.gender_answer === g)).length
    for (const g of ['Feminine', 'Masculine', 'declined', 'unknown']) {
      expect(cell(report, 'victims.by_gender', [g])?.value, g).toBe(ofGender(g))
    }
    expect(ofGender('declined')).toBeGreaterThan(0)
    const band = (v: (typeof victims)[number]) => {
      if (v.age_answer !== 'given') return v.age_answer
      if (v.age_band) return v.age_band
      const years = v.age_years!
      const limits: [string, number][] = [
        ['under_12', 12],
        ['12_15', 16],
        ['16_17', 18],
        ['18_24', 25],
        ['25_34', 35],
        ['35_44', 45],
        ['45_54', 55],
        ['55_64', 65],
      ]
      return limits.find(([, below]) => years < below)?.[0] ?? '65_plus'
    }
    for (const b of ['16_17', '18_24', '25_34', 'unknown', 'declined']) {
      expect(cell(report, 'victims.by_age_band', [b])?.value, b).toBe(
        victims.filter((v) => band(v) === b).length,
      )
    }
    const caseOf = new Map(data.cases.map((k) => [k.id, k]))
    const provinceOf = (v: (typeof victims)[number]) => {
      const k = caseOf.get(v.case_id)!
      return k.province_answer === 'given' ? k.province : k.province_answer
    }
    for (const province of ['ON', 'QC', 'declined', 'unknown']) {
      expect(cell(report, 'victims.by_province', [province])?.value, province).toBe(
        victims.filter((v) => provinceOf(v) === province).length,
      )
    }
  })

  it('counts referrals by need and outcome, needs as shares, and escalations that were not cancelled', () => {
    const now = data.referrals.filter((r) => within(r.created_at, current.from, current.to))
    expect(cell(report, 'referrals.total')?.value).toBe(now.length)
    expect(cell(report, 'referrals.by_need', ['housing'])?.value).toBe(
      now.filter((r) => r.need_kind === 'housing').length,
    )
    expect(cell(report, 'referrals.by_outcome', ['completed'])?.value).toBe(
      now.filter((r) => r.status === 'completed').length,
    )
    const needs = data.needs.filter((n) => within(n.created_at, current.from, current.to))
    expect(cell(report, 'needs.requested_share', ['counselling'])?.value).toBeCloseTo(
      needs.filter((n) => n.kind === 'counselling').length / needs.length,
      9,
    )
    const shares = rowsOf(report, 'needs.requested_share').reduce((total, row) => total + (row.value ?? 0), 0)
    expect(shares).toBeCloseTo(1, 9)
    for (const kind of ['child_protection', 'law_enforcement_tip', 'emergency_dispatch']) {
      const expected = data.escalations.filter(
        (e) => e.kind === kind && e.status !== 'cancelled' && within(e.started_at, current.from, current.to),
      ).length
      expect(cell(report, 'escalations.by_kind', [kind])?.value, kind).toBe(expected)
    }
    expect(data.escalations.some((e) => e.status === 'cancelled')).toBe(true)
  })

  it('sets partner providers, trafficking signals and potential victims per province side by side', () => {
    expect(cell(report, 'coverage.providers_share', ['ON'])?.value).toBeCloseTo(2 / 4, 9)
    expect(cell(report, 'coverage.providers_share', ['AB'])?.value).toBe(0)
    const trafficking = data.signals.filter(
      (s) => s.classification === 'trafficking' && within(s.received_at, current.from, current.to),
    )
    expect(cell(report, 'coverage.trafficking_signals_share', ['ON'])?.value).toBeCloseTo(
      trafficking.filter((s) => s.province === 'ON').length / trafficking.length,
      9,
    )
    const sumOf = (id: IndicatorId) => rowsOf(report, id).reduce((total, row) => total + (row.value ?? 0), 0)
    expect(sumOf('coverage.trafficking_signals_share')).toBeCloseTo(1, 9)
    expect(sumOf('coverage.victims_share')).toBeCloseTo(1, 9)
  })

  it('moves a day’s figures with the hotline’s time zone', async () => {
    const period = parsePeriod('2021-22')
    if (!period.ok) throw new Error('period')
    const vancouver = await computeReport(database, { period: period.period, timeZone: 'America/Vancouver' })
    const expected = (zone: string) =>
      data.signals.filter((s) => within(s.received_at, current.from, current.to, zone)).length
    expect(cell(vancouver, 'signals.total')?.value).toBe(expected('America/Vancouver'))
    // The signals a minute after midnight in Toronto on 1 April 2021 are still in March in Vancouver.
    const april = (zone: string) =>
      data.signals.filter((s) => localDay(s.received_at, zone).startsWith('2021-04')).length
    expect(cell(vancouver, 'signals.by_month', ['2021-04'])?.value).toBe(april('America/Vancouver'))
    expect(cell(report, 'signals.by_month', ['2021-04'])?.value).toBe(april(timeZone))
    expect(april('America/Vancouver')).toBeLessThan(april(timeZone))
  })

  it('fingerprints the data it read: the same data gives the same print, a change another', async () => {
    const period = parsePeriod('2021-22')
    if (!period.ok) throw new Error('period')
    const again = await computeReport(database, { period: period.period, timeZone })
    expect(again.fingerprint).toBe(report.fingerprint)
    expect(again.indicators).toEqual(report.indicators)
    const signal = data.signals.find((s) => within(s.received_at, current.from, current.to))!
    await database.db
      .updateTable('intake_signal')
      .set({ classification: signal.classification === 'other' ? 'trafficking' : 'other' })
      .where('id', '=', signal.id)
      .execute()
    const changed = await computeReport(database, { period: period.period, timeZone })
    expect(changed.fingerprint).not.toBe(report.fingerprint)
    expect(report.definitionsVersion).toMatch(/^\d{4}\.\d+$/)
  })
})
