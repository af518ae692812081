import { execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import ExcelJS from 'exceljs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { PresentedIndicator, PresentedReport } from '../../../common/contracts/reporting.ts'
import { parseCsvTable } from '../../directory/import/csv.ts'
import { renderReportCsv, reportCsvColumns } from './csv.ts'
import { reportFixture } from './fixture.ts'
import { type ReportFormatter, reportFormatter } from './format.ts'
import { renderReportPdf } from './pdf.ts'
import { renderReportXlsx } from './xlsx.ts'

const langs = ['en', 'fr'] as const

let scratch: string
beforeAll(() => {
  scratch = mkdtempSync(path.join(tmpdir(), 'relais-report-'))
})
afterAll(() => rmSync(scratch, { recursive: true, force: true }))

/** The PDF's text as poppler lays it out, one string per page, spaces of every width made plain. */
function pdfPages(pdf: Buffer): string[][] {
  const file = path.join(scratch, `report-${Math.random().toString(36).slice(2)}.pdf`)
  writeFileSync(file, pdf)
  const text = execFileSync('pdftotext', ['-layout', '-enc', 'UTF-8', file, '-'], { encoding: 'utf8' })
  const pages = text.split('\f')
  if (pages.at(-1)?.trim() === '') pages.pop()
  return pages.map((page) => page.split('\n').map(plain))
}

const plain = (text: string) =>
  text
    .replace(/[\u00a0\u202f]/g, ' ')
    .replace(/\s+/g, ' ')
    .trim()

/** Whether the line holds the parts, left to right. */
function inOrder(line: string, parts: string[]): boolean {
  let at = 0
  for (const part of parts) {
    const found = line.indexOf(part, at)
    if (found < 0) return false
    at = found + part.length
  }
  return true
}

const everyIndicator = (report: PresentedReport) => report.sections.flatMap((section) => section.indicators)
const figureOnly = (indicator: PresentedIndicator) => indicator.dimensions.length === 0

/** A table row as the PDF writes it: its labels, value, previous value and change. */
function rowCells(
  f: ReportFormatter,
  indicator: PresentedIndicator,
  row: PresentedIndicator['rows'][number],
) {
  return [
    ...row.labels,
    f.value(indicator.unit, row.value),
    f.value(indicator.unit, row.previous),
    f.change(indicator.unit, row.value, row.previous),
  ].map(plain)
}

/** The fixture with a second dimension, language, under the signals by channel. */
function crossed(lang: 'en' | 'fr'): PresentedReport {
  const report = reportFixture({ lang, seed: 7 })
  const languages = reportFixture({ lang }).sections[0]!.indicators.find(
    (i) => i.id === 'signals.by_language',
  )!
  const byChannel = report.sections[0]!.indicators.find((i) => i.id === 'signals.by_channel')!
  byChannel.dimensions.push(languages.dimensions[0]!)
  byChannel.rows = byChannel.rows.flatMap((row, r) =>
    languages.rows.slice(0, 2).map((language, l) => ({
      key: [...row.key, ...language.key],
      labels: [...row.labels, ...language.labels],
      value: row.value === null ? null : row.value + r * 10 + l,
      previous: row.previous,
    })),
  )
  return report
}

describe.each(langs)('the PDF report in %s', (lang) => {
  const report = reportFixture({ lang })
  let pages: string[][]
  let f: ReportFormatter
  beforeAll(async () => {
    f = await reportFormatter(lang)
    pages = pdfPages(await renderReportPdf(report))
  })
  const text = () => pages.map((page) => page.join(' ')).join(' ')

  it('opens with the title, both periods, the time zone, the definitions version and the fingerprint', () => {
    const first = pages[0]!.join(' ')
    for (const fact of [
      report.title,
      f.text('comparison', { period: report.periodLabel, previous: report.previousLabel }),
      report.timeZone,
      f.instant(report.generatedAt, report.timeZone),
      report.definitionsVersion,
      report.fingerprint,
      f.day(report.period.from),
      f.day(report.previous.to),
    ])
      expect(first).toContain(plain(fact))
    for (const section of report.sections) expect(first).toContain(section.title)
  })

  it('holds every section, indicator and definition', () => {
    for (const section of report.sections) expect(text()).toContain(section.title)
    for (const indicator of everyIndicator(report)) {
      expect(text()).toContain(plain(indicator.title))
      expect(text()).toContain(plain(indicator.definition))
    }
  })

  it('writes every figure, each table row whole on one line', () => {
    const lines = pages.flat()
    for (const indicator of everyIndicator(report)) {
      for (const row of indicator.rows) {
        const cells = rowCells(f, indicator, row)
        if (figureOnly(indicator)) {
          for (const cell of cells) expect(text(), `${indicator.id}`).toContain(cell)
        } else {
          expect(
            lines.some((line) => inOrder(line, cells)),
            `${indicator.id} ${cells.join(' | ')}`,
          ).toBe(true)
        }
      }
    }
  })

  it('keeps each indicator’s title on the page of its first figures', () => {
    for (const indicator of everyIndicator(report)) {
      const page = pages.find((lines) => lines.some((line) => line === plain(indicator.title)))
      expect(page, indicator.id).toBeDefined()
      const first = rowCells(f, indicator, indicator.rows[0]!)
      if (!figureOnly(indicator))
        expect(
          page!.some((line) => inOrder(line, first)),
          indicator.id,
        ).toBe(true)
    }
  })

  it('numbers its pages in the footer', () => {
    expect(pages.length).toBeGreaterThan(1)
    pages.forEach((page, index) => {
      expect(page.join(' ')).toContain(plain(f.text('page', { page: index + 1, pages: pages.length })))
    })
  })
})

describe('the PDF report’s long tables', () => {
  it('go on over pages with their header repeated, no row cut', async () => {
    // Five years of months: a table longer than a page.
    const report = reportFixture({ lang: 'fr', period: '2017-04-01..2022-03-31' })
    const f = await reportFormatter('fr')
    const pages = pdfPages(await renderReportPdf(report))
    const byMonth = everyIndicator(report).find((indicator) => indicator.id === 'signals.by_month')!
    expect(byMonth.rows).toHaveLength(60)
    const onPages = byMonth.rows.map((row) => {
      const cells = rowCells(f, byMonth, row)
      return pages.findIndex((lines) => lines.some((line) => inOrder(line, cells)))
    })
    expect(onPages).not.toContain(-1)
    const spanned = [...new Set(onPages)]
    expect(spanned.length).toBeGreaterThan(1)
    const header = plain(`${byMonth.dimensions[0]!.label} ${f.text('column.value')}`)
    for (const page of spanned)
      expect(
        pages[page]!.some((line) => line.startsWith(header)),
        `page ${page + 1}`,
      ).toBe(true)
  })

  it('write both dimensions of a crossed indicator', async () => {
    const report = crossed('en')
    const f = await reportFormatter('en')
    const lines = pdfPages(await renderReportPdf(report)).flat()
    const indicator = everyIndicator(report).find((i) => i.id === 'signals.by_channel')!
    for (const row of indicator.rows)
      expect(lines.some((line) => inOrder(line, rowCells(f, indicator, row)))).toBe(true)
  })
})

describe.each(langs)('the workbook in %s', (lang) => {
  const report = reportFixture({ lang })
  let workbook: ExcelJS.Workbook
  let f: ReportFormatter
  beforeAll(async () => {
    f = await reportFormatter(lang)
    workbook = new ExcelJS.Workbook()
    // A copy as a plain ArrayBuffer, the type the reader declares.
    await workbook.xlsx.load(new Uint8Array(await renderReportXlsx(report)).buffer)
  })

  it('opens with an About sheet giving the periods, definitions version and fingerprint', () => {
    const about = workbook.worksheets[0]!
    expect(about.name).toBe(f.text('about.sheet'))
    const values = new Map<string, unknown>()
    about.eachRow((row) => values.set(String(row.getCell(1).value), row.getCell(2).value))
    expect(values.get(f.text('about.definitionsVersion'))).toBe(report.definitionsVersion)
    expect(values.get(f.text('about.fingerprint'))).toBe(report.fingerprint)
    expect(values.get(f.text('about.timeZone'))).toBe(report.timeZone)
    expect(String(values.get(f.text('about.period')))).toContain(report.periodLabel)
    expect(String(values.get(f.text('about.previous')))).toContain(report.previousLabel)
  })

  it('has a sheet per section, each indicator a table of numbers under its title and definition', () => {
    expect(workbook.worksheets.slice(1).map((sheet) => sheet.name)).toEqual(
      report.sections.map((section) => section.title),
    )
    const formats = { count: '#,##0', share: '0.0%', seconds: '0' }
    report.sections.forEach((section, s) => {
      const sheet = workbook.worksheets[s + 1]!
      const column = sheet.getColumn(1).values
      for (const indicator of section.indicators) {
        const title = column.indexOf(indicator.title)
        expect(title, indicator.id).toBeGreaterThan(0)
        expect(sheet.getRow(title).font?.bold).toBe(true)
        expect(sheet.getCell(title + 1, 1).value).toBe(indicator.definition)
        const header = sheet.getRow(title + 2)
        const width = indicator.dimensions.length
        expect(header.getCell(1).font?.bold, indicator.id).toBe(true)
        indicator.dimensions.forEach((dimension, d) => {
          expect(header.getCell(d + 1).value).toBe(dimension.label)
        })
        if (indicator.unit === 'seconds') expect(String(header.getCell(width + 1).value)).toMatch(/second/)
        indicator.rows.forEach((row, r) => {
          const line = sheet.getRow(title + 3 + r)
          row.labels.forEach((label, d) => {
            expect(line.getCell(d + 1).value).toBe(label)
          })
          const [value, previous] = [line.getCell(width + 1), line.getCell(width + 2)]
          expect(value.value ?? null, `${indicator.id} ${row.key}`).toBe(row.value)
          expect(previous.value ?? null, `${indicator.id} ${row.key}`).toBe(row.previous)
          if (row.value !== null) expect(value.numFmt).toBe(formats[indicator.unit])
        })
      }
    })
  })
})

describe.each(langs)('the CSV in %s', (lang) => {
  it('reads back, with a byte order mark and CRLF, into the report’s figures', () => {
    const report = crossed(lang)
    const csv = renderReportCsv(report)
    expect(csv.charCodeAt(0)).toBe(0xfeff)
    expect(csv.replaceAll('\r\n', '')).not.toMatch(/[\r\n]/)
    const table = parseCsvTable(csv)
    expect(table.problems).toEqual([])
    expect(table.header).toEqual([...reportCsvColumns])
    const expected = everyIndicator(report).flatMap((indicator) =>
      indicator.rows.map((row) => ({ indicator, row })),
    )
    expect(table.rows).toHaveLength(expected.length)
    const number = (text: string) => (text === '' ? null : Number(text))
    table.rows.forEach(({ values }, index) => {
      const { indicator, row } = expected[index]!
      expect(values.indicator).toBe(indicator.id)
      expect(values.indicator_title).toBe(indicator.title)
      expect(values.unit).toBe(indicator.unit)
      for (const d of [0, 1]) {
        expect(values[`dimension_${d + 1}`]).toBe(indicator.dimensions[d]?.id ?? '')
        expect(values[`value_${d + 1}_code`]).toBe(row.key[d] ?? '')
        expect(values[`value_${d + 1}_label`]).toBe(row.labels[d] ?? '')
      }
      expect(values.value).toMatch(/^(|-?\d+(\.\d+)?)$/)
      expect(number(values.value!)).toBe(row.value)
      expect(number(values.previous!)).toBe(row.previous)
      expect([values.period, values.period_label]).toEqual([report.period.label, report.periodLabel])
      expect([values.previous_period, values.previous_period_label]).toEqual([
        report.previous.label,
        report.previousLabel,
      ])
      expect([values.definitions_version, values.fingerprint]).toEqual([
        report.definitionsVersion,
        report.fingerprint,
      ])
    })
    // Shares as decimals of one, not percents.
    const shares = table.rows.filter(({ values }) => values.unit === 'share' && values.value !== '')
    expect(shares.length).toBeGreaterThan(0)
    for (const { values } of shares) expect(Number(values.value)).toBeLessThanOrEqual(1)
  })
})

describe('the report fixture', () => {
  it('covers every section, kind of chart and unit, missing measures and the 13 provinces and territories', () => {
    const report = reportFixture({ lang: 'fr' })
    const all = everyIndicator(report)
    expect(report.sections).toHaveLength(6)
    expect(new Set(all.map((i) => i.chart))).toEqual(
      new Set(['none', 'bars', 'time_series', 'province_bars']),
    )
    expect(new Set(all.map((i) => i.unit))).toEqual(new Set(['count', 'share', 'seconds']))
    expect(all.some((i) => i.rows.some((row) => row.value === null))).toBe(true)
    expect(all.some((i) => i.rows.some((row) => row.value !== null && row.previous === null))).toBe(true)
    expect(all.find((i) => i.id === 'signals.by_province')!.rows).toHaveLength(13)
    expect(JSON.stringify(report)).toMatch(/[éèàçÎ]/)
    expect(reportFixture({ lang: 'fr', seed: 8 })).not.toEqual(report)
  })
})
