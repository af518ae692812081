import fc from 'fast-check'
import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { directorySearchQuery } from '../../common/contracts/directory.ts'
import { engines } from '../../test/support/database.ts'
import { providerBundle } from '../../test/support/directory.ts'
import type { Database } from '../db/database.ts'
import { generateDirectory } from './demo/generate.ts'
import { municipalities } from './demo/municipalities.ts'
import { seedDirectory } from './demo/seed.ts'
import { DirectoryIndex } from './directory.index.ts'
import { searchDirectory } from './directory.search.ts'
import { saveBundle } from './directory.service.ts'
import { POPULATION, relaisTaxonomyTerms, SERVICE_TYPE } from './taxonomies.ts'

const audit = { actorId: null, actorLabel: 'test', address: null, requestId: null }
const now = new Date('2026-03-04T15:30:00Z')
/** A moment in daylight saving time, when most provinces' clocks are an hour ahead. */
const summer = new Date('2026-07-08T22:30:00Z')
const codes = (taxonomy: string) =>
  relaisTaxonomyTerms.filter((term) => term.taxonomyId === taxonomy).map((term) => term.code!)

/** Words of the generated directory in both languages, stop words, typos and what SQL alone answers. */
const words = [
  'shelter',
  'housing',
  'women',
  'youth',
  'legal',
  'counselling',
  'crisis',
  'support',
  'centre',
  'hébergement',
  'refuge',
  'aide',
  'femmes',
  'santé',
  'jeunes',
  'police',
  'the',
  'de',
  'sheltr',
  '"emergency shelter"',
  '-youth',
  'shelt*',
]
const places = municipalities.filter((place) => ['ON', 'QC', 'NS', 'NU', 'BC'].includes(place.province))

const queryArbitrary = fc.record(
  {
    q: fc
      .array(fc.constantFrom(...words), { minLength: 1, maxLength: 3 })
      .chain((list) => fc.constantFrom(list.join(' '), list.join(' or '))),
    serviceType: fc
      .subarray(codes(SERVICE_TYPE), { minLength: 1, maxLength: 3 })
      .map((list) => list.join(',')),
    population: fc.subarray(codes(POPULATION), { minLength: 1, maxLength: 2 }).map((list) => list.join(',')),
    language: fc.subarray(['en', 'fr', 'es', 'cr', 'iu'], { minLength: 1 }).map((list) => list.join(',')),
    place: fc.constantFrom(...places).chain((place) =>
      fc.oneof(
        fc.constant({ province: place.province }),
        fc.constant({ province: place.province, municipality: place.name }),
        fc.record({
          province: fc.constant(place.province),
          nearMunicipality: fc.constant(place.name),
          radiusKm: fc.constantFrom('5', '50', '300'),
        }),
        fc.record({
          lat: fc.constant(String(place.latitude)),
          lng: fc.constant(String(place.longitude)),
          radiusKm: fc.constantFrom('20', '150', '2000'),
        }),
      ),
    ),
    openNow: fc.constant('true'),
    open247: fc.constant('true'),
    accepting: fc.constant('true'),
    age: fc.constantFrom('12', '17', '30', '70'),
    substanceUse: fc.constant('true'),
    kind: fc
      .subarray(['service_provider', 'law_enforcement', 'child_protection'], { minLength: 1 })
      .map((list) => list.join(',')),
    page: fc.constantFrom('1', '2', '4'),
    perPage: fc.constantFrom('5', '20', '100'),
  },
  { requiredKeys: [] },
)

const flatten = ({ place, ...rest }: { place?: object; [key: string]: unknown }) =>
  Object.fromEntries(
    Object.entries({ ...rest, ...place }).filter(
      (entry): entry is [string, string] => typeof entry[1] === 'string',
    ),
  )

describe.each(engines)('the directory index on $engine', ({ open }) => {
  let database: Database
  let index: DirectoryIndex
  beforeAll(async () => {
    database = await open()
    await seedDirectory(database, generateDirectory({ seed: 11, services: 400, today: now }), {
      audit,
      today: now,
    })
    index = new DirectoryIndex(database.db, (error) => {
      throw error
    })
    await index.load()
  }, 120_000)
  afterAll(async () => {
    await index.close()
    await database.close()
  })

  /** The search through the index and through SQL alone; and whether the index answered it. */
  async function bothWays(raw: Record<string, string>, includeConfidential: boolean, at = now) {
    const query = directorySearchQuery.parse(raw)
    const { answeredBy, ...fromIndex } = await searchDirectory(database.db, query, {
      includeConfidential,
      lang: 'fr',
      now: at,
      index,
    })
    const { answeredBy: sqlAlone, ...fromSql } = await searchDirectory(database.db, query, {
      includeConfidential,
      lang: 'fr',
      now: at,
    })
    expect(sqlAlone).toBe('sql')
    const answered = answeredBy === 'index'
    return { fromIndex, fromSql, answered }
  }

  it('answers every search as SQL does: the same total, page in order, facets and agencies', async () => {
    let answered = 0
    let runs = 0
    await fc.assert(
      fc.asyncProperty(
        queryArbitrary,
        fc.boolean(),
        fc.constantFrom(now, summer),
        async (generated, includeConfidential, at) => {
          const raw = flatten(generated)
          const both = await bothWays(raw, includeConfidential, at)
          expect(both.fromIndex, JSON.stringify(raw)).toEqual(both.fromSql)
          runs += 1
          if (both.answered) answered += 1
        },
      ),
      { numRuns: 150 },
    )
    // Most searches are the index's to answer: phrases, exclusions, prefixes and typos are SQL's.
    expect(answered / runs).toBeGreaterThan(0.5)
  }, 120_000)

  it('ranks by words as ts_rank does, to the last bit of the float4', async () => {
    for (const q of [
      'shelter',
      'women shelter',
      'shelter or housing',
      'support centre crisis',
      'refuge femmes',
    ]) {
      const { fromIndex, fromSql, answered } = await bothWays({ q, perPage: '100' }, true)
      expect(answered, q).toBe(true)
      expect(fromSql.total, q).toBeGreaterThan(0)
      expect(fromIndex.results.map((result) => result.id)).toEqual(fromSql.results.map((result) => result.id))
    }
  })

  it('follows every change the database commits, before the next search answers', async () => {
    const bundle = providerBundle({
      name: { en: 'Quillwort Harbour Refuge' },
      serviceName: { en: 'Quillwort night shelter', fr: 'Refuge de nuit Quillwort' },
      city: 'Halifax',
      province: 'NS',
      latitude: 44.6488,
      longitude: -63.5752,
    })
    const search = { q: 'quillwort', perPage: '100' }
    const inHalifax = { province: 'NS', municipality: 'Halifax', perPage: '100' }
    const shows = async (query: Record<string, string>, includeConfidential: boolean) => {
      const both = await bothWays(query, includeConfidential)
      expect(both.answered, JSON.stringify(query)).toBe(true)
      expect(both.fromIndex).toEqual(both.fromSql)
      return both.fromIndex.results.some((result) => result.serviceId === bundle.ids.service)
    }
    expect((await bothWays(search, true)).fromIndex.total).toBe(0)

    await saveBundle(database, bundle, audit, { mode: 'summary' })
    expect(await shows(search, false)).toBe(true)
    expect(await shows(inHalifax, false)).toBe(true)

    // Made confidential: gone from the public's search at once, still the staff's.
    await saveBundle(
      database,
      { ...bundle, organizations: [{ ...bundle.organizations[0]!, confidential: true }] },
      audit,
      { mode: 'summary' },
    )
    expect(await shows(inHalifax, false)).toBe(false)
    expect(await shows(inHalifax, true)).toBe(true)
    expect(await shows(search, true)).toBe(true)

    // Removed: gone.
    await database.db.deleteFrom('directory_service').where('id', '=', bundle.ids.service).execute()
    expect(await shows(inHalifax, true)).toBe(false)
  })

  it('starts over when the change log no longer reaches back to its copy, and lets SQL answer meanwhile', async () => {
    await sql`update directory_search_revision set revision = revision + 1, complete_after = revision + 1`.execute(
      database.db,
    )
    const first = await bothWays({ q: 'shelter' }, true)
    expect(first.answered).toBe(false)
    expect(first.fromIndex).toEqual(first.fromSql)
    await index.load()
    const after = await bothWays({ q: 'shelter' }, true)
    expect(after.answered).toBe(true)
    expect(after.fromIndex).toEqual(after.fromSql)
  })
})
