import fc from 'fast-check'
import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { engines } from '../../test/support/database.ts'
import type { Database } from '../db/database.ts'
import { operandsOf, parseTsquery, parseTsvector, type TextQuery, tsRank } from './text-rank.ts'

const lexemes = ['a', 'b', 'ab', 'ba', 'b2', "l'eau", 'été', 'back\\slash']
const quote = (lexeme: string) => `'${lexeme.replace(/\\/g, '\\\\').replace(/'/g, "''")}'`

const vectorArbitrary = fc
  .uniqueArray(
    fc.record({
      lexeme: fc.constantFrom(...lexemes),
      positions: fc.uniqueArray(
        fc.record({ at: fc.integer({ min: 1, max: 120 }), weight: fc.constantFrom('', 'A', 'B', 'C', 'D') }),
        { maxLength: 4, selector: (position) => position.at },
      ),
    }),
    { maxLength: 6, selector: (entry) => entry.lexeme },
  )
  .map((entries) =>
    entries
      .map(({ lexeme, positions }) =>
        positions.length === 0
          ? quote(lexeme)
          : `${quote(lexeme)}:${positions.map((p) => `${p.at}${p.weight}`).join(',')}`,
      )
      .join(' '),
  )

const queryArbitrary: fc.Arbitrary<string> = fc.letrec<{ query: string }>((tie) => ({
  query: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constantFrom(...lexemes).map(quote),
    fc
      .tuple(tie('query'), fc.constantFrom('&', '|'), tie('query'))
      .map(([a, op, b]) => `( ${a} ${op} ${b} )`),
  ),
})).query

/** The positions of each of the query's lexemes in the vector, as tsRank takes them. */
function rankOf(vectorText: string, query: TextQuery) {
  const vector = new Map(parseTsvector(vectorText))
  return tsRank(
    query,
    operandsOf(query).map((lexeme) => vector.get(lexeme) ?? null),
    vector.size === 0,
  )
}

describe.each(engines)('ts_rank and @@ in JavaScript, against $engine', ({ open }) => {
  let database: Database
  beforeAll(async () => {
    database = await open()
  })
  afterAll(() => database.close())

  it('rank and match exactly as PostgreSQL does, float4 for float4', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(vectorArbitrary, queryArbitrary), { minLength: 1, maxLength: 50 }),
        async (pairs) => {
          const { rows } = await sql<{ vector: string; query: string; rank: string; matches: boolean }>`
            select v::tsvector::text as vector, q::tsquery::text as query,
              ts_rank(v::tsvector, q::tsquery)::text as rank, v::tsvector @@ q::tsquery as matches
            from unnest(${pairs.map((p) => p[0])}::text[], ${pairs.map((p) => p[1])}::text[]) as t(v, q)`.execute(
            database.db,
          )
          for (const row of rows) {
            const query = parseTsquery(row.query)
            if (query === null || query === 'empty') throw new Error(`unexpected query ${row.query}`)
            const label = `${row.vector} / ${row.query}`
            expect(rankOf(row.vector, query), label).toBe(Math.fround(Number(row.rank)))
            const present = new Set(parseTsvector(row.vector).map(([lexeme]) => lexeme))
            const evaluate = (node: TextQuery): boolean =>
              node.op === 'word'
                ? present.has(node.lexeme)
                : node.op === 'and'
                  ? evaluate(node.left) && evaluate(node.right)
                  : evaluate(node.left) || evaluate(node.right)
            expect(evaluate(query), label).toBe(row.matches)
          }
        },
      ),
      { numRuns: 40 },
    )
  })

  it('reads what websearch_to_tsquery makes of plain words, and leaves the rest to SQL', async () => {
    const parse = async (text: string) => {
      const { rows } = await sql<{
        q: string
      }>`select websearch_to_tsquery('english', ${text})::text as q`.execute(database.db)
      return parseTsquery(rows[0]!.q)
    }
    expect(await parse('women shelter')).toEqual({
      op: 'and',
      left: { op: 'word', lexeme: 'women' },
      right: { op: 'word', lexeme: 'shelter' },
    })
    expect(await parse('shelter or housing')).toMatchObject({ op: 'or' })
    expect(await parse('the')).toBe('empty')
    for (const unsupported of ['"emergency shelter"', 'shelter -youth', 'e-mail'])
      expect(await parse(unsupported), unsupported).toBeNull()
    expect(parseTsquery("'a':* & 'b'")).toBeNull()
    expect(parseTsquery("'a':AB")).toBeNull()
  })
})
