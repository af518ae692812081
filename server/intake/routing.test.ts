import { randomBytes } from 'node:crypto'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { createTestDatabase, engines } from '../../test/support/database.ts'
import { createSecrets } from '../crypto/secrets.ts'
import { type Database, openDatabase } from '../db/database.ts'
import { acceptOffer, declineOffer, setPresence } from './conversation.service.ts'
import { IntakeBus } from './events.ts'
import type { Channel, PresenceState } from './intake.tables.ts'
import { Router } from './routing.ts'
import { type NewSignal, openSignal, type RoutingPolicy } from './signals.ts'

const secrets = createSecrets([randomBytes(32)])
const system = { actorId: null, actorLabel: 'test', address: null, requestId: null }
let staffCounter = 0

async function advocate(
  database: Database,
  languages = ['en'],
  skills: string[] = [],
  state: PresenceState = 'available',
) {
  staffCounter += 1
  const row = await database.db
    .insertInto('staff_user')
    .values({
      email: `advocate${staffCounter}.${Date.now()}@example.org`,
      display_name: `Advocate ${staffCounter}`,
      role: 'advocate',
      password_hash: 'x',
      locale: 'en',
    })
    .returning('id')
    .executeTakeFirstOrThrow()
  await setPresence({ database, secrets }, row.id, { state, languages, skills })
  return row.id
}

async function signal(database: Database, policy: RoutingPolicy, overrides: Partial<NewSignal> = {}) {
  return database.db.transaction().execute((trx) =>
    openSignal(
      trx,
      {
        channel: 'web_chat' as Channel,
        contactId: null,
        language: 'en',
        receivedAt: new Date(),
        ...overrides,
      },
      policy,
      system,
    ),
  )
}

async function signalRow(database: Database, id: string) {
  return database.db.selectFrom('intake_signal').selectAll().where('id', '=', id).executeTakeFirstOrThrow()
}

async function openOffers(database: Database) {
  return database.db.selectFrom('intake_offer').selectAll().where('outcome', 'is', null).execute()
}

const basePolicy: RoutingPolicy = {
  offerSeconds: 30,
  interpreterFallbackSeconds: 3600,
  capacity: { voice: 1, messaging: 3, email: 5, form: 5 },
}

describe.each(engines)('routing on $engine', ({ open }) => {
  let database: Database
  let bus: IntakeBus
  let router: Router | null = null

  beforeAll(async () => {
    database = await open()
    bus = new IntakeBus()
    await bus.start(database)
  })
  afterAll(async () => {
    await bus.stop()
    await database.close()
  })
  afterEach(async () => {
    await router?.stop()
    router = null
    // Each test starts from an empty floor.
    await database.db.deleteFrom('intake_offer').execute()
    await database.db.deleteFrom('intake_message').execute()
    await database.db.deleteFrom('intake_signal').execute()
    await database.db.deleteFrom('intake_presence').execute()
  })

  function startRouter(policy: RoutingPolicy) {
    router = new Router(database, policy)
    router.start(bus)
    return router
  }

  it('offers the longest-waiting signal first, and a signal in danger before all', async () => {
    const older = await signal(database, basePolicy, { receivedAt: new Date(Date.now() - 60_000) })
    await signal(database, basePolicy, { receivedAt: new Date(Date.now() - 30_000) })
    const danger = await signal(database, basePolicy, { inDanger: true })
    const policy = { ...basePolicy, capacity: { ...basePolicy.capacity, messaging: 1 } }
    const first = await advocate(database)
    startRouter(policy)
    await expect.poll(async () => (await signalRow(database, danger)).advocate_id).toBe(first)
    const second = await advocate(database)
    await expect.poll(async () => (await signalRow(database, older)).advocate_id).toBe(second)
    expect((await signalRow(database, older)).status).toBe('offered')
  })

  it('routes by the preferred language, and to an interpreter only after the fallback time', async () => {
    const english = await advocate(database, ['en'])
    const french = await advocate(database, ['fr', 'en'])
    const fr = await signal(database, basePolicy, { language: 'fr' })
    const cree = await signal(database, basePolicy, { preferredLanguage: 'cr' })
    startRouter(basePolicy)
    await expect.poll(async () => (await signalRow(database, fr)).advocate_id).toBe(french)
    await router?.settled()
    const waiting = await signalRow(database, cree)
    expect(waiting).toMatchObject({ status: 'queued', queue: 'messaging.cr', advocate_id: null })

    // With no wait before the fallback, the same signal goes to an English speaker with an interpreter.
    await router?.stop()
    const quick = { ...basePolicy, interpreterFallbackSeconds: 0 }
    const cree2 = await signal(database, quick, { preferredLanguage: 'cr' })
    startRouter(quick)
    await expect.poll(async () => (await signalRow(database, cree2)).advocate_id).not.toBeNull()
    const assigned = await signalRow(database, cree2)
    expect([english, french]).toContain(assigned.advocate_id)
    expect(assigned.interpreter_needed).toBe(true)
  })

  it('never goes beyond capacity, and offers again as soon as a conversation frees a place', async () => {
    const only = await advocate(database, ['en'])
    const ids: string[] = []
    for (let i = 0; i < 4; i++)
      ids.push(await signal(database, basePolicy, { receivedAt: new Date(Date.now() - (10 - i) * 1000) }))
    startRouter(basePolicy)
    await expect.poll(async () => (await openOffers(database)).length).toBe(3)
    await router?.settled()
    expect((await signalRow(database, ids[3] as string)).status).toBe('queued')
    const offer = (await openOffers(database)).find((o) => o.signal_id === ids[0])
    await declineOffer({ database, secrets }, only, offer?.id as string)
    // The declined one comes back; the only advocate is offered the longest waiting again — which is
    // the one just declined: an advocate not yet offered a signal goes first, but there is nobody else.
    await expect.poll(async () => (await openOffers(database)).length).toBe(3)
  })

  it('an offer that lapses moves on to another advocate and sets the first one away', async () => {
    const policy = { ...basePolicy, offerSeconds: 5 }
    const first = await advocate(database)
    const id = await signal(database, policy)
    startRouter(policy)
    await expect.poll(async () => (await signalRow(database, id)).advocate_id).toBe(first)
    const second = await advocate(database)
    // Make the offer lapse now rather than wait: the router's timer reads expiry from the table.
    await database.db
      .updateTable('intake_offer')
      .set({ expires_at: new Date(Date.now() - 1) })
      .execute()
    router?.kick()
    await expect
      .poll(async () => (await signalRow(database, id)).advocate_id, { timeout: 15_000 })
      .toBe(second)
    const presence = await database.db
      .selectFrom('intake_presence')
      .select('state')
      .where('staff_id', '=', first)
      .executeTakeFirstOrThrow()
    expect(presence.state).toBe('away')
  })

  it('accepting makes the signal active with its answer time, once', async () => {
    const me = await advocate(database)
    const id = await signal(database, basePolicy)
    startRouter(basePolicy)
    await expect.poll(async () => (await openOffers(database)).length).toBe(1)
    const [offer] = await openOffers(database)
    const audit = { ...system, actorId: me }
    await acceptOffer({ database, secrets }, audit, offer?.id as string)
    const row = await signalRow(database, id)
    expect(row.status).toBe('active')
    expect(row.answered_at).toBeInstanceOf(Date)
    await expect(acceptOffer({ database, secrets }, audit, offer?.id as string)).rejects.toMatchObject({
      code: 'offer_gone',
    })
  })

  it('skills restrict who is offered', async () => {
    await advocate(database, ['en'])
    const youth = await advocate(database, ['en'], ['youth'])
    const id = await signal(database, basePolicy, { skill: 'youth' })
    startRouter(basePolicy)
    await expect.poll(async () => (await signalRow(database, id)).advocate_id).toBe(youth)
  })
})

describe('routing with two server processes on one PostgreSQL', () => {
  it('never offers one signal to two advocates, nor an advocate beyond capacity', async () => {
    const first = await createTestDatabase()
    const second = await openDatabase({ url: first.url })
    const buses = [new IntakeBus(), new IntakeBus()]
    await buses[0]?.start(first)
    await buses[1]?.start(second)
    const policy = basePolicy
    for (let i = 0; i < 6; i++) await advocate(first)
    const routers = [new Router(first, policy), new Router(second, policy)]
    routers.forEach((router, i) => {
      router.start(buses[i] as IntakeBus)
    })
    // 30 signals for 6 × 3 places, arriving through both processes at once.
    await Promise.all(Array.from({ length: 30 }, (_, i) => signal(i % 2 === 0 ? first : second, policy)))
    await expect.poll(async () => (await openOffers(first)).length, { timeout: 15_000 }).toBe(18)
    await Promise.all(routers.map((router) => router.settled()))
    const offers = await first.db.selectFrom('intake_offer').selectAll().execute()
    const perSignal = new Map<string, number>()
    for (const offer of offers) perSignal.set(offer.signal_id, (perSignal.get(offer.signal_id) ?? 0) + 1)
    expect(Math.max(...perSignal.values())).toBe(1)
    const load = await first.db
      .selectFrom('intake_signal')
      .select(['advocate_id', (eb) => eb.fn.countAll<number>().as('n')])
      .where('status', '=', 'offered')
      .groupBy('advocate_id')
      .execute()
    expect(load).toHaveLength(6)
    for (const row of load) expect(Number(row.n)).toBe(3)
    await Promise.all(routers.map((router) => router.stop()))
    await Promise.all(buses.map((bus) => bus.stop()))
    await second.close()
    await first.close()
  })
})
