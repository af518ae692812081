import { randomUUID } from 'node:crypto'
import fc from 'fast-check'
import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { directorySearchQuery } from '../../common/contracts/directory.ts'
import { engines } from '../../test/support/database.ts'
import { providerBundle, taxonomyBundle } from '../../test/support/directory.ts'
import type { Database } from '../db/database.ts'
import { DirectoryIndex } from './directory.index.ts'
import { type DirectoryBundle, emptyBundle } from './directory.records.ts'
import { searchDirectory } from './directory.search.ts'
import { saveBundle } from './directory.service.ts'

const audit = { actorId: null, actorLabel: 'test', address: null, requestId: null }

/** A small deterministic generator, so every run places the same providers. */
function randomFrom(seed: number) {
  let state = seed
  return () => {
    state = (state * 1103515245 + 12345) % 2147483648
    return state / 2147483648
  }
}

const random = randomFrom(7)
/** Providers over Canada, from the 49th parallel to Alert, most of them in a few clusters. */
const places = [
  ...Array.from({ length: 40 }, () => ({ latitude: 42 + random() * 41, longitude: -141 + random() * 89 })),
  ...[
    { latitude: 43.6532, longitude: -79.3832 },
    { latitude: 45.5019, longitude: -73.5674 },
    { latitude: 82.5018, longitude: -62.3481 },
  ].flatMap((centre) =>
    Array.from({ length: 12 }, () => ({
      latitude: centre.latitude + (random() - 0.5) * 2,
      longitude: centre.longitude + (random() - 0.5) * 4,
    })),
  ),
].map((place) => ({
  latitude: Number(place.latitude.toFixed(5)),
  longitude: Number(place.longitude.toFixed(5)),
}))

const providers = places.map((place, index) =>
  providerBundle({ ...place, serviceName: { en: `Service ${index}` }, city: `Place ${index}` }),
)

/**
 * Two services in one town, open on Wednesdays only: one in the morning, one in the evening, local
 * time (Quebec standard time, UTC−5).
 */
const nightjar = { city: 'Nightjar', province: 'QC', languages: ['fr'] }
const wednesday = (opens: string, closes: string) => [
  { id: randomUUID(), freq: 'WEEKLY', byday: 'WE', opens_at: opens, closes_at: closes },
]
const morning = providerBundle({
  ...nightjar,
  serviceName: { en: 'Nightjar morning clinic' },
  schedules: wednesday('09:00', '12:00'),
})
const evening = providerBundle({
  ...nightjar,
  serviceName: { en: 'Nightjar evening drop-in' },
  schedules: wednesday('18:00', '23:00'),
})

function merged(bundles: DirectoryBundle[]): DirectoryBundle {
  const all = emptyBundle()
  for (const bundle of bundles) {
    all.organizations.push(...bundle.organizations)
    all.locations.push(...bundle.locations)
    all.services.push(...bundle.services)
    all.serviceAtLocations.push(...bundle.serviceAtLocations)
    all.attributes.push(...bundle.attributes)
  }
  return all
}

describe.each(engines)('the directory search on $engine', ({ open }) => {
  let database: Database
  let index: DirectoryIndex
  beforeAll(async () => {
    database = await open()
    await saveBundle(database, taxonomyBundle(), audit, { mode: 'summary' })
    await saveBundle(database, merged([...providers, morning, evening]), audit, { mode: 'summary' })
    index = new DirectoryIndex(database.db, (error) => {
      throw error
    })
    await index.load()
  })
  afterAll(async () => {
    await index.close()
    await database.close()
  })

  const search = (query: Record<string, string>, now?: Date) =>
    searchDirectory(database.db, directorySearchQuery.parse({ perPage: '100', ...query }), {
      includeConfidential: true,
      lang: 'en',
      now,
    })

  it('finds what is open now by the clocks of the place, in daylight saving time as in standard time', async () => {
    // Every provider here is in Quebec, open Monday to Friday 09:00-17:00.
    const openAt = async (at: string) => (await search({ openNow: 'true' }, new Date(at))).total
    expect(await openAt('2026-07-06T13:05:00Z')).toBe(providers.length) // 09:05 EDT
    expect(await openAt('2026-07-06T20:55:00Z')).toBe(providers.length) // 16:55 EDT
    expect(await openAt('2026-07-06T21:05:00Z')).toBe(0) // 17:05 EDT
    expect(await openAt('2026-07-06T12:55:00Z')).toBe(0) // 08:55 EDT
    expect(await openAt('2026-01-05T21:55:00Z')).toBe(providers.length) // 16:55 EST
    expect(await openAt('2026-01-05T22:05:00Z')).toBe(0) // 17:05 EST
  })

  it('counts what is open now, open 24/7 and accepts substance use beside those toggles', async () => {
    const yes = (count: number) => (count > 0 ? [{ value: 'yes', count }] : [])
    const at = new Date('2026-07-06T14:00:00Z') // Monday 10:00 in Quebec
    const accepting = await search({ substanceUse: 'true' }, at)
    const openToo = await search({ substanceUse: 'true', openNow: 'true' }, at)
    const allDay = await search({ substanceUse: 'true', open247: 'true' }, at)
    expect(openToo.total).toBeGreaterThanOrEqual(providers.length)
    expect(accepting.facets.substanceUse).toEqual(yes(accepting.total))
    expect(accepting.facets.openNow).toEqual(yes(openToo.total))
    expect(accepting.facets.open247).toEqual(yes(allDay.total))
    // A toggle's count leaves out its own filter, not the others'.
    const closed = await search({ openNow: 'true' }, new Date('2026-07-07T03:00:00Z'))
    expect(closed.total).toBe(0)
    expect(closed.facets.substanceUse).toEqual([])
    const everything = await search({}, new Date('2026-07-07T03:00:00Z'))
    expect(everything.facets.substanceUse).toEqual(yes(accepting.total))
  })

  it('finds around a point what PostGIS finds within the radius on the sphere, nearest first', async () => {
    const origin = fc.record({
      from: fc.constantFrom(...places),
      dLatitude: fc.double({ min: -1, max: 1, noNaN: true }),
      dLongitude: fc.double({ min: -2, max: 2, noNaN: true }),
      radiusKm: fc.oneof(
        fc.double({ min: 1, max: 100, noNaN: true }),
        fc.double({ min: 100, max: 2000, noNaN: true }),
      ),
    })
    await fc.assert(
      fc.asyncProperty(origin, async ({ from, dLatitude, dLongitude, radiusKm }) => {
        const latitude = Math.max(-90, Math.min(90, from.latitude + dLatitude))
        const longitude = from.longitude + dLongitude
        const radius = Number(radiusKm.toFixed(3))
        const found = await search({
          lat: String(latitude),
          lng: String(longitude),
          radiusKm: String(radius),
        })
        const point = sql`st_setsrid(st_makepoint(${longitude}, ${latitude}), 4326)::geography`
        const measured = await sql<{ service_id: string; distance: number }>`
          select service_id, st_distance(point, ${point}, false) as distance from directory_search`.execute(
          database.db,
        )
        const metres = radius * 1000
        // Within a metre of the circle, rounding may fall either way.
        const inside = measured.rows.filter((row) => row.distance < metres - 1).map((row) => row.service_id)
        const outside = measured.rows.filter((row) => row.distance > metres + 1).map((row) => row.service_id)
        const ids = found.results.map((result) => result.serviceId)
        expect(found.total).toBe(ids.length)
        expect(ids).toEqual(expect.arrayContaining(inside))
        expect(ids.filter((id) => outside.includes(id))).toEqual([])
        const distances = found.results.map((result) => result.distanceKm!)
        expect(distances).toEqual([...distances].sort((a, b) => a - b))
        const byId = new Map(measured.rows.map((row) => [row.service_id, row.distance]))
        for (const result of found.results)
          expect(result.distanceKm).toBe(Math.round(byId.get(result.serviceId)! / 100) / 10)
      }),
      { numRuns: 60 },
    )
  })

  it('finds an entry just inside the radius and not just outside, wherever it is', async () => {
    const pair = fc.record({
      from: fc.constantFrom(...places),
      to: fc.nat({ max: providers.length - 1 }),
      side: fc.constantFrom(1.0002, 0.9998),
    })
    await fc.assert(
      fc.asyncProperty(pair, async ({ from, to, side }) => {
        const target = places[to]!
        const measured = await sql<{ distance: number }>`select st_distance(
            st_setsrid(st_makepoint(${from.longitude}, ${from.latitude}), 4326)::geography,
            st_setsrid(st_makepoint(${target.longitude}, ${target.latitude}), 4326)::geography, false) as distance`.execute(
          database.db,
        )
        const radiusKm = (measured.rows[0]!.distance * side) / 1000
        fc.pre(radiusKm > 0.5 && radiusKm <= 2000)
        const found = await search({
          lat: String(from.latitude),
          lng: String(from.longitude),
          radiusKm: String(radiusKm),
        })
        const ids = found.results.map((result) => result.serviceId)
        if (side > 1) expect(ids).toContain(providers[to]!.ids.service)
        else expect(ids).not.toContain(providers[to]!.ids.service)
      }),
      { numRuns: 60 },
    )
  })

  it('finds open now what is open at the moment asked and not what is closed then, through SQL and the index', async () => {
    const inNightjar = { municipality: 'Nightjar', province: 'QC', perPage: '100' }
    // A Wednesday before daylight saving time: 10:30 and 18:30 in Quebec; then a Thursday morning.
    const moments = [
      { now: new Date('2026-03-04T15:30:00Z'), open: [morning.ids.service] },
      { now: new Date('2026-03-04T23:30:00Z'), open: [evening.ids.service] },
      { now: new Date('2026-03-05T15:30:00Z'), open: [] },
      // Closing time is not open any more; opening time is.
      { now: new Date('2026-03-04T17:00:00Z'), open: [] },
      { now: new Date('2026-03-04T23:00:00Z'), open: [evening.ids.service] },
    ]
    for (const { now, open } of moments)
      for (const through of [undefined, index]) {
        const path = `${now.toISOString()} ${through ? 'index' : 'sql'}`
        const ask = (query: Record<string, string>) =>
          searchDirectory(database.db, directorySearchQuery.parse(query), {
            includeConfidential: true,
            lang: 'en',
            now,
            index: through,
          })
        const found = await ask({ ...inNightjar, openNow: 'true' })
        expect(found.answeredBy, path).toBe(through ? 'index' : 'sql')
        expect(found.results.map((result) => result.serviceId).sort(), path).toEqual(open.sort())
        expect(found.total, path).toBe(open.length)
        // Without the filter, both, each saying whether it is open at that moment.
        const all = await ask(inNightjar)
        expect(all.facets.openNow, path).toEqual(
          open.length > 0 ? [{ value: 'yes', count: open.length }] : [],
        )
        expect(
          Object.fromEntries(all.results.map((result) => [result.serviceId, result.openNow])),
          path,
        ).toEqual({
          [morning.ids.service]: open.includes(morning.ids.service),
          [evening.ids.service]: open.includes(evening.ids.service),
        })
      }
  })

  it('finds a municipality whatever its case and accents', async () => {
    const found = await search({ municipality: 'PLACÉ 7', province: 'QC' })
    expect(found.results.map((result) => result.serviceId)).toEqual([providers[7]!.ids.service])
  })
})
