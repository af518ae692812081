import { randomBytes } from 'node:crypto'
import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { directorySearchQuery } from '../../../common/contracts/directory.ts'
import { createTestDatabase, type TestDatabase } from '../../../test/support/database.ts'
import { createSecrets } from '../../crypto/secrets.ts'
import type { DemoContext } from '../../demo/demo.ts'
import { seededRandom } from '../../demo/demo.ts'
import { createIdentityService } from '../../identity/identity.service.ts'
import { findResponsibleAgencies, searchDirectory } from '../directory.search.ts'
import { generateDirectory } from './generate.ts'
import { DEMO_SERVICES_VARIABLE, seedDemoDirectory, seedDirectory } from './seed.ts'

// A small demo directory, seeded once through the directory's write path.
describe('seedDemoDirectory', () => {
  let database: TestDatabase
  let context: DemoContext
  let managerId: string
  beforeAll(async () => {
    database = await createTestDatabase()
    const secrets = createSecrets([randomBytes(32)])
    const manager = await database.db
      .insertInto('staff_user')
      .values({
        email: 'manager@example.org',
        display_name: 'Manager',
        role: 'directory_manager',
        password_hash: 'not-a-hash',
        locale: 'en',
      })
      .returning('id')
      .executeTakeFirstOrThrow()
    managerId = manager.id
    context = {
      database,
      secrets,
      identity: createIdentityService({
        database,
        secrets,
        config: { sessionIdleMinutes: 30, sessionMaxHours: 12, refuseDemoAccounts: false },
      }),
      random: seededRandom(1),
      seed: 20211,
      audit: { actorId: null, actorLabel: 'demo-generator', address: null, requestId: null },
      report: [],
    }
    vi.stubEnv(DEMO_SERVICES_VARIABLE, '200')
    await seedDemoDirectory(context)
  })
  afterAll(async () => {
    vi.unstubAllEnvs()
    await database?.close()
  })

  it('writes the generated directory and reports its counts in one line', async () => {
    expect(context.report).toHaveLength(1)
    expect(context.report[0]).toMatch(
      /^Demo directory: 50 providers with 200 services, 101 police services and 26 child-protection agencies in 208 municipalities \(\d+ confidential services\), written in [\d.]+ s\.$/,
    )
    const count = async (table: 'directory_service' | 'directory_municipality' | 'directory_search') =>
      Number(
        (
          await database.db
            .selectFrom(table)
            .select((eb) => eb.fn.countAll<number>().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      )
    expect(await count('directory_service')).toBe(200 + 101 + 12 + 26)
    expect(await count('directory_municipality')).toBe(208)
    const search = await sql<{ total: number; hidden: number; police: number; provinces: number }>`
      select count(*)::int as total, count(*) filter (where confidential)::int as hidden,
        count(*) filter (where kind = 'law_enforcement')::int as police,
        count(distinct province) filter (where kind = 'law_enforcement')::int as provinces
      from directory_search`.execute(database.db)
    const row = search.rows[0]!
    expect(row.total).toBeGreaterThanOrEqual(339)
    expect(row.hidden / row.total).toBeGreaterThanOrEqual(0.05)
    expect(row.police).toBe(113)
    expect(row.provinces).toBe(13)
    const events = await sql<{ action: string }>`select action from audit_event`.execute(database.db)
    expect(events.rows.map((e) => e.action)).toEqual(['directory.demo_seeded'])
  })

  it('finds services within 50 km of a municipality of the gazetteer, with the responsible police', async () => {
    const query = directorySearchQuery.parse({ nearMunicipality: 'Toronto', province: 'ON', radiusKm: '50' })
    const found = await searchDirectory(database.db, query, { includeConfidential: true, lang: 'en' })
    expect(found.total).toBeGreaterThan(10)
    expect(found.results.every((r) => r.distanceKm !== null && r.distanceKm <= 50)).toBe(true)
    expect(found.agencies.map((a) => a.name)).toContain('Toronto Police Service')
  })

  it('dates the verifications, some of them overdue, in the history under the directory manager', async () => {
    const result = await sql<{ verified: number; overdue: number; never: number; indexed: number }>`
      select count(*) filter (where last_verified_at is not null)::int as verified,
        count(*) filter (where last_verified_at < now() - make_interval(days => verification_interval_days))::int as overdue,
        count(*) filter (where last_verified_at is null)::int as never,
        (select count(*)::int from directory_search where last_verified_at is not null) as indexed
      from directory_service`.execute(database.db)
    const row = result.rows[0]!
    expect(row.verified).toBeGreaterThan(200)
    expect(row.overdue).toBeGreaterThan(5)
    expect(row.never).toBeGreaterThan(0)
    expect(row.indexed).toBeGreaterThanOrEqual(row.verified)
    const history = await database.db
      .selectFrom('directory_verification')
      .select(['verified_by'])
      .distinct()
      .execute()
    expect(history).toEqual([{ verified_by: managerId }])
  })

  it('gives the same directory when written in parts side by side, as the benchmark does', async () => {
    const other = await createTestDatabase()
    try {
      const summaries = await seedDirectory(other, generateDirectory({ seed: 20211, services: 200 }), {
        audit: context.audit,
        servicesPerTransaction: 60,
        concurrency: 2,
      })
      expect(summaries.length).toBeGreaterThan(3)
      const rows = (db: TestDatabase) =>
        sql<{ id: string; terms: string; languages: string; province: string | null; verified: boolean }>`
          select id, array_to_string(array(select t from unnest(term_ids) t order by t), ',') as terms, array_to_string(languages, ',') as languages,
            province, last_verified_at is not null as verified
          from directory_search order by id`.execute(db.db)
      expect((await rows(other)).rows).toEqual((await rows(database)).rows)
    } finally {
      await other.close()
    }
  })

  it('leaves a directory that already has entries as it is', async () => {
    const before = await database.db.selectFrom('directory_organization').select('id').execute()
    const again: DemoContext = { ...context, report: [] }
    await seedDemoDirectory(again)
    const after = await database.db.selectFrom('directory_organization').select('id').execute()
    expect(after).toHaveLength(before.length)
    expect(again.report).toEqual([
      'Demo directory: 50 providers, 101 police services and 26 child-protection agencies (already there).',
    ])
  })

  it('names the agencies of a place given by name alone, those with a jurisdiction area included', async () => {
    for (const [province, municipality] of [
      ['ON', 'Toronto'],
      ['QC', 'Montréal'],
    ] as const) {
      const byName = await findResponsibleAgencies(database.db, {
        point: null,
        province,
        municipality,
        lang: 'en',
        includeConfidential: true,
      })
      const place = await database.db
        .selectFrom('directory_municipality')
        .select([
          sql<number>`st_y(point::geometry)`.as('latitude'),
          sql<number>`st_x(point::geometry)`.as('longitude'),
        ])
        .where('province', '=', province)
        .where('name', '=', municipality)
        .executeTakeFirstOrThrow()
      const byPoint = await findResponsibleAgencies(database.db, {
        point: { latitude: place.latitude, longitude: place.longitude },
        province,
        municipality,
        lang: 'en',
        includeConfidential: true,
      })
      expect(byName.map((agency) => agency.organizationId)).toEqual(
        byPoint.map((agency) => agency.organizationId),
      )
      expect(byName.some((agency) => agency.kind === 'law_enforcement' && agency.scope === 'area')).toBe(true)
    }
  })
})
