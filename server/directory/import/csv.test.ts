import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { csvLine, parseCsv, parseCsvTable } from './csv.ts'

describe('parseCsv', () => {
  it('reads quoted fields with commas, doubled quotes and line breaks, and counts lines', () => {
    const text = 'a,b,c\r\n1,"two, and ""2""","three\nlines\r\nhere"\r\n4,5,6\n'
    const { records, problems } = parseCsv(text)
    expect(problems).toEqual([])
    expect(records).toEqual([
      { line: 1, fields: ['a', 'b', 'c'] },
      { line: 2, fields: ['1', 'two, and "2"', 'three\nlines\r\nhere'] },
      { line: 5, fields: ['4', '5', '6'] },
    ])
  })

  it('drops a byte order mark, skips blank lines and reads a last line without a line break', () => {
    const { records } = parseCsv('\uFEFFid,name\n\nx,"y"')
    expect(records).toEqual([
      { line: 1, fields: ['id', 'name'] },
      { line: 3, fields: ['x', 'y'] },
    ])
  })

  it('keeps empty fields, at the end of a line too', () => {
    expect(parseCsv('a,,\n,"",b').records.map((r) => r.fields)).toEqual([
      ['a', '', ''],
      ['', '', 'b'],
    ])
  })

  it('reports an unterminated quote at the line where the field starts, and text after a closing quote', () => {
    expect(parseCsv('a,b\n1,"open\n2,3\n').problems).toEqual([{ line: 2, code: 'unterminated_quote' }])
    expect(parseCsv('a,b\n"x"y,2\n').problems).toEqual([{ line: 2, code: 'text_after_quote' }])
  })

  it('reads back whatever csvLine writes', () => {
    const cell = fc.string({ unit: fc.constantFrom('a', 'é', ',', '"', '\n', '\r\n', ' ', '1') })
    fc.assert(
      fc.property(
        fc.array(fc.array(cell, { minLength: 2, maxLength: 4 }), { minLength: 1, maxLength: 5 }),
        (rows) => {
          const width = rows[0]!.length
          const table = rows
            .map((row) => [...row, ...Array(width).fill('')].slice(0, width))
            .map((row) => ['k', ...row])
          const text = `${table.map(csvLine).join('\r\n')}\r\n`
          expect(parseCsv(text).records.map((r) => r.fields)).toEqual(table)
        },
      ),
    )
  })
})

describe('parseCsvTable', () => {
  it('keys rows by lower-cased header and reports rows of the wrong width with their line', () => {
    const table = parseCsvTable('ID,Name\n1,one\n2\n3,three,extra\n4,four,\n')
    expect(table.header).toEqual(['id', 'name'])
    expect(table.rows).toEqual([
      { line: 2, values: { id: '1', name: 'one' } },
      { line: 5, values: { id: '4', name: 'four' } },
    ])
    expect(table.problems).toEqual([
      { line: 3, code: 'row_width', expected: 2, found: 1 },
      { line: 4, code: 'row_width', expected: 2, found: 3 },
    ])
  })
})
