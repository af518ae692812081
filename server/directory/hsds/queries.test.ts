import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { engines } from '../../../test/support/database.ts'
import { providerBundle, taxonomyBundle } from '../../../test/support/directory.ts'
import type { Database } from '../../db/database.ts'
import { saveBundle } from '../directory.service.ts'
import { POPULATION, populationTermId, serviceTypeTermId } from '../taxonomies.ts'
import { hsdsId } from './ids.ts'
import {
  findVisible,
  idsAfter,
  listOrganizations,
  listServiceAtLocations,
  listServices,
  listTaxonomies,
  listTaxonomyTerms,
} from './queries.ts'
import type { ReadContext } from './read-model.ts'

const audit = { actorId: null, actorLabel: 'test', address: null, requestId: null }
const all = { offset: 0, limit: 100 }

const montreal = providerBundle({ serviceTypes: ['housing-emergency'] })
const toronto = providerBundle({
  name: { en: 'Toronto Legal Aid' },
  serviceName: { en: 'Legal clinic', fr: 'Clinique juridique' },
  latitude: 43.6532,
  longitude: -79.3832,
  city: 'Toronto',
  province: 'ON',
  serviceTypes: ['legal-aid'],
  populations: ['youth'],
})
const hidden = providerBundle({ confidential: { location: true }, serviceName: { en: 'Quiet rooms' } })

describe.each(engines)('HSDS lists on $engine', ({ open }) => {
  let database: Database
  let ctx: ReadContext
  beforeAll(async () => {
    database = await open()
    await saveBundle(database, taxonomyBundle(), audit, { mode: 'summary' })
    for (const bundle of [montreal, toronto, hidden]) await saveBundle(database, bundle, audit)
    ctx = { db: database.db, lang: 'en', scope: 'public' }
  })
  afterAll(() => database.close())

  const idsOf = (listing: { rows: { id: string }[] }) => listing.rows.map((row) => row.id).sort()

  it('lists, searches and filters services, with totals past the last page', async () => {
    expect((await listServices(ctx, {}, all)).total).toBe(3)
    expect(await listServices(ctx, {}, { offset: 10, limit: 5 })).toEqual({ rows: [], total: 3 })
    expect(idsOf(await listServices(ctx, { search: 'juridique' }, all))).toEqual([toronto.ids.service])
    expect(idsOf(await listServices(ctx, { search: 'toronto legal' }, all))).toEqual([toronto.ids.service])
    expect(
      idsOf(await listServices(ctx, { taxonomyTermId: hsdsId(serviceTypeTermId('legal-aid')) }, all)),
    ).toEqual([toronto.ids.service])
    expect((await listServices(ctx, { taxonomyId: POPULATION }, all)).total).toBe(3)
    expect(idsOf(await listServices(ctx, { organizationId: montreal.ids.organization }, all))).toEqual([
      montreal.ids.service,
    ])
  })

  it('finds services at locations near a point, never at a confidential location', async () => {
    const near = await listServiceAtLocations(
      ctx,
      { origin: { latitude: 45.5, longitude: -73.57, radius: 5000 } },
      all,
    )
    expect(idsOf(near)).toEqual([montreal.ids.serviceAtLocation])
    const ordered = await listServiceAtLocations(ctx, { origin: { latitude: 43.7, longitude: -79.4 } }, all)
    expect(ordered.rows.map((row) => row.id)).toEqual([
      toronto.ids.serviceAtLocation,
      montreal.ids.serviceAtLocation,
    ])
    expect(idsOf(await listServiceAtLocations(ctx, { search: 'clinic' }, all))).toEqual([
      toronto.ids.serviceAtLocation,
    ])
    expect(idsOf(await listServiceAtLocations(ctx, { search: 'quiet' }, all))).toEqual([])
    expect(await findVisible(ctx, 'service_at_location', hidden.ids.serviceAtLocation)).toBeNull()
    expect(
      await findVisible({ ...ctx, scope: 'all' }, 'service_at_location', hidden.ids.serviceAtLocation),
    ).toBe(hidden.ids.serviceAtLocation)
  })

  it('lists organizations, taxonomies and terms', async () => {
    expect(idsOf(await listOrganizations(ctx, { search: 'TORONTO' }, all))).toEqual([
      toronto.ids.organization,
    ])
    expect(idsOf(await listOrganizations(ctx, { taxonomyTermId: populationTermId('youth') }, all))).toEqual([
      toronto.ids.organization,
    ])
    expect((await listTaxonomies(ctx, {}, all)).total).toBe(2)
    expect((await listTaxonomyTerms(ctx, { taxonomyId: POPULATION, topOnly: true }, all)).total).toBe(9)
    expect(idsOf(await listTaxonomyTerms(ctx, { search: 'enfants' }, all))).toEqual([
      populationTermId('children'),
    ])
    expect(await findVisible(ctx, 'taxonomy_term', hsdsId(populationTermId('youth')))).toBe(
      populationTermId('youth'),
    )
  })

  it('walks a list by keyset, in id order, for NDJSON', async () => {
    for (const list of [listServices, listServiceAtLocations, listOrganizations, listTaxonomyTerms]) {
      const seen: string[] = []
      for (let after = ''; ; ) {
        const { rows } = await list(ctx, {}, { offset: 0, limit: 2, after })
        seen.push(...rows.map((row) => row.id))
        if (rows.length < 2) break
        after = rows.at(-1)!.id
      }
      const everything = await list(ctx, {}, { offset: 0, limit: 100 })
      expect([...seen].sort()).toEqual(everything.rows.map((row) => row.id).sort())
      expect(new Set(seen).size).toBe(everything.total)
    }
  })

  it('walks every visible entry in id order for the export', async () => {
    const first = await idsAfter(ctx, 'location', '', 1)
    const rest = await idsAfter(ctx, 'location', first[0]!, 10)
    expect([...first, ...rest].sort()).toEqual([montreal.ids.location, toronto.ids.location].sort())
    expect(await idsAfter({ ...ctx, scope: 'all' }, 'location', '', 10)).toHaveLength(3)
  })
})
