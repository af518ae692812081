import type {
  KyselyPlugin,
  PluginTransformQueryArgs,
  PluginTransformResultArgs,
  QueryResult,
  RootOperationNode,
  UnknownRow,
} from 'kysely'
import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestDatabase, type TestDatabase } from '../../../test/support/database.ts'
import { providerBundle, taxonomyBundle } from '../../../test/support/directory.ts'
import { emptyBundle } from '../directory.records.ts'
import { saveBundle } from '../directory.service.ts'
import { hsdsId, hsdsIdSql } from './ids.ts'
import { type ReadContext, readOrganizations, readServiceAtLocations, readServices } from './read-model.ts'

const audit = { actorId: null, actorLabel: 'test', address: null, requestId: null }

/** Counts the queries that reach the database. */
class QueryCounter implements KyselyPlugin {
  count = 0
  transformQuery(args: PluginTransformQueryArgs): RootOperationNode {
    return args.node
  }
  async transformResult(args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
    this.count += 1
    return args.result
  }
}

let database: TestDatabase
const providers = Array.from({ length: 30 }, () => providerBundle())
beforeAll(async () => {
  database = await createTestDatabase()
  await saveBundle(database, taxonomyBundle(), audit, { mode: 'summary' })
  const bundle = emptyBundle()
  for (const p of providers) {
    bundle.organizations.push(...p.organizations)
    bundle.locations.push(...p.locations)
    bundle.services.push(...p.services)
    bundle.serviceAtLocations.push(...p.serviceAtLocations)
    bundle.attributes.push(...p.attributes)
  }
  await saveBundle(database, bundle, audit, { mode: 'summary' })
})
afterAll(() => database.close())

async function queriesFor(read: (ctx: ReadContext) => Promise<unknown[]>) {
  const counter = new QueryCounter()
  const ctx: ReadContext = { db: database.db.withPlugin(counter), lang: 'en', scope: 'public' }
  const objects = await read(ctx)
  return { count: counter.count, objects }
}

describe('the read model', () => {
  it('assembles a page in the same few queries whatever its size (no query per object)', async () => {
    const services = providers.map((p) => p.ids.service)
    const one = await queriesFor((ctx) => readServices(ctx, services.slice(0, 1), { full: true }))
    const thirty = await queriesFor((ctx) => readServices(ctx, services, { full: true }))
    expect(thirty.objects).toHaveLength(30)
    expect(thirty.count).toBe(one.count)
    expect(thirty.count).toBeLessThanOrEqual(8)

    const organizations = providers.map((p) => p.ids.organization)
    const a = await queriesFor((ctx) =>
      readOrganizations(ctx, organizations.slice(0, 1), { full: true, services: 'full' }),
    )
    const b = await queriesFor((ctx) =>
      readOrganizations(ctx, organizations, { full: true, services: 'full' }),
    )
    expect(b.objects).toHaveLength(30)
    expect(b.count).toBe(a.count)

    const sals = providers.map((p) => p.ids.serviceAtLocation)
    const c = await queriesFor((ctx) => readServiceAtLocations(ctx, sals.slice(0, 1), { full: true }))
    const d = await queriesFor((ctx) => readServiceAtLocations(ctx, sals, { full: true }))
    expect(d.objects).toHaveLength(30)
    expect(d.count).toBe(c.count)
  })

  it('keeps the order asked for', async () => {
    const ids = providers.map((p) => p.ids.service).reverse()
    const { objects } = await queriesFor((ctx) => readServices(ctx, ids, { full: false }))
    expect((objects as { id: string }[]).map((o) => o.id)).toEqual(ids)
  })
})

describe('HSDS ids', () => {
  it('keep UUIDs and turn other ids into the same name-based UUID in JavaScript and in SQL', async () => {
    const uuid = providers[0]!.ids.service
    expect(hsdsId(uuid.toUpperCase())).toBe(uuid)
    const mapped = hsdsId('relais-service-type:housing')
    expect(mapped).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-8[0-9a-f]{3}-[0-9a-f]{12}$/)
    expect(hsdsId('relais-service-type:housing-emergency')).not.toBe(mapped)
    const { rows } = await sql<{
      id: string
    }>`select ${hsdsIdSql(sql`${'relais-service-type:housing'}::text`)} as id`.execute(database.db)
    expect(rows[0]!.id).toBe(mapped)
  })
})
