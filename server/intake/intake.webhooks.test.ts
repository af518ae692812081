import { createHmac, randomInt } from 'node:crypto'
import { Writable } from 'node:stream'
import twilio from 'twilio'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildTestApp, type TestApp } from '../../test/support/app.ts'
import { recordOutboundMessage } from './intake.service.ts'

const TOKEN = 'twilio_test_token_0123456789abcdef'
const VERIFY = 'verify-token-42'
const APP_SECRET = 'meta_app_secret_0123456789abcdef'
const PUBLIC = 'https://hotline.example.org'
const SMS_URL = `${PUBLIC}/webhooks/twilio/sms`
const PER_MINUTE = 5

let t: TestApp
let proxied: TestApp
const logLines: string[] = []

beforeAll(async () => {
  const logStream = new Writable({
    write(chunk, _encoding, done) {
      logLines.push(String(chunk))
      done()
    },
  })
  const channels = {
    TWILIO_AUTH_TOKEN: TOKEN,
    WHATSAPP_VERIFY_TOKEN: VERIFY,
    WHATSAPP_APP_SECRET: APP_SECRET,
    RELAIS_INTAKE_SENDER_PER_MINUTE: String(PER_MINUTE),
  }
  t = await buildTestApp({ ...channels, RELAIS_PUBLIC_URL: PUBLIC, RELAIS_LOG_LEVEL: 'info' }, { logStream })
  proxied = await buildTestApp({ ...channels, RELAIS_TRUST_PROXY: 'true' })
})
afterAll(async () => {
  await t.close()
  await proxied.close()
})

/** A telephone number no other test uses. */
const phone = () => `+1514${String(randomInt(1_000_000, 9_999_999))}`
let sidCounter = 0
const sid = (prefix = 'SM') =>
  `${prefix}${String(Date.now()).padStart(16, '0')}${String(++sidCounter).padStart(16, '0')}`

function smsParams(overrides: Record<string, string> = {}): Record<string, string> {
  return {
    AccountSid: 'AC00000000000000000000000000000000',
    MessageSid: sid(),
    From: phone(),
    To: '+18005550199',
    Body: 'I need help',
    NumMedia: '0',
    SmsStatus: 'received',
    ...overrides,
  }
}

function postSms(
  params: Record<string, string>,
  options: {
    app?: TestApp
    url?: string
    signedUrl?: string
    signature?: string | null
    headers?: Record<string, string>
  } = {},
) {
  const path = options.url ?? '/webhooks/twilio/sms'
  const signature =
    options.signature === undefined
      ? twilio.getExpectedTwilioSignature(TOKEN, options.signedUrl ?? `${PUBLIC}${path}`, params)
      : options.signature
  return (options.app ?? t).app.inject({
    method: 'POST',
    url: path,
    headers: {
      'content-type': 'application/x-www-form-urlencoded; charset=utf-8',
      ...(signature === null ? {} : { 'x-twilio-signature': signature }),
      ...options.headers,
    },
    payload: new URLSearchParams(params).toString(),
  })
}

async function counts(app = t) {
  const db = app.database.db
  const count = async (
    table: 'intake_message' | 'intake_signal' | 'intake_contact' | 'intake_webhook_event',
  ) =>
    Number(
      (
        await db
          .selectFrom(table)
          .select((eb) => eb.fn.countAll().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    )
  return {
    messages: await count('intake_message'),
    signals: await count('intake_signal'),
    contacts: await count('intake_contact'),
    events: await count('intake_webhook_event'),
  }
}

function messageBySid(externalId: string, app = t) {
  return app.database.db
    .selectFrom('intake_message')
    .selectAll()
    .where('external_id', '=', externalId)
    .executeTakeFirst()
}

describe('POST /webhooks/twilio/sms', () => {
  it('403 without a signature, or with a wrong one, and the body is not logged', async () => {
    const secretBody = `my address is 12 Rue Secrète ${randomInt(1e9)}`
    const before = await counts()
    const missing = await postSms(smsParams({ Body: secretBody }), { signature: null })
    expect(missing.statusCode).toBe(403)
    expect(missing.json().code).toBe('forbidden')
    const wrong = await postSms(smsParams({ Body: secretBody }), { signature: 'bm90IGEgc2lnbmF0dXJl' })
    expect(wrong.statusCode).toBe(403)
    // Signed for another body: the signature covers every parameter.
    const params = smsParams({ Body: secretBody })
    const signature = twilio.getExpectedTwilioSignature(TOKEN, SMS_URL, { ...params, Body: 'hello' })
    expect((await postSms(params, { signature })).statusCode).toBe(403)
    expect(await counts()).toEqual(before)
    const logs = logLines.join('')
    expect(logs).toContain('webhook signature rejected')
    expect(logs).not.toContain(secretBody)
    expect(logs).not.toContain('Secr')
  })

  it('403 when signed for another URL; the public URL or the requested one are both accepted', async () => {
    const elsewhere = await postSms(smsParams(), {
      signedUrl: 'https://elsewhere.example.org/webhooks/twilio/sms',
    })
    expect(elsewhere.statusCode).toBe(403)
    const query = await postSms(smsParams(), { url: '/webhooks/twilio/sms?line=fr', signedUrl: SMS_URL })
    expect(query.statusCode).toBe(403)
    // Configured in Twilio on the host name the request came in on (here the test's own).
    const direct = await postSms(smsParams(), { signedUrl: 'http://localhost:80/webhooks/twilio/sms' })
    expect(direct.statusCode).toBe(200)
    const withQuery = await postSms(smsParams(), { url: '/webhooks/twilio/sms?line=fr&x=%C3%A9' })
    expect(withQuery.statusCode).toBe(200)
  })

  it('400 naming MessageSid or From when missing, and nothing is written', async () => {
    const before = await counts()
    const { MessageSid: _sid, ...noSid } = smsParams()
    const first = await postSms(noSid)
    expect(first.statusCode).toBe(400)
    expect(first.json().fields).toEqual([expect.objectContaining({ path: 'MessageSid', code: 'required' })])
    const { From: _from, ...noFrom } = smsParams()
    const second = await postSms(noFrom)
    expect(second.statusCode).toBe(400)
    expect(second.json().fields).toEqual([expect.objectContaining({ path: 'From', code: 'required' })])
    const tooLong = await postSms(smsParams({ Body: 'x'.repeat(5000) }))
    expect(tooLong.statusCode).toBe(400)
    expect(tooLong.json().fields[0].path).toBe('Body')
    expect(await counts()).toEqual(before)
  })

  it('400 on a MessageSid holding U+0000; a NUL elsewhere is stored without it, never a 500', async () => {
    const bad = await postSms(smsParams({ MessageSid: 'SM\u0000abc' }))
    expect(bad.statusCode).toBe(400)
    expect(bad.json().fields[0]).toMatchObject({ path: 'MessageSid', code: 'invalid' })
    const params = smsParams({
      Body: 'a\u0000b',
      NumMedia: '1',
      MediaUrl0: 'https://api.twilio.com/Media/ME0\u0000',
      MediaContentType0: 'image/png\u0000',
    })
    const response = await postSms(params)
    expect(response.statusCode, response.body).toBe(200)
    const message = await messageBySid(params.MessageSid!)
    expect(t.secrets.open(message!.body_sealed!)).toBe('a\u0000b')
    expect(message?.media[0]).toMatchObject({ type: 'image/png', url: 'https://api.twilio.com/Media/ME0' })
  })

  it('stores the event, contact, signal and message before answering empty TwiML', async () => {
    const params = smsParams({ Body: 'Est-ce que quelqu’un peut m’aider?' })
    const response = await postSms(params)
    expect(response.statusCode, response.body).toBe(200)
    expect(response.headers['content-type']).toMatch(/^text\/xml/)
    expect(response.body).toMatch(/<Response\/>$/)
    const message = await messageBySid(params.MessageSid!)
    expect(message).toMatchObject({ direction: 'in', seq: 1, provider: 'twilio', kind: 'text' })
    expect(t.secrets.open(message!.body_sealed!)).toBe(params.Body)
    const signal = await t.database.db
      .selectFrom('intake_signal')
      .selectAll()
      .where('id', '=', message!.signal_id)
      .executeTakeFirstOrThrow()
    expect(signal).toMatchObject({ channel: 'sms', queue: 'messaging.en', status: 'queued', ended_at: null })
    expect(signal.enqueued_at).toEqual(signal.received_at)
    const event = await t.database.db
      .selectFrom('intake_webhook_event')
      .selectAll()
      .where('external_id', '=', params.MessageSid!)
      .executeTakeFirstOrThrow()
    expect(t.secrets.open(event.payload_sealed)).toBe(new URLSearchParams(params).toString())
    const audit = await t.database.db
      .selectFrom('audit_event')
      .selectAll()
      .where('entity_id', '=', signal.id)
      .execute()
    expect(audit.map((row) => row.action)).toEqual(['intake.signal.opened'])
  })

  it('keeps the body, the number and the payload encrypted at rest', async () => {
    const body = `secret-body-${randomInt(1e9)}`
    const from = phone()
    expect((await postSms(smsParams({ Body: body, From: from }))).statusCode).toBe(200)
    for (const table of [
      'intake_message',
      'intake_webhook_event',
      'intake_contact',
      'intake_signal',
    ] as const) {
      const rows = await t.database.db.selectFrom(table).selectAll().execute()
      const dump = JSON.stringify(rows)
      expect(dump).not.toContain(body)
      expect(dump).not.toContain(from.slice(1))
    }
  })

  it('a redelivery of the same MessageSid answers 200 and changes nothing', async () => {
    const params = smsParams()
    expect((await postSms(params)).statusCode).toBe(200)
    const before = await counts()
    const contact = await t.database.db
      .selectFrom('intake_contact')
      .selectAll()
      .orderBy('last_seen_at', 'desc')
      .executeTakeFirstOrThrow()
    const again = await postSms(params)
    expect(again.statusCode).toBe(200)
    expect(again.body).toMatch(/<Response\/>$/)
    expect(await counts()).toEqual(before)
    const after = await t.database.db
      .selectFrom('intake_contact')
      .selectAll()
      .where('id', '=', contact.id)
      .executeTakeFirstOrThrow()
    expect(after.last_seen_at).toEqual(contact.last_seen_at)
  })

  it('a contact writing twice joins the same open signal, seq 1 then 2; another number opens its own', async () => {
    const from = phone()
    const first = smsParams({ From: from, Body: 'hello' })
    const second = smsParams({ From: from, Body: 'are you there?' })
    const other = smsParams({ Body: 'someone else' })
    for (const params of [first, second, other]) expect((await postSms(params)).statusCode).toBe(200)
    const a = await messageBySid(first.MessageSid!)
    const b = await messageBySid(second.MessageSid!)
    const c = await messageBySid(other.MessageSid!)
    expect([a?.seq, b?.seq, c?.seq]).toEqual([1, 2, 1])
    expect(b?.signal_id).toBe(a?.signal_id)
    expect(c?.signal_id).not.toBe(a?.signal_id)
  })

  it('a number written differently is the same contact', async () => {
    const number = phone()
    const spaced = `${number.slice(0, 2)} ${number.slice(2, 5)}-${number.slice(5, 8)}-${number.slice(8)}`
    const first = smsParams({ From: number })
    const second = smsParams({ From: spaced })
    for (const params of [first, second]) expect((await postSms(params)).statusCode).toBe(200)
    expect((await messageBySid(second.MessageSid!))?.signal_id).toBe(
      (await messageBySid(first.MessageSid!))?.signal_id,
    )
  })

  it('records media as announced, without fetching it', async () => {
    const params = smsParams({
      Body: '',
      NumMedia: '1',
      MediaUrl0: 'https://api.twilio.com/2010-04-01/Accounts/AC0/Messages/MM0/Media/ME0',
      MediaContentType0: 'image/jpeg',
    })
    expect((await postSms(params)).statusCode).toBe(200)
    const message = await messageBySid(params.MessageSid!)
    expect(message).toMatchObject({ kind: 'media', body_sealed: null })
    expect(message?.media).toEqual([
      { type: 'image/jpeg', size: null, url: params.MediaUrl0, providerId: null },
    ])
  })

  it('WhatsApp through Twilio opens a whatsapp signal', async () => {
    const params = smsParams({ From: `whatsapp:${phone()}` })
    expect((await postSms(params)).statusCode).toBe(200)
    const message = await messageBySid(params.MessageSid!)
    const signal = await t.database.db
      .selectFrom('intake_signal')
      .select('channel')
      .where('id', '=', message!.signal_id)
      .executeTakeFirstOrThrow()
    expect(signal.channel).toBe('whatsapp')
  })

  it('status callbacks update an outbound message and never go backwards', async () => {
    const inbound = smsParams()
    expect((await postSms(inbound)).statusCode).toBe(200)
    const signalId = (await messageBySid(inbound.MessageSid!))!.signal_id
    const outboundSid = sid()
    const outbound = await recordOutboundMessage(t, {
      signalId,
      provider: 'twilio',
      externalId: outboundSid,
      body: 'We are here.',
    })
    expect(outbound.seq).toBe(2)
    const callback = (status: string, extra: Record<string, string> = {}) =>
      postSms({
        MessageSid: outboundSid,
        From: '+18005550199',
        To: inbound.From!,
        MessageStatus: status,
        SmsStatus: status,
        ...extra,
      })
    for (const status of ['sent', 'read', 'delivered', 'sent']) {
      expect((await callback(status)).statusCode).toBe(200)
    }
    const message = await messageBySid(outboundSid)
    expect(message?.delivery_status).toBe('read')
    expect(message?.sent_at).not.toBeNull()
    expect(message?.read_at).not.toBeNull()
    expect(message?.delivered_at).not.toBeNull()
    const readAt = message!.read_at
    expect((await callback('read')).statusCode).toBe(200)
    expect((await messageBySid(outboundSid))?.read_at).toEqual(readAt)
  })

  it('a failure is recorded with its error code; a later sent does not undo it', async () => {
    const inbound = smsParams()
    expect((await postSms(inbound)).statusCode).toBe(200)
    const signalId = (await messageBySid(inbound.MessageSid!))!.signal_id
    const outboundSid = sid()
    await recordOutboundMessage(t, { signalId, provider: 'twilio', externalId: outboundSid, body: 'Reply' })
    const callback = (status: string, extra: Record<string, string> = {}) =>
      postSms({ MessageSid: outboundSid, From: '+18005550199', MessageStatus: status, ...extra })
    expect((await callback('undelivered', { ErrorCode: '30003' })).statusCode).toBe(200)
    expect((await callback('sent')).statusCode).toBe(200)
    expect(await messageBySid(outboundSid)).toMatchObject({
      delivery_status: 'undelivered',
      delivery_error: '30003',
    })
  })

  it('a status for an unknown message is kept as an event and acknowledged', async () => {
    const before = await counts()
    const response = await postSms({ MessageSid: sid(), From: '+18005550199', MessageStatus: 'delivered' })
    expect(response.statusCode).toBe(200)
    expect(await counts()).toEqual({ ...before, events: before.events + 1 })
  })

  it(`throttles one sender after ${PER_MINUTE} messages a minute, never the channel`, async () => {
    const flooder = phone()
    for (let i = 0; i < PER_MINUTE; i += 1) {
      expect((await postSms(smsParams({ From: flooder }))).statusCode).toBe(200)
    }
    const before = await counts()
    const limited = await postSms(smsParams({ From: flooder }))
    expect(limited.statusCode).toBe(429)
    expect(limited.json().code).toBe('rate_limited')
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0)
    expect(await counts()).toEqual(before)
    // Someone else is still heard.
    expect((await postSms(smsParams())).statusCode).toBe(200)
  })

  it('behind a TLS-terminating proxy, verifies the URL from X-Forwarded-Proto and Host', async () => {
    const params = smsParams()
    const url = '/webhooks/twilio/sms?line=fr'
    const signedUrl = 'https://relais.example.net/webhooks/twilio/sms?line=fr'
    const headers = { host: 'relais.example.net', 'x-forwarded-proto': 'https' }
    const response = await postSms(params, { app: proxied, url, signedUrl, headers })
    expect(response.statusCode, response.body).toBe(200)
    expect(await messageBySid(params.MessageSid!, proxied)).toBeDefined()
    // Without the forwarded scheme the URL is http://, which is not what was signed.
    const plain = await postSms(smsParams(), {
      app: proxied,
      url,
      signedUrl,
      headers: { host: 'relais.example.net' },
    })
    expect(plain.statusCode).toBe(403)
  })
})

// --- WhatsApp Cloud API ---------------------------------------------------------------------------

const metaSignature = (body: string, secret = APP_SECRET) =>
  `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`

let wamidCounter = 0
const wamid = () => `wamid.HBgLMTUxNDU1NTAxMDAVAgASGBQz${Date.now()}${++wamidCounter}`

function waText(from: string, text: string, id = wamid(), name = 'Ana') {
  return {
    object: 'whatsapp_business_account',
    entry: [
      {
        id: '102290129340398',
        changes: [
          {
            field: 'messages',
            value: {
              messaging_product: 'whatsapp',
              metadata: { display_phone_number: '18005550199', phone_number_id: '106540352242922' },
              contacts: [{ profile: { name }, wa_id: from }],
              messages: [{ from, id, timestamp: '1764622800', type: 'text', text: { body: text } }],
            },
          },
        ],
      },
    ],
  }
}

function postWhatsApp(payload: unknown, signature?: string | null) {
  const body = typeof payload === 'string' ? payload : JSON.stringify(payload)
  return t.app.inject({
    method: 'POST',
    url: '/webhooks/whatsapp',
    headers: {
      'content-type': 'application/json',
      ...(signature === null ? {} : { 'x-hub-signature-256': signature ?? metaSignature(body) }),
    },
    payload: body,
  })
}

const waNumber = () => phone().slice(1)

describe('GET /webhooks/whatsapp', () => {
  const verify = (query: string) => t.app.inject({ method: 'GET', url: `/webhooks/whatsapp?${query}` })

  it('403 with a wrong or missing token, or another mode', async () => {
    expect(
      (await verify('hub.mode=subscribe&hub.verify_token=wrong-token&hub.challenge=123')).statusCode,
    ).toBe(403)
    expect((await verify('hub.mode=subscribe&hub.challenge=123')).statusCode).toBe(403)
    expect(
      (await verify(`hub.mode=unsubscribe&hub.verify_token=${VERIFY}&hub.challenge=123`)).statusCode,
    ).toBe(403)
  })

  it('400 naming the challenge when it is missing', async () => {
    const response = await verify(`hub.mode=subscribe&hub.verify_token=${VERIFY}`)
    expect(response.statusCode).toBe(400)
    expect(response.json().fields[0]).toMatchObject({ path: 'query.hub.challenge', code: 'required' })
  })

  it('answers the challenge as plain text', async () => {
    const response = await verify(`hub.mode=subscribe&hub.verify_token=${VERIFY}&hub.challenge=1158201444`)
    expect(response.statusCode).toBe(200)
    expect(response.headers['content-type']).toMatch(/^text\/plain/)
    expect(response.body).toBe('1158201444')
  })
})

describe('POST /webhooks/whatsapp', () => {
  it('403 without a signature, with a wrong one, or one over other bytes', async () => {
    const before = await counts()
    const payload = waText(waNumber(), 'secret whatsapp words')
    const body = JSON.stringify(payload)
    expect((await postWhatsApp(body, null)).statusCode).toBe(403)
    expect((await postWhatsApp(body, metaSignature(body, 'another_secret_0123456789'))).statusCode).toBe(403)
    expect((await postWhatsApp(body, metaSignature(body).replace('sha256=', 'sha1='))).statusCode).toBe(403)
    // The same JSON with other whitespace is other bytes: the raw body is what is signed.
    expect((await postWhatsApp(JSON.stringify(payload, null, 2), metaSignature(body))).statusCode).toBe(403)
    expect(await counts()).toEqual(before)
    expect(logLines.join('')).not.toContain('secret whatsapp words')
  })

  it('400 on a malformed payload, naming the field, and nothing is written', async () => {
    const before = await counts()
    const noFrom = waText(waNumber(), 'hi') as {
      entry: { changes: { value: { messages: Record<string, unknown>[] } }[] }[]
    }
    delete noFrom.entry[0]!.changes[0]!.value.messages[0]!.from
    const first = await postWhatsApp(noFrom)
    expect(first.statusCode).toBe(400)
    expect(first.json().fields).toEqual([
      expect.objectContaining({ path: 'entry.0.changes.0.value.messages.0.from', code: 'required' }),
    ])
    const noText = waText(waNumber(), 'hi') as {
      entry: { changes: { value: { messages: Record<string, unknown>[] } }[] }[]
    }
    delete noText.entry[0]!.changes[0]!.value.messages[0]!.text
    const second = await postWhatsApp(noText)
    expect(second.statusCode).toBe(400)
    expect(second.json().fields[0]).toMatchObject({
      path: 'entry.0.changes.0.value.messages.0.text.body',
      code: 'required',
    })
    const other = await postWhatsApp({ ...waText(waNumber(), 'hi'), object: 'page' })
    expect(other.statusCode).toBe(400)
    expect(other.json().fields[0].path).toBe('object')
    const notJson = await postWhatsApp('{"object":')
    expect(notJson.statusCode).toBe(400)
    expect(notJson.json().code).toBe('malformed_json')
    expect(await counts()).toEqual(before)
  })

  it('stores a text message before the 200; a redelivery changes nothing', async () => {
    const from = waNumber()
    const payload = waText(from, 'Necesito ayuda', wamid(), 'María')
    const id = payload.entry[0]!.changes[0]!.value.messages[0]!.id
    const response = await postWhatsApp(payload)
    expect(response.statusCode, response.body).toBe(200)
    const message = await messageBySid(id)
    expect(message).toMatchObject({ provider: 'whatsapp', direction: 'in', seq: 1, kind: 'text' })
    expect(t.secrets.open(message!.body_sealed!)).toBe('Necesito ayuda')
    expect(message?.provider_sent_at).toEqual(new Date(1764622800 * 1000))
    const signal = await t.database.db
      .selectFrom('intake_signal')
      .selectAll()
      .where('id', '=', message!.signal_id)
      .executeTakeFirstOrThrow()
    expect(signal.channel).toBe('whatsapp')
    const contact = await t.database.db
      .selectFrom('intake_contact')
      .selectAll()
      .where('id', '=', signal.contact_id!)
      .executeTakeFirstOrThrow()
    expect(contact.kind).toBe('whatsapp')
    expect(t.secrets.open(contact.address_sealed)).toBe(`+${from}`)
    expect(t.secrets.open(contact.display_name_sealed!)).toBe('María')
    const dump = JSON.stringify(await t.database.db.selectFrom('intake_webhook_event').selectAll().execute())
    expect(dump).not.toContain('Necesito')

    const before = await counts()
    expect((await postWhatsApp(payload)).statusCode).toBe(200)
    // Meta may re-send the same message in a differently formatted body: still one message.
    expect((await postWhatsApp(JSON.stringify(payload, null, 1))).statusCode).toBe(200)
    expect(await counts()).toEqual(before)
  })

  it('a second message joins the conversation with seq 2', async () => {
    const from = waNumber()
    const first = waText(from, 'hello')
    const second = waText(from, 'still there?')
    for (const payload of [first, second]) expect((await postWhatsApp(payload)).statusCode).toBe(200)
    const a = await messageBySid(first.entry[0]!.changes[0]!.value.messages[0]!.id)
    const b = await messageBySid(second.entry[0]!.changes[0]!.value.messages[0]!.id)
    expect([a?.seq, b?.seq]).toEqual([1, 2])
    expect(b?.signal_id).toBe(a?.signal_id)
  })

  it('records a media message by type, size and id only', async () => {
    const from = waNumber()
    const payload = waText(from, 'unused')
    const message = payload.entry[0]!.changes[0]!.value.messages[0]! as Record<string, unknown>
    delete message.text
    message.type = 'image'
    message.image = {
      id: '1479537139650973',
      mime_type: 'image/jpeg',
      sha256: 'abc=',
      caption: 'my passport',
    }
    const response = await postWhatsApp(payload)
    expect(response.statusCode, response.body).toBe(200)
    const stored = await messageBySid(message.id as string)
    expect(stored).toMatchObject({ kind: 'image' })
    expect(stored?.media).toEqual([
      { type: 'image/jpeg', size: null, url: null, providerId: '1479537139650973' },
    ])
    expect(t.secrets.open(stored!.body_sealed!)).toBe('my passport')
  })

  it('keeps kinds it does not read (location, a new type) with their content in the event only', async () => {
    const payload = waText(waNumber(), 'unused')
    const messages = payload.entry[0]!.changes[0]!.value.messages as Record<string, unknown>[]
    const location = messages[0]!
    delete location.text
    location.type = 'location'
    location.location = { latitude: 45.5, longitude: -73.6, name: 'Gare' }
    const novel = {
      ...location,
      id: wamid(),
      type: 'Hologram-3D',
      document: { id: '77', file_size: 'big', mime_type: 7 },
    }
    messages.push(novel)
    const response = await postWhatsApp(payload)
    expect(response.statusCode, response.body).toBe(200)
    expect(await messageBySid(location.id as string)).toMatchObject({
      kind: 'location',
      body_sealed: null,
      seq: 1,
    })
    expect(await messageBySid(novel.id as string)).toMatchObject({
      kind: 'unknown',
      body_sealed: null,
      seq: 2,
    })
  })

  it('statuses out of order never move a message back', async () => {
    const from = waNumber()
    const inbound = waText(from, 'hi')
    expect((await postWhatsApp(inbound)).statusCode).toBe(200)
    const signalId = (await messageBySid(inbound.entry[0]!.changes[0]!.value.messages[0]!.id))!.signal_id
    const outId = wamid()
    await recordOutboundMessage(t, {
      signalId,
      provider: 'whatsapp',
      externalId: outId,
      body: 'We hear you.',
    })
    const status = (name: string, timestamp: string) => ({
      object: 'whatsapp_business_account',
      entry: [
        {
          id: '102290129340398',
          changes: [
            {
              field: 'messages',
              value: {
                messaging_product: 'whatsapp',
                statuses: [{ id: outId, status: name, timestamp, recipient_id: from }],
              },
            },
          ],
        },
      ],
    })
    expect((await postWhatsApp(status('read', '1764622900'))).statusCode).toBe(200)
    expect((await postWhatsApp(status('delivered', '1764622850'))).statusCode).toBe(200)
    expect((await postWhatsApp(status('sent', '1764622840'))).statusCode).toBe(200)
    const message = await messageBySid(outId)
    expect(message).toMatchObject({
      delivery_status: 'read',
      read_at: new Date(1764622900_000),
      delivered_at: new Date(1764622850_000),
      sent_at: new Date(1764622840_000),
    })
  })

  it(`throttles one WhatsApp sender after ${PER_MINUTE} a minute, not others`, async () => {
    const flooder = waNumber()
    for (let i = 0; i < PER_MINUTE; i += 1)
      expect((await postWhatsApp(waText(flooder, `m${i}`))).statusCode).toBe(200)
    const before = await counts()
    const limited = await postWhatsApp(waText(flooder, 'again'))
    expect(limited.statusCode).toBe(429)
    expect(await counts()).toEqual(before)
    expect((await postWhatsApp(waText(waNumber(), 'someone else'))).statusCode).toBe(200)
  })
})

describe('a channel without its secret', () => {
  it('answers 503 and stores nothing, rather than accepting unverified traffic', async () => {
    const bare = await buildTestApp()
    try {
      const params = smsParams()
      const sms = await postSms(params, { app: bare })
      expect(sms.statusCode).toBe(503)
      const whatsapp = await bare.app.inject({
        method: 'POST',
        url: '/webhooks/whatsapp',
        headers: { 'content-type': 'application/json' },
        payload: JSON.stringify(waText(waNumber(), 'hi')),
      })
      expect(whatsapp.statusCode).toBe(503)
      const verify = await bare.app.inject({ method: 'GET', url: '/webhooks/whatsapp?hub.mode=subscribe' })
      expect(verify.statusCode).toBe(503)
      expect(await counts(bare)).toEqual({ messages: 0, signals: 0, contacts: 0, events: 0 })
    } finally {
      await bare.close()
    }
  })
})
