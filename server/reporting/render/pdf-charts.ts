import type { IndicatorUnit, PresentedIndicator, PresentedRow } from '../../../common/contracts/reporting.ts'
import type { ReportFormatter } from './format.ts'

/**
 * The charts of the PDF report, drawn with PDFKit's vector primitives: horizontal bars with their
 * labels, months as two lines (the period and the one before), provinces and territories as
 * columns, or a single figure. Each chart knows its height before it is drawn, so the document can
 * keep an indicator on one page.
 */

export const palette = {
  text: '#1a1a1a',
  muted: '#555555',
  current: '#1f4e79',
  previous: '#8fb3d9',
  grid: '#e1e1e1',
  rule: '#b8b8b8',
  zebra: '#f1f4f8',
}

export interface ChartContext {
  doc: PDFKit.PDFDocument
  f: ReportFormatter
  /** What the two series are called: the period and the previous one. */
  series: { current: string; previous: string }
  left: number
  width: number
}

const legendHeight = 16
const plotHeight = 130
const axisWidth = 58
const xLabelHeight = 14
const barLabelWidth = 150
const barValueWidth = 64
const barBand = 18

/** The height a chart takes, gaps included. */
export function chartHeight(indicator: PresentedIndicator): number {
  switch (indicator.chart) {
    case 'none':
      return 40
    case 'bars':
      return legendHeight + indicator.rows.length * barBand + 8
    case 'time_series':
    case 'province_bars':
      return legendHeight + plotHeight + xLabelHeight + 12
  }
}

export function drawChart(context: ChartContext, indicator: PresentedIndicator, top: number): void {
  if (indicator.rows.length === 0) return
  switch (indicator.chart) {
    case 'none':
      drawFigure(context, indicator, top)
      break
    case 'bars':
      drawBars(context, indicator, top)
      break
    case 'time_series':
      drawPlot(context, indicator, top, 'lines')
      break
    case 'province_bars':
      drawPlot(context, indicator, top, 'columns')
      break
  }
}

/** The one figure of an indicator without dimensions, with the previous period's beside it. */
function drawFigure(
  { doc, f, series, left, width }: ChartContext,
  indicator: PresentedIndicator,
  top: number,
) {
  const row = indicator.rows[0]!
  doc.font('bold').fontSize(24).fillColor(palette.current)
  const figure = f.value(indicator.unit, row.value)
  doc.text(figure, left, top + 4, { lineBreak: false })
  const after = left + doc.widthOfString(figure) + 14
  doc.font('regular').fontSize(9).fillColor(palette.muted)
  const comparison = f.text('figureComparison', {
    period: series.previous,
    value: f.value(indicator.unit, row.previous),
    change: f.change(indicator.unit, row.value, row.previous),
  })
  doc.text(comparison, after, top + 16, {
    width: left + width - after,
    lineBreak: false,
  })
}

function drawLegend({ doc, series, left }: ChartContext, top: number) {
  let x = left
  doc.font('regular').fontSize(7.5)
  for (const [label, color] of [
    [series.current, palette.current],
    [series.previous, palette.previous],
  ] as const) {
    doc.rect(x, top + 2, 9, 7).fill(color)
    doc.fillColor(palette.muted).text(label, x + 13, top + 1.5, { lineBreak: false })
    x += 13 + doc.widthOfString(label) + 16
  }
}

function rowLabel(row: PresentedRow): string {
  return row.labels.join(' · ')
}

/** Cuts a text to a width, with an ellipsis, in the current font. */
function clip(doc: PDFKit.PDFDocument, text: string, width: number): string {
  if (doc.widthOfString(text) <= width) return text
  let cut = text
  while (cut.length > 1 && doc.widthOfString(`${cut}…`) > width) cut = cut.slice(0, -1)
  return `${cut.trimEnd()}…`
}

function largest(rows: PresentedRow[]): number {
  return Math.max(0, ...rows.flatMap((row) => [row.value ?? 0, row.previous ?? 0]))
}

function drawBars(context: ChartContext, indicator: PresentedIndicator, top: number) {
  const { doc, f, left, width } = context
  drawLegend(context, top)
  const x0 = left + barLabelWidth + 6
  const span = width - barLabelWidth - 6 - barValueWidth
  const max = largest(indicator.rows) || 1
  indicator.rows.forEach((row, index) => {
    const y = top + legendHeight + index * barBand
    doc.font('regular').fontSize(7.5).fillColor(palette.text)
    doc.text(clip(doc, rowLabel(row), barLabelWidth), left, y + 3, { width: barLabelWidth, lineBreak: false })
    doc.rect(x0, y + 1, span, barBand - 3).fill(index % 2 ? '#ffffff' : palette.zebra)
    const current = ((row.value ?? 0) / max) * span
    const previous = ((row.previous ?? 0) / max) * span
    if (current > 0) doc.rect(x0, y + 2, current, 8).fill(palette.current)
    if (previous > 0) doc.rect(x0, y + 11, previous, 4).fill(palette.previous)
    doc.font('regular').fontSize(7).fillColor(palette.muted)
    doc.text(f.value(indicator.unit, row.value), x0 + current + 4, y + 2.5, {
      width: barValueWidth + span - current - 4,
      lineBreak: false,
    })
  })
}

/** Round steps for an axis from zero to at least `max`: 1, 2 or 5 times a power of ten (minutes for durations). */
export function axisTicks(max: number, unit: IndicatorUnit): number[] {
  const top = max > 0 ? max : unit === 'share' ? 0.1 : 1
  const raw = top / 4
  const minutes = unit === 'seconds' && raw >= 60
  const base = minutes ? raw / 60 : raw
  const power = 10 ** Math.floor(Math.log10(base))
  let step = [1, 2, 5, 10].map((m) => m * power).find((candidate) => candidate >= base)!
  if (minutes) step *= 60
  if (unit !== 'share') step = Math.max(1, Math.round(step))
  const count = Math.ceil(top / step - 1e-9)
  return Array.from({ length: count + 1 }, (_, i) => i * step)
}

/** A plot over an axis: months as two lines, or provinces as pairs of columns. */
function drawPlot(
  context: ChartContext,
  indicator: PresentedIndicator,
  top: number,
  kind: 'lines' | 'columns',
) {
  const { doc, f, left, width } = context
  drawLegend(context, top)
  const ticks = axisTicks(largest(indicator.rows), indicator.unit)
  const highest = ticks.at(-1)!
  const x0 = left + axisWidth
  const plotWidth = width - axisWidth
  const y0 = top + legendHeight + plotHeight
  const yOf = (value: number) => y0 - (value / highest) * (plotHeight - 6)
  doc.font('regular').fontSize(6.5)
  for (const tick of ticks) {
    const y = yOf(tick)
    doc
      .moveTo(x0, y)
      .lineTo(x0 + plotWidth, y)
      .lineWidth(0.5)
      .strokeColor(palette.grid)
      .stroke()
    doc.fillColor(palette.muted).text(f.tick(indicator.unit, tick), left, y - 3, {
      width: axisWidth - 5,
      align: 'right',
      lineBreak: false,
    })
  }
  doc
    .moveTo(x0, y0)
    .lineTo(x0 + plotWidth, y0)
    .lineWidth(0.8)
    .strokeColor(palette.rule)
    .stroke()

  const rows = indicator.rows
  const slot = plotWidth / rows.length
  const xOf = (index: number) => x0 + slot * (index + 0.5)
  // Labels under the axis: codes for provinces, the presented labels for months, thinned to fit.
  const labels = rows.map((row) => (kind === 'columns' ? row.key.join('/') : rowLabel(row)))
  const widest = Math.max(...labels.map((label) => doc.widthOfString(label)))
  const every = Math.max(1, Math.ceil((widest + 4) / slot))
  doc.fillColor(palette.muted)
  labels.forEach((label, index) => {
    if (index % every) return
    doc.text(label, xOf(index) - slot * every * 0.5, y0 + 4, {
      width: slot * every,
      align: 'center',
      lineBreak: false,
    })
  })

  if (kind === 'columns') {
    const column = Math.min(14, slot * 0.34)
    rows.forEach((row, index) => {
      const x = xOf(index)
      if (row.value !== null)
        doc.rect(x - column, yOf(row.value), column, y0 - yOf(row.value)).fill(palette.current)
      if (row.previous !== null)
        doc.rect(x + 1, yOf(row.previous), column * 0.8, y0 - yOf(row.previous)).fill(palette.previous)
    })
    return
  }
  for (const [side, color, dashed] of [
    ['previous', palette.previous, true],
    ['value', palette.current, false],
  ] as const) {
    // A missing month breaks the line.
    let drawing = false
    rows.forEach((row, index) => {
      const value = row[side]
      if (value === null) {
        drawing = false
        return
      }
      if (drawing) doc.lineTo(xOf(index), yOf(value))
      else doc.moveTo(xOf(index), yOf(value))
      drawing = true
    })
    if (dashed) doc.dash(3, { space: 2 })
    doc.lineWidth(1.6).strokeColor(color).stroke()
    doc.undash()
    rows.forEach((row, index) => {
      const value = row[side]
      if (value !== null) doc.circle(xOf(index), yOf(value), 2).fill(color)
    })
  }
}
