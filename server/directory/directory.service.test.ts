import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { engines } from '../../test/support/database.ts'
import { providerBundle, taxonomyBundle } from '../../test/support/directory.ts'
import type { Database } from '../db/database.ts'
import { saveBundle } from './directory.service.ts'

const audit = { actorId: null, actorLabel: 'test', address: null, requestId: null }

describe.each(engines)('saveBundle on $engine', ({ open }) => {
  let database: Database
  beforeAll(async () => {
    database = await open()
    await saveBundle(database, taxonomyBundle(), audit, { mode: 'summary' })
  })
  afterAll(() => database.close())

  it('stores a provider and indexes its service at its location, with hours, languages and terms', async () => {
    const bundle = providerBundle({ languages: ['fr', 'en', 'es'] })
    const summary = await saveBundle(database, bundle, audit)
    expect(summary.created.service).toEqual([bundle.ids.service])
    const row = await database.db
      .selectFrom('directory_search')
      .select([
        'id',
        'confidential',
        'province',
        'municipality',
        'languages',
        'term_ids',
        'open_24_7',
        sql<string>`open_minutes::text`.as('open'),
        sql<number>`st_y(point::geometry)`.as('lat'),
      ])
      .where('service_id', '=', bundle.ids.service)
      .executeTakeFirstOrThrow()
    expect(row).toMatchObject({
      id: bundle.ids.serviceAtLocation,
      confidential: false,
      province: 'QC',
      municipality: 'Montréal',
      open_24_7: false,
      term_ids: expect.arrayContaining(['relais-service-type:housing-emergency', 'relais-population:women']),
    })
    expect(row.languages.sort()).toEqual(['en', 'es', 'fr'])
    expect(row.lat).toBeCloseTo(45.5019, 4)
    // Monday 09:00-17:00 in Quebec (UTC-5) is 14:00-22:00 UTC, minutes 840-1320 of the week.
    expect(row.open.startsWith('{[840,1320)')).toBe(true)
  })

  it('marks the search row confidential when the organization, the service or the location is', async () => {
    for (const which of ['organization', 'service', 'location'] as const) {
      const bundle = providerBundle({ confidential: { [which]: true } })
      await saveBundle(database, bundle, audit)
      const row = await database.db
        .selectFrom('directory_search')
        .select('confidential')
        .where('service_id', '=', bundle.ids.service)
        .executeTakeFirstOrThrow()
      expect(row.confidential, which).toBe(true)
    }
  })

  it('treats a location of a confidential organization as confidential, even for another organization’s service', async () => {
    const owner = providerBundle({ confidential: { organization: false } })
    await saveBundle(database, owner, audit)
    const guest = providerBundle()
    const guestAtOwner = {
      ...guest,
      locations: [],
      serviceAtLocations: [{ ...guest.serviceAtLocations[0]!, locationId: owner.ids.location }],
    }
    await saveBundle(database, guestAtOwner, audit)
    const flag = async () =>
      (
        await database.db
          .selectFrom('directory_search')
          .select('confidential')
          .where('service_id', '=', guest.ids.service)
          .executeTakeFirstOrThrow()
      ).confidential
    expect(await flag()).toBe(false)
    await saveBundle(
      database,
      {
        ...owner,
        organizations: [{ ...owner.organizations[0]!, confidential: true }],
        locations: [],
        services: [],
        serviceAtLocations: [],
        attributes: [],
      },
      audit,
    )
    expect(await flag()).toBe(true)
  })

  it('records each changed field as HSDS metadata, audits the change, and re-indexes dependants', async () => {
    const bundle = providerBundle()
    await saveBundle(database, bundle, audit)
    const organization = bundle.organizations[0]!
    await saveBundle(
      database,
      {
        ...bundle,
        organizations: [{ ...organization, confidential: true }],
        services: [],
        locations: [],
        serviceAtLocations: [],
        attributes: [],
      },
      audit,
    )
    const changes = await database.db
      .selectFrom('directory_metadata')
      .select(['field_name', 'previous_value', 'replacement_value', 'last_action_type'])
      .where('resource_id', '=', organization.id)
      .where('last_action_type', '=', 'update')
      .execute()
    expect(changes).toEqual([
      {
        field_name: 'confidential',
        previous_value: 'false',
        replacement_value: 'true',
        last_action_type: 'update',
      },
    ])
    const events = await database.db
      .selectFrom('audit_event')
      .select(['action', 'details'])
      .where('entity_id', '=', organization.id)
      .orderBy('id')
      .execute()
    expect(events.map((event) => event.action)).toEqual(['directory.created', 'directory.updated'])
    const row = await database.db
      .selectFrom('directory_search')
      .select('confidential')
      .where('service_id', '=', bundle.ids.service)
      .executeTakeFirstOrThrow()
    expect(row.confidential).toBe(true)
  })

  it('sees a moved location, other service types and an ended link as changes, and the same save as none', async () => {
    const bundle = providerBundle()
    await saveBundle(database, bundle, audit)
    const same = await saveBundle(database, bundle, audit)
    expect(Object.values(same.updated).flat()).toEqual([])

    const location = bundle.locations[0]!
    const moved = await saveBundle(
      database,
      { ...bundle, locations: [{ ...location, latitude: 45.6, longitude: -73.6 }] },
      audit,
    )
    expect(Object.values(moved.updated).flat()).toEqual([location.id])
    const retyped = await saveBundle(
      database,
      {
        ...bundle,
        locations: [{ ...location, latitude: 45.6, longitude: -73.6 }],
        attributes: bundle.attributes.filter((a) => a.taxonomyTermId !== 'relais-population:women'),
      },
      audit,
    )
    expect(Object.values(retyped.updated).flat()).toEqual([bundle.ids.service])
    await saveBundle(
      database,
      { ...bundle, organizations: [], locations: [], services: [], serviceAtLocations: [], attributes: [] },
      audit,
      { removedServiceAtLocations: [bundle.ids.serviceAtLocation] },
    )

    const changes = await database.db
      .selectFrom('directory_metadata')
      .select(['resource_id', 'last_action_type', 'field_name', 'previous_value', 'replacement_value'])
      .where('resource_id', 'in', [location.id, bundle.ids.service, bundle.ids.serviceAtLocation])
      .where('last_action_type', '!=', 'create')
      .orderBy('resource_type')
      .execute()
    expect(changes).toEqual([
      {
        resource_id: location.id,
        last_action_type: 'update',
        field_name: 'point',
        previous_value: 'POINT(-73.5674 45.5019)',
        replacement_value: 'POINT(-73.6 45.6)',
      },
      {
        resource_id: bundle.ids.service,
        last_action_type: 'update',
        field_name: 'attributes',
        previous_value: 'relais-population:women relais-service-type:housing-emergency',
        replacement_value: 'relais-service-type:housing-emergency',
      },
      {
        resource_id: bundle.ids.serviceAtLocation,
        last_action_type: 'delete',
        field_name: 'id',
        previous_value: bundle.ids.serviceAtLocation,
        replacement_value: '',
      },
    ])
    const events = await database.db
      .selectFrom('audit_event')
      .select(['action', 'entity_id', 'details'])
      .where('entity_id', 'in', [location.id, bundle.ids.service, bundle.ids.serviceAtLocation])
      .where('action', '!=', 'directory.created')
      .orderBy('id')
      .execute()
    expect(events).toEqual([
      { action: 'directory.updated', entity_id: location.id, details: { fields: ['point'] } },
      { action: 'directory.updated', entity_id: bundle.ids.service, details: { fields: ['attributes'] } },
      { action: 'directory.deleted', entity_id: bundle.ids.serviceAtLocation, details: {} },
    ])
    const rows = await database.db
      .selectFrom('directory_search')
      .select('id')
      .where('service_id', '=', bundle.ids.service)
      .execute()
    // Offered nowhere now, the service is listed on its own.
    expect(rows).toEqual([{ id: `service:${bundle.ids.service}` }])
  })

  it('writes nothing when any entry is invalid', async () => {
    const bundle = providerBundle()
    const broken = {
      ...bundle,
      services: [{ ...bundle.services[0]!, organizationId: 'no-such-organization' }],
    }
    await expect(saveBundle(database, broken, audit)).rejects.toThrow()
    const found = await database.db
      .selectFrom('directory_organization')
      .select('id')
      .where('id', '=', bundle.ids.organization)
      .execute()
    expect(found).toEqual([])
  })
})
