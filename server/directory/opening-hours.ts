import { type ProvinceCode, provinceCodes, provinces } from '../../common/geography.ts'

export const MINUTES_PER_WEEK = 7 * 24 * 60
const days = ['MO', 'TU', 'WE', 'TH', 'FR', 'SA', 'SU'] as const

/** An HSDS schedule, as far as weekly opening hours go. */
export interface ScheduleLike {
  freq?: unknown
  byday?: unknown
  opens_at?: unknown
  closes_at?: unknown
  timezone?: unknown
}

function minutes(time: unknown): number | undefined {
  if (typeof time !== 'string') return undefined
  const match = /^(\d{1,2}):(\d{2})/.exec(time)
  if (!match) return undefined
  const value = Number(match[1]) * 60 + Number(match[2])
  return value <= 24 * 60 ? value : undefined
}

/**
 * Weekly opening hours as ranges of minutes of the week in UTC (0 = Monday 00:00 UTC), merged and
 * sorted. Times are local to the schedule's `timezone` (hours from UTC), or to the province's
 * standard time when the schedule names none: `openingMinutes` allows for daylight saving.
 */
export function weeklyOpenRanges(
  schedules: ScheduleLike[],
  province?: ProvinceCode | null,
): [number, number][] {
  const ranges: [number, number][] = []
  for (const schedule of schedules) {
    if (schedule.freq !== undefined && String(schedule.freq).toUpperCase() !== 'WEEKLY') continue
    const opens = minutes(schedule.opens_at)
    const closes = minutes(schedule.closes_at)
    if (opens === undefined || closes === undefined) continue
    const offsetHours =
      typeof schedule.timezone === 'number'
        ? schedule.timezone
        : province
          ? provinces[province].utcOffsetHours
          : 0
    const byday =
      typeof schedule.byday === 'string' && schedule.byday.trim()
        ? schedule.byday.split(',').map((day) => day.trim().toUpperCase())
        : [...days]
    for (const day of byday) {
      const index = days.indexOf(day as (typeof days)[number])
      if (index < 0) continue
      // 23:59 as a closing time means "until midnight".
      const end = closes === 23 * 60 + 59 ? 24 * 60 : closes
      const length = end > opens ? end - opens : end + 24 * 60 - opens
      const start = index * 24 * 60 + opens - Math.round(offsetHours * 60)
      addWrapped(ranges, start, start + length)
    }
  }
  return merge(ranges)
}

function addWrapped(ranges: [number, number][], start: number, end: number) {
  const from = ((start % MINUTES_PER_WEEK) + MINUTES_PER_WEEK) % MINUTES_PER_WEEK
  const to = from + (end - start)
  if (to <= MINUTES_PER_WEEK) ranges.push([from, to])
  else ranges.push([from, MINUTES_PER_WEEK], [0, to - MINUTES_PER_WEEK])
}

function merge(ranges: [number, number][]): [number, number][] {
  const sorted = [...ranges].sort((a, b) => a[0] - b[0])
  const merged: [number, number][] = []
  for (const range of sorted) {
    const last = merged.at(-1)
    if (last && range[0] <= last[1]) last[1] = Math.max(last[1], range[1])
    else merged.push([range[0], range[1]])
  }
  return merged
}

export const isAlwaysOpen = (ranges: [number, number][]) =>
  ranges.length === 1 && ranges[0]![0] === 0 && ranges[0]![1] === MINUTES_PER_WEEK

/** The PostgreSQL int4multirange literal of the ranges. */
export const multirangeLiteral = (ranges: [number, number][]) =>
  `{${ranges.map(([from, to]) => `[${from},${to})`).join(',')}}`

/** The minute of the week, in UTC, of a moment. */
export function minuteOfWeek(at: Date): number {
  const day = (at.getUTCDay() + 6) % 7
  return day * 24 * 60 + at.getUTCHours() * 60 + at.getUTCMinutes()
}

export interface OpeningMinutes {
  utc: number
  byProvince: Partial<Record<ProvinceCode, number>>
}

const offsetFormats = new Map<string, Intl.DateTimeFormat>()

/** A time zone's offset from UTC at a moment, in minutes (-240 for GMT-04:00). */
export function utcOffsetMinutes(timeZone: string, at: Date): number {
  let format = offsetFormats.get(timeZone)
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', { timeZone, timeZoneName: 'longOffset' })
    offsetFormats.set(timeZone, format)
  }
  const name = format.formatToParts(at).find((part) => part.type === 'timeZoneName')?.value ?? ''
  const match = /GMT([+-])(\d{2}):(\d{2})/.exec(name)
  return match ? (match[1] === '-' ? -1 : 1) * (Number(match[2]) * 60 + Number(match[3])) : 0
}

/**
 * The minute of the week to look up in stored opening hours at a moment: `utc` for an entry without
 * a province, and for each province whose clocks are off its standard time (daylight saving), the
 * minute its standard time shows then. Hours are stored in standard time, so 09:00 in Toronto in
 * July is 13:00 UTC, the minute that 14:00 UTC is stored as.
 */
export function openingMinutes(at: Date): OpeningMinutes {
  const utc = minuteOfWeek(at)
  const byProvince: Partial<Record<ProvinceCode, number>> = {}
  for (const code of provinceCodes) {
    const { timeZone, utcOffsetHours } = provinces[code]
    const ahead = utcOffsetMinutes(timeZone, at) - Math.round(utcOffsetHours * 60)
    if (ahead !== 0)
      byProvince[code] = (((utc + ahead) % MINUTES_PER_WEEK) + MINUTES_PER_WEEK) % MINUTES_PER_WEEK
  }
  return { utc, byProvince }
}
