import { randomBytes, randomUUID } from 'node:crypto'
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import fc from 'fast-check'
import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildTestApp, type TestApp } from '../../../test/support/app.ts'
import { taxonomyBundle } from '../../../test/support/directory.ts'
import type {
  AttributeRecord,
  DirectoryBundle,
  LocationRecord,
  OrganizationRecord,
  ServiceAtLocationRecord,
  ServiceRecord,
} from '../directory.records.ts'
import { emptyBundle } from '../directory.records.ts'
import { saveBundle } from '../directory.service.ts'
import { populationTermId, serviceTypeTermId } from '../taxonomies.ts'
import { exportDirectory } from './export.ts'

/**
 * The public API and the public exports never show a confidential entry, whatever the directory:
 * over generated directories (organizations, locations, services, services at locations and
 * attributes, each confidential or not at random), no public response and no public export holds an
 * id, a name, an address, a phone number or the coordinates of an entry the public may not see, and
 * the lists and filters return exactly the visible entries.
 */

const audit = { actorId: null, actorLabel: 'test', address: null, requestId: null }
const TERMS = [
  serviceTypeTermId('housing-emergency'),
  serviceTypeTermId('legal-aid'),
  serviceTypeTermId('counselling'),
  populationTermId('women'),
  populationTermId('youth'),
]

const modelArb = fc.record({
  organizations: fc.array(
    fc.record({
      confidential: fc.boolean(),
      parent: fc.option(fc.nat(5), { nil: undefined }),
      terms: fc.subarray(TERMS, { maxLength: 2 }),
    }),
    { minLength: 1, maxLength: 4 },
  ),
  locations: fc.array(
    fc.record({
      confidential: fc.boolean(),
      organization: fc.option(fc.nat(9), { nil: null, freq: 6 }),
      terms: fc.subarray(TERMS, { maxLength: 1 }),
    }),
    { maxLength: 5 },
  ),
  services: fc.array(
    fc.record({
      confidential: fc.boolean(),
      organization: fc.nat(9),
      locations: fc.uniqueArray(fc.nat(9), { maxLength: 3 }),
      terms: fc.subarray(TERMS, { maxLength: 3 }),
      placeTerms: fc.subarray(TERMS, { maxLength: 1 }),
    }),
    { maxLength: 6 },
  ),
})
type Model = typeof modelArb extends fc.Arbitrary<infer T> ? T : never

let counter = 0
/**
 * A random word that no other entry holds: ten letters from g to z, so it can never appear inside a
 * UUID or a number, nor look like another entry's word to a fuzzy search.
 */
function token() {
  counter += 1
  const letters = 'ghijklmnopqrstuvwxyz'
  const bytes = randomBytes(10)
  return `${[...bytes].map((b) => letters[b % letters.length]).join('')}`.replace(/^./, (c) =>
    c.toUpperCase(),
  )
}
function phone() {
  counter += 1
  return `+1-555-${String(1_000_000 + counter * 37).slice(-7)}`
}
/** Coordinates unique to one location, with seven decimals. */
const coordinate = (base: number) => Number((base + (counter * 7919 + 1) / 1e7).toFixed(7))

interface Entry {
  strings: string[]
  coordinates: number[]
}

interface Built {
  bundle: DirectoryBundle
  visible: { organizations: Set<string>; locations: Set<string>; services: Set<string>; sals: Set<string> }
  hidden: Entry & { ids: Map<string, string> }
  /** Words only hidden entries hold. */
  searchWords: string[]
  /** A visible service and a word of its name. */
  shown?: { id: string; word: string }
  places: { latitude: number; longitude: number }[]
  terms: {
    services: Map<string, Set<string>>
    sals: Map<string, Set<string>>
    organizations: Map<string, Set<string>>
  }
}

function build(model: Model): Built {
  const bundle = emptyBundle()
  const hidden: Built['hidden'] = { strings: [], coordinates: [], ids: new Map() }
  const visible: Built['visible'] = {
    organizations: new Set(),
    locations: new Set(),
    services: new Set(),
    sals: new Set(),
  }
  const searchWords: string[] = []
  const places: Built['places'] = []
  const attribute = (linkEntity: AttributeRecord['linkEntity'], linkId: string, term: string) => {
    const record: AttributeRecord = { id: randomUUID(), linkEntity, linkId, taxonomyTermId: term }
    bundle.attributes.push(record)
    return record
  }

  const organizations = model.organizations.map((o): OrganizationRecord & { strings: string[] } => {
    const [en, fr, mail, number, emergency] = [token(), token(), token(), phone(), phone()]
    const phoneId = randomUUID()
    return {
      id: randomUUID(),
      name: { en: `${en} Centre`, fr: `Centre ${fr}` },
      description: { en: 'Support.', fr: 'Soutien.' },
      kind: 'service_provider',
      confidential: o.confidential,
      emergencyPhone: emergency,
      doc: { email: `${mail}@example.org`, phones: [{ id: phoneId, number }] },
      strings: [en, fr, mail, number, emergency, phoneId],
    }
  })
  organizations.forEach((organization, index) => {
    const parent = model.organizations[index]?.parent
    if (parent !== undefined && organizations.length > 1) {
      const other = organizations[parent % organizations.length]!
      if (other.id !== organization.id) organization.doc.parent_organization_id = other.id
    }
  })
  const organizationOf = (index: number) => organizations[index % organizations.length]!

  const locations = model.locations.map((l): LocationRecord & { strings: string[] } => {
    const [en, fr, street, number] = [token(), token(), token(), phone()]
    const owner = l.organization === null ? null : organizationOf(l.organization)
    const [phoneId, addressId] = [randomUUID(), randomUUID()]
    return {
      id: randomUUID(),
      organizationId: owner?.id ?? null,
      locationType: 'physical',
      name: { en: `${en} office`, fr: `Bureau ${fr}` },
      description: {},
      confidential: l.confidential,
      latitude: coordinate(45),
      longitude: coordinate(-74),
      doc: {
        addresses: [
          {
            id: addressId,
            address_1: `${counter} Rue ${street}`,
            city: 'Montréal',
            state_province: 'QC',
            postal_code: 'H2X 1K4',
            country: 'CA',
            address_type: 'physical',
          },
        ],
        phones: [{ id: phoneId, number }],
      },
      strings: [en, fr, street, number, phoneId, addressId],
    }
  })
  const organizationHidden = new Map(organizations.map((o) => [o.id, o.confidential]))
  const locationVisible = (location: LocationRecord) =>
    !location.confidential && !(location.organizationId && organizationHidden.get(location.organizationId))

  const services = model.services.map((s): ServiceRecord & { strings: string[] } => {
    const [en, fr, number] = [token(), token(), phone()]
    const phoneId = randomUUID()
    return {
      id: randomUUID(),
      organizationId: organizationOf(s.organization).id,
      name: { en: `${en} shelter`, fr: `Refuge ${fr}` },
      description: { en: 'Beds.', fr: 'Lits.' },
      status: 'active',
      confidential: s.confidential,
      referralStatus: 'accepting',
      doc: { phones: [{ id: phoneId, number }] },
      strings: [en, fr, number, phoneId],
    }
  })

  const terms: Built['terms'] = { services: new Map(), sals: new Map(), organizations: new Map() }
  const carry = (map: Map<string, Set<string>>, term: string, id: string) => {
    const set = map.get(term) ?? new Set()
    set.add(id)
    map.set(term, set)
  }
  const organizationTerms = new Map<string, string[]>()
  model.organizations.forEach((o, index) => {
    const organization = organizations[index]!
    organizationTerms.set(organization.id, o.terms)
    for (const term of o.terms) attribute('organization', organization.id, term)
  })
  const locationTerms = new Map<string, string[]>()
  model.locations.forEach((l, index) => {
    const location = locations[index]!
    locationTerms.set(location.id, l.terms)
    for (const term of l.terms) attribute('location', location.id, term)
  })

  const sals: (ServiceAtLocationRecord & { strings: string[] })[] = []
  model.services.forEach((s, index) => {
    const service = services[index]!
    const serviceVisible = !service.confidential && !organizationHidden.get(service.organizationId)
    const ownTerms = new Set([...s.terms, ...(organizationTerms.get(service.organizationId) ?? [])])
    for (const term of s.terms) attribute('service', service.id, term)
    if (serviceVisible) {
      visible.services.add(service.id)
      for (const term of ownTerms) carry(terms.services, term, service.id)
      for (const term of s.terms) carry(terms.organizations, term, service.organizationId)
    }
    if (locations.length === 0) return
    for (const at of new Set(s.locations.map((i) => i % locations.length))) {
      const location = locations[at]!
      const description = token()
      const sal = {
        id: randomUUID(),
        serviceId: service.id,
        locationId: location.id,
        doc: { description: `${description} room` },
        strings: [description],
      }
      sals.push(sal)
      for (const term of s.placeTerms) attribute('service_at_location', sal.id, term)
      if (serviceVisible && locationVisible(location)) {
        visible.sals.add(sal.id)
        for (const term of [...ownTerms, ...s.placeTerms, ...(locationTerms.get(location.id) ?? [])])
          carry(terms.sals, term, sal.id)
      }
    }
  })
  for (const organization of organizations) {
    if (organization.confidential) continue
    visible.organizations.add(organization.id)
    for (const term of organizationTerms.get(organization.id) ?? [])
      carry(terms.organizations, term, organization.id)
  }
  for (const location of locations) if (locationVisible(location)) visible.locations.add(location.id)

  const hide = (kind: string, entry: { id: string; strings: string[] }, coordinates: number[] = []) => {
    hidden.ids.set(entry.id, kind)
    hidden.strings.push(entry.id, ...entry.strings)
    hidden.coordinates.push(...coordinates)
    searchWords.push(...entry.strings.filter((s) => /^[A-Z][g-z]{9}$/.test(s)))
    for (const record of bundle.attributes) if (record.linkId === entry.id) hidden.strings.push(record.id)
  }
  for (const organization of organizations)
    if (!visible.organizations.has(organization.id)) hide('organization', organization)
  for (const location of locations) {
    if (!visible.locations.has(location.id))
      hide('location', location, [location.latitude ?? 0, location.longitude ?? 0])
    places.push({ latitude: location.latitude ?? 0, longitude: location.longitude ?? 0 })
  }
  for (const service of services) if (!visible.services.has(service.id)) hide('service', service)
  for (const sal of sals) if (!visible.sals.has(sal.id)) hide('service_at_location', sal)

  const strip = <T extends { strings: string[] }>({ strings: _, ...record }: T) => record
  bundle.organizations = organizations.map(strip)
  bundle.locations = locations.map(strip)
  bundle.services = services.map(strip)
  bundle.serviceAtLocations = sals.map(strip)
  const service = services.find((s) => visible.services.has(s.id))
  const shown = service ? { id: service.id, word: service.strings[0]! } : undefined
  return { bundle, visible, hidden, searchWords, shown, places, terms }
}

let t: TestApp
let outDir: string
beforeAll(async () => {
  t = await buildTestApp()
  await saveBundle(t.database, taxonomyBundle(), audit, { mode: 'summary' })
  outDir = mkdtempSync(path.join(tmpdir(), 'relais-hsds-property-'))
})
afterAll(async () => {
  await t.close()
  rmSync(outDir, { recursive: true, force: true })
})

async function clearDirectory() {
  for (const table of [
    'directory_search',
    'directory_attribute',
    'directory_metadata',
    'directory_service_at_location',
    'directory_service',
    'directory_location',
    'directory_organization',
  ])
    await sql`delete from ${sql.table(table)}`.execute(t.database.db)
}

function assertNothingHidden(where: string, text: string, built: Built) {
  for (const value of built.hidden.strings) {
    if (text.includes(value))
      throw new Error(`${where} shows ${value} of a hidden ${built.hidden.ids.get(value) ?? 'entry'}`)
  }
  for (const value of built.hidden.coordinates) {
    const pattern = new RegExp(`(?<![0-9])${String(value).replace('.', '\\.')}(?![0-9])`)
    if (pattern.test(text)) throw new Error(`${where} shows the coordinate ${value} of a hidden location`)
  }
}

async function fetchText(url: string) {
  const response = await t.app.inject({ method: 'GET', url })
  if (response.statusCode !== 200) throw new Error(`${url} answered ${response.statusCode}: ${response.body}`)
  return response.body
}

const idsOf = (body: string) =>
  new Set((JSON.parse(body) as { contents: { id: string }[] }).contents.map((item) => item.id))

function sameSet(where: string, actual: Set<string>, expected: Set<string> | undefined) {
  const want = [...(expected ?? [])].sort()
  const got = [...actual].sort()
  if (JSON.stringify(want) !== JSON.stringify(got))
    throw new Error(`${where}: expected ${JSON.stringify(want)}, got ${JSON.stringify(got)}`)
}

function readTree(dir: string): string {
  return readdirSync(dir, { withFileTypes: true })
    .map((entry) =>
      entry.isDirectory()
        ? readTree(path.join(dir, entry.name))
        : readFileSync(path.join(dir, entry.name), 'utf8'),
    )
    .join('\n')
}

describe('confidential entries never leave through the public API or the public export', () => {
  it('holds over generated directories', async () => {
    let run = 0
    await fc.assert(
      fc.asyncProperty(modelArb, async (model) => {
        run += 1
        await clearDirectory()
        const built = build(model)
        await saveBundle(t.database, built.bundle, audit, { mode: 'summary' })
        const { visible } = built
        const check = async (url: string) => {
          const body = await fetchText(url)
          assertNothingHidden(url, body, built)
          return body
        }

        // Every list, plain, nested and streamed: exactly the visible entries, and nothing hidden.
        for (const [list, expected] of [
          ['services', visible.services],
          ['service_at_locations', visible.sals],
          ['organizations', visible.organizations],
        ] as const) {
          sameSet(list, idsOf(await check(`/api/hsds/${list}?per_page=200`)), expected)
          sameSet(`${list} full`, idsOf(await check(`/api/hsds/${list}?per_page=200&full=true`)), expected)
          await check(`/api/hsds/${list}?per_page=200&full=true&lang=fr`)
          await check(`/api/hsds/${list}?format=ndjson&full=true`)
          await check(`/api/hsds/${list}?format=ndjson&minimal=true`)
        }
        await check('/api/hsds/organizations?per_page=200&full=true&full_service=true')

        // Every detail: visible entries fully nested; hidden ones answer 404.
        for (const id of visible.services) await check(`/api/hsds/services/${id}`)
        for (const id of visible.sals) await check(`/api/hsds/service_at_locations/${id}`)
        for (const id of visible.organizations) await check(`/api/hsds/organizations/${id}?full_service=true`)
        for (const [id, kind] of built.hidden.ids) {
          const route = {
            organization: 'organizations',
            service: 'services',
            service_at_location: 'service_at_locations',
          }[kind]
          if (!route) continue
          const response = await t.app.inject({ method: 'GET', url: `/api/hsds/${route}/${id}` })
          if (response.statusCode !== 404)
            throw new Error(`hidden ${kind} ${id} answered ${response.statusCode}`)
        }

        // A word only hidden entries hold finds nothing at all (not even a visible service at a hidden
        // place); a visible service's word finds it.
        for (const word of built.searchWords) {
          for (const list of ['services', 'service_at_locations', 'organizations'])
            sameSet(
              `${list}?search=${word}`,
              idsOf(await check(`/api/hsds/${list}?search=${word}&full=true`)),
              new Set(),
            )
        }
        if (built.shown)
          sameSet(
            `services?search=${built.shown.word}`,
            idsOf(await check(`/api/hsds/services?search=${built.shown.word}`)),
            new Set([built.shown.id]),
          )

        // Term filters: exactly the entries carrying the term where the public can see it.
        for (const term of TERMS) {
          const q = `taxonomy_term_id=${encodeURIComponent(term)}&full=true&per_page=200`
          sameSet(
            `services ${term}`,
            idsOf(await check(`/api/hsds/services?${q}`)),
            built.terms.services.get(term),
          )
          sameSet(
            `sals ${term}`,
            idsOf(await check(`/api/hsds/service_at_locations?${q}`)),
            built.terms.sals.get(term),
          )
          sameSet(
            `organizations ${term}`,
            idsOf(await check(`/api/hsds/organizations?${q}`)),
            built.terms.organizations.get(term),
          )
        }
        await check('/api/hsds/services?taxonomy_id=relais-population&full=true&per_page=200')

        // Proximity searches around every place, hidden ones included.
        for (const place of built.places)
          await check(
            `/api/hsds/service_at_locations?lat=${place.latitude}&lng=${place.longitude}&proximity=2000&full=true`,
          )

        await check('/api/hsds/taxonomy_terms?per_page=200')
        await check('/api/hsds/taxonomies')

        // The public exports, JSON and CSV.
        const json = path.join(outDir, `run-${run}.json`)
        await exportDirectory(t.database, { format: 'hsds-json', out: json })
        assertNothingHidden('the JSON export', readFileSync(json, 'utf8'), built)
        const csv = path.join(outDir, `run-${run}-csv`)
        await exportDirectory(t.database, { format: 'hsds-csv', out: csv })
        assertNothingHidden('the CSV export', readTree(csv), built)

        // The backup export does hold them: the scan can find what it looks for.
        if (built.hidden.strings.length > 0) {
          const backup = path.join(outDir, `run-${run}-backup.json`)
          await exportDirectory(t.database, { format: 'hsds-json', out: backup, includeConfidential: true })
          const text = readFileSync(backup, 'utf8')
          expect(() => assertNothingHidden('the backup', text, built)).toThrow()
          for (const value of built.hidden.coordinates)
            expect(() =>
              assertNothingHidden('the backup', text, {
                ...built,
                hidden: { ...built.hidden, strings: [], coordinates: [value] },
              }),
            ).toThrow()
        }
      }),
      { numRuns: 20 },
    )
  })
})
