import type { PeriodRange } from './contracts/reporting.ts'

/**
 * Reporting periods as a Canadian operator writes them: the federal fiscal year (1 April to 31
 * March) `2021-22`, one of its quarters `2021-22-Q1` (April to June), a month `2021-04`, or custom
 * dates `2021-04-01..2021-06-30` (both days included). Days are calendar days of the hotline's own
 * time zone; turning them into instants is the database's job.
 */

export type PeriodError = 'invalid' | 'inverted' | 'too_long'
export type PeriodResult = { ok: true; period: PeriodRange } | { ok: false; error: PeriodError }

/** The longest custom period, in days (ten years). */
export const maxPeriodDays = 3_660

const DAY = 86_400_000

export function parsePeriod(text: string): PeriodResult {
  const value = text.trim()
  let match = /^(\d{4})-(\d{2})$/.exec(value)
  if (match) {
    const year = Number(match[1])
    const second = Number(match[2])
    if (second === (year + 1) % 100) return ok(fiscalYear(year))
    if (second >= 1 && second <= 12) return ok(month(year, second))
    return { ok: false, error: 'invalid' }
  }
  match = /^(\d{4})-(\d{2})-Q([1-4])$/i.exec(value)
  if (match) {
    const year = Number(match[1])
    if (Number(match[2]) !== (year + 1) % 100) return { ok: false, error: 'invalid' }
    return ok(quarter(year, Number(match[3])))
  }
  match = /^(\d{4}-\d{2}-\d{2})\.\.(\d{4}-\d{2}-\d{2})$/.exec(value)
  if (match) {
    const [from, to] = [match[1]!, match[2]!]
    if (!isDay(from) || !isDay(to)) return { ok: false, error: 'invalid' }
    if (to < from) return { ok: false, error: 'inverted' }
    if (days(from, to) > maxPeriodDays) return { ok: false, error: 'too_long' }
    return ok({ kind: 'custom', label: `${from}..${to}`, from, to })
  }
  return { ok: false, error: 'invalid' }
}

/** The period just before: the previous year, quarter or month, or as many days right before. */
export function previousPeriod(period: PeriodRange): PeriodRange {
  switch (period.kind) {
    case 'fiscal_year':
      return fiscalYear(Number(period.from.slice(0, 4)) - 1)
    case 'quarter': {
      const { year, index } = quarterOf(period.from)
      return index === 1 ? quarter(year - 1, 4) : quarter(year, index - 1)
    }
    case 'month': {
      const [year, m] = [Number(period.from.slice(0, 4)), Number(period.from.slice(5, 7))]
      return m === 1 ? month(year - 1, 12) : month(year, m - 1)
    }
    case 'custom': {
      const length = days(period.from, period.to) + 1
      const to = addDays(period.from, -1)
      const from = addDays(to, -(length - 1))
      return { kind: 'custom', label: `${from}..${to}`, from, to }
    }
  }
}

/** The fiscal year a day falls in, written `2021-22`. */
export function fiscalYearOf(day: string): string {
  const year = Number(day.slice(0, 4))
  const start = Number(day.slice(5, 7)) >= 4 ? year : year - 1
  return fiscalYear(start).label
}

/** The fiscal quarter a day falls in, written `2021-22-Q1` (April to June). */
export function fiscalQuarterOf(day: string): string {
  const { year, index } = quarterOf(day)
  return `${fiscalYear(year).label}-Q${index}`
}

/** The months a period covers, `YYYY-MM`, in order. */
export function monthsOf(period: PeriodRange): string[] {
  const months: string[] = []
  let [year, m] = [Number(period.from.slice(0, 4)), Number(period.from.slice(5, 7))]
  const last = period.to.slice(0, 7)
  for (;;) {
    const key = `${year}-${pad(m)}`
    months.push(key)
    if (key >= last) return months
    if (m === 12) {
      year += 1
      m = 1
    } else m += 1
  }
}

/** The day after a period's last, its exclusive end. */
export function dayAfter(day: string): string {
  return addDays(day, 1)
}

function fiscalYear(start: number): PeriodRange {
  return {
    kind: 'fiscal_year',
    label: `${start}-${pad((start + 1) % 100)}`,
    from: `${start}-04-01`,
    to: `${start + 1}-03-31`,
  }
}

function quarter(fiscalStart: number, index: number): PeriodRange {
  const firstMonth = 4 + (index - 1) * 3
  const year = firstMonth > 12 ? fiscalStart + 1 : fiscalStart
  const m = ((firstMonth - 1) % 12) + 1
  return {
    kind: 'quarter',
    label: `${fiscalYear(fiscalStart).label}-Q${index}`,
    from: `${year}-${pad(m)}-01`,
    to: lastDayOf(year, m + 2),
  }
}

function quarterOf(from: string): { year: number; index: number } {
  const [year, m] = [Number(from.slice(0, 4)), Number(from.slice(5, 7))]
  return m >= 4 ? { year, index: Math.floor((m - 4) / 3) + 1 } : { year: year - 1, index: 4 }
}

function month(year: number, m: number): PeriodRange {
  return { kind: 'month', label: `${year}-${pad(m)}`, from: `${year}-${pad(m)}-01`, to: lastDayOf(year, m) }
}

function lastDayOf(year: number, m: number): string {
  const last = new Date(Date.UTC(year, m, 0))
  return last.toISOString().slice(0, 10)
}

function isDay(day: string): boolean {
  const date = new Date(`${day}T00:00:00Z`)
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === day
}

function days(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY)
}

function addDays(day: string, count: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + count * DAY).toISOString().slice(0, 10)
}

const pad = (n: number) => String(n).padStart(2, '0')
const ok = (period: PeriodRange): PeriodResult => ({ ok: true, period })
