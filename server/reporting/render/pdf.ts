import path from 'node:path'
import PDFDocument from 'pdfkit'
import type { PresentedIndicator, PresentedReport } from '../../../common/contracts/reporting.ts'
import { aboutReport, type ReportFormatter, reportFormatter } from './format.ts'
import { type ChartContext, chartHeight, drawChart, palette } from './pdf-charts.ts'

/**
 * The funder's report as a PDF: a title page (the period against the one before, time zone,
 * when it was made, definitions version and data fingerprint, contents), then each section on its
 * own pages, each indicator with its definition, its chart and its table. An indicator that does
 * not fit the rest of a page starts a new one; a table row is never split, and a table that runs
 * over repeats its header. Set in DejaVu Sans (Debian's fonts-dejavu-core), which has every letter
 * of French and then some.
 */

const fontDir = '/usr/share/fonts/truetype/dejavu'
const margin = 54
const footerGap = 24
const valueColumn = 86

export async function renderReportPdf(report: PresentedReport): Promise<Buffer> {
  const f = await reportFormatter(report.lang)
  const doc = new PDFDocument({
    size: 'LETTER',
    margin,
    bufferPages: true,
    lang: f.locale,
    displayTitle: true,
    info: { Title: report.title, Creator: 'Relais', CreationDate: new Date(report.generatedAt) },
  })
  doc.registerFont('regular', path.join(fontDir, 'DejaVuSans.ttf'))
  doc.registerFont('bold', path.join(fontDir, 'DejaVuSans-Bold.ttf'))
  doc.registerFont('mono', path.join(fontDir, 'DejaVuSansMono.ttf'))
  const output = collect(doc)
  const page = new Page(doc, f, report)

  const contentsTop = page.titlePage()
  const sectionPages: number[] = []
  for (const section of report.sections) {
    doc.addPage()
    sectionPages.push(page.number())
    doc.font('bold').fontSize(16).fillColor(palette.current)
    doc.text(section.title, margin, margin, { width: page.width })
    doc.y += 8
    for (const indicator of section.indicators) page.indicator(indicator)
  }
  page.contents(contentsTop, sectionPages)
  page.footers()
  doc.end()
  return output
}

function collect(doc: PDFKit.PDFDocument): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    doc.on('data', (chunk: Buffer) => chunks.push(chunk))
    doc.on('end', () => resolve(Buffer.concat(chunks)))
    doc.on('error', reject)
  })
}

interface Column {
  header: string
  width: number
  align: 'left' | 'right'
  cell: (row: PresentedIndicator['rows'][number]) => string
}

class Page {
  readonly width: number
  private readonly bottom: number
  private readonly chart: ChartContext

  constructor(
    private readonly doc: PDFKit.PDFDocument,
    private readonly f: ReportFormatter,
    private readonly report: PresentedReport,
  ) {
    this.width = doc.page.width - 2 * margin
    this.bottom = doc.page.height - margin - footerGap
    this.chart = {
      doc,
      f,
      series: { current: report.periodLabel, previous: report.previousLabel },
      left: margin,
      width: this.width,
    }
  }

  /** The page being written, counted from 1. */
  number(): number {
    const range = this.doc.bufferedPageRange()
    return range.start + range.count
  }

  /** The title block; answers where the contents go. */
  titlePage(): number {
    const { doc, f, report } = this
    doc.font('bold').fontSize(22).fillColor(palette.current)
    doc.text(report.title, margin, margin + 40, { width: this.width })
    doc.moveDown(0.4)
    doc.font('regular').fontSize(13).fillColor(palette.text)
    doc.text(f.text('comparison', { period: report.periodLabel, previous: report.previousLabel }), {
      width: this.width,
    })
    doc.moveDown(1.6)
    doc.font('bold').fontSize(11).fillColor(palette.text).text(f.text('about.heading'))
    doc.moveDown(0.4)
    const labelWidth = 150
    for (const { label, value, code: mono } of aboutReport(report, f)) {
      const y = doc.y
      doc
        .font('bold')
        .fontSize(9)
        .fillColor(palette.muted)
        .text(label, margin, y, { width: labelWidth - 8 })
      const after = doc.y
      doc
        .font(mono ? 'mono' : 'regular')
        .fontSize(mono ? 7.5 : 9)
        .fillColor(palette.text)
        .text(value, margin + labelWidth, y + (mono ? 1 : 0), { width: this.width - labelWidth })
      doc.y = Math.max(after, doc.y) + 4
    }
    doc.moveDown(1.6)
    doc.font('bold').fontSize(11).fillColor(palette.text).text(f.text('contents'), margin)
    doc.moveDown(0.4)
    return doc.y
  }

  /** The sections and the page each starts on, written once the pages are known. */
  contents(top: number, pages: number[]) {
    const { doc } = this
    doc.switchToPage(0)
    doc.font('regular').fontSize(10).fillColor(palette.text)
    this.report.sections.forEach((section, index) => {
      const y = top + index * 18
      doc.text(section.title, margin, y, { width: this.width - 40, lineBreak: false })
      doc.text(String(pages[index]), margin, y, { width: this.width, align: 'right', lineBreak: false })
      doc
        .moveTo(margin, y + 14)
        .lineTo(margin + this.width, y + 14)
        .lineWidth(0.4)
        .strokeColor(palette.grid)
        .stroke()
    })
  }

  footers() {
    const { doc, f, report } = this
    const { count } = doc.bufferedPageRange()
    for (let index = 0; index < count; index++) {
      doc.switchToPage(index)
      // Writing below the bottom margin would open a new page.
      const bottomMargin = doc.page.margins.bottom
      doc.page.margins.bottom = 0
      const y = doc.page.height - margin + 6
      doc
        .moveTo(margin, y - 6)
        .lineTo(margin + this.width, y - 6)
        .lineWidth(0.4)
        .strokeColor(palette.rule)
        .stroke()
      doc.font('regular').fontSize(7.5).fillColor(palette.muted)
      doc.text(`${report.title} — ${report.periodLabel}`, margin, y, {
        width: this.width - 110,
        lineBreak: false,
      })
      doc.text(f.text('page', { page: index + 1, pages: count }), margin, y, {
        width: this.width,
        align: 'right',
        lineBreak: false,
      })
      doc.page.margins.bottom = bottomMargin
    }
  }

  indicator(indicator: PresentedIndicator) {
    const { doc } = this
    const columns = this.columns(indicator)
    const figureOnly = indicator.chart === 'none' && indicator.dimensions.length === 0
    const head = this.headHeight(indicator)
    const chart = indicator.rows.length > 0 ? chartHeight(indicator) : 16
    const table =
      figureOnly || indicator.rows.length === 0
        ? []
        : [this.headerHeight(columns), ...this.rowHeights(indicator, columns)]
    const whole = head + chart + table.reduce((sum, height) => sum + height, 0)
    // With its header and a few rows, at least; all of it if a page can hold it.
    const least = head + chart + table.slice(0, 4).reduce((sum, height) => sum + height, 0)
    const room = this.bottom - doc.y
    const fresh = this.bottom - margin
    if (doc.y > margin && ((whole > room && whole <= fresh) || least > room)) doc.addPage()

    let y = doc.y
    doc.font('bold').fontSize(11.5).fillColor(palette.text)
    doc.text(indicator.title, margin, y, { width: this.width })
    doc.font('regular').fontSize(7.5).fillColor(palette.muted)
    doc.text(indicator.definition, margin, doc.y + 1, { width: this.width })
    y = doc.y + 6
    if (indicator.rows.length === 0) {
      doc.font('regular').fontSize(9).fillColor(palette.muted).text(this.f.text('noData'), margin, y)
      doc.y = y + chart
      return
    }
    drawChart(this.chart, indicator, y)
    doc.y = y + chart
    if (!figureOnly) this.table(indicator, columns)
    doc.y += 14
  }

  private headHeight(indicator: PresentedIndicator): number {
    const { doc } = this
    doc.font('bold').fontSize(11.5)
    const title = doc.heightOfString(indicator.title, { width: this.width })
    doc.font('regular').fontSize(7.5)
    return title + 1 + doc.heightOfString(indicator.definition, { width: this.width }) + 6
  }

  private columns(indicator: PresentedIndicator): Column[] {
    const { f } = this
    const unit = indicator.unit
    const dimensionWidth = (this.width - 3 * valueColumn) / Math.max(1, indicator.dimensions.length)
    return [
      ...indicator.dimensions.map(
        (dimension, index): Column => ({
          header: dimension.label,
          width: dimensionWidth,
          align: 'left',
          cell: (row) => row.labels[index] ?? '',
        }),
      ),
      {
        header: f.text('column.value'),
        width: valueColumn,
        align: 'right',
        cell: (row) => f.value(unit, row.value),
      },
      {
        header: f.text('column.previous'),
        width: valueColumn,
        align: 'right',
        cell: (row) => f.value(unit, row.previous),
      },
      {
        header: f.text('column.change'),
        width: valueColumn,
        align: 'right',
        cell: (row) => f.change(unit, row.value, row.previous),
      },
    ]
  }

  private cellHeight(texts: string[], columns: Column[]): number {
    return (
      Math.max(
        ...texts.map((text, index) => this.doc.heightOfString(text, { width: columns[index]!.width - 8 })),
      ) + 6
    )
  }

  private headerHeight(columns: Column[]): number {
    this.doc.font('bold').fontSize(8)
    return this.cellHeight(
      columns.map((column) => column.header),
      columns,
    )
  }

  private rowHeights(indicator: PresentedIndicator, columns: Column[]): number[] {
    this.doc.font('regular').fontSize(8)
    return indicator.rows.map((row) =>
      this.cellHeight(
        columns.map((column) => column.cell(row)),
        columns,
      ),
    )
  }

  private table(indicator: PresentedIndicator, columns: Column[]) {
    const { doc } = this
    const header = this.headerHeight(columns)
    const heights = this.rowHeights(indicator, columns)
    const line = (texts: string[], y: number, height: number, font: 'regular' | 'bold', fill?: string) => {
      if (fill) doc.rect(margin, y, this.width, height).fill(fill)
      doc.font(font).fontSize(8).fillColor(palette.text)
      let x = margin
      texts.forEach((text, index) => {
        const column = columns[index]!
        doc.text(text, x + 4, y + 3, { width: column.width - 8, align: column.align })
        x += column.width
      })
    }
    const drawHeader = (y: number) => {
      line(
        columns.map((column) => column.header),
        y,
        header,
        'bold',
      )
      doc
        .moveTo(margin, y + header)
        .lineTo(margin + this.width, y + header)
        .lineWidth(0.8)
        .strokeColor(palette.rule)
        .stroke()
      return y + header
    }
    let y = drawHeader(doc.y)
    indicator.rows.forEach((row, index) => {
      const height = heights[index]!
      if (y + height > this.bottom) {
        doc.addPage()
        y = drawHeader(margin)
      }
      line(
        columns.map((column) => column.cell(row)),
        y,
        height,
        'regular',
        index % 2 ? undefined : palette.zebra,
      )
      y += height
    })
    doc.y = y
  }
}
