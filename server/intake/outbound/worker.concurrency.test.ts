import { randomBytes } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestDatabase, type TestDatabase } from '../../../test/support/database.ts'
import { createSecrets } from '../../crypto/secrets.ts'
import { type Database, openDatabase } from '../../db/database.ts'
import { IntakeBus } from '../events.ts'
import { type FakeProvider, startFakeProvider } from './fake-provider.ts'
import { queueReply, receiveMessage, testPhone, testSid } from './fixtures.ts'
import { TwilioSmsSender } from './twilio-sms.ts'
import { OutboundWorker } from './worker.ts'

const ACCOUNT = 'AC0123456789abcdef0123456789abcdef'
const secrets = createSecrets([randomBytes(32)])
const REPLIES = 30

/** Two server processes on one PostgreSQL: each its own pool, its own LISTEN and its own worker. */
describe('two outbound workers on one PostgreSQL', () => {
  let first: TestDatabase
  let second: Database
  let twilio: FakeProvider
  const buses: IntakeBus[] = []
  const workers: OutboundWorker[] = []

  beforeAll(async () => {
    first = await createTestDatabase()
    second = await openDatabase({ url: first.url })
    // A slow provider widens the window in which both workers look at the same rows.
    twilio = await startFakeProvider(async () => {
      await new Promise((resolve) => setTimeout(resolve, 20))
      return { status: 201, body: { sid: testSid() } }
    })
    for (const database of [first, second]) {
      const bus = new IntakeBus()
      await bus.start(database)
      buses.push(bus)
      const worker = new OutboundWorker({
        database,
        secrets,
        bus,
        senders: {
          sms: new TwilioSmsSender({
            apiBase: twilio.url,
            accountSid: ACCOUNT,
            authToken: 'twilio_test_token_0123456789abcdef',
            from: '+18005550199',
            statusCallback: null,
          }),
        },
        policy: { maxAttempts: 6, backoffBaseMs: 10, backoffMaxMs: 40, leaseMs: 60_000 },
        batchSize: 4,
      })
      workers.push(worker)
    }
  })
  afterAll(async () => {
    await Promise.all(workers.map((worker) => worker.stop()))
    await Promise.all(buses.map((bus) => bus.stop()))
    await twilio.close()
    await second.close()
    await first.close()
  })

  it('never sends the same outbox row twice', async () => {
    const phones: string[] = []
    const replies: { signalId: string }[] = []
    for (let index = 0; index < REPLIES; index += 1) {
      const phone = testPhone()
      phones.push(phone)
      replies.push(await receiveMessage({ database: first, secrets }, { channel: 'sms', from: phone }))
    }
    for (const worker of workers) worker.start()
    // Queued from both processes, as two servers behind a load balancer would.
    const messageIds = await Promise.all(
      replies.map(async ({ signalId }, index) => {
        const database = index % 2 === 0 ? first : second
        const { messageId } = await queueReply(
          { database, secrets },
          { signalId, channel: 'sms', body: `reply ${index}` },
        )
        return messageId
      }),
    )
    await expect
      .poll(async () => {
        const sent = await first.db
          .selectFrom('intake_message')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .where('id', 'in', messageIds)
          .where('delivery_status', '=', 'sent')
          .executeTakeFirstOrThrow()
        return Number(sent.n)
      })
      .toBe(REPLIES)
    const bodies = twilio.requests.map((request) => new URLSearchParams(request.body).get('Body'))
    expect(bodies).toHaveLength(REPLIES)
    expect(new Set(bodies).size).toBe(REPLIES)
    const recipients = twilio.requests.map((request) => new URLSearchParams(request.body).get('To'))
    expect(new Set(recipients)).toEqual(new Set(phones))
    const attempts = await first.db.selectFrom('intake_outbox').select('attempts').execute()
    expect(attempts.every((row) => row.attempts === 1)).toBe(true)
  })
})
