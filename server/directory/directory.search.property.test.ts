import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildTestApp, type TestApp } from '../../test/support/app.ts'
import { providerBundle, taxonomyBundle } from '../../test/support/directory.ts'
import { saveBundle } from './directory.service.ts'

let t: TestApp
const audit = { actorId: null, actorLabel: 'test', address: null, requestId: null }
const serviceTypes = ['housing-emergency', 'counselling', 'legal-aid', 'health'] as const
const populations = ['women', 'youth', 'migrant-workers'] as const
const cities = [
  { city: 'Montréal', province: 'QC', latitude: 45.5019, longitude: -73.5674 },
  { city: 'Toronto', province: 'ON', latitude: 43.6532, longitude: -79.3832 },
  { city: 'Halifax', province: 'NS', latitude: 44.6488, longitude: -63.5752 },
]

beforeAll(async () => {
  t = await buildTestApp()
  await saveBundle(t.database, taxonomyBundle(), audit, { mode: 'summary' })
})
afterAll(() => t.close())

let counter = 0
/**
 * A word no other provider holds: six letters from g to z, drawn from a counter, so it can never
 * appear inside a UUID or a number, nor inside another provider's word.
 */
function word() {
  const letters = 'ghijklmnopqrstuvwxyz'
  let n = counter
  let text = ''
  for (let i = 0; i < 6; i++) {
    text += letters[n % letters.length]
    n = Math.floor(n / letters.length)
  }
  return text.replace(/^./, (c) => c.toUpperCase())
}
/** A phone number no other provider holds (one series for organizations, another for locations). */
const phone = (series: 1 | 2) => `+1-55${series}-${String(1_000_000 + counter * 37).slice(-7)}`
/** A coordinate no other location holds, with seven decimals. */
const coordinate = (base: number) => Number((base + (counter * 7919 + 1) / 1e7).toFixed(7))
/** A number in a response, not as part of a longer one. */
const numberIn = (text: string, value: number) =>
  new RegExp(`(?<![0-9])${String(value).replace('.', '\\.')}(?![0-9])`).test(text)

const providerArbitrary = fc.record({
  confidential: fc.record({ organization: fc.boolean(), service: fc.boolean(), location: fc.boolean() }),
  serviceType: fc.constantFrom(...serviceTypes),
  population: fc.constantFrom(...populations),
  place: fc.constantFrom(...cities),
  language: fc.constantFrom('en', 'fr', 'es', 'cr'),
  word: fc.constantFrom('refuge', 'shelter', 'clinic', 'clinique', 'aide'),
})

describe('the public search', () => {
  it('never shows a confidential entry, its address, phone or coordinates, nor counts it in a facet', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(providerArbitrary, { minLength: 1, maxLength: 6 }), async (providers) => {
        await t.database.db.deleteFrom('directory_search').execute()
        await t.database.db.deleteFrom('directory_service_at_location').execute()
        await t.database.db.deleteFrom('directory_attribute').execute()
        await t.database.db.deleteFrom('directory_service').execute()
        await t.database.db.deleteFrom('directory_location').execute()
        await t.database.db.deleteFrom('directory_organization').execute()
        const bundles = providers.map((provider, index) => {
          counter += 1
          const own = {
            address: `${counter} Rue ${word()}`,
            phone: phone(1),
            locationPhone: phone(2),
            latitude: coordinate(provider.place.latitude),
            longitude: coordinate(provider.place.longitude),
          }
          return {
            provider,
            own,
            bundle: providerBundle({
              confidential: provider.confidential,
              name: { en: `${provider.word} organization ${index}` },
              serviceName: {
                en: `${provider.word} service ${index}`,
                fr: `${provider.word} service ${index}`,
              },
              serviceTypes: [provider.serviceType],
              populations: [provider.population],
              languages: [provider.language],
              city: provider.place.city,
              province: provider.place.province,
              ...own,
            }),
          }
        })
        for (const { bundle } of bundles) await saveBundle(t.database, bundle, audit, { mode: 'summary' })
        const isSecret = (p: (typeof providers)[number]) =>
          p.confidential.organization || p.confidential.service || p.confidential.location
        const secrets = bundles.filter(({ provider }) => isSecret(provider))
        const visible = bundles.filter(({ provider }) => !isSecret(provider))

        const queries = [
          '',
          'q=refuge',
          'q=shelter',
          'q=clinic',
          `serviceType=${serviceTypes.join(',')}`,
          'population=women,youth',
          'language=en,fr,es,cr',
          'province=QC',
          'lat=45.5019&lng=-73.5674&radiusKm=2000',
          'nearMunicipality=Toronto&province=ON&radiusKm=2000',
          'accepting=true&substanceUse=true&age=30',
          'perPage=100',
        ]
        for (const query of queries) {
          const response = await t.app.inject({ method: 'GET', url: `/api/directory/public-search?${query}` })
          if (query.startsWith('nearMunicipality')) {
            // The test directory has no gazetteer: an unknown place is a 400, which shows nothing either.
            expect(response.statusCode).toBe(400)
            continue
          }
          expect(response.statusCode, query).toBe(200)
          const body = response.json()
          const text = response.body
          // Nothing of a hidden provider, anywhere in the answer: results, facets, agencies.
          for (const { bundle, own } of secrets) {
            for (const secret of [
              bundle.ids.organization,
              bundle.ids.service,
              bundle.ids.location,
              bundle.ids.serviceAtLocation,
              bundle.services[0]!.name.en!,
              bundle.organizations[0]!.name.en!,
              own.address,
              own.phone,
              own.locationPhone,
            ])
              expect(text, `${query}: ${secret}`).not.toContain(secret)
            for (const value of [own.latitude, own.longitude])
              expect(numberIn(text, value), `${query}: ${value}`).toBe(false)
          }
          // The same look finds what a visible provider shows, so the one above can find a leak.
          if (query === 'perPage=100')
            for (const { bundle, own } of visible) {
              for (const shown of [
                bundle.services[0]!.name.en!,
                bundle.organizations[0]!.name.en!,
                own.address,
                own.phone,
                own.locationPhone,
              ])
                expect(text, `${query}: ${shown}`).toContain(shown)
              for (const value of [own.latitude, own.longitude])
                expect(numberIn(text, value), `${query}: ${value}`).toBe(true)
            }
          // Facet counts count only what the public may see.
          const total = (facet: { count: number }[]) => facet.reduce((sum, entry) => sum + entry.count, 0)
          if (query === 'perPage=100') {
            expect(body.total).toBe(visible.length)
            expect(total(body.facets.serviceType)).toBe(visible.length)
            expect(total(body.facets.population)).toBe(visible.length)
            expect(total(body.facets.province)).toBe(visible.length)
          }
        }
      }),
      { numRuns: 8 },
    )
  })
})
