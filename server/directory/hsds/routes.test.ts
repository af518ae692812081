import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildTestApp, type TestApp } from '../../../test/support/app.ts'
import { providerBundle, taxonomyBundle } from '../../../test/support/directory.ts'
import { saveBundle } from '../directory.service.ts'
import { POPULATION, populationTermId, serviceTypeTermId } from '../taxonomies.ts'
import { hsdsId } from './ids.ts'
import { createHsdsValidator, type HsdsType } from './validator.ts'

const audit = { actorId: null, actorLabel: 'test', address: null, requestId: null }

let t: TestApp
const montreal = providerBundle({ serviceTypes: ['housing-emergency'], populations: ['women'] })
const toronto = providerBundle({
  name: { en: 'Toronto Legal Aid' },
  serviceName: { en: 'Legal clinic' },
  latitude: 43.6532,
  longitude: -79.3832,
  city: 'Toronto',
  province: 'ON',
  serviceTypes: ['legal-aid'],
  populations: ['migrant-workers'],
})
const hiddenOrganization = providerBundle({
  confidential: { organization: true },
  name: { en: 'Hidden House' },
  serviceName: { en: 'Hidden House beds' },
})
const hiddenService = providerBundle({ confidential: { service: true }, serviceName: { en: 'Secret beds' } })
const hiddenLocation = providerBundle({
  confidential: { location: true },
  serviceName: { en: 'Quiet rooms' },
})

// The Montreal provider fills more of HSDS, for the schema checks.
const montrealOrganization = montreal.organizations[0]!
montrealOrganization.doc = {
  ...montrealOrganization.doc,
  website: 'https://harbour.example.org',
  contacts: [
    {
      id: randomUUID(),
      name: 'Intake desk',
      email: 'intake@harbour.example.org',
      phones: [{ id: randomUUID(), number: '514-555-0102' }],
    },
  ],
}
montreal.organizations[0] = { ...montrealOrganization, emergencyPhone: '514-555-0199' }
montreal.services[0]!.doc = {
  ...montreal.services[0]!.doc,
  url: 'https://harbour.example.org/shelter',
  service_areas: [{ id: randomUUID(), name: 'Island of Montréal' }],
  cost_options: [{ id: randomUUID(), option: 'Free', amount: 0 }],
  required_documents: [{ id: randomUUID(), document: 'None' }],
}
montreal.serviceAtLocations[0]!.doc = { description: 'Beds at the main office.' }

const all = [montreal, toronto, hiddenOrganization, hiddenService, hiddenLocation]
const publicServices = [montreal, toronto, hiddenLocation].map((b) => hsdsId(b.ids.service))
const publicSals = [montreal, toronto].map((b) => hsdsId(b.ids.serviceAtLocation))

beforeAll(async () => {
  t = await buildTestApp()
  await saveBundle(t.database, taxonomyBundle(), audit, { mode: 'summary' })
  for (const bundle of all) await saveBundle(t.database, bundle, audit)
})
afterAll(() => t.close())

const get = (url: string, headers: Record<string, string> = {}) =>
  t.app.inject({ method: 'GET', url, headers })
async function ok(url: string, headers: Record<string, string> = {}) {
  const response = await get(url, headers)
  expect(response.statusCode, response.body).toBe(200)
  return response.json()
}
const ids = (page: { contents: { id: string }[] }) => page.contents.map((item) => item.id).sort()

describe('GET /api/hsds/*: bad queries (public routes: no 401 or 403 to check)', () => {
  it.each([
    { url: '/api/hsds/services?bogus=1', path: 'query.bogus', code: 'unknown_field' },
    { url: '/api/hsds/service_at_locations?postcode=H2X', path: 'query.postcode', code: 'unknown_field' },
    { url: '/api/hsds/taxonomies?full=true', path: 'query.full', code: 'unknown_field' },
    { url: '/api/hsds/services/x?full=true', path: 'query.full', code: 'unknown_field' },
    { url: '/api/hsds/services?page=0', path: 'query.page', code: 'too_small' },
    { url: '/api/hsds/organizations?page=abc', path: 'query.page', code: 'invalid_type' },
    { url: '/api/hsds/services?page=1.5', path: 'query.page', code: 'invalid_type' },
    { url: '/api/hsds/services?per_page=201', path: 'query.per_page', code: 'too_big' },
    { url: '/api/hsds/taxonomy_terms?per_page=0', path: 'query.per_page', code: 'too_small' },
    { url: '/api/hsds/services?full=yes', path: 'query.full', code: 'invalid_value' },
    { url: '/api/hsds/services?format=xml', path: 'query.format', code: 'invalid_value' },
    { url: '/api/hsds/services?lang=de', path: 'query.lang', code: 'invalid_value' },
    {
      url: '/api/hsds/services?modified_after=yesterday',
      path: 'query.modified_after',
      code: 'invalid_format',
    },
    {
      url: '/api/hsds/services?modified_after=2024-02-30',
      path: 'query.modified_after',
      code: 'invalid_format',
    },
    { url: '/api/hsds/services?search=', path: 'query.search', code: 'too_small' },
    { url: `/api/hsds/services?search=${'a'.repeat(201)}`, path: 'query.search', code: 'too_big' },
    { url: '/api/hsds/service_at_locations?lat=91&lng=0', path: 'query.lat', code: 'too_big' },
    { url: '/api/hsds/service_at_locations?lat=45&lng=-181', path: 'query.lng', code: 'too_small' },
    { url: '/api/hsds/service_at_locations?lat=north&lng=0', path: 'query.lat', code: 'invalid_type' },
    {
      url: '/api/hsds/service_at_locations?lat=45&lng=-73&proximity=500001',
      path: 'query.proximity',
      code: 'too_big',
    },
    {
      url: '/api/hsds/service_at_locations?lat=45&lng=-73&proximity=0',
      path: 'query.proximity',
      code: 'too_small',
    },
    { url: '/api/hsds/service_at_locations?lat=45', path: 'query.lng', code: 'required' },
    { url: '/api/hsds/service_at_locations?lng=-73', path: 'query.lat', code: 'required' },
    { url: '/api/hsds/service_at_locations?proximity=1000', path: 'query.lat', code: 'required' },
  ])('400 for $url, naming $path ($code)', async ({ url, path, code }) => {
    const response = await get(url)
    expect(response.statusCode, response.body).toBe(400)
    const body = response.json()
    expect(body.code).toBe('validation_failed')
    expect(body.fields).toEqual([expect.objectContaining({ path, code, message: expect.any(String) })])
    expect(body.fields[0].message).not.toBe('')
  })

  it('names every unknown parameter, in the caller’s language', async () => {
    const response = await get('/api/hsds/services?bogus=1&other=2', { 'accept-language': 'fr-CA' })
    expect(response.statusCode).toBe(400)
    expect(response.json().fields).toEqual([
      expect.objectContaining({
        path: 'query.bogus',
        code: 'unknown_field',
        message: 'Le champ query.bogus n’est pas un champ connu.',
      }),
      expect.objectContaining({ path: 'query.other', code: 'unknown_field' }),
    ])
  })
})

describe('GET /api/hsds/', () => {
  it('gives the HSDS version, the profile and the OpenAPI document, and sets no cookie', async () => {
    const response = await get('/api/hsds/')
    expect(response.statusCode).toBe(200)
    expect(response.headers['set-cookie']).toBeUndefined()
    const root = response.json()
    expect(root).toEqual({
      version: '3.1',
      profile: expect.stringMatching(/^http:\/\/.+\/api\/hsds\/profile$/),
      openapi_url: expect.stringMatching(/\/api\/docs\/openapi\.json$/),
    })
    const profile = await ok(new URL(root.profile).pathname)
    expect(Object.keys(profile.schemas).sort()).toEqual([
      'location',
      'organization',
      'service',
      'taxonomy_term',
    ])
    expect(profile.schemas.service.properties.referral_status).toBeDefined()
  })

  it('is described in the OpenAPI document', async () => {
    const document = await ok('/api/docs/openapi.json')
    for (const route of [
      '/api/hsds/services',
      '/api/hsds/service_at_locations',
      '/api/hsds/taxonomy_terms/{id}',
    ])
      expect(document.paths[route], route).toBeDefined()
    const parameters = document.paths['/api/hsds/service_at_locations'].get.parameters.map(
      (p: { name: string }) => p.name,
    )
    expect(parameters).toEqual(
      expect.arrayContaining(['lat', 'lng', 'proximity', 'modified_after', 'format']),
    )
  })

  it('sets no cookie on any public route', async () => {
    for (const url of [
      '/api/hsds/services',
      '/api/hsds/service_at_locations?full=true',
      '/api/hsds/organizations?format=ndjson',
      `/api/hsds/services/${montreal.ids.service}`,
      `/api/hsds/services/${hiddenService.ids.service}`,
      '/api/hsds/services?bogus=1',
    ]) {
      const response = await get(url)
      expect(response.headers['set-cookie'], url).toBeUndefined()
    }
  })
})

describe('GET /api/hsds/services', () => {
  it('pages through the visible services with the HSDS pagination object', async () => {
    const first = await ok('/api/hsds/services?per_page=2')
    expect(first).toMatchObject({
      total_items: 3,
      total_pages: 2,
      page_number: 1,
      size: 2,
      first_page: true,
      last_page: false,
      empty: false,
    })
    const second = await ok('/api/hsds/services?per_page=2&page=2')
    expect(second).toMatchObject({
      page_number: 2,
      size: 1,
      first_page: false,
      last_page: true,
      empty: false,
    })
    expect([...ids(first), ...ids(second)].sort()).toEqual([...publicServices].sort())
    const beyond = await ok('/api/hsds/services?per_page=2&page=3')
    expect(beyond).toMatchObject({ total_items: 3, size: 0, last_page: true, empty: true, contents: [] })
  })

  it('lists one-to-one fields and the organization by default, everything with full=true', async () => {
    const basic = (await ok('/api/hsds/services?per_page=50')).contents.find(
      (s: { id: string }) => s.id === montreal.ids.service,
    )
    expect(basic).toMatchObject({
      name: 'Emergency shelter',
      status: 'active',
      organization: { name: 'Harbour Support Centre' },
    })
    expect(basic.service_at_locations).toBeUndefined()
    expect(basic.organization.locations).toBeUndefined()
    expect(basic.schedules).toBeUndefined()

    const full = (await ok('/api/hsds/services?full=true&per_page=50')).contents.find(
      (s: { id: string }) => s.id === montreal.ids.service,
    )
    expect(full.schedules).toHaveLength(1)
    expect(full.service_at_locations[0].location.addresses[0].city).toBe('Montréal')
    expect(full.organization.locations[0].id).toBe(montreal.ids.location)
    expect(
      full.attributes.map((a: { taxonomy_term: { code: string } }) => a.taxonomy_term.code).sort(),
    ).toEqual(['housing-emergency', 'women'])
    expect(full.referral_status).toEqual({ status: 'accepting' })
  })

  it('gives only id and last_modified with minimal=true', async () => {
    const page = await ok('/api/hsds/services?minimal=true&per_page=50')
    for (const item of page.contents) {
      expect(Object.keys(item).sort()).toEqual(['id', 'last_modified'])
      expect(new Date(item.last_modified).toISOString()).toBe(item.last_modified)
    }
    expect(ids(page)).toEqual([...publicServices].sort())
  })

  it('streams every result as NDJSON without paging', async () => {
    const response = await get('/api/hsds/services?format=ndjson&per_page=1&full=true')
    expect(response.statusCode).toBe(200)
    expect(response.headers['content-type']).toMatch(/^application\/x-ndjson/)
    expect(response.headers['set-cookie']).toBeUndefined()
    const lines = response.body.trim().split('\n')
    const objects = lines.map((line) => JSON.parse(line))
    expect(objects.map((o) => o.id).sort()).toEqual([...publicServices].sort())
    expect(objects.every((o) => Array.isArray(o.attributes))).toBe(true)
  })

  it('searches names and descriptions in both languages', async () => {
    expect(ids(await ok('/api/hsds/services?search=clinic'))).toEqual([hsdsId(toronto.ids.service)])
    expect(ids(await ok('/api/hsds/services?search=legal'))).toEqual([hsdsId(toronto.ids.service)])
    // French words find the French text even when the caller reads English.
    expect(ids(await ok('/api/hsds/services?search=h%C3%A9bergement'))).toEqual(
      [hsdsId(montreal.ids.service), hsdsId(hiddenLocation.ids.service)].sort(),
    )
    expect(ids(await ok('/api/hsds/services?search=Secret'))).toEqual([])
    expect(ids(await ok('/api/hsds/services?search=Hidden%20House'))).toEqual([])
  })

  it('filters by taxonomy term (Relais id or HSDS id), taxonomy, organization and modification date', async () => {
    const legal = serviceTypeTermId('legal-aid')
    expect(ids(await ok(`/api/hsds/services?taxonomy_term_id=${legal}`))).toEqual([
      hsdsId(toronto.ids.service),
    ])
    expect(ids(await ok(`/api/hsds/services?taxonomy_term_id=${hsdsId(legal)}`))).toEqual([
      hsdsId(toronto.ids.service),
    ])
    expect(ids(await ok(`/api/hsds/services?taxonomy_term_id=${populationTermId('women')}`))).toEqual(
      [hsdsId(montreal.ids.service), hsdsId(hiddenLocation.ids.service)].sort(),
    )
    expect(ids(await ok(`/api/hsds/services?taxonomy_id=${POPULATION}`))).toEqual([...publicServices].sort())
    expect(ids(await ok('/api/hsds/services?taxonomy_term_id=no-such-term'))).toEqual([])
    expect(ids(await ok(`/api/hsds/services?organization_id=${toronto.ids.organization}`))).toEqual([
      hsdsId(toronto.ids.service),
    ])
    expect(
      ids(await ok(`/api/hsds/services?organization_id=${hiddenOrganization.ids.organization}`)),
    ).toEqual([])
    expect((await ok('/api/hsds/services?modified_after=2000-01-01')).total_items).toBe(3)
    const future = new Date(Date.now() + 86_400_000).toISOString()
    expect((await ok(`/api/hsds/services?modified_after=${encodeURIComponent(future)}`)).total_items).toBe(0)
  })

  it('speaks the language asked for, falls back to the other, and gives both translations', async () => {
    const find = async (url: string, headers: Record<string, string> = {}) =>
      (await ok(url, headers)).contents.find((s: { id: string }) => s.id === montreal.ids.service)
    expect((await find('/api/hsds/services?lang=fr')).name).toBe('Hébergement d’urgence')
    expect((await find('/api/hsds/services', { 'accept-language': 'fr-CA,fr;q=0.9' })).name).toBe(
      'Hébergement d’urgence',
    )
    expect((await find('/api/hsds/services?lang=en', { 'accept-language': 'fr' })).name).toBe(
      'Emergency shelter',
    )
    const legal = await ok(`/api/hsds/services/${toronto.ids.service}?lang=fr`)
    expect(legal.name).toBe('Legal clinic')
    expect(legal.translations.en.name).toBe('Legal clinic')
    expect(legal.translations.fr.name).toBeUndefined()
    expect(legal.organization.name).toBe('Toronto Legal Aid')
    const shelter = await ok(`/api/hsds/services/${montreal.ids.service}?lang=fr`)
    expect(shelter.description).toBe('Lits pour les femmes qui quittent l’exploitation.')
    expect(shelter.translations.en.name).toBe('Emergency shelter')
    expect(
      shelter.attributes.find((a: { taxonomy_term: { code: string } }) => a.taxonomy_term.code === 'women')
        .taxonomy_term.name,
    ).toBe('Femmes')
  })
})

describe('GET /api/hsds/services/{id}', () => {
  it('gives one service fully nested, by id', async () => {
    const service = await ok(`/api/hsds/services/${montreal.ids.service}`)
    expect(service.id).toBe(montreal.ids.service)
    expect(service.service_at_locations).toHaveLength(1)
    expect(service.organization.emergency_phone).toBe('514-555-0199')
  })

  it('answers 404 for a confidential id exactly as for an unknown one', async () => {
    const unknown = await get(`/api/hsds/services/${randomUUID()}`)
    expect(unknown.statusCode).toBe(404)
    for (const id of [hiddenService.ids.service, hiddenOrganization.ids.service]) {
      const response = await get(`/api/hsds/services/${id}`)
      expect(response.statusCode).toBe(404)
      const { requestId: _a, ...body } = response.json()
      const { requestId: _b, ...expected } = unknown.json()
      expect(body).toEqual(expected)
      expect(body.message).toBe('This service does not exist or you cannot see it.')
    }
    const french = await get(`/api/hsds/organizations/${hiddenOrganization.ids.organization}?lang=fr`)
    expect(french.statusCode).toBe(404)
    expect(french.json().message).toBe('Cet élément (organisme) n’existe pas ou vous ne pouvez pas le voir.')
    for (const url of [
      `/api/hsds/service_at_locations/${hiddenLocation.ids.serviceAtLocation}`,
      `/api/hsds/service_at_locations/${hiddenService.ids.serviceAtLocation}`,
      `/api/hsds/service_at_locations/${hiddenOrganization.ids.serviceAtLocation}`,
      `/api/hsds/organizations/${hiddenOrganization.ids.organization}`,
      `/api/hsds/taxonomy_terms/${randomUUID()}`,
      `/api/hsds/taxonomies/${randomUUID()}`,
    ]) {
      expect((await get(url)).statusCode, url).toBe(404)
    }
  })
})

describe('GET /api/hsds/service_at_locations', () => {
  it('lists the services at locations whose service, organization and location are all visible', async () => {
    const page = await ok('/api/hsds/service_at_locations?per_page=50')
    expect(ids(page)).toEqual([...publicSals].sort())
    const item = page.contents.find((s: { id: string }) => s.id === montreal.ids.serviceAtLocation)
    expect(item).toMatchObject({
      description: 'Beds at the main office.',
      service: { id: montreal.ids.service },
      location: { id: montreal.ids.location, latitude: 45.5019 },
    })
  })

  it('finds places near a point, nearest first, within the radius', async () => {
    const near = await ok('/api/hsds/service_at_locations?lat=45.50&lng=-73.57&proximity=10000')
    expect(ids(near)).toEqual([hsdsId(montreal.ids.serviceAtLocation)])
    const wide = await ok('/api/hsds/service_at_locations?lat=43.7&lng=-79.4&proximity=500000')
    expect(wide.contents.map((s: { id: string }) => s.id)).toEqual([hsdsId(toronto.ids.serviceAtLocation)])
    const ordered = await ok('/api/hsds/service_at_locations?lat=43.7&lng=-79.4')
    expect(ordered.contents.map((s: { id: string }) => s.id)).toEqual([
      hsdsId(toronto.ids.serviceAtLocation),
      hsdsId(montreal.ids.serviceAtLocation),
    ])
  })

  it('searches, filters and streams like the services', async () => {
    expect(ids(await ok('/api/hsds/service_at_locations?search=clinic'))).toEqual([
      hsdsId(toronto.ids.serviceAtLocation),
    ])
    expect(ids(await ok('/api/hsds/service_at_locations?search=quiet'))).toEqual([])
    expect(
      ids(
        await ok(`/api/hsds/service_at_locations?taxonomy_term_id=${serviceTypeTermId('housing-emergency')}`),
      ),
    ).toEqual([hsdsId(montreal.ids.serviceAtLocation)])
    expect(
      ids(await ok(`/api/hsds/service_at_locations?organization_id=${montreal.ids.organization}`)),
    ).toEqual([hsdsId(montreal.ids.serviceAtLocation)])
    const stream = await get('/api/hsds/service_at_locations?format=ndjson&minimal=true')
    expect(
      stream.body
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line).id)
        .sort(),
    ).toEqual([...publicSals].sort())
  })

  it('gives one fully nested', async () => {
    const sal = await ok(`/api/hsds/service_at_locations/${montreal.ids.serviceAtLocation}`)
    expect(sal.location.addresses).toHaveLength(1)
    expect(sal.service.schedules).toHaveLength(1)
    expect(sal.attributes).toEqual([])
  })
})

describe('GET /api/hsds/organizations', () => {
  it('lists visible organizations, searches names, and filters by term through visible services only', async () => {
    const page = await ok('/api/hsds/organizations?per_page=50')
    expect(ids(page)).toEqual(
      [montreal, toronto, hiddenService, hiddenLocation].map((b) => hsdsId(b.ids.organization)).sort(),
    )
    expect(ids(await ok('/api/hsds/organizations?search=toronto'))).toEqual([
      hsdsId(toronto.ids.organization),
    ])
    expect(ids(await ok('/api/hsds/organizations?search=hidden'))).toEqual([])
    // The service of hiddenService carries "women", but it is confidential: its organization is not
    // listed under that term.
    expect(ids(await ok(`/api/hsds/organizations?taxonomy_term_id=${populationTermId('women')}`))).toEqual(
      [montreal, hiddenLocation].map((b) => hsdsId(b.ids.organization)).sort(),
    )
  })

  it('nests locations and services of one organization, without the confidential ones', async () => {
    const organization = await ok(`/api/hsds/organizations/${hiddenService.ids.organization}`)
    expect(organization.services).toEqual([])
    expect(organization.locations.map((l: { id: string }) => l.id)).toEqual([hiddenService.ids.location])
    const other = await ok(`/api/hsds/organizations/${hiddenLocation.ids.organization}?full_service=true`)
    expect(other.locations).toEqual([])
    expect(other.services.map((s: { id: string }) => s.id)).toEqual([hiddenLocation.ids.service])
    expect(other.services[0].service_at_locations).toEqual([])
    const listed = await ok('/api/hsds/organizations?full=true&per_page=50')
    const montrealListed = listed.contents.find((o: { id: string }) => o.id === montreal.ids.organization)
    expect(montrealListed.services[0].name).toBe('Emergency shelter')
    expect(montrealListed.contacts[0].phones[0].number).toBe('514-555-0102')
  })
})

describe('GET /api/hsds/taxonomies and /taxonomy_terms', () => {
  it('lists taxonomies and one by either id', async () => {
    const page = await ok('/api/hsds/taxonomies')
    expect(page.contents.map((x: { name: string }) => x.name)).toEqual([
      'Relais populations served',
      'Relais service types',
    ])
    const byRelaisId = await ok(`/api/hsds/taxonomies/${POPULATION}`)
    const byHsdsId = await ok(`/api/hsds/taxonomies/${hsdsId(POPULATION)}`)
    expect(byRelaisId).toEqual(byHsdsId)
    expect(byHsdsId.id).toBe(hsdsId(POPULATION))
    expect(ids(await ok('/api/hsds/taxonomies?search=population'))).toEqual([hsdsId(POPULATION)])
  })

  it('lists terms by taxonomy, parent, top level and name, in the language asked for', async () => {
    const housing = serviceTypeTermId('housing')
    const children = await ok(`/api/hsds/taxonomy_terms?parent_id=${hsdsId(housing)}&lang=fr`)
    expect(children.contents.map((c: { code: string }) => c.code).sort()).toEqual([
      'housing-emergency',
      'housing-long-term',
      'housing-transitional',
    ])
    expect(children.contents.every((c: { parent_id: string }) => c.parent_id === hsdsId(housing))).toBe(true)
    expect(children.contents.find((c: { code: string }) => c.code === 'housing-emergency')).toMatchObject({
      name: 'Hébergement d’urgence et refuge',
      language: 'fr',
      translations: { en: { name: 'Emergency housing and shelter' } },
    })
    const populations = await ok(`/api/hsds/taxonomy_terms?taxonomy_id=${POPULATION}&per_page=200`)
    expect(populations.total_items).toBe(12)
    const top = await ok(`/api/hsds/taxonomy_terms?taxonomy_id=${POPULATION}&top_only=true&per_page=200`)
    expect(top.total_items).toBe(9)
    expect(ids(await ok('/api/hsds/taxonomy_terms?search=femmes'))).toEqual([
      hsdsId(populationTermId('women')),
    ])
    const term = await ok(`/api/hsds/taxonomy_terms/${populationTermId('women')}`)
    expect(term).toMatchObject({ code: 'women', name: 'Women', taxonomy_detail: { id: hsdsId(POPULATION) } })
  })
})

describe('HSDS objects against the official schemas (Ajv 2020-12 with formats)', () => {
  const validator = createHsdsValidator()
  const check = (type: HsdsType, objects: unknown[]) => {
    expect(objects.length).toBeGreaterThan(0)
    for (const object of objects) expect(validator.errors(type, object)).toEqual([])
  }

  it('the profile’s merge patches make valid schemas that the API’s objects also meet', async () => {
    const profile = await ok('/api/hsds/profile')
    const profiled = createHsdsValidator(undefined, { patches: profile.schemas })
    const services = (await ok('/api/hsds/services?full=true&per_page=50&lang=fr')).contents
    for (const service of services) expect(profiled.errors('service', service)).toEqual([])
    const organizations = (await ok('/api/hsds/organizations?full=true&full_service=true')).contents
    for (const organization of organizations)
      expect(profiled.errors('organization', organization)).toEqual([])
    const terms = (await ok('/api/hsds/taxonomy_terms?per_page=200')).contents
    for (const term of terms) expect(profiled.errors('taxonomy_term', term)).toEqual([])
    // The profile is what checks the extensions: a wrong one fails it, not the official schema.
    const wrong = { ...services[0], referral_status: { status: 'maybe' }, translations: { en: { name: 3 } } }
    expect(validator.errors('service', wrong)).toEqual([])
    expect(profiled.errors('service', wrong).length).toBeGreaterThan(0)
  })

  it('the validator refuses what HSDS refuses', () => {
    expect(validator.errors('service', { id: 'not-a-uuid', name: 'x', status: 'active' })).not.toEqual([])
    expect(validator.errors('service', { id: randomUUID(), name: 'x', status: 'open' })).not.toEqual([])
    expect(validator.errors('organization', { id: randomUUID(), name: 'x' })).not.toEqual([])
    expect(
      validator.errors('location', { id: randomUUID(), location_type: 'physical', latitude: 'x' }),
    ).not.toEqual([])
  })

  it('services, services at locations, organizations, taxonomies and terms, listed and in detail', async () => {
    for (const lang of ['en', 'fr']) {
      check('service', (await ok(`/api/hsds/services?full=true&per_page=50&lang=${lang}`)).contents)
      check('service', (await ok(`/api/hsds/services?per_page=50&lang=${lang}`)).contents)
      check('service', [await ok(`/api/hsds/services/${montreal.ids.service}?lang=${lang}`)])
      check(
        'service_at_location',
        (await ok(`/api/hsds/service_at_locations?full=true&per_page=50&lang=${lang}`)).contents,
      )
      check('service_at_location', (await ok(`/api/hsds/service_at_locations?lang=${lang}`)).contents)
      check(
        'organization',
        (await ok(`/api/hsds/organizations?full=true&full_service=true&lang=${lang}`)).contents,
      )
      check('organization', (await ok(`/api/hsds/organizations?lang=${lang}`)).contents)
      check('organization', [await ok(`/api/hsds/organizations/${montreal.ids.organization}?lang=${lang}`)])
      check('taxonomy', (await ok(`/api/hsds/taxonomies?lang=${lang}`)).contents)
      check('taxonomy_term', (await ok(`/api/hsds/taxonomy_terms?per_page=200&lang=${lang}`)).contents)
    }
    const nested = await ok(`/api/hsds/organizations/${montreal.ids.organization}?full_service=true`)
    check('location', nested.locations)
    check('service', nested.services)
  })
})
