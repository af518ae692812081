import { randomBytes } from 'node:crypto'
import twilio from 'twilio'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildTestApp, type TestApp } from '../../../test/support/app.ts'
import { buildStaff, type SessionFixture, sessionFor } from '../../../test/support/factories.ts'
import { type FakeProvider, startFakeProvider } from './fake-provider.ts'
import { queueReply, testPhone, testSid } from './fixtures.ts'

const ACCOUNT = 'AC0123456789abcdef0123456789abcdef'
const TOKEN = 'twilio_test_token_0123456789abcdef'
const LINE = '+18005550199'
const PUBLIC = 'https://hotline.example.org'

let t: TestApp
let provider: FakeProvider
let supervisor: SessionFixture
let advocate: SessionFixture
/** How the stand-in Twilio answers a send. */
let accept = false

beforeAll(async () => {
  provider = await startFakeProvider((request) => {
    if (request.method === 'POST') {
      return accept
        ? { status: 201, body: { sid: testSid(), status: 'queued' } }
        : { status: 503, body: { code: 20500, message: 'Service unavailable', status: 503 } }
    }
    if (request.path.startsWith('/media/')) {
      return {
        status: 200,
        headers: { 'content-type': 'image/gif' },
        body: Buffer.concat([Buffer.from('GIF89a'), randomBytes(64)]),
      }
    }
    return { status: 404 }
  })
  t = await buildTestApp({
    TWILIO_AUTH_TOKEN: TOKEN,
    TWILIO_ACCOUNT_SID: ACCOUNT,
    TWILIO_SMS_FROM: LINE,
    TWILIO_API_BASE: provider.url,
    RELAIS_PUBLIC_URL: PUBLIC,
    RELAIS_OUTBOUND_MAX_ATTEMPTS: '1',
  })
  supervisor = await sessionFor(t, await buildStaff(t, { role: 'supervisor' }))
  advocate = await sessionFor(t, await buildStaff(t, { role: 'advocate' }))
})
afterAll(async () => {
  await t.close()
  await provider.close()
})

/** Posts a form to the SMS webhook, signed by the official twilio package. */
function postSms(params: Record<string, string>) {
  return t.app.inject({
    method: 'POST',
    url: '/webhooks/twilio/sms',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      'x-twilio-signature': twilio.getExpectedTwilioSignature(TOKEN, `${PUBLIC}/webhooks/twilio/sms`, params),
    },
    payload: new URLSearchParams(params).toString(),
  })
}

async function inboundSms(from: string, extra: Record<string, string> = {}) {
  const sid = testSid()
  const response = await postSms({
    AccountSid: ACCOUNT,
    MessageSid: sid,
    From: from,
    To: LINE,
    Body: 'Help',
    NumMedia: '0',
    SmsStatus: 'received',
    ...extra,
  })
  expect(response.statusCode, response.body).toBe(200)
  return t.database.db
    .selectFrom('intake_message')
    .select(['id', 'signal_id', 'media'])
    .where('external_id', '=', sid)
    .executeTakeFirstOrThrow()
}

const message = (id: string) =>
  t.database.db.selectFrom('intake_message').selectAll().where('id', '=', id).executeTakeFirstOrThrow()

describe('dead-letter routes', () => {
  it('401 without a session, 403 for an advocate, 400 naming a bad id, 404 for an unknown one', async () => {
    expect((await t.app.inject({ method: 'GET', url: '/api/intake/dead-letters' })).statusCode).toBe(401)
    const forbidden = await t.app.inject({
      method: 'GET',
      url: '/api/intake/dead-letters',
      headers: advocate.headers,
    })
    expect(forbidden.statusCode).toBe(403)
    const retryAsAdvocate = await t.app.inject({
      method: 'POST',
      url: `/api/intake/dead-letters/${crypto.randomUUID()}/retry`,
      headers: advocate.headers,
    })
    expect(retryAsAdvocate.statusCode).toBe(403)
    const bad = await t.app.inject({
      method: 'POST',
      url: '/api/intake/dead-letters/not-an-id/retry',
      headers: supervisor.headers,
    })
    expect(bad.statusCode).toBe(400)
    expect(bad.json().fields[0].path).toBe('params.id')
    const unknown = await t.app.inject({
      method: 'POST',
      url: `/api/intake/dead-letters/${crypto.randomUUID()}/retry?lang=fr`,
      headers: supervisor.headers,
    })
    expect(unknown.statusCode).toBe(404)
    expect(unknown.json()).toMatchObject({ code: 'not_found' })
    expect(unknown.json().message).toMatch(/n’existe pas/)
  })

  it('a reply the provider refused is listed without its content, and a supervisor’s retry sends it', async () => {
    accept = false
    const phone = testPhone()
    const inbound = await inboundSms(phone)
    const body = `Are you safe right now? ${randomBytes(4).toString('hex')}`
    const { outboxId, messageId } = await queueReply(t, { signalId: inbound.signal_id, channel: 'sms', body })
    await expect.poll(async () => (await message(messageId)).delivery_status).toBe('failed')

    const listed = await t.app.inject({
      method: 'GET',
      url: '/api/intake/dead-letters',
      headers: supervisor.headers,
    })
    expect(listed.statusCode).toBe(200)
    const entry = listed.json().deadLetters.find((row: { id: string }) => row.id === outboxId)
    expect(entry).toMatchObject({
      messageId,
      signalId: inbound.signal_id,
      channel: 'sms',
      attempts: 1,
      lastError: 'twilio 20500 (HTTP 503)',
    })
    expect(listed.body).not.toContain(body)
    expect(listed.body).not.toContain(phone)

    accept = true
    const retried = await t.app.inject({
      method: 'POST',
      url: `/api/intake/dead-letters/${outboxId}/retry`,
      headers: supervisor.headers,
    })
    expect(retried.statusCode, retried.body).toBe(200)
    expect(retried.json()).toEqual({ id: outboxId, queued: true })
    await expect.poll(async () => (await message(messageId)).delivery_status).toBe('sent')
    const send = provider.requests.filter(
      (request) => request.method === 'POST' && new URLSearchParams(request.body).get('To') === phone,
    )
    expect(send).toHaveLength(2)
    expect(Object.fromEntries(new URLSearchParams(send[1]!.body))).toEqual({
      To: phone,
      From: LINE,
      Body: body,
      StatusCallback: `${PUBLIC}/webhooks/twilio/sms`,
    })
    const actions = await t.database.db
      .selectFrom('audit_event')
      .select(['action', 'entity_id'])
      .where('action', 'in', ['intake.outbound.retried', 'intake.dead_letters.read'])
      .execute()
    expect(actions).toContainEqual({ action: 'intake.outbound.retried', entity_id: outboxId })
    expect(actions.some((row) => row.action === 'intake.dead_letters.read')).toBe(true)

    // Twilio's status callback finds the message by the sid the send recorded.
    const sid = (await message(messageId)).external_id
    const callback = await postSms({
      AccountSid: ACCOUNT,
      MessageSid: sid,
      From: LINE,
      To: phone,
      MessageStatus: 'delivered',
      SmsStatus: 'delivered',
    })
    expect(callback.statusCode).toBe(200)
    expect((await message(messageId)).delivery_status).toBe('delivered')
  })

  it('the app fetches an MMS picture from the provider once the webhook has answered', async () => {
    const inbound = await inboundSms(testPhone(), {
      NumMedia: '1',
      MediaUrl0: `${provider.url}/media/${testSid('ME')}`,
      MediaContentType0: 'image/gif',
    })
    await expect.poll(async () => (await message(inbound.id)).media[0]?.attachmentId).toBeDefined()
    const stored = await t.database.db
      .selectFrom('intake_attachment')
      .select(['content_type', 'size_bytes'])
      .where('message_id', '=', inbound.id)
      .execute()
    expect(stored).toEqual([{ content_type: 'image/gif', size_bytes: 70 }])
  })
})
