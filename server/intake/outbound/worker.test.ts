import { randomBytes } from 'node:crypto'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { engines } from '../../../test/support/database.ts'
import { createSecrets } from '../../crypto/secrets.ts'
import type { Database } from '../../db/database.ts'
import { IntakeBus, type IntakeEvent } from '../events.ts'
import { recordInboundEvent } from '../intake.service.ts'
import { twilioEvent } from '../intake.webhooks.ts'
import { parseForm } from '../twilio-signature.ts'
import { listDeadLetters, retryDeadLetter } from './dead-letters.ts'
import {
  type FakeHandler,
  type FakeProvider,
  type RecordedRequest,
  startFakeProvider,
} from './fake-provider.ts'
import { queueReply, receiveMessage, testPhone, testSid } from './fixtures.ts'
import type { OutboundPolicy } from './policy.ts'
import type { ChannelSender } from './sender.ts'
import { TwilioSmsSender } from './twilio-sms.ts'
import { WhatsAppSender } from './whatsapp.ts'
import { OutboundWorker } from './worker.ts'

const ACCOUNT = 'AC0123456789abcdef0123456789abcdef'
const TOKEN = 'twilio_test_token_0123456789abcdef'
const LINE = '+18005550199'
const WA_TOKEN = 'EAAG_whatsapp_test_token_0123456789'
const PHONE_ID = '106540352242922'
const secrets = createSecrets([randomBytes(32)])
const supervisor = { actorId: null, actorLabel: 'supervisor@example.org', address: null, requestId: null }

let twilio: FakeProvider
let meta: FakeProvider
beforeAll(async () => {
  twilio = await startFakeProvider()
  meta = await startFakeProvider()
})
afterAll(async () => {
  await twilio.close()
  await meta.close()
})

const formOf = (request: RecordedRequest) => Object.fromEntries(new URLSearchParams(request.body))
const smsTo = (phone: string) => twilio.requests.filter((request) => formOf(request).To === phone)
const twilioAccepts: FakeHandler = () => ({ status: 201, body: { sid: testSid(), status: 'queued' } })
const twilioDown: FakeHandler = () => ({
  status: 503,
  body: {
    code: 20500,
    message: 'Service unavailable',
    more_info: 'https://www.twilio.com/docs/errors/20500',
    status: 503,
  },
})

describe.each(engines)('outbound worker on $engine', ({ open }) => {
  let database: Database
  let bus: IntakeBus
  const events: IntakeEvent[] = []
  let workers: OutboundWorker[] = []
  const deps = () => ({ database, secrets })

  beforeAll(async () => {
    database = await open()
    bus = new IntakeBus()
    await bus.start(database)
    bus.subscribe((event) => events.push(event))
  })
  afterEach(async () => {
    await Promise.all(workers.map((worker) => worker.stop()))
    workers = []
  })
  afterAll(async () => {
    await bus.stop()
    await database.close()
  })

  const sms = () =>
    new TwilioSmsSender({
      apiBase: twilio.url,
      accountSid: ACCOUNT,
      authToken: TOKEN,
      from: LINE,
      statusCallback: null,
    })
  const whatsapp = () =>
    new WhatsAppSender({ apiBase: meta.url, accessToken: WA_TOKEN, phoneNumberId: PHONE_ID })

  function startWorker(
    policy: Partial<OutboundPolicy> = {},
    senders: Partial<Record<'sms' | 'whatsapp', ChannelSender>> = { sms: sms(), whatsapp: whatsapp() },
  ) {
    const worker = new OutboundWorker({
      database,
      secrets,
      bus,
      senders,
      policy: { maxAttempts: 6, backoffBaseMs: 10, backoffMaxMs: 40, leaseMs: 60_000, ...policy },
    })
    workers.push(worker)
    worker.start()
    return worker
  }

  const message = (id: string) =>
    database.db.selectFrom('intake_message').selectAll().where('id', '=', id).executeTakeFirstOrThrow()
  const outbox = (id: string) =>
    database.db.selectFrom('intake_outbox').selectAll().where('id', '=', id).executeTakeFirstOrThrow()

  async function smsConversation() {
    const phone = testPhone()
    const { signalId } = await receiveMessage(deps(), { channel: 'sms', from: phone })
    return { phone, signalId }
  }

  it('queueOutbound stores the row in the caller’s transaction and announces it', async () => {
    const { signalId } = await smsConversation()
    const { outboxId, messageId } = await queueReply(deps(), { signalId, channel: 'sms', body: 'Hello' })
    const row = await outbox(outboxId)
    expect(row).toMatchObject({ message_id: messageId, signal_id: signalId, channel: 'sms', attempts: 0 })
    expect(row.sent_at).toBeNull()
    await expect
      .poll(() => events.some((e) => e.type === 'outbound.queued' && e.outboxId === outboxId))
      .toBe(true)
    const stored = await message(messageId)
    expect(stored).toMatchObject({ direction: 'out', provider: 'twilio', delivery_status: 'queued' })
    expect(stored.external_id).toMatch(/^relais:[0-9a-f-]{36}$/)
  })

  it('sends an SMS through Twilio and records the sid, the status and the time', async () => {
    twilio.handle(twilioAccepts)
    const { phone, signalId } = await smsConversation()
    startWorker()
    const { outboxId, messageId } = await queueReply(deps(), {
      signalId,
      channel: 'sms',
      body: 'Vous êtes en sécurité?',
    })
    await expect.poll(async () => (await message(messageId)).delivery_status).toBe('sent')
    const sent = smsTo(phone)
    expect(sent).toHaveLength(1)
    expect(sent[0]!.path).toBe(`/2010-04-01/Accounts/${ACCOUNT}/Messages.json`)
    expect(sent[0]!.headers.authorization).toBe(
      `Basic ${Buffer.from(`${ACCOUNT}:${TOKEN}`).toString('base64')}`,
    )
    expect(formOf(sent[0]!)).toEqual({ To: phone, From: LINE, Body: 'Vous êtes en sécurité?' })
    const stored = await message(messageId)
    expect(stored.external_id).toMatch(/^SM/)
    expect(stored.sent_at).not.toBeNull()
    const row = await outbox(outboxId)
    expect(row.sent_at).not.toBeNull()
    expect(row.attempts).toBe(1)
    await expect
      .poll(() => events.some((e) => e.type === 'message.delivery' && e.messageId === messageId))
      .toBe(true)
  })

  it('sends a WhatsApp reply through the Cloud API to the contact’s WhatsApp id', async () => {
    const wamid = `wamid.${testSid('HBg')}`
    meta.handle(() => ({ status: 200, body: { messaging_product: 'whatsapp', messages: [{ id: wamid }] } }))
    const phone = testPhone()
    const { signalId } = await receiveMessage(deps(), { channel: 'whatsapp', from: phone })
    startWorker()
    const { messageId } = await queueReply(deps(), { signalId, channel: 'whatsapp', body: 'We are here.' })
    await expect.poll(async () => (await message(messageId)).external_id).toBe(wamid)
    const sent = meta.requests.filter((request) => JSON.parse(request.body).to === phone.slice(1))
    expect(sent).toHaveLength(1)
    expect(sent[0]!.path).toBe(`/v21.0/${PHONE_ID}/messages`)
    expect(sent[0]!.headers.authorization).toBe(`Bearer ${WA_TOKEN}`)
    expect(JSON.parse(sent[0]!.body)).toEqual({
      messaging_product: 'whatsapp',
      to: phone.slice(1),
      type: 'text',
      text: { body: 'We are here.' },
    })
    expect((await message(messageId)).delivery_status).toBe('sent')
  })

  it('retries after a 503, then records the success', async () => {
    let calls = 0
    twilio.handle((request) => (++calls === 1 ? twilioDown(request) : twilioAccepts(request)))
    const { phone, signalId } = await smsConversation()
    startWorker()
    const { outboxId, messageId } = await queueReply(deps(), { signalId, channel: 'sms', body: 'Try again' })
    await expect.poll(async () => (await message(messageId)).delivery_status).toBe('sent')
    const sent = smsTo(phone)
    expect(sent).toHaveLength(2)
    expect(formOf(sent[1]!)).toEqual(formOf(sent[0]!))
    const row = await outbox(outboxId)
    expect(row).toMatchObject({ attempts: 2, last_error: null })
  })

  it('honours Retry-After instead of its own (here hour-long) back-off', async () => {
    let calls = 0
    twilio.handle((request) =>
      ++calls === 1
        ? {
            status: 429,
            headers: { 'retry-after': '1' },
            body: { code: 20429, message: 'Too Many Requests', status: 429 },
          }
        : twilioAccepts(request),
    )
    const { phone, signalId } = await smsConversation()
    startWorker({ backoffBaseMs: 3_600_000, backoffMaxMs: 3_600_000 })
    const { messageId } = await queueReply(deps(), { signalId, channel: 'sms', body: 'Later' })
    await expect.poll(async () => (await message(messageId)).delivery_status).toBe('sent')
    expect(smsTo(phone)).toHaveLength(2)
  })

  it('dead-letters after the last attempt; a supervisor’s retry sends it, audited', async () => {
    twilio.handle(twilioDown)
    const { phone, signalId } = await smsConversation()
    startWorker({ maxAttempts: 3 })
    const { outboxId, messageId } = await queueReply(deps(), {
      signalId,
      channel: 'sms',
      body: 'Are you safe?',
    })
    await expect.poll(async () => (await outbox(outboxId)).dead_at).not.toBeNull()
    expect(smsTo(phone)).toHaveLength(3)
    const failed = await message(messageId)
    expect(failed).toMatchObject({ delivery_status: 'failed', delivery_error: 'twilio 20500 (HTTP 503)' })
    expect(failed.failed_at).not.toBeNull()
    const listed = (await listDeadLetters(database)).find((row) => row.id === outboxId)
    expect(listed).toEqual({
      id: outboxId,
      messageId,
      signalId,
      channel: 'sms',
      attempts: 3,
      lastError: 'twilio 20500 (HTTP 503)',
      createdAt: expect.any(Date),
      deadAt: expect.any(Date),
    })

    twilio.handle(twilioAccepts)
    expect(await retryDeadLetter(database, outboxId, supervisor)).toBe(true)
    await expect.poll(async () => (await message(messageId)).delivery_status).toBe('sent')
    expect(smsTo(phone)).toHaveLength(4)
    const sent = await message(messageId)
    expect(sent.failed_at).toBeNull()
    expect(sent.delivery_error).toBeNull()
    expect((await outbox(outboxId)).attempts).toBe(1)
    expect((await listDeadLetters(database)).some((row) => row.id === outboxId)).toBe(false)
    const audit = await database.db
      .selectFrom('audit_event')
      .selectAll()
      .where('action', '=', 'intake.outbound.retried')
      .where('entity_id', '=', outboxId)
      .execute()
    expect(audit).toHaveLength(1)
    expect(audit[0]).toMatchObject({ actor_label: 'supervisor@example.org', entity_type: 'intake_outbox' })
    expect(await retryDeadLetter(database, outboxId, supervisor)).toBe(false)
  })

  it('a final refusal dead-letters at once', async () => {
    twilio.handle(() => ({
      status: 400,
      body: { code: 21211, message: "The 'To' number is not a valid phone number.", status: 400 },
    }))
    const { phone, signalId } = await smsConversation()
    startWorker()
    const { outboxId, messageId } = await queueReply(deps(), { signalId, channel: 'sms', body: 'Hello' })
    await expect.poll(async () => (await outbox(outboxId)).dead_at).not.toBeNull()
    expect(smsTo(phone)).toHaveLength(1)
    expect(await outbox(outboxId)).toMatchObject({ attempts: 1, last_error: 'twilio 21211 (HTTP 400)' })
    expect((await message(messageId)).delivery_status).toBe('failed')
  })

  it('never moves a message back to sent when it was delivered while the send was in flight', async () => {
    const { phone, signalId } = await smsConversation()
    let messageId = ''
    twilio.handle(async (request) => {
      // Another process applied a delivery report meanwhile.
      await database.db
        .updateTable('intake_message')
        .set({ delivery_status: 'delivered', delivered_at: new Date() })
        .where('id', '=', messageId)
        .execute()
      return twilioAccepts(request)
    })
    startWorker()
    ;({ messageId } = await queueReply(deps(), { signalId, channel: 'sms', body: 'Quick' }))
    await expect.poll(async () => (await message(messageId)).sent_at).not.toBeNull()
    expect(smsTo(phone)).toHaveLength(1)
    expect((await message(messageId)).delivery_status).toBe('delivered')
  })

  it('applies a delivered callback that came before Twilio’s answer, and keeps it over sent', async () => {
    const { phone, signalId } = await smsConversation()
    twilio.handle(async (request) => {
      const sid = testSid()
      // Twilio reports delivery before its answer to the send reaches Relais: the callback is
      // stored, but no message carries the sid yet.
      const raw = new URLSearchParams({
        AccountSid: ACCOUNT,
        MessageSid: sid,
        From: LINE,
        To: formOf(request).To!,
        MessageStatus: 'delivered',
        SmsStatus: 'delivered',
      }).toString()
      const outcome = await recordInboundEvent(
        {
          database,
          secrets,
          senderPerMinute: 100,
          policy: { interpreterFallbackSeconds: 60 },
          defaultLanguage: 'en',
        },
        twilioEvent(parseForm(raw), raw),
        { actorId: null, actorLabel: 'twilio', address: null, requestId: null },
      )
      expect(outcome.stored).toEqual([])
      return { status: 201, body: { sid } }
    })
    startWorker()
    const { messageId } = await queueReply(deps(), { signalId, channel: 'sms', body: 'Fast network' })
    await expect.poll(async () => (await message(messageId)).sent_at).not.toBeNull()
    expect(smsTo(phone)).toHaveLength(1)
    const stored = await message(messageId)
    expect(stored.delivery_status).toBe('delivered')
    expect(stored.delivered_at).not.toBeNull()
  })

  it('sends a conversation’s replies in order, the second waiting while the first is retried', async () => {
    let calls = 0
    twilio.handle((request) => (++calls === 1 ? twilioDown(request) : twilioAccepts(request)))
    const { phone, signalId } = await smsConversation()
    startWorker({ backoffBaseMs: 200, backoffMaxMs: 200 })
    const first = await queueReply(deps(), { signalId, channel: 'sms', body: 'first' })
    const second = await queueReply(deps(), { signalId, channel: 'sms', body: 'second' })
    await expect.poll(async () => (await message(second.messageId)).delivery_status).toBe('sent')
    expect(smsTo(phone).map((request) => formOf(request).Body)).toEqual(['first', 'first', 'second'])
    expect((await message(first.messageId)).delivery_status).toBe('sent')
  })

  it('leaves a channel it has no sender for to a process that has one', async () => {
    const wamid = `wamid.${testSid('HBg')}`
    meta.handle(() => ({ status: 200, body: { messaging_product: 'whatsapp', messages: [{ id: wamid }] } }))
    const { signalId } = await receiveMessage(deps(), { channel: 'whatsapp', from: testPhone() })
    const smsOnly = startWorker({}, { sms: sms() })
    const { outboxId, messageId } = await queueReply(deps(), { signalId, channel: 'whatsapp', body: 'Hi' })
    await smsOnly.wake()
    expect(await outbox(outboxId)).toMatchObject({ attempts: 0, dead_at: null, sent_at: null })
    startWorker({}, { whatsapp: whatsapp() })
    await expect.poll(async () => (await message(messageId)).external_id).toBe(wamid)
  })

  it('sends at start what was queued while no worker ran', async () => {
    twilio.handle(twilioAccepts)
    const { phone, signalId } = await smsConversation()
    const { messageId } = await queueReply(deps(), { signalId, channel: 'sms', body: 'Queued earlier' })
    startWorker()
    await expect.poll(async () => (await message(messageId)).delivery_status).toBe('sent')
    expect(smsTo(phone)).toHaveLength(1)
  })
})
