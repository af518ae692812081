import { describe, expect, it } from 'vitest'
import { fiscalQuarterOf, fiscalYearOf, monthsOf, parsePeriod, previousPeriod } from './periods.ts'

const period = (text: string) => {
  const result = parsePeriod(text)
  if (!result.ok) throw new Error(`${text}: ${result.error}`)
  return result.period
}

describe('reporting periods', () => {
  it('reads a fiscal year, a quarter, a month and custom dates', () => {
    expect(period('2021-22')).toEqual({
      kind: 'fiscal_year',
      label: '2021-22',
      from: '2021-04-01',
      to: '2022-03-31',
    })
    expect(period('2021-22-Q1')).toMatchObject({ from: '2021-04-01', to: '2021-06-30' })
    expect(period('2021-22-q4')).toMatchObject({ label: '2021-22-Q4', from: '2022-01-01', to: '2022-03-31' })
    expect(period('2024-02')).toMatchObject({ kind: 'month', from: '2024-02-01', to: '2024-02-29' })
    expect(period('1999-00')).toMatchObject({ kind: 'fiscal_year', from: '1999-04-01', to: '2000-03-31' })
    expect(period(' 2021-05-03..2021-05-03 ')).toMatchObject({
      kind: 'custom',
      from: '2021-05-03',
      to: '2021-05-03',
    })
  })

  it('refuses what is not a period, and a period that ends before it starts', () => {
    for (const text of [
      '',
      '2021',
      '2021-23',
      '2021-13',
      '2021-22-Q5',
      '2021-23-Q1',
      '2021-02-30..2021-03-01',
      'x..y',
    ]) {
      expect(parsePeriod(text)).toEqual({ ok: false, error: 'invalid' })
    }
    expect(parsePeriod('2021-06-30..2021-04-01')).toEqual({ ok: false, error: 'inverted' })
    expect(parsePeriod('2000-01-01..2020-01-01')).toEqual({ ok: false, error: 'too_long' })
  })

  it('compares with the period just before', () => {
    expect(previousPeriod(period('2021-22')).label).toBe('2020-21')
    expect(previousPeriod(period('2021-22-Q1')).label).toBe('2020-21-Q4')
    expect(previousPeriod(period('2021-22-Q4')).label).toBe('2021-22-Q3')
    expect(previousPeriod(period('2021-01')).label).toBe('2020-12')
    expect(previousPeriod(period('2021-03-01..2021-03-10'))).toMatchObject({
      from: '2021-02-19',
      to: '2021-02-28',
    })
  })

  it('lists the months of a period and the fiscal year of a day', () => {
    expect(monthsOf(period('2021-22'))).toHaveLength(12)
    expect(monthsOf(period('2021-22')).at(-1)).toBe('2022-03')
    expect(monthsOf(period('2021-05-31..2021-06-01'))).toEqual(['2021-05', '2021-06'])
    expect(fiscalYearOf('2022-03-31')).toBe('2021-22')
    expect(fiscalYearOf('2022-04-01')).toBe('2022-23')
  })

  it('names the fiscal quarter of a day, as parsePeriod reads it', () => {
    for (const [day, label] of [
      ['2021-04-01', '2021-22-Q1'],
      ['2021-06-30', '2021-22-Q1'],
      ['2021-07-01', '2021-22-Q2'],
      ['2021-12-31', '2021-22-Q3'],
      ['2022-01-01', '2021-22-Q4'],
      ['2022-03-31', '2021-22-Q4'],
    ]) {
      expect(fiscalQuarterOf(day!)).toBe(label)
      const quarter = period(label!)
      expect(day! >= quarter.from && day! <= quarter.to).toBe(true)
    }
  })
})
