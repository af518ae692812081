import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { needKinds } from '../../common/contracts/cases.ts'
import { type DirectorySearchResponse, directorySearchQuery } from '../../common/contracts/directory.ts'
import { can, roles } from '../../common/permissions.ts'
import { buildTestApp, type TestApp } from '../../test/support/app.ts'
import { providerBundle, taxonomyBundle } from '../../test/support/directory.ts'
import { buildStaff, type SessionFixture, sessionFor } from '../../test/support/factories.ts'
import { emptyBundle, type OrganizationRecord } from './directory.records.ts'
import { searchDirectory } from './directory.search.ts'
import { saveBundle } from './directory.service.ts'
import { SERVICE_TYPE } from './taxonomies.ts'

let t: TestApp
let advocate: SessionFixture
let admin: SessionFixture
const audit = { actorId: null, actorLabel: 'test', address: null, requestId: null }

const montrealShelter = providerBundle({
  confidential: { location: true },
  serviceTypes: ['housing-emergency'],
  populations: ['women'],
  languages: ['fr', 'en'],
})
const torontoCounselling = providerBundle({
  name: { en: 'Lakeshore Counselling Collective' },
  serviceName: { en: 'Trauma counselling for survivors' },
  latitude: 43.6532,
  longitude: -79.3832,
  province: 'ON',
  city: 'Toronto',
  serviceTypes: ['counselling'],
  populations: ['2slgbtqi', 'youth'],
  languages: ['en', 'es'],
  minimumAge: 16,
  maximumAge: 29,
  schedules: [{ id: randomUUID(), freq: 'WEEKLY', opens_at: '00:00', closes_at: '23:59' }],
})
const sherbrookeLegal = providerBundle({
  name: { fr: 'Clinique juridique de l’Estrie' },
  serviceName: { fr: 'Aide juridique en immigration' },
  latitude: 45.4042,
  longitude: -71.8929,
  city: 'Sherbrooke',
  serviceTypes: ['legal-aid', 'immigration'],
  populations: ['migrant-workers'],
  languages: ['fr'],
})

function agency(
  id: string,
  kind: OrganizationRecord['kind'],
  name: string,
  province: string,
  municipality?: string,
) {
  return {
    id,
    name: { en: name, fr: name },
    description: { en: name },
    kind,
    confidential: false,
    jurisdiction: { country: 'CA', province, municipality: municipality ?? null },
    emergencyPhone: '911',
    doc: {},
  } satisfies OrganizationRecord
}

beforeAll(async () => {
  t = await buildTestApp()
  await saveBundle(t.database, taxonomyBundle(), audit, { mode: 'summary' })
  for (const bundle of [montrealShelter, torontoCounselling, sherbrookeLegal])
    await saveBundle(t.database, bundle, audit)
  await saveBundle(
    t.database,
    {
      ...emptyBundle(),
      organizations: [
        agency('spvm', 'law_enforcement', 'Service de police de la Ville de Montréal', 'QC', 'Montréal'),
        agency(
          'gatineau-police',
          'law_enforcement',
          'Service de police de la Ville de Gatineau',
          'QC',
          'Gatineau',
        ),
        agency('sq', 'law_enforcement', 'Sûreté du Québec', 'QC'),
        agency('ottawa-police', 'law_enforcement', 'Ottawa Police Service', 'ON', 'Ottawa'),
        agency('dpj', 'child_protection', 'Direction de la protection de la jeunesse', 'QC'),
      ],
      municipalities: [
        { id: 'qc-montreal', name: 'Montréal', province: 'QC', latitude: 45.5019, longitude: -73.5674 },
        { id: 'qc-gatineau', name: 'Gatineau', province: 'QC', latitude: 45.4765, longitude: -75.7013 },
        { id: 'on-ottawa', name: 'Ottawa', province: 'ON', latitude: 45.4215, longitude: -75.6972 },
        { id: 'qc-sherbrooke', name: 'Sherbrooke', province: 'QC', latitude: 45.4042, longitude: -71.8929 },
      ],
    },
    audit,
  )
  advocate = await sessionFor(t, await buildStaff(t, { role: 'advocate' }))
  admin = await sessionFor(t, await buildStaff(t, { role: 'admin' }))
})
afterAll(() => t.close())

async function search(
  query: string,
  session: SessionFixture | null = advocate,
  path = '/api/directory/search',
) {
  const response = await t.app.inject({
    method: 'GET',
    url: `${path}?${query}`,
    headers: session?.headers ?? {},
  })
  return { status: response.statusCode, body: response.json() }
}
const serviceIds = (body: { results: { serviceId: string }[] }) => body.results.map((r) => r.serviceId).sort()

describe('GET /api/directory/search', () => {
  it('401 without a session', async () => {
    expect((await search('q=shelter', null)).status).toBe(401)
  })

  it('is open to every staff role but analysts (who reach figures only), and only some see confidential entries', () => {
    expect(roles.filter((role) => can(role, 'directory.read'))).toEqual([
      'advocate',
      'supervisor',
      'directory_manager',
      'admin',
    ])
    expect(roles.filter((role) => can(role, 'directory.read_confidential'))).toEqual([
      'advocate',
      'supervisor',
      'directory_manager',
    ])
  })

  it.each([
    ['lat=95&lng=0', 'query.lat', 'too_big'],
    ['lat=45', 'query.lng', 'lat_lng_together'],
    ['lat=45&lng=-73&radiusKm=5000', 'query.radiusKm', 'too_big'],
    ['municipality=Montréal', 'query.province', 'required_with_municipality'],
    ['province=XX', 'query.province', 'invalid_value'],
    ['serviceType=Housing!', 'query.serviceType.0', 'invalid_format'],
    ['colour=blue', 'query.colour', 'unknown_field'],
    ['nearMunicipality=Atlantis&province=QC', 'query.nearMunicipality', 'unknown_place'],
  ])('400 for %s, naming %s', async (query, path, code) => {
    const { status, body } = await search(query)
    expect(status).toBe(400)
    expect(body.fields).toEqual(expect.arrayContaining([expect.objectContaining({ path, code })]))
  })

  it.each(['/api/directory/search', '/api/directory/public-search'])(
    '%s: 400 for service type and population codes the directory does not know, each named',
    async (path) => {
      const session = path === '/api/directory/search' ? advocate : null
      const { status, body } = await search(
        'serviceType=counselling,spa-days&population=aliens',
        session,
        path,
      )
      expect(status).toBe(400)
      expect(body).toMatchObject({ code: 'validation_failed', message: 'Some fields are not valid.' })
      expect(body.fields).toEqual([
        {
          path: 'query.serviceType.1',
          code: 'unknown_code',
          message: 'query.serviceType.1 is not a known code.',
        },
        {
          path: 'query.population.0',
          code: 'unknown_code',
          message: 'query.population.0 is not a known code.',
        },
      ])
    },
  )

  it.each(['/api/directory/search', '/api/directory/public-search'])(
    '%s: names an unknown code in French when asked',
    async (path) => {
      const response = await t.app.inject({
        method: 'GET',
        url: `${path}?population=women,aliens`,
        headers: { ...(path === '/api/directory/search' ? advocate.headers : {}), 'accept-language': 'fr' },
      })
      expect(response.statusCode).toBe(400)
      expect(response.json().fields).toEqual([
        {
          path: 'query.population.1',
          code: 'unknown_code',
          message: 'Le champ query.population.1 n’est pas un code connu.',
        },
      ])
    },
  )

  it('knows every Relais code, those no entry has yet, and those an import added to the Relais taxonomies', async () => {
    // A need's kind, and the populations a case's people point to, start a referral's search.
    const empty = await search(
      `serviceType=${needKinds.join(',')}&population=first-nations,inuit,metis,indigenous,2slgbtqi,migrant-workers,disabilities`,
    )
    expect(empty.status).toBe(200)
    const unused = await search('serviceType=tattoo-removal', null, '/api/directory/public-search')
    expect(unused).toMatchObject({ status: 200, body: { results: [] } })
    expect((await search('serviceType=sweat-lodge')).status).toBe(400)
    await saveBundle(
      t.database,
      {
        ...emptyBundle(),
        taxonomyTerms: [
          {
            id: `${SERVICE_TYPE}:sweat-lodge`,
            taxonomyId: SERVICE_TYPE,
            code: 'sweat-lodge',
            name: { en: 'Sweat lodge', fr: 'Suerie' },
            description: { en: 'Sweat lodge ceremonies', fr: 'Cérémonies de la suerie' },
            parentId: null,
          },
        ],
      },
      audit,
      { mode: 'summary' },
    )
    expect((await search('serviceType=sweat-lodge')).status).toBe(200)
  })

  it('answers in French when asked, with the field named', async () => {
    const response = await t.app.inject({
      method: 'GET',
      url: '/api/directory/search?lat=45',
      headers: { ...advocate.headers, 'accept-language': 'fr' },
    })
    expect(response.json().fields[0].message).toContain('ensemble')
  })

  it('finds French text without accents, English by stem, and names despite a typo', async () => {
    expect(serviceIds((await search('q=hebergement%20urgence')).body)).toEqual([montrealShelter.ids.service])
    expect(serviceIds((await search('q=shelters')).body)).toEqual([montrealShelter.ids.service])
    expect(serviceIds((await search('q=counseling')).body)).toEqual([torontoCounselling.ids.service])
    expect(serviceIds((await search('q=juridiqe')).body)).toEqual([sherbrookeLegal.ids.service])
  })

  it('filters by service type, population, language, province, age and 24/7, with facet counts', async () => {
    expect(serviceIds((await search('serviceType=immigration')).body)).toEqual([sherbrookeLegal.ids.service])
    expect(serviceIds((await search('population=youth,women')).body)).toEqual(
      [montrealShelter.ids.service, torontoCounselling.ids.service].sort(),
    )
    expect(serviceIds((await search('language=es')).body)).toEqual([torontoCounselling.ids.service])
    expect(serviceIds((await search('province=QC&kind=service_provider')).body)).toEqual(
      [montrealShelter.ids.service, sherbrookeLegal.ids.service].sort(),
    )
    expect(serviceIds((await search('age=17&kind=service_provider')).body)).toEqual([
      torontoCounselling.ids.service,
    ])
    const always = await search('open247=true')
    expect(serviceIds(always.body)).toEqual([torontoCounselling.ids.service])
    expect(always.body.results[0]).toMatchObject({ open247: true, openNow: true })

    const { body } = await search('province=QC&kind=service_provider')
    // A facet counts with every other filter applied, so other provinces still show their counts.
    expect(body.facets.province).toEqual(
      expect.arrayContaining([
        { value: 'QC', count: 2 },
        { value: 'ON', count: 1 },
      ]),
    )
    expect(body.facets.serviceType).toEqual(
      expect.arrayContaining([
        { value: 'housing-emergency', count: 1 },
        { value: 'legal-aid', count: 1 },
      ]),
    )
    expect(body.facets.serviceType.find((f: { value: string }) => f.value === 'counselling')).toBeUndefined()
  })

  it('searches around a point or a municipality, nearest first, with distances', async () => {
    const near = await search('nearMunicipality=Montreal&province=QC&radiusKm=200&kind=service_provider')
    expect(near.body.results.map((r: { serviceId: string }) => r.serviceId)).toEqual([
      montrealShelter.ids.service,
      sherbrookeLegal.ids.service,
    ])
    expect(near.body.results[0].distanceKm).toBe(0)
    expect(near.body.results[1].distanceKm).toBeGreaterThan(100)
    expect(near.body.results[1].distanceKm).toBeLessThan(140)
    const tight = await search('lat=45.5019&lng=-73.5674&radiusKm=10&kind=service_provider')
    expect(serviceIds(tight.body)).toEqual([montrealShelter.ids.service])
  })

  it('shows confidential entries, badged, only to roles allowed to see them', async () => {
    const forAdvocate = await search('q=shelter')
    expect(forAdvocate.body.results).toHaveLength(1)
    expect(forAdvocate.body.results[0]).toMatchObject({ confidential: true })
    expect((await search('q=shelter', admin)).body.results).toEqual([])
    const publicSearch = await search('q=shelter', null, '/api/directory/public-search')
    expect(publicSearch.status).toBe(200)
    expect(publicSearch.body.results).toEqual([])
    expect(
      publicSearch.body.facets.serviceType.find((f: { value: string }) => f.value === 'housing-emergency'),
    ).toBeUndefined()
  })

  it('names the agencies responsible for the place, not the nearest ones', async () => {
    // Gatineau is across the river from Ottawa: Ottawa's police is near, but not responsible.
    const { body } = await search('lat=45.4765&lng=-75.7013&radiusKm=5')
    const names = body.agencies.map((a: { organizationId: string }) => a.organizationId)
    expect(names).toEqual(expect.arrayContaining(['gatineau-police', 'sq', 'dpj']))
    expect(names).not.toContain('ottawa-police')
    expect(names).not.toContain('spvm')
    const police = body.agencies.filter((a: { kind: string }) => a.kind === 'law_enforcement')
    expect(police.map((a: { scope: string }) => a.scope)).toEqual(['municipality', 'province'])
  })

  it('answers from the index in memory once it has loaded, with what was saved just before', async () => {
    const answeredBy = async (query: string) => {
      const response = await t.app.inject({
        method: 'GET',
        url: `/api/directory/search?${query}`,
        headers: advocate.headers,
      })
      expect(response.statusCode).toBe(200)
      return { header: response.headers['server-timing'], body: response.json() }
    }
    // The server loads it once ready, in the background; SQL answers until then.
    const deadline = Date.now() + 10_000
    while ((await answeredBy('q=counselling')).header !== 'directory;desc="index"' && Date.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 50))
    const bundle = providerBundle({
      name: { en: 'Saltmarsh Outreach' },
      serviceName: { en: 'Saltmarsh counselling line' },
      serviceTypes: ['counselling'],
    })
    await saveBundle(t.database, bundle, audit)
    const { header, body } = await answeredBy('q=counselling&serviceType=counselling')
    expect(header).toBe('directory;desc="index"')
    expect(serviceIds(body)).toContain(bundle.ids.service)
    // Words found nowhere call for typo tolerance, which SQL alone has.
    expect((await answeredBy('q=counselng')).header).toBe('directory;desc="sql"')
  })
  describe('what the filters and the result fields mean, through the index and through SQL alone', () => {
    // In Manitoba, where no other test looks: one provider for each referral status, and for each
    // answer about substance use (accepted, refused, unknown).
    const winnipeg = { province: 'MB', city: 'Winnipeg', latitude: 49.8951, longitude: -97.1384 }
    const open = providerBundle({
      ...winnipeg,
      name: { en: 'Red River Open Door' },
      serviceName: { en: 'Red River drop-in', fr: 'Halte-accueil Rivière-Rouge' },
      populations: ['migrant-workers'],
      languages: ['fr', 'en', 'oj'],
      referralStatus: 'accepting',
      substanceUseAccepted: true,
      schedules: [
        { id: randomUUID(), freq: 'WEEKLY', byday: 'MO,TU,WE,SA', opens_at: '08:30', closes_at: '16:00' },
        { id: randomUUID(), freq: 'WEEKLY', byday: 'SU', opens_at: '10:00:00', closes_at: '14:00:00' },
      ],
    })
    const waitlist = providerBundle({
      ...winnipeg,
      latitude: winnipeg.latitude + 0.5,
      name: { en: 'Assiniboine Waiting House' },
      serviceName: { en: 'Assiniboine transitional housing' },
      populations: ['migrant-workers'],
      referralStatus: 'waitlist',
      substanceUseAccepted: false,
    })
    const full = providerBundle({
      ...winnipeg,
      latitude: winnipeg.latitude + 1,
      name: { en: 'Prairie Full House' },
      serviceName: { en: 'Prairie long-term housing' },
      populations: ['migrant-workers'],
      referralStatus: 'not_accepting',
      substanceUseAccepted: null,
    })
    const unknown = providerBundle({
      ...winnipeg,
      latitude: winnipeg.latitude + 1.5,
      name: { en: 'Whiteshell Unknown Centre' },
      serviceName: { en: 'Whiteshell outreach' },
      populations: ['migrant-workers'],
      referralStatus: null,
      substanceUseAccepted: true,
    })
    let verifiedAt: string

    beforeAll(async () => {
      for (const bundle of [open, waitlist, full, unknown]) await saveBundle(t.database, bundle, audit)
      const manager = await sessionFor(t, await buildStaff(t, { role: 'directory_manager' }))
      const checked = await t.app.inject({
        method: 'POST',
        url: '/api/directory/verifications',
        headers: { 'content-type': 'application/json', ...manager.headers },
        payload: JSON.stringify({ entityType: 'service', entityId: open.ids.service, outcome: 'confirmed' }),
      })
      expect(checked.statusCode).toBe(201)
      const row = await t.database.db
        .selectFrom('directory_service')
        .select('last_verified_at')
        .where('id', '=', open.ids.service)
        .executeTakeFirstOrThrow()
      verifiedAt = row.last_verified_at!.toISOString()
    })

    /**
     * The staff search through the route, which the index in memory answers once loaded (it loads in
     * the background), and the same search through SQL alone.
     */
    async function bothWays(query: string, lang: 'en' | 'fr' = 'en') {
      const url = `/api/directory/search?${query}&lang=${lang}`
      const deadline = Date.now() + 10_000
      let response = await t.app.inject({ method: 'GET', url, headers: advocate.headers })
      while (response.headers['server-timing'] !== 'directory;desc="index"' && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 50))
        response = await t.app.inject({ method: 'GET', url, headers: advocate.headers })
      }
      expect(response.statusCode, query).toBe(200)
      expect(response.headers['server-timing'], query).toBe('directory;desc="index"')
      const parsed = directorySearchQuery.parse(
        Object.fromEntries(new URLSearchParams(`${query}&lang=${lang}`)),
      )
      const { answeredBy, ...sql } = await searchDirectory(t.database.db, parsed, {
        includeConfidential: can('advocate', 'directory.read_confidential'),
        lang,
      })
      expect(answeredBy).toBe('sql')
      return [
        ['index', response.json() as DirectorySearchResponse],
        ['sql', JSON.parse(JSON.stringify(sql)) as DirectorySearchResponse],
      ] as const
    }
    const resultOf = (body: DirectorySearchResponse, serviceId: string) =>
      body.results.find((result) => result.serviceId === serviceId)

    it('accepting: only services accepting new referrals, not those with a waitlist, full or unknown', async () => {
      for (const [path, body] of await bothWays('province=MB'))
        expect(serviceIds(body), path).toEqual(
          [open, waitlist, full, unknown].map((bundle) => bundle.ids.service).sort(),
        )
      for (const [path, body] of await bothWays('province=MB&accepting=true')) {
        expect(serviceIds(body), path).toEqual([open.ids.service])
        expect(body.total, path).toBe(1)
        // The status facet still counts the other statuses, to show what the filter leaves out.
        expect(body.facets.referralStatus, path).toEqual(
          expect.arrayContaining([
            { value: 'accepting', count: 1 },
            { value: 'waitlist', count: 1 },
            { value: 'not_accepting', count: 1 },
          ]),
        )
      }
    })

    it('substanceUse: only services that accept people who use substances, not those refusing or unknown', async () => {
      for (const [path, body] of await bothWays('province=MB&substanceUse=true'))
        expect(serviceIds(body), path).toEqual([open.ids.service, unknown.ids.service].sort())
      for (const [path, body] of await bothWays('province=MB&substanceUse=true&accepting=true'))
        expect(serviceIds(body), path).toEqual([open.ids.service])
    })

    it('shows opening hours in the language asked, the languages, when last verified and the distance', async () => {
      for (const [path, body] of await bothWays('population=migrant-workers&province=MB')) {
        expect(resultOf(body, open.ids.service), path).toMatchObject({
          hours: ['Mon–Wed, Sat 08:30–16:00', 'Sun 10:00–14:00'],
          languages: ['fr', 'en', 'oj'],
          lastVerifiedAt: verifiedAt,
          distanceKm: null,
        })
        expect(resultOf(body, waitlist.ids.service), path).toMatchObject({
          hours: ['Mon–Fri 09:00–17:00'],
          languages: ['en', 'fr'],
          lastVerifiedAt: null,
        })
      }
      expect(Date.now() - Date.parse(verifiedAt)).toBeLessThan(60_000)
      for (const [path, body] of await bothWays('population=migrant-workers&province=MB', 'fr')) {
        expect(resultOf(body, open.ids.service)?.hours, path).toEqual([
          'lun.–mer., sam. 08:30–16:00',
          'dim. 10:00–14:00',
        ])
        expect(resultOf(body, open.ids.service)?.name, path).toBe('Halte-accueil Rivière-Rouge')
        expect(resultOf(body, waitlist.ids.service)?.hours, path).toEqual(['lun.–ven. 09:00–17:00'])
      }
      // A degree of latitude south of the open door, on the sphere of mean radius: 111.2 km, then
      // 55.6 km more for each half degree.
      const south = `lat=${winnipeg.latitude - 1}&lng=${winnipeg.longitude}&radiusKm=400&population=migrant-workers`
      for (const [path, body] of await bothWays(south))
        expect(
          body.results.map((result) => [result.serviceId, result.distanceKm]),
          path,
        ).toEqual([
          [open.ids.service, 111.2],
          [waitlist.ids.service, 166.8],
          [full.ids.service, 222.4],
          [unknown.ids.service, 278],
        ])
    })
  })
})

describe('GET /api/directory/agencies', () => {
  it('401 without a session, 400 without a place', async () => {
    expect((await search('province=QC', null, '/api/directory/agencies')).status).toBe(401)
    const bad = await search('kind=law_enforcement', advocate, '/api/directory/agencies')
    expect(bad.status).toBe(400)
    expect(bad.body.fields[0]).toMatchObject({ path: 'query.province', code: 'required' })
  })

  it('finds child protection for a province', async () => {
    const { body } = await search('province=QC&kind=child_protection', advocate, '/api/directory/agencies')
    expect(body.agencies.map((a: { organizationId: string }) => a.organizationId)).toEqual(['dpj'])
  })
})
