import { describe, expect, it } from 'vitest'
import { minuteOfWeek, openingMinutes, utcOffsetMinutes, weeklyOpenRanges } from './opening-hours.ts'

const monday = (hours: number, minutes = 0) => hours * 60 + minutes

describe('opening hours and daylight saving', () => {
  it('reads a time zone’s offset at a moment, half hours included', () => {
    expect(utcOffsetMinutes('America/Toronto', new Date('2026-01-05T12:00:00Z'))).toBe(-300)
    expect(utcOffsetMinutes('America/Toronto', new Date('2026-07-06T12:00:00Z'))).toBe(-240)
    expect(utcOffsetMinutes('America/St_Johns', new Date('2026-07-06T12:00:00Z'))).toBe(-150)
    expect(utcOffsetMinutes('America/Regina', new Date('2026-07-06T12:00:00Z'))).toBe(-360)
  })

  it('looks up standard-time hours at the UTC minute in winter', () => {
    const at = new Date('2026-01-05T21:30:00Z')
    expect(openingMinutes(at)).toEqual({ utc: minuteOfWeek(at), byProvince: {} })
  })

  it('looks up a province’s hours an hour later while its clocks are ahead, except where they never change', () => {
    const at = new Date('2026-07-06T21:30:00Z')
    const { utc, byProvince } = openingMinutes(at)
    expect(utc).toBe(monday(21, 30))
    expect(byProvince.ON).toBe(monday(22, 30))
    expect(byProvince.QC).toBe(monday(22, 30))
    expect(byProvince.NL).toBe(monday(22, 30))
    expect(byProvince.BC).toBe(monday(22, 30))
    // Saskatchewan keeps Central standard time and Yukon Mountain standard time all year.
    expect(byProvince.SK).toBeUndefined()
    expect(byProvince.YT).toBeUndefined()
  })

  it('finds 09:00-17:00 in Toronto open at 16:55 and closed at 17:05 by the clock, in July and in January', () => {
    const ranges = weeklyOpenRanges([{ byday: 'MO', opens_at: '09:00', closes_at: '17:00' }], 'ON')
    const open = (at: string) => {
      const { utc, byProvince } = openingMinutes(new Date(at))
      const minute = byProvince.ON ?? utc
      return ranges.some(([from, to]) => from <= minute && minute < to)
    }
    expect(open('2026-07-06T20:55:00Z')).toBe(true)
    expect(open('2026-07-06T21:05:00Z')).toBe(false)
    expect(open('2026-01-05T21:55:00Z')).toBe(true)
    expect(open('2026-01-05T22:05:00Z')).toBe(false)
  })

  it('wraps a shifted minute around the end of the week', () => {
    // Sunday 23:30 UTC in July is looked up an hour later: Monday 00:30, minute 30 of the week.
    const { byProvince } = openingMinutes(new Date('2026-07-05T23:30:00Z'))
    expect(byProvince.ON).toBe(30)
  })
})
