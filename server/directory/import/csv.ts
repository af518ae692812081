/**
 * A CSV reader after RFC 4180: fields separated by commas, records by CRLF (or LF, or CR), fields in
 * double quotes may hold commas, line breaks and doubled quotes. A leading byte order mark is
 * dropped. Each record carries the line it starts on (1-based), for error messages.
 */

export interface CsvRecord {
  line: number
  fields: string[]
}

export interface CsvProblem {
  line: number
  /** `unterminated_quote`: a quoted field runs to the end of the file; `text_after_quote`: a closing quote is followed by something other than a comma or a line break. */
  code: 'unterminated_quote' | 'text_after_quote'
}

export function parseCsv(input: string): { records: CsvRecord[]; problems: CsvProblem[] } {
  const text = input.charCodeAt(0) === 0xfeff ? input.slice(1) : input
  const records: CsvRecord[] = []
  const problems: CsvProblem[] = []
  let fields: string[] = []
  let field = ''
  let line = 1
  let recordLine = 1
  let i = 0
  const length = text.length

  const endRecord = () => {
    fields.push(field)
    field = ''
    // A blank line is no record.
    if (!(fields.length === 1 && fields[0] === '')) records.push({ line: recordLine, fields })
    fields = []
  }
  const newline = (at: number) => {
    // CRLF counts as one line break.
    const next = text[at] === '\r' && text[at + 1] === '\n' ? at + 2 : at + 1
    line += 1
    return next
  }

  while (i < length) {
    const char = text[i]!
    if (char === '"' && field === '') {
      // A quoted field.
      const startLine = line
      i += 1
      let closed = false
      while (i < length) {
        const c = text[i]!
        if (c === '"') {
          if (text[i + 1] === '"') {
            field += '"'
            i += 2
            continue
          }
          i += 1
          closed = true
          break
        }
        if (c === '\r' || c === '\n') {
          const next = c === '\r' && text[i + 1] === '\n' ? i + 2 : i + 1
          field += text.slice(i, next)
          line += 1
          i = next
          continue
        }
        field += c
        i += 1
      }
      if (!closed) {
        problems.push({ line: startLine, code: 'unterminated_quote' })
        break
      }
      // After the closing quote: a comma, a line break or the end.
      const after = text[i]
      if (after !== undefined && after !== ',' && after !== '\r' && after !== '\n') {
        problems.push({ line, code: 'text_after_quote' })
        // Keep the rest of the field as written, so the record still has its columns.
        while (i < length && text[i] !== ',' && text[i] !== '\r' && text[i] !== '\n') {
          field += text[i]
          i += 1
        }
      }
      continue
    }
    if (char === ',') {
      fields.push(field)
      field = ''
      i += 1
      continue
    }
    if (char === '\r' || char === '\n') {
      endRecord()
      i = newline(i)
      recordLine = line
      continue
    }
    field += char
    i += 1
  }
  if (field !== '' || fields.length > 0) endRecord()
  return { records, problems }
}

export interface CsvRow {
  line: number
  values: Record<string, string>
}

export interface CsvTable {
  header: string[]
  rows: CsvRow[]
  problems: (CsvProblem | { line: number; code: 'row_width'; expected: number; found: number })[]
}

/** A CSV file with a header row, as rows keyed by column name (trimmed, lower case). */
export function parseCsvTable(input: string): CsvTable {
  const { records, problems } = parseCsv(input)
  const [head, ...body] = records
  const header = (head?.fields ?? []).map((name) => name.trim().toLowerCase())
  const table: CsvTable = { header, rows: [], problems: [...problems] }
  for (const record of body) {
    if (record.fields.length !== header.length) {
      // A row with trailing empty cells only is still fine (spreadsheets drop or add them).
      const extra = record.fields.slice(header.length)
      if (record.fields.length < header.length || extra.some((value) => value.trim() !== '')) {
        table.problems.push({
          line: record.line,
          code: 'row_width',
          expected: header.length,
          found: record.fields.length,
        })
        continue
      }
    }
    const values: Record<string, string> = {}
    header.forEach((name, index) => {
      values[name] = record.fields[index] ?? ''
    })
    table.rows.push({ line: record.line, values })
  }
  return table
}

/** Writes one CSV record (RFC 4180 quoting), without the line break. */
export function csvLine(values: readonly string[]): string {
  return values
    .map((value) => (/[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value))
    .join(',')
}
