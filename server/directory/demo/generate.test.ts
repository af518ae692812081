import { describe, expect, it } from 'vitest'
import { type ProvinceCode, provinceCodes } from '../../../common/geography.ts'
import { isAlwaysOpen, weeklyOpenRanges } from '../opening-hours.ts'
import { populationTermId, serviceTypeTermId } from '../taxonomies.ts'
import { policeAgencies } from './agencies.ts'
import { apportion, generateDirectory, provinceShares, spreadKm } from './generate.ts'
import { distanceKm, municipalities } from './municipalities.ts'
import { DEMO_SERVICES_VARIABLE, demoDirectorySize, splitBundle } from './seed.ts'

const today = new Date('2026-12-01T00:00:00Z')
// One default-sized directory for the checks below; generating it takes well under a second.
const generated = generateDirectory({ seed: 20211, today })
const { bundle } = generated

const organizationById = new Map(bundle.organizations.map((o) => [o.id, o]))
const locationById = new Map(bundle.locations.map((l) => [l.id, l]))
const placementsOf = new Map<string, string[]>()
for (const sal of bundle.serviceAtLocations)
  placementsOf.set(sal.serviceId, [...(placementsOf.get(sal.serviceId) ?? []), sal.locationId])
const provinceOfService = (serviceId: string) => {
  const location = locationById.get(placementsOf.get(serviceId)?.[0] ?? '')
  return location?.province as ProvinceCode
}
const providers = bundle.organizations.filter((o) => o.kind === 'service_provider')
const providerServices = bundle.services.filter(
  (s) => organizationById.get(s.organizationId)?.kind === 'service_provider',
)
const termsById = new Map<string, string[]>()
for (const a of bundle.attributes)
  termsById.set(a.linkId, [...(termsById.get(a.linkId) ?? []), a.taxonomyTermId])
const termsOf = (id: string) => termsById.get(id) ?? []
const locationsOf = new Map<string, typeof bundle.locations>()
for (const l of bundle.locations)
  locationsOf.set(l.organizationId ?? '', [...(locationsOf.get(l.organizationId ?? '') ?? []), l])

// Canada's bounding box, with a little margin.
const inCanada = (lat: number, lng: number) => lat > 41.6 && lat < 83.2 && lng > -141.1 && lng < -52.5

describe('generateDirectory', () => {
  it('gives the same directory for the same seed and another for another seed', () => {
    const a = generateDirectory({ seed: 7, services: 300, today })
    const b = generateDirectory({ seed: 7, services: 300, today })
    const c = generateDirectory({ seed: 8, services: 300, today })
    expect(b).toEqual(a)
    expect(c.bundle.organizations.map((o) => o.name)).not.toEqual(a.bundle.organizations.map((o) => o.name))
    expect(c.bundle.services[0]!.id).not.toBe(a.bundle.services[0]!.id)
  })

  it('has at least 1,000 providers and 4,000 services by default, and scales on request', () => {
    expect(providers.length).toBe(1000)
    expect(providerServices.length).toBe(4000)
    expect(generated.counts).toMatchObject({ providers: 1000, services: 4000 })
    const small = generateDirectory({ seed: 1, services: 800, today })
    expect(small.counts).toMatchObject({ providers: 200, services: 800 })
    expect(small.bundle.organizations.filter((o) => o.kind === 'service_provider')).toHaveLength(200)
    // A tiny directory leaves out the smallest territories but still has exactly the services asked for.
    const tiny = generateDirectory({ seed: 1, services: 37, today })
    expect(tiny.counts.services).toBe(37)
    expect(tiny.bundle.services).toHaveLength(37 + tiny.counts.agencyServices)
  })

  it('spreads providers and services over the provinces and territories in the evaluation’s proportions', () => {
    // The evaluation's figures: 40% of partners in Ontario, 17% in Quebec.
    expect(provinceShares).toMatchObject({ ON: 40, QC: 17, AB: 9, NS: 7 })
    const total = Object.values(provinceShares).reduce((a, b) => a + b, 0)
    expect(total).toBeCloseTo(100, 6)
    for (const province of provinceCodes) {
      const expected = provinceShares[province] / 100
      const orgShare =
        providers.filter(
          (o) => bundle.locations.find((l) => l.organizationId === o.id)?.province === province,
        ).length / providers.length
      const serviceShare =
        providerServices.filter((s) => provinceOfService(s.id) === province).length / providerServices.length
      expect(Math.abs(orgShare - expected), `${province} providers`).toBeLessThan(0.01)
      expect(Math.abs(serviceShare - expected), `${province} services`).toBeLessThan(0.015)
    }
    expect(apportion(10, { a: 1, b: 1, c: 1 })).toEqual({ a: 4, b: 3, c: 3 })
  })

  it('keeps at least 5% of the services confidential, shelters among them, with no public address', () => {
    const confidential = bundle.services.filter(
      (s) =>
        s.confidential ||
        organizationById.get(s.organizationId)?.confidential ||
        (placementsOf.get(s.id) ?? []).some((id) => locationById.get(id)?.confidential),
    )
    expect(confidential.length / bundle.services.length).toBeGreaterThanOrEqual(0.05)
    expect(generated.counts.confidentialServices).toBe(confidential.length)
    const shelters = bundle.services.filter((s) =>
      termsOf(s.id).includes(serviceTypeTermId('housing-emergency')),
    )
    const hidden = new Set(confidential)
    expect(shelters.filter((s) => hidden.has(s)).length / shelters.length).toBeGreaterThan(0.5)
    // A shelter whose building is confidential publishes a mailing address only.
    for (const organization of providers.filter((o) => !o.confidential)) {
      const locations = locationsOf.get(organization.id) ?? []
      if (!locations.some((l) => l.confidential)) continue
      expect(locations.some((l) => !l.confidential && l.locationType === 'postal')).toBe(true)
    }
  })

  it('names about a hundred police services and child protection in every province and territory', () => {
    const police = bundle.organizations.filter((o) => o.kind === 'law_enforcement')
    expect(police.length).toBeGreaterThanOrEqual(90)
    expect(police.length).toBeLessThanOrEqual(110)
    expect(police.length).toBe(policeAgencies.length)
    for (const province of provinceCodes) {
      const own = police.filter((o) => o.jurisdiction?.province === province)
      expect(own.length, `police in ${province}`).toBeGreaterThan(0)
      const protection = bundle.organizations.filter(
        (o) => o.kind === 'child_protection' && o.jurisdiction?.province === province,
      )
      expect(protection.length, `child protection in ${province}`).toBeGreaterThan(0)
    }
    for (const agency of bundle.organizations.filter((o) => o.kind !== 'service_provider')) {
      expect(agency.emergencyPhone).toMatch(/^\d{3}-555-01\d\d$/)
      const location = locationsOf.get(agency.id)?.[0]
      expect(location?.latitude).toBeTypeOf('number')
      const services = bundle.services.filter((s) => s.organizationId === agency.id)
      expect(services.length).toBeGreaterThan(0)
      const schedules = services[0]!.doc.schedules as Parameters<typeof weeklyOpenRanges>[0]
      expect(isAlwaysOpen(weeklyOpenRanges(schedules, location?.province as ProvinceCode))).toBe(true)
    }
    const names = police.map((o) => o.name.en ?? '')
    for (const force of [
      'Toronto Police Service',
      'Ontario Provincial Police',
      'Sûreté du Québec',
      'RCMP',
      'Royal Newfoundland Constabulary',
    ])
      expect(
        names.some((name) => name.includes(force)),
        force,
      ).toBe(true)
    // Municipal police in the big cities, RCMP detachments in the territories.
    expect(police.find((o) => o.jurisdiction?.municipality === 'Montréal')?.name.fr).toBe(
      'Service de police de la Ville de Montréal',
    )
    for (const province of ['NT', 'NU', 'YT'])
      expect(
        police
          .filter((o) => o.jurisdiction?.province === province)
          .every((o) => o.name.en?.startsWith('RCMP')),
      ).toBe(true)
  })

  it('references only entries and taxonomy terms that exist, with unique ids', () => {
    const terms = new Set(bundle.taxonomyTerms.map((t) => t.id))
    const taxonomies = new Set(bundle.taxonomies.map((t) => t.id))
    for (const term of bundle.taxonomyTerms) expect(taxonomies.has(term.taxonomyId ?? '')).toBe(true)
    for (const attribute of bundle.attributes)
      expect(terms.has(attribute.taxonomyTermId), attribute.taxonomyTermId).toBe(true)
    const services = new Set(bundle.services.map((s) => s.id))
    for (const service of bundle.services) expect(organizationById.has(service.organizationId)).toBe(true)
    for (const location of bundle.locations)
      expect(organizationById.has(location.organizationId ?? '')).toBe(true)
    for (const sal of bundle.serviceAtLocations) {
      expect(services.has(sal.serviceId)).toBe(true)
      expect(locationById.has(sal.locationId)).toBe(true)
    }
    for (const service of bundle.services)
      expect(placementsOf.get(service.id)?.length ?? 0).toBeGreaterThan(0)
    const ids = [
      ...bundle.organizations,
      ...bundle.locations,
      ...bundle.services,
      ...bundle.serviceAtLocations,
      ...bundle.attributes,
    ].map((entry) => entry.id)
    expect(new Set(ids).size).toBe(ids.length)
    for (const id of ids.slice(0, 50))
      expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/)
  })

  it('places every location inside Canada and near its municipality', () => {
    const byPlace = new Map(municipalities.map((m) => [`${m.province}:${m.name}`, m]))
    let placed = 0
    for (const location of bundle.locations) {
      const m = byPlace.get(`${location.province}:${location.municipality}`)
      if (location.locationType === 'virtual') {
        expect(location.latitude ?? null).toBeNull()
        continue
      }
      expect(m, `${location.province}:${location.municipality}`).toBeDefined()
      const address = (location.doc.addresses as Record<string, unknown>[])[0]!
      expect(address).toMatchObject({
        city: location.municipality,
        state_province: location.province,
        country: 'CA',
      })
      expect(address.postal_code).toMatch(/^[A-Z]\d[A-Z] \d[A-Z]\d$/)
      if (location.latitude == null || location.longitude == null) continue
      placed += 1
      expect(inCanada(location.latitude, location.longitude)).toBe(true)
      expect(
        distanceKm(m!, { latitude: location.latitude, longitude: location.longitude }),
      ).toBeLessThanOrEqual(spreadKm(m!) + 0.01)
    }
    expect(placed).toBeGreaterThan(1000)
  })

  it('writes names and descriptions in both official languages for most entries, French first in Quebec', () => {
    const both = providers.filter((o) => o.name.en && o.name.fr).length / providers.length
    expect(both).toBeGreaterThan(0.6)
    expect(providers.some((o) => o.name.en && !o.name.fr)).toBe(true)
    expect(providers.some((o) => o.name.fr && !o.name.en)).toBe(true)
    const quebec = bundle.services.filter((s) => provinceOfService(s.id) === 'QC')
    expect(quebec.every((s) => s.name.fr && s.description.fr)).toBe(true)
    expect(
      quebec.filter((s) => (s.doc.languages as { code: string }[])[0]?.code === 'fr').length / quebec.length,
    ).toBeGreaterThan(0.9)
    const brunswick = bundle.services.filter((s) => provinceOfService(s.id) === 'NB')
    expect(brunswick.filter((s) => s.name.en && s.name.fr).length / brunswick.length).toBeGreaterThan(0.8)
    const ontario = bundle.services.filter((s) => provinceOfService(s.id) === 'ON')
    expect(ontario.filter((s) => s.name.en).length / ontario.length).toBeGreaterThan(0.95)
  })

  it('offers many languages, Indigenous ones included, and realistic mixes of service types and populations', () => {
    const codes = new Set(
      bundle.services.flatMap((s) => (s.doc.languages as { code: string }[]).map((l) => l.code)),
    )
    for (const code of ['en', 'fr', 'es', 'ar', 'zh', 'cr', 'iu', 'oj', 'moh', 'mic', 'ase'])
      expect(codes.has(code), code).toBe(true)
    const womenShelters = bundle.services.filter(
      (s) =>
        s.name.en === 'Emergency shelter for women and children' ||
        s.name.fr === 'Hébergement d’urgence pour femmes et enfants',
    )
    expect(womenShelters.length).toBeGreaterThan(50)
    for (const shelter of womenShelters)
      expect(termsOf(shelter.id)).toEqual(
        expect.arrayContaining([serviceTypeTermId('housing-emergency'), populationTermId('women')]),
      )
    const alwaysOpen = bundle.services.filter((s) => {
      const schedules = s.doc.schedules as Parameters<typeof weeklyOpenRanges>[0]
      return isAlwaysOpen(weeklyOpenRanges(schedules, 'ON'))
    })
    expect(alwaysOpen.length / bundle.services.length).toBeGreaterThan(0.1)
    expect(alwaysOpen.length / bundle.services.length).toBeLessThan(0.5)
    const usedTypes = new Set(bundle.attributes.map((a) => a.taxonomyTermId))
    for (const code of [
      'exit-funds',
      'tattoo-removal',
      'indigenous-healing',
      'immigration',
      'labour-rights',
      'child-protection',
      'law-enforcement',
    ])
      expect(usedTypes.has(serviceTypeTermId(code)), code).toBe(true)
    for (const code of ['inuit', 'first-nations', 'metis', '2slgbtqi', 'migrant-workers'])
      expect(usedTypes.has(populationTermId(code)), code).toBe(true)
  })

  it('sets eligibility, referral status and verification dates, some of them overdue', () => {
    expect(bundle.services.some((s) => s.minimumAge === 18)).toBe(true)
    expect(bundle.services.some((s) => s.maximumAge === 24)).toBe(true)
    expect(bundle.services.some((s) => s.substanceUseAccepted === true)).toBe(true)
    expect(bundle.services.some((s) => s.substanceUseAccepted === null)).toBe(true)
    const statuses = new Set(bundle.services.map((s) => s.referralStatus))
    expect([...statuses].sort()).toEqual(['accepting', 'not_accepting', 'waitlist', null].sort())
    const interval = new Map(bundle.services.map((s) => [s.id, s.verificationIntervalDays ?? 365]))
    const services = generated.verifications.filter((v) => v.entityType === 'service')
    const overdue =
      services.filter((v) => v.daysAgo > interval.get(v.entityId)!).length / bundle.services.length
    expect(overdue).toBeGreaterThan(0.05)
    expect(overdue).toBeLessThan(0.4)
    expect(services.length).toBeLessThan(bundle.services.length)
  })
})

describe('the gazetteer', () => {
  it('has real municipalities of every province and territory, each once, inside Canada', () => {
    expect(municipalities.length).toBeGreaterThanOrEqual(150)
    expect(new Set(municipalities.map((m) => m.id)).size).toBe(municipalities.length)
    expect(new Set(municipalities.map((m) => `${m.province}:${m.name.toLowerCase()}`)).size).toBe(
      municipalities.length,
    )
    for (const province of provinceCodes)
      expect(municipalities.filter((m) => m.province === province).length, province).toBeGreaterThanOrEqual(5)
    for (const m of municipalities) expect(inCanada(m.latitude, m.longitude), m.name).toBe(true)
    expect(bundle.municipalities).toHaveLength(municipalities.length)
    // Spot checks against known distances.
    const at = (name: string) => municipalities.find((m) => m.name === name)!
    expect(distanceKm(at('Toronto'), at('Ottawa'))).toBeCloseTo(352, -1)
    expect(distanceKm(at('Montréal'), at('Québec'))).toBeCloseTo(233, -1)
    expect(distanceKm(at('Vancouver'), at('Calgary'))).toBeCloseTo(675, -1)
  })
})

describe('the demo size and the bulk split', () => {
  it('reads RELAIS_DEMO_DIRECTORY_SERVICES, refusing anything but a positive whole number', () => {
    expect(demoDirectorySize({})).toBe(4000)
    expect(demoDirectorySize({ [DEMO_SERVICES_VARIABLE]: ' 250 ' })).toBe(250)
    for (const bad of ['abc', '0', '-3', '2.5'])
      expect(() => demoDirectorySize({ [DEMO_SERVICES_VARIABLE]: bad })).toThrow(DEMO_SERVICES_VARIABLE)
  })

  it('splits a bundle into parts with every organization whole and every entry once', () => {
    const parts = splitBundle(bundle, 500)
    expect(parts.length).toBeGreaterThan(7)
    expect(parts[0]!.taxonomyTerms).toHaveLength(bundle.taxonomyTerms.length)
    expect(parts.slice(1).every((p) => p.taxonomyTerms.length === 0)).toBe(true)
    for (const key of [
      'organizations',
      'locations',
      'services',
      'serviceAtLocations',
      'attributes',
    ] as const) {
      const ids = parts.flatMap((p) => p[key].map((entry) => entry.id))
      expect(ids.sort(), key).toEqual(bundle[key].map((entry) => entry.id).sort())
    }
    for (const part of parts) {
      const own = new Set(part.organizations.map((o) => o.id))
      expect(part.services.every((s) => own.has(s.organizationId))).toBe(true)
      expect(part.locations.every((l) => own.has(l.organizationId ?? ''))).toBe(true)
    }
  })
})
