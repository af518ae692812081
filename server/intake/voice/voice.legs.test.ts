import { randomBytes, randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestDatabase, type TestDatabase } from '../../../test/support/database.ts'
import { createSecrets } from '../../crypto/secrets.ts'
import { type Database, openDatabase } from '../../db/database.ts'
import { acceptOffer, endConversation, setPresence } from '../conversation.service.ts'
import { IntakeBus, type IntakeEvent, publish } from '../events.ts'
import { Router } from '../routing.ts'
import type { RoutingPolicy } from '../signals.ts'
import { FakeTwilio } from './fake-twilio.ts'
import { TwilioCalls } from './twilio-calls.ts'
import { VoiceLegs } from './voice.legs.ts'
import { chooseLanguage, recordIncomingCall, setVoiceNumber, type VoiceDeps } from './voice.service.ts'

const secrets = createSecrets([randomBytes(32)])
const system = { actorId: null, actorLabel: 'test', address: null, requestId: null }
const ACCOUNT = `AC${'00112233445566778899aabbccddeeff'}`
const TOKEN = 'twilio_test_token_0123456789abcdef'
const PUBLIC = 'https://hotline.example.org'
const LINE = '+18005550199'
const ADVOCATE_PHONE = '+15145550177'
const policy: RoutingPolicy = {
  offerSeconds: 30,
  interpreterFallbackSeconds: 3600,
  capacity: { voice: 1, messaging: 3, email: 5, form: 5 },
}
const quiet = { warn: () => {}, error: () => {} }

/** One server process: its own connection, LISTEN, router, and the voice legs it would place. */
interface Process {
  database: Database
  bus: IntakeBus
  router: Router
  legs: VoiceLegs
  heard: IntakeEvent[]
}

describe('voice legs with two server processes on one PostgreSQL', () => {
  const fake = new FakeTwilio()
  let first: TestDatabase
  let processes: Process[] = []

  beforeAll(async () => {
    await fake.start()
    first = await createTestDatabase()
    const second = await openDatabase({ url: first.url })
    processes = await Promise.all(
      [first, second].map(async (database) => {
        const bus = new IntakeBus()
        await bus.start(database)
        const router = new Router(database, policy)
        router.start(bus)
        const legs = new VoiceLegs({
          database,
          secrets,
          calls: new TwilioCalls({ apiBase: fake.base, accountSid: ACCOUNT, authToken: TOKEN }),
          publicUrl: PUBLIC,
          from: LINE,
          interpreterNumber: null,
          recording: false,
          retentionDays: 30,
          log: quiet,
        })
        legs.start(bus)
        const heard: IntakeEvent[] = []
        bus.subscribe((event) => heard.push(event))
        return { database, bus, router, legs, heard }
      }),
    )
  })
  afterAll(async () => {
    for (const process of processes) {
      await process.legs.stop()
      await process.router.stop()
      await process.bus.stop()
    }
    await processes[1]?.database.close()
    await first.close()
    await fake.stop()
  })

  /**
   * Waits until both processes have heard, and finished acting on, everything published so far: a
   * marker published now reaches each bus after every earlier notification (PostgreSQL delivers them
   * in commit order), and each process's legs then settle.
   */
  async function everyoneCaughtUp() {
    const marker = randomUUID()
    await publish(first.db, { type: 'presence.changed', staffId: marker })
    for (const process of processes) {
      await expect
        .poll(() =>
          process.heard.some((event) => event.type === 'presence.changed' && event.staffId === marker),
        )
        .toBe(true)
    }
    await Promise.all(processes.map((process) => process.legs.settled()))
  }

  it('rings the advocate exactly once when they accept, and hangs up the caller exactly once when they end', async () => {
    const staff = await first.db
      .insertInto('staff_user')
      .values({
        email: `voice.legs.${Date.now()}@example.org`,
        display_name: 'Voice advocate',
        role: 'advocate',
        password_hash: 'x',
        locale: 'fr',
      })
      .returning('id')
      .executeTakeFirstOrThrow()
    const audit = { ...system, actorId: staff.id }
    await setVoiceNumber({ database: first, secrets }, audit, ADVOCATE_PHONE)
    await setPresence({ database: first, secrets }, staff.id, {
      state: 'available',
      languages: ['fr'],
      skills: [],
    })

    const voice: VoiceDeps = { database: first, secrets, policy, defaultLanguage: 'en' }
    const callSid = `CA${'1234567890abcdef'.repeat(2)}`
    await recordIncomingCall(voice, { callSid, from: '+15145550123' })
    const chosen = await chooseLanguage(voice, { callSid, digits: '2' }, system)
    if (chosen.kind !== 'queued') throw new Error(`expected a queued call, got ${chosen.kind}`)

    let offerId: string | undefined
    await expect
      .poll(async () => {
        const offer = await first.db
          .selectFrom('intake_offer')
          .select('id')
          .where('signal_id', '=', chosen.signalId)
          .where('outcome', 'is', null)
          .executeTakeFirst()
        offerId = offer?.id
        return offerId
      })
      .toBeDefined()
    await acceptOffer({ database: first, secrets }, audit, offerId as string)

    await expect.poll(() => fake.to('Calls.json').length).toBe(1)
    await everyoneCaughtUp()
    expect(fake.to('Calls.json')).toHaveLength(1)
    expect(fake.to('Calls.json')[0]?.form).toMatchObject({
      To: ADVOCATE_PHONE,
      From: LINE,
      Url: `${PUBLIC}/webhooks/twilio/voice/bridge?signal=${chosen.signalId}`,
    })

    await endConversation({ database: first, secrets }, audit, chosen.signalId)
    await expect.poll(() => fake.to(`Calls/${callSid}.json`).length).toBe(1)
    await everyoneCaughtUp()
    expect(fake.to(`Calls/${callSid}.json`)).toHaveLength(1)
    expect(fake.to(`Calls/${callSid}.json`)[0]?.form).toEqual({ Status: 'completed' })
    expect(fake.to('Calls.json')).toHaveLength(1)
  })
})
