import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  anonymize,
  type DataRecord,
  type QuasiIdentifier,
  SUPPRESSED,
  verifyKAnonymity,
} from './k-anonymity.ts'

/**
 * A quasi-identifier whose values are `width` characters: level j masks the last j characters with
 * `x`, the last level is `*`; `unknown` stays itself until then.
 */
function maskingHierarchy(name: string, width: number): QuasiIdentifier {
  const levels = Array.from({ length: width + 1 }, (_, j) =>
    j === width
      ? () => SUPPRESSED
      : (value: string) => (value === 'unknown' ? value : value.slice(0, width - j) + 'x'.repeat(j)),
  )
  return { name, levels }
}

const arbitraryQuasiIdentifiers = fc
  .array(fc.integer({ min: 1, max: 3 }), { minLength: 1, maxLength: 4 })
  .map((widths) => widths.map((width, i) => maskingHierarchy(`q${i}`, width)))

/** Records of those quasi-identifiers (a few characters, so classes form) and a payload of their own. */
const arbitraryCase = arbitraryQuasiIdentifiers.chain((quasiIdentifiers) =>
  fc.record({
    quasiIdentifiers: fc.constant(quasiIdentifiers),
    records: fc.array(
      fc.tuple(
        ...quasiIdentifiers.map((qi) =>
          fc.oneof(
            { weight: 9, arbitrary: fc.stringMatching(new RegExp(`^[0-3]{${qi.levels.length - 1}}$`)) },
            { weight: 1, arbitrary: fc.constant('unknown') },
          ),
        ),
      ),
      { maxLength: 250 },
    ),
    k: fc.integer({ min: 2, max: 20 }),
    greedy: fc.boolean(),
  }),
)

function build(quasiIdentifiers: QuasiIdentifier[], tuples: string[][]): DataRecord[] {
  return tuples.map((tuple, index) => ({
    ...Object.fromEntries(quasiIdentifiers.map((qi, i) => [qi.name, tuple[i]!])),
    payload: `row-${index}`,
  }))
}

const names = (quasiIdentifiers: QuasiIdentifier[]) => quasiIdentifiers.map((qi) => qi.name)

describe('anonymize', () => {
  it('publishes only k-anonymous records, each the generalisation of an input record', () => {
    fc.assert(
      fc.property(arbitraryCase, ({ quasiIdentifiers, records: tuples, k, greedy }) => {
        const records = build(quasiIdentifiers, tuples)
        const copy = structuredClone(records)
        const result = anonymize(records, quasiIdentifiers, { k, maxNodes: greedy ? 1 : undefined })

        expect(verifyKAnonymity(result.records, names(quasiIdentifiers), k)).toEqual([])
        expect(records).toEqual(copy)
        const { summary } = result
        expect(summary.search.strategy).toBe(
          greedy && summary.search.latticeSize > 1 ? 'greedy' : 'exhaustive',
        )
        expect(summary.records.published).toBe(result.records.length)
        expect(summary.records.published + summary.records.dropped).toBe(records.length)
        if (result.records.length > 0) expect(summary.smallestClass).toBeGreaterThanOrEqual(k)
        else expect(summary.smallestClass).toBeNull()
        expect(summary.loss).toBeGreaterThanOrEqual(0)
        expect(summary.loss).toBeLessThanOrEqual(1)

        const byPayload = new Map(records.map((record) => [record.payload, record]))
        const seen = new Set<string>()
        let suppressedRecords = 0
        for (const published of result.records) {
          const original = byPayload.get(published.payload!)!
          expect(original).toBeDefined()
          expect(seen.has(published.payload!)).toBe(false)
          seen.add(published.payload!)
          const suppressed = quasiIdentifiers.every((qi) => published[qi.name] === SUPPRESSED)
          if (suppressed && quasiIdentifiers.some((qi) => result.levels[qi.name]! < qi.levels.length - 1))
            suppressedRecords += 1
          for (const qi of quasiIdentifiers) {
            const level = result.levels[qi.name]!
            if (!suppressed) expect(published[qi.name]).toBe(qi.levels[level]!(original[qi.name]!))
          }
        }
        expect(suppressedRecords).toBe(summary.records.locallySuppressed)
        for (const variable of summary.variables) {
          const cells = result.records.filter((record) => record[variable.name] === SUPPRESSED).length
          expect(variable.cellsSuppressed).toBe(cells)
        }
      }),
      { numRuns: 300 },
    )
  })

  it('finds, searching the whole lattice, a loss no greater than the greedy walk’s', () => {
    fc.assert(
      fc.property(arbitraryCase, ({ quasiIdentifiers, records: tuples, k }) => {
        const records = build(quasiIdentifiers, tuples)
        const exhaustive = anonymize(records, quasiIdentifiers, { k })
        const greedy = anonymize(records, quasiIdentifiers, { k, maxNodes: 1 })
        expect(exhaustive.summary.loss).toBeLessThanOrEqual(greedy.summary.loss + 1e-12)
      }),
      { numRuns: 150 },
    )
  })

  it('generalises province to region rather than suppress, when that loses less', () => {
    const region = (code: string) => (['NS', 'NB'].includes(code) ? 'Atlantic' : code)
    const province: QuasiIdentifier = { name: 'province', levels: [(v) => v, region, () => SUPPRESSED] }
    const records = [
      ...Array.from({ length: 6 }, () => ({ province: 'NS' })),
      ...Array.from({ length: 5 }, () => ({ province: 'NB' })),
      ...Array.from({ length: 20 }, () => ({ province: 'ON' })),
    ]
    const result = anonymize(records, [province], { k: 11 })
    expect(result.levels).toEqual({ province: 1 })
    expect(result.records.filter((record) => record.province === 'Atlantic')).toHaveLength(11)
    expect(result.summary.variables).toEqual([
      { name: 'province', level: 1, levels: 3, valuesGeneralised: 11, cellsSuppressed: 0 },
    ])
    expect(result.summary).toMatchObject({ equivalenceClasses: 2, smallestClass: 11 })
  })

  it('replaces the quasi-identifiers of records in small classes by *, keeping them when they make k', () => {
    const value: QuasiIdentifier = { name: 'v', levels: [(v) => v, () => SUPPRESSED] }
    const result = anonymize([{ v: 'A' }, { v: 'A' }, { v: 'B' }, { v: 'C' }], [value], { k: 2 })
    expect(result.records.map((record) => record.v)).toEqual(['A', 'A', SUPPRESSED, SUPPRESSED])
    expect(result.summary.records).toEqual({ input: 4, published: 4, locallySuppressed: 2, dropped: 0 })
    expect(result.summary.variables[0]).toMatchObject({ level: 0, cellsSuppressed: 2 })
    expect(result.summary.loss).toBe(0.5)
  })

  it('drops the suppressed records when they are still fewer than k', () => {
    const value: QuasiIdentifier = { name: 'v', levels: [(v) => v, () => SUPPRESSED] }
    const result = anonymize(
      [
        { v: 'A', id: '1' },
        { v: 'A', id: '2' },
        { v: 'B', id: '3' },
      ],
      [value],
      { k: 2 },
    )
    expect(result.records).toEqual([
      { v: 'A', id: '1' },
      { v: 'A', id: '2' },
    ])
    expect(result.summary.records).toEqual({ input: 3, published: 2, locallySuppressed: 0, dropped: 1 })
  })

  it('publishes nothing from fewer than k records', () => {
    const value: QuasiIdentifier = { name: 'v', levels: [(v) => v, () => SUPPRESSED] }
    const result = anonymize([{ v: 'A' }, { v: 'A' }], [value], { k: 3 })
    expect(result.records).toEqual([])
    expect(result.summary).toMatchObject({
      records: { input: 2, published: 0, dropped: 2 },
      equivalenceClasses: 0,
      smallestClass: null,
    })
  })

  it('refuses a k that is not a positive integer, and a hierarchy not ending in *', () => {
    const value: QuasiIdentifier = { name: 'v', levels: [(v) => v, () => SUPPRESSED] }
    for (const k of [0, -1, 2.5, Number.NaN])
      expect(() => anonymize([{ v: 'A' }], [value], { k })).toThrow(RangeError)
    expect(() => anonymize([{ v: 'A' }], [{ name: 'v', levels: [(v) => v] }], { k: 2 })).toThrow(/last level/)
  })
})

describe('verifyKAnonymity', () => {
  it('reports exactly the classes smaller than k, with their values and sizes', () => {
    fc.assert(
      fc.property(arbitraryCase, ({ quasiIdentifiers, records: tuples, k }) => {
        const records = build(quasiIdentifiers, tuples)
        const counts = new Map<string, number>()
        for (const tuple of tuples) counts.set(tuple.join('|'), (counts.get(tuple.join('|')) ?? 0) + 1)
        const offending = verifyKAnonymity(records, names(quasiIdentifiers), k)
        const expected = [...counts].filter(([, size]) => size < k)
        expect(offending).toHaveLength(expected.length)
        for (const entry of offending) {
          const key = names(quasiIdentifiers)
            .map((name) => entry.values[name])
            .join('|')
          expect(entry.size).toBe(counts.get(key))
        }
      }),
      { numRuns: 200 },
    )
  })

  it('finds a class made deliberately too small in an anonymised output', () => {
    fc.assert(
      fc.property(arbitraryCase, ({ quasiIdentifiers, records: tuples, k }) => {
        const records = build(quasiIdentifiers, tuples)
        const output = anonymize(records, quasiIdentifiers, { k }).records
        const qis = names(quasiIdentifiers)

        // A record of its own: a class of one.
        const stray = {
          ...Object.fromEntries(qis.map((name) => [name, 'never-generated'])),
          payload: 'stray',
        }
        expect(verifyKAnonymity([...output, stray], qis, k)).toEqual([
          { values: Object.fromEntries(qis.map((name) => [name, 'never-generated'])), size: 1 },
        ])

        // A published class cut down to k - 1 records.
        const first = output[0]
        if (!first) return
        const same = (record: DataRecord) => qis.every((name) => record[name] === first[name])
        const members = output.filter(same)
        const cut = [...output.filter((record) => !same(record)), ...members.slice(0, k - 1)]
        expect(verifyKAnonymity(cut, qis, k)).toEqual([
          { values: Object.fromEntries(qis.map((name) => [name, first[name]])), size: k - 1 },
        ])
      }),
      { numRuns: 200 },
    )
  })
})
