import ExcelJS from 'exceljs'
import type { PresentedIndicator, PresentedReport } from '../../../common/contracts/reporting.ts'
import {
  aboutReport,
  changeOf,
  type ReportFormatter,
  reportFormatter,
  spreadsheetChangeFormats,
  spreadsheetFormats,
} from './format.ts'

/**
 * The funder's report as a workbook: an "About" sheet (periods, time zone, definitions version,
 * data fingerprint), then a sheet per section with each indicator as a titled table, its definition
 * under the title. Figures are numbers with number formats (shares as percents, durations as
 * seconds, said in the header), and a missing measure an empty cell, so they can be computed with.
 */

const headerFill: ExcelJS.Fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFDDE7F2' } }

export async function renderReportXlsx(report: PresentedReport): Promise<Buffer> {
  const f = await reportFormatter(report.lang)
  const workbook = new ExcelJS.Workbook()
  workbook.creator = 'Relais'
  workbook.title = report.title
  workbook.created = new Date(report.generatedAt)

  const names = new Set<string>()
  const about = workbook.addWorksheet(sheetName(f.text('about.sheet'), names))
  about.getColumn(1).width = 28
  about.getColumn(2).width = 80
  about.addRow([report.title]).font = { bold: true, size: 14 }
  about.addRow([])
  for (const { label, value, code } of aboutReport(report, f)) {
    const row = about.addRow([label, value])
    row.getCell(1).font = { bold: true }
    if (code) row.getCell(2).font = { name: 'Consolas' }
  }

  for (const section of report.sections) {
    const sheet = workbook.addWorksheet(sheetName(section.title, names))
    sheet.getColumn(1).width = 36
    for (const column of [2, 3, 4, 5]) sheet.getColumn(column).width = 20
    sheet.addRow([section.title]).font = { bold: true, size: 14 }
    for (const indicator of section.indicators) writeIndicator(sheet, indicator, f)
  }
  return Buffer.from(await workbook.xlsx.writeBuffer())
}

function writeIndicator(sheet: ExcelJS.Worksheet, indicator: PresentedIndicator, f: ReportFormatter) {
  const { unit } = indicator
  const seconds = (header: string) =>
    unit === 'seconds' ? f.text('column.seconds', { column: header }) : header
  const headers = [
    ...indicator.dimensions.map((dimension) => dimension.label),
    seconds(f.text('column.value')),
    seconds(f.text('column.previous')),
    f.text(unit === 'share' ? 'column.changePoints' : 'column.change'),
  ]
  sheet.addRow([])
  sheet.addRow([indicator.title]).font = { bold: true, size: 12 }
  const definition = sheet.addRow([indicator.definition])
  definition.getCell(1).font = { italic: true, color: { argb: 'FF555555' } }
  definition.getCell(1).alignment = { wrapText: true, vertical: 'top' }
  sheet.mergeCells(definition.number, 1, definition.number, Math.max(headers.length, 4))
  const header = sheet.addRow(headers)
  header.eachCell((cell) => {
    cell.font = { bold: true }
    cell.fill = headerFill
    cell.alignment = { wrapText: true, vertical: 'bottom' }
  })
  const first = indicator.dimensions.length + 1
  for (const row of indicator.rows) {
    const line = sheet.addRow([
      ...row.labels,
      row.value ?? undefined,
      row.previous ?? undefined,
      changeOf(unit, row.value, row.previous) ?? undefined,
    ])
    line.getCell(first).numFmt = spreadsheetFormats[unit]
    line.getCell(first + 1).numFmt = spreadsheetFormats[unit]
    line.getCell(first + 2).numFmt = spreadsheetChangeFormats[unit]
  }
}

/** A sheet name Excel accepts: at most 31 characters, none of : \ / ? * [ ], unique in the workbook. */
function sheetName(title: string, taken: Set<string>): string {
  const base =
    title
      .replace(/[:\\/?*[\]]/g, ' ')
      .trim()
      .slice(0, 31) || 'Sheet'
  let name = base
  for (let n = 2; taken.has(name.toLowerCase()); n++)
    name = `${base.slice(0, 31 - String(n).length - 1)} ${n}`
  taken.add(name.toLowerCase())
  return name
}
