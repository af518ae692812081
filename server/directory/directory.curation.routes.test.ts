import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { verificationOutcomes } from '../../common/contracts/directory.ts'
import { buildTestApp, type TestApp } from '../../test/support/app.ts'
import { providerBundle, taxonomyBundle } from '../../test/support/directory.ts'
import {
  buildStaff,
  type SessionFixture,
  type StaffFixture,
  sessionFor,
} from '../../test/support/factories.ts'
import { UNREACHABLE_RETRY_DAYS } from './directory.curation.ts'
import { saveBundle } from './directory.service.ts'

let t: TestApp
let managerStaff: StaffFixture
let manager: SessionFixture
let advocate: SessionFixture
let admin: SessionFixture

/** A different default interval for each type of entry, to tell them apart. */
const intervals = { organization: 300, service: 100, location: 200 } as const

beforeAll(async () => {
  t = await buildTestApp({
    RELAIS_VERIFY_ORGANIZATION_DAYS: String(intervals.organization),
    RELAIS_VERIFY_SERVICE_DAYS: String(intervals.service),
    RELAIS_VERIFY_LOCATION_DAYS: String(intervals.location),
  })
  await saveBundle(
    t.database,
    taxonomyBundle(),
    { actorId: null, actorLabel: 'test', address: null, requestId: null },
    { mode: 'summary' },
  )
  await saveBundle(
    t.database,
    {
      ...taxonomyBundle(),
      taxonomies: [],
      taxonomyTerms: [],
      municipalities: [
        { id: 'qc-quebec', name: 'Québec', province: 'QC', latitude: 46.8139, longitude: -71.208 },
      ],
    },
    { actorId: null, actorLabel: 'test', address: null, requestId: null },
  )
  managerStaff = await buildStaff(t, { role: 'directory_manager' })
  manager = await sessionFor(t, managerStaff)
  advocate = await sessionFor(t, await buildStaff(t, { role: 'advocate' }))
  admin = await sessionFor(t, await buildStaff(t, { role: 'admin' }))
})
afterAll(() => t.close())

const send = (method: 'POST' | 'PUT', url: string, session: SessionFixture | null, payload: unknown) =>
  t.app.inject({
    method,
    url,
    headers: { 'content-type': 'application/json', ...(session?.headers ?? {}) },
    payload: JSON.stringify(payload),
  })
const get = (url: string, session: SessionFixture | null) =>
  t.app.inject({ method: 'GET', url, headers: session?.headers ?? {} })

const organization = {
  name: { fr: 'Maison d’hébergement L’Éclaircie' },
  description: { fr: 'Hébergement sécuritaire pour femmes.' },
  confidential: true,
  email: 'accueil@eclaircie.example.org',
  phone: '418-555-0123',
}

describe('POST /api/directory/organizations', () => {
  it('401 without a session', async () => {
    expect((await send('POST', '/api/directory/organizations', null, organization)).statusCode).toBe(401)
  })
  it('403 for roles that may not curate, even with a valid CSRF token', async () => {
    for (const session of [advocate, admin]) {
      const response = await send('POST', '/api/directory/organizations', session, organization)
      expect(response.statusCode).toBe(403)
      expect(response.json().code).toBe('forbidden')
    }
  })
  it('403 without the CSRF token', async () => {
    const response = await t.app.inject({
      method: 'POST',
      url: '/api/directory/organizations',
      headers: { 'content-type': 'application/json', cookie: manager.cookie },
      payload: JSON.stringify(organization),
    })
    expect(response.json().code).toBe('csrf_invalid')
  })
  it('400 naming each bad field, and nothing is written', async () => {
    const before = await t.database.db.selectFrom('directory_organization').select('id').execute()
    const response = await send('POST', '/api/directory/organizations', manager, {
      name: { en: '', fr: null },
      email: 'not an email',
      jurisdiction: { province: 'ZZ' },
      colour: 'red',
    })
    expect(response.statusCode).toBe(400)
    const paths = response.json().fields.map((field: { path: string }) => field.path)
    expect(paths).toEqual(expect.arrayContaining(['name.en', 'email', 'jurisdiction.province', 'colour']))
    expect(await t.database.db.selectFrom('directory_organization').select('id').execute()).toEqual(before)
  })
})

describe('curating a provider', () => {
  it('creates an organization, a location and a service in French, and the search finds them', async () => {
    const created = await send('POST', '/api/directory/organizations', manager, organization)
    expect(created.statusCode).toBe(201)
    const organizationId = created.json().id as string
    expect(created.json().organization).toMatchObject({
      name: { en: null, fr: 'Maison d’hébergement L’Éclaircie' },
      confidential: true,
      phone: '418-555-0123',
      abilities: { edit: true, verify: true },
    })

    const location = await send('POST', '/api/directory/locations', manager, {
      organizationId,
      name: { fr: 'Maison principale' },
      confidential: true,
      address: { address1: '12 rue des Érables', city: 'Quebec', province: 'QC', postalCode: 'G1R 1A1' },
    })
    expect(location.statusCode).toBe(201)
    const locationId = location.json().id as string
    // No coordinates given: the municipality's centre is used.
    expect(location.json().organization.locations[0]).toMatchObject({ latitude: 46.8139, longitude: -71.208 })

    const bad = await send('POST', '/api/directory/services', manager, {
      organizationId,
      name: { fr: 'Hébergement' },
      serviceTypes: ['housing-emergency', 'space-travel'],
      locationIds: ['elsewhere'],
    })
    expect(bad.statusCode).toBe(400)
    expect(bad.json().fields[0]).toMatchObject({ path: 'serviceTypes.1', code: 'unknown_code' })

    const service = await send('POST', '/api/directory/services', manager, {
      organizationId,
      name: { fr: 'Hébergement d’urgence 24/7' },
      description: { fr: 'Accueil jour et nuit.' },
      serviceTypes: ['housing-emergency'],
      populations: ['women'],
      languages: ['fr', 'en'],
      locationIds: [locationId],
      hours: [{ days: ['MO', 'TU', 'WE', 'TH', 'FR', 'SA', 'SU'], opens: '00:00', closes: '23:59' }],
      referralStatus: 'waitlist',
      minimumAge: 18,
    })
    expect(service.statusCode).toBe(201)
    const serviceId = service.json().id as string

    const found = await get('/api/directory/search?q=hebergement&open247=true', advocate)
    expect(found.json().results.map((r: { serviceId: string }) => r.serviceId)).toEqual([serviceId])
    expect(found.json().results[0]).toMatchObject({
      confidential: true,
      referralStatus: 'waitlist',
      name: 'Hébergement d’urgence 24/7',
    })
    expect((await get('/api/directory/search?q=hebergement', admin)).json().results).toEqual([])
    // Only the roles allowed confidential entries see this organization at all.
    expect((await get(`/api/directory/organizations/${organizationId}`, admin)).statusCode).toBe(404)
    expect((await get(`/api/directory/organizations/${organizationId}`, advocate)).json().abilities).toEqual({
      edit: false,
      verify: false,
    })

    const updated = await send('PUT', `/api/directory/services/${serviceId}`, manager, {
      organizationId,
      name: { fr: 'Hébergement d’urgence 24/7', en: 'Emergency shelter 24/7' },
      serviceTypes: ['housing-emergency', 'counselling'],
      populations: ['women'],
      languages: ['fr', 'en'],
      locationIds: [locationId],
      referralStatus: 'accepting',
    })
    expect(updated.statusCode).toBe(200)
    expect(updated.json().organization.services[0]).toMatchObject({
      name: { en: 'Emergency shelter 24/7', fr: 'Hébergement d’urgence 24/7' },
      serviceTypes: ['housing-emergency', 'counselling'],
      referralStatus: 'accepting',
      hours: [],
    })
    const events = await t.database.db
      .selectFrom('audit_event')
      .select(['action', 'entity_type', 'actor_label'])
      .where('entity_id', 'in', [organizationId, locationId, serviceId])
      .orderBy('id')
      .execute()
    expect(events.map((e) => `${e.action} ${e.entity_type}`)).toEqual([
      'directory.created organization',
      'directory.created location',
      'directory.created service',
      'directory.updated service',
    ])
  })

  it('404 for an unknown entry', async () => {
    const response = await send('PUT', '/api/directory/organizations/nope', manager, organization)
    expect(response.statusCode).toBe(404)
  })

  it('keeps a verification interval and an eligibility a save leaves out, and clears them when sent empty', async () => {
    const created = await send('POST', '/api/directory/organizations', manager, {
      ...organization,
      confidential: false,
      verificationIntervalDays: 30,
    })
    const organizationId = created.json().id as string
    const service = await send('POST', '/api/directory/services', manager, {
      organizationId,
      name: { fr: 'Accompagnement juridique' },
      serviceTypes: ['counselling'],
      statusIndependent: true,
      verificationIntervalDays: 90,
    })
    expect(service.statusCode, service.body).toBe(201)
    const serviceId = service.json().id as string
    const stored = async () => {
      const view = (await get(`/api/directory/organizations/${organizationId}`, manager)).json()
      return {
        organization: view.verification.intervalDays,
        service: view.services[0].verification.intervalDays,
        statusIndependent: view.services[0].statusIndependent,
      }
    }
    expect(await stored()).toEqual({ organization: 30, service: 90, statusIndependent: true })

    await send('PUT', `/api/directory/organizations/${organizationId}`, manager, organization)
    await send('PUT', `/api/directory/services/${serviceId}`, manager, {
      organizationId,
      name: { fr: 'Accompagnement juridique' },
      serviceTypes: ['counselling'],
    })
    expect(await stored()).toEqual({ organization: 30, service: 90, statusIndependent: true })

    await send('PUT', `/api/directory/organizations/${organizationId}`, manager, {
      ...organization,
      verificationIntervalDays: null,
    })
    await send('PUT', `/api/directory/services/${serviceId}`, manager, {
      organizationId,
      name: { fr: 'Accompagnement juridique' },
      serviceTypes: ['counselling'],
      statusIndependent: null,
      verificationIntervalDays: null,
    })
    expect(await stored()).toEqual({ organization: null, service: null, statusIndependent: null })
  })
})

describe('auditing a service’s edits', () => {
  it('audits a change and an ended location, and nothing for a save that changes nothing', async () => {
    const organizationId = (
      await send('POST', '/api/directory/organizations', manager, { ...organization, confidential: false })
    ).json().id as string
    const locationId = (
      await send('POST', '/api/directory/locations', manager, {
        organizationId,
        name: { fr: 'Point de service' },
        address: { address1: '1 rue du Port', city: 'Québec', province: 'QC', postalCode: 'G1K 1A1' },
      })
    ).json().id as string
    const service = {
      organizationId,
      name: { fr: 'Écoute téléphonique' },
      serviceTypes: ['counselling'],
      languages: ['fr', 'en'],
      locationIds: [locationId],
      hours: [{ days: ['MO', 'TU'], opens: '09:00', closes: '17:00' }],
    }
    const serviceId = (await send('POST', '/api/directory/services', manager, service)).json().id as string
    const link = await t.database.db
      .selectFrom('directory_service_at_location')
      .select('id')
      .where('service_id', '=', serviceId)
      .executeTakeFirstOrThrow()
    expect((await send('PUT', `/api/directory/services/${serviceId}`, manager, service)).statusCode).toBe(200)
    const ended = await send('PUT', `/api/directory/services/${serviceId}`, manager, {
      ...service,
      locationIds: [],
    })
    expect(ended.json().organization.services[0].locationIds).toEqual([])
    const events = await t.database.db
      .selectFrom('audit_event')
      .select(['action', 'entity_type'])
      .where('entity_id', 'in', [serviceId, link.id])
      .orderBy('id')
      .execute()
    expect(events.map((e) => `${e.action} ${e.entity_type}`)).toEqual([
      'directory.created service',
      'directory.created service_at_location',
      'directory.deleted service_at_location',
    ])
  })
})

describe('verification', () => {
  it('403 for an advocate; 400 for a bad outcome', async () => {
    expect((await get('/api/directory/verification-queue', advocate)).statusCode).toBe(403)
    const bad = await send('POST', '/api/directory/verifications', manager, {
      entityType: 'service',
      entityId: 'x',
      outcome: 'fine',
    })
    expect(bad.statusCode).toBe(400)
    expect(bad.json().fields[0].path).toBe('outcome')
  })

  it('queues never-verified entries, logs a check with who and when, and a closed service leaves the search', async () => {
    const created = await send('POST', '/api/directory/organizations', manager, {
      name: { en: 'Northern Lights Legal Clinic' },
    })
    const organizationId = created.json().id as string
    const service = await send('POST', '/api/directory/services', manager, {
      organizationId,
      name: { en: 'Legal clinic for migrant workers' },
    })
    const serviceId = service.json().id as string

    const queue = await get('/api/directory/verification-queue?entityType=service', manager)
    expect(queue.statusCode).toBe(200)
    expect(queue.json().entries.map((e: { id: string }) => e.id)).toContain(serviceId)

    const checked = await send('POST', '/api/directory/verifications', manager, {
      entityType: 'service',
      entityId: serviceId,
      outcome: 'closed',
      note: 'Phone disconnected; website says closed.',
    })
    expect(checked.statusCode).toBe(201)
    const after = await get('/api/directory/verification-queue?entityType=service', manager)
    expect(after.json().entries.map((e: { id: string }) => e.id)).not.toContain(serviceId)
    const view = (await get(`/api/directory/organizations/${organizationId}`, manager)).json()
    expect(view.services[0].status).toBe('defunct')
    expect(view.services[0].verification.history[0]).toMatchObject({
      outcome: 'closed',
      verifiedBy: expect.stringContaining('Test'),
    })
    expect((await get('/api/directory/search?q=migrant', advocate)).json().results).toEqual([])
  })
})

const entityTypes = ['organization', 'service', 'location'] as const
type EntityType = (typeof entityTypes)[number]
const tables = {
  organization: 'directory_organization',
  service: 'directory_service',
  location: 'directory_location',
} as const
const DAY = 24 * 60 * 60 * 1000

interface QueueEntry {
  entityType: EntityType
  id: string
  lastVerifiedAt: string | null
  dueAt: string
  lastOutcome: string | null
}

/** A provider whose organization, location and service were all last checked `days` ago. */
async function checkedDaysAgo(days: number, ownIntervalDays?: number) {
  const bundle = providerBundle({ name: { en: `Checked ${days} days ago` } })
  for (const record of [bundle.organizations[0]!, bundle.locations[0]!, bundle.services[0]!])
    record.verificationIntervalDays = ownIntervalDays ?? null
  await saveBundle(t.database, bundle, { actorId: null, actorLabel: 'test', address: null, requestId: null })
  for (const type of entityTypes)
    await sql`update ${sql.table(tables[type])} set last_verified_at = now() - make_interval(days => ${days})
      where id = ${bundle.ids[type]}`.execute(t.database.db)
  return bundle.ids
}

async function queue(type: EntityType): Promise<QueueEntry[]> {
  const response = await get(`/api/directory/verification-queue?entityType=${type}&limit=200`, manager)
  expect(response.statusCode).toBe(200)
  return response.json().entries
}

/** Which of the provider's entries the queue holds. */
async function dueOf(ids: Record<EntityType, string>) {
  const due: EntityType[] = []
  for (const type of entityTypes)
    if ((await queue(type)).some((entry) => entry.id === ids[type])) due.push(type)
  return due
}

describe('the verification queue', () => {
  it('holds an entry once its type’s interval has passed since its last check, and not before', async () => {
    // Service every 100 days, location every 200, organization every 300.
    expect(await dueOf(await checkedDaysAgo(99))).toEqual([])
    expect(await dueOf(await checkedDaysAgo(101))).toEqual(['service'])
    expect(await dueOf(await checkedDaysAgo(199))).toEqual(['service'])
    expect(await dueOf(await checkedDaysAgo(201))).toEqual(['service', 'location'])
    expect(await dueOf(await checkedDaysAgo(299))).toEqual(['service', 'location'])
    expect(await dueOf(await checkedDaysAgo(301))).toEqual(['organization', 'service', 'location'])
  })

  it('says when each entry became due: its last check plus its type’s interval', async () => {
    const ids = await checkedDaysAgo(301)
    for (const type of entityTypes) {
      const entry = (await queue(type)).find((e) => e.id === ids[type])!
      const row = await t.database.db
        .selectFrom(tables[type])
        .select('last_verified_at')
        .where('id', '=', ids[type])
        .executeTakeFirstOrThrow()
      expect(entry.lastVerifiedAt).toBe(row.last_verified_at!.toISOString())
      // Days are calendar days: a change to or from daylight saving time moves the hour, not the day.
      const expected = row.last_verified_at!.getTime() + intervals[type] * DAY
      expect(Math.abs(Date.parse(entry.dueAt) - expected), type).toBeLessThanOrEqual(60 * 60 * 1000)
    }
  })

  it('follows an entry’s own interval over its type’s, shorter or longer', async () => {
    // Checked 11 days ago, every 10 days: due, though no type's interval has passed.
    expect(await dueOf(await checkedDaysAgo(11, 10))).toEqual(['organization', 'service', 'location'])
    expect(await dueOf(await checkedDaysAgo(9, 10))).toEqual([])
    // Checked 301 days ago, every 1000 days: not due, though every type's interval has passed.
    expect(await dueOf(await checkedDaysAgo(301, 1000))).toEqual([])
    expect(await dueOf(await checkedDaysAgo(1001, 1000))).toEqual(['organization', 'service', 'location'])
  })

  it.each(verificationOutcomes.filter((outcome) => outcome !== 'unreachable'))(
    'logs a check found %s with who and when, and the service leaves the queue until due again',
    async (outcome) => {
      const ids = await checkedDaysAgo(101)
      expect(await dueOf(ids)).toEqual(['service'])
      const before = Date.now()
      const checked = await send('POST', '/api/directory/verifications', manager, {
        entityType: 'service',
        entityId: ids.service,
        outcome,
        note: `Called the front desk: ${outcome}.`,
      })
      expect(checked.statusCode).toBe(201)
      const after = Date.now()
      const within = (at: Date) => {
        // The database's clock and this process's, a second apart at most.
        expect(at.getTime()).toBeGreaterThanOrEqual(before - 1000)
        expect(at.getTime()).toBeLessThanOrEqual(after + 1000)
      }

      const logged = await t.database.db
        .selectFrom('directory_verification')
        .selectAll()
        .where('entity_id', '=', ids.service)
        .execute()
      expect(logged).toHaveLength(1)
      expect(logged[0]).toMatchObject({
        entity_type: 'service',
        outcome,
        note: `Called the front desk: ${outcome}.`,
        verified_by: managerStaff.id,
      })
      within(logged[0]!.verified_at)
      const service = await t.database.db
        .selectFrom('directory_service')
        .select(['last_verified_at', 'last_verified_by', 'status'])
        .where('id', '=', ids.service)
        .executeTakeFirstOrThrow()
      expect(service.last_verified_by).toBe(managerStaff.id)
      within(service.last_verified_at!)
      // Only a service found closed stops being offered.
      expect(service.status).toBe(outcome === 'closed' ? 'defunct' : 'active')

      // Every outcome but unreachable counts as a check: the service leaves the queue for its interval.
      expect(await dueOf(ids)).toEqual([])
      const view = (await get(`/api/directory/organizations/${ids.organization}`, manager)).json()
      expect(view.services[0].verification.lastVerifiedAt).toBe(service.last_verified_at!.toISOString())
      expect(view.services[0].verification.history).toEqual([
        {
          outcome,
          note: `Called the front desk: ${outcome}.`,
          verifiedBy: expect.stringMatching(/^Test directory_manager \d+$/),
          verifiedAt: logged[0]!.verified_at.toISOString(),
        },
      ])
      const search = (
        await get(`/api/directory/search?q=${encodeURIComponent(`Checked 101`)}`, advocate)
      ).json()
      expect(search.results.some((r: { serviceId: string }) => r.serviceId === ids.service)).toBe(
        outcome !== 'closed',
      )

      // Due again once the interval has passed, showing how the last check went.
      await sql`update directory_service set last_verified_at = now() - make_interval(days => 101)
        where id = ${ids.service}`.execute(t.database.db)
      const again = (await queue('service')).find((entry) => entry.id === ids.service)
      expect(again?.lastOutcome).toBe(outcome)
    },
  )

  it('logs an unreachable entry’s attempt without calling it verified, and queues it again a week later', async () => {
    const ids = await checkedDaysAgo(101)
    const stored = async () =>
      (
        await t.database.db
          .selectFrom('directory_service')
          .select(['last_verified_at', 'last_verified_by'])
          .where('id', '=', ids.service)
          .executeTakeFirstOrThrow()
      ).last_verified_at!.toISOString()
    const before = await stored()
    const checked = await send('POST', '/api/directory/verifications', manager, {
      entityType: 'service',
      entityId: ids.service,
      outcome: 'unreachable',
    })
    expect(checked.statusCode).toBe(201)
    expect(await stored()).toBe(before)
    const view = (await get(`/api/directory/organizations/${ids.organization}`, manager)).json()
    expect(view.services[0].verification).toMatchObject({
      lastVerifiedAt: before,
      history: [{ outcome: 'unreachable', verifiedBy: expect.stringMatching(/^Test directory_manager/) }],
    })
    expect(await dueOf(ids)).toEqual([])
    await sql`update directory_verification set verified_at = now() - make_interval(days => ${UNREACHABLE_RETRY_DAYS}, mins => 1)
      where entity_id = ${ids.service}`.execute(t.database.db)
    const again = (await queue('service')).find((entry) => entry.id === ids.service)
    expect(again).toMatchObject({ lastVerifiedAt: before, lastOutcome: 'unreachable' })
  })

  it('ends every service of an organization found closed, and every service at a location found closed', async () => {
    const found = async (serviceId: string) =>
      (await get(`/api/directory/search?q=${encodeURIComponent('Checked 301')}&perPage=100`, advocate))
        .json()
        .results.filter((r: { serviceId: string }) => r.serviceId === serviceId)
        .map((r: { locationId: string | null }) => r.locationId)
    const atOrganization = await checkedDaysAgo(301)
    expect(await found(atOrganization.service)).toEqual([atOrganization.location])
    await send('POST', '/api/directory/verifications', manager, {
      entityType: 'organization',
      entityId: atOrganization.organization,
      outcome: 'closed',
    })
    expect(await found(atOrganization.service)).toEqual([])

    const atLocation = await checkedDaysAgo(301)
    await send('POST', '/api/directory/verifications', manager, {
      entityType: 'location',
      entityId: atLocation.location,
      outcome: 'closed',
    })
    // Still offered, no longer at the place that closed.
    expect(await found(atLocation.service)).toEqual([null])
    const ended = await t.database.db
      .selectFrom('audit_event')
      .select('action')
      .where('entity_id', '=', atLocation.serviceAtLocation)
      .orderBy('id')
      .execute()
    expect(ended.map((e) => e.action)).toEqual(['directory.created', 'directory.deleted'])
  })

  it('logs a check of an organization or a location on that entry, which leaves its own queue', async () => {
    const ids = await checkedDaysAgo(301)
    for (const type of ['organization', 'location'] as const) {
      const checked = await send('POST', '/api/directory/verifications', manager, {
        entityType: type,
        entityId: ids[type],
        outcome: 'confirmed',
      })
      expect(checked.statusCode).toBe(201)
      const row = await t.database.db
        .selectFrom(tables[type])
        .select(['last_verified_by'])
        .where('id', '=', ids[type])
        .executeTakeFirstOrThrow()
      expect(row.last_verified_by).toBe(managerStaff.id)
    }
    expect(await dueOf(ids)).toEqual(['service'])
    const unknown = await send('POST', '/api/directory/verifications', manager, {
      entityType: 'location',
      entityId: ids.service,
      outcome: 'confirmed',
    })
    expect(unknown.statusCode).toBe(404)
  })
})
