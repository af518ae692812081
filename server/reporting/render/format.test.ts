import { describe, expect, it } from 'vitest'
import { changeOf, missing, plainNumber, reportFormatter } from './format.ts'
import { axisTicks } from './pdf-charts.ts'

const nbsp = '\u00a0'

describe('report figures as a person reads them', () => {
  it('writes counts with each language’s thousands separator', async () => {
    const [en, fr] = [await reportFormatter('en'), await reportFormatter('fr')]
    expect(en.value('count', 1_234_567)).toBe('1,234,567')
    expect(fr.value('count', 1_234_567)).toBe(`1${nbsp}234${nbsp}567`)
    expect(en.value('count', 0)).toBe('0')
  })

  it('writes shares as percents with one decimal', async () => {
    const [en, fr] = [await reportFormatter('en'), await reportFormatter('fr')]
    expect(en.value('share', 0.2214)).toBe('22.1%')
    expect(fr.value('share', 0.2214)).toBe(`22,1${nbsp}%`)
    expect(en.tick('share', 0.4)).toBe('40%')
  })

  it('writes durations in hours, minutes and seconds, rounded to the second', async () => {
    const [en, fr] = [await reportFormatter('en'), await reportFormatter('fr')]
    expect(en.value('seconds', 65)).toBe('1 min 05 s')
    expect(fr.value('seconds', 65)).toBe('1 min 05 s')
    expect(en.value('seconds', 59.6)).toBe('1 min 00 s')
    expect(en.value('seconds', 42.2)).toBe('42 s')
    expect(fr.value('seconds', 3_725)).toBe('1 h 02 min 05 s')
  })

  it('writes a missing measure as a dash, whatever its unit', async () => {
    const en = await reportFormatter('en')
    for (const unit of ['count', 'share', 'seconds'] as const) expect(en.value(unit, null)).toBe(missing)
  })

  it('writes changes as signed percents, or points for shares, and none without a base', async () => {
    const [en, fr] = [await reportFormatter('en'), await reportFormatter('fr')]
    expect(en.change('count', 110, 100)).toBe('+10.0%')
    expect(fr.change('count', 90, 100)).toBe(`-10,0${nbsp}%`)
    expect(en.change('seconds', 60, 60)).toBe('0.0%')
    expect(en.change('share', 0.25, 0.2)).toBe('+5.0 pts')
    expect(fr.change('share', 0.2, 0.25)).toBe('-5,0 pts')
    expect(en.change('count', 5, 0)).toBe(missing)
    expect(en.change('count', null, 4)).toBe(missing)
    expect(changeOf('share', 0.3, null)).toBeNull()
  })

  it('writes days and instants in the language, instants in the report’s time zone', async () => {
    const [en, fr] = [await reportFormatter('en'), await reportFormatter('fr')]
    expect(en.day('2021-04-01')).toBe('April 1, 2021')
    expect(fr.day('2022-03-31')).toBe('31 mars 2022')
    expect(fr.day('2021-04-01')).toBe('1er avril 2021')
    expect(fr.instant('2022-04-04T13:05:00Z', 'America/Toronto')).toBe('4 avril 2022 à 09 h 05')
    expect(fr.instant('2022-04-04T13:05:00Z', 'America/Vancouver')).toBe('4 avril 2022 à 06 h 05')
  })
})

describe('report figures for machines', () => {
  it('are plain decimals without exponent, empty when missing', () => {
    expect(plainNumber(0.221)).toBe('0.221')
    expect(plainNumber(1_500)).toBe('1500')
    expect(plainNumber(1e-7)).toBe('0.0000001')
    expect(plainNumber(null)).toBe('')
  })
})

describe('chart axes', () => {
  it('step by 1, 2 or 5 times a power of ten from zero past the largest value', () => {
    expect(axisTicks(1_344, 'count')).toEqual([0, 500, 1_000, 1_500])
    expect(axisTicks(3, 'count')).toEqual([0, 1, 2, 3])
    expect(axisTicks(0, 'count')).toEqual([0, 1])
    const shares = axisTicks(0.429, 'share')
    expect(shares.map((tick) => Math.round(tick * 10) / 10)).toEqual([0, 0.2, 0.4, 0.6])
  })

  it('step by whole minutes for durations over a few minutes', () => {
    expect(axisTicks(366, 'seconds')).toEqual([0, 120, 240, 360, 480])
    expect(axisTicks(150, 'seconds')).toEqual([0, 50, 100, 150])
  })
})
