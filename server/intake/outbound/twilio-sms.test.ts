import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type FakeProvider, startFakeProvider } from './fake-provider.ts'
import { type OutboundRequest, RetryableSendError } from './sender.ts'
import { TwilioSmsSender } from './twilio-sms.ts'

const SID = 'AC0123456789abcdef0123456789abcdef'
const TOKEN = 'twilio_test_token_0123456789abcdef'
const FROM = '+18005550199'
const CALLBACK = 'https://hotline.example.org/webhooks/twilio/sms'

let twilio: FakeProvider
beforeAll(async () => {
  twilio = await startFakeProvider()
})
afterAll(() => twilio.close())

const request = (overrides: Partial<OutboundRequest> = {}): OutboundRequest => ({
  outboxId: '00000000-0000-4000-8000-000000000001',
  messageId: '00000000-0000-4000-8000-000000000002',
  signalId: '00000000-0000-4000-8000-000000000003',
  channel: 'sms',
  to: '+15145550123',
  body: 'We are here for you. Est-ce que vous êtes en sécurité?',
  attempt: 1,
  ...overrides,
})

const sender = (from = FROM) =>
  new TwilioSmsSender({
    apiBase: twilio.url,
    accountSid: SID,
    authToken: TOKEN,
    from,
    statusCallback: CALLBACK,
  })

/** Twilio's documented error body. */
const twilioError = (code: number, status: number, message: string) => ({
  code,
  message,
  more_info: `https://www.twilio.com/docs/errors/${code}`,
  status,
})

describe('TwilioSmsSender', () => {
  it('posts the Messages resource with basic auth and a form body, and returns the sid', async () => {
    twilio.handle(() => ({
      status: 201,
      body: { sid: 'SM0123456789abcdef0123456789abcdef', status: 'queued', account_sid: SID },
    }))
    const before = twilio.requests.length
    const result = await sender().send(request())
    expect(result).toEqual({ externalId: 'SM0123456789abcdef0123456789abcdef' })
    const sent = twilio.requests.slice(before)
    expect(sent).toHaveLength(1)
    expect(sent[0]!.method).toBe('POST')
    expect(sent[0]!.path).toBe(`/2010-04-01/Accounts/${SID}/Messages.json`)
    expect(sent[0]!.headers.authorization).toBe(`Basic ${Buffer.from(`${SID}:${TOKEN}`).toString('base64')}`)
    expect(sent[0]!.headers['content-type']).toMatch(/^application\/x-www-form-urlencoded/)
    expect(Object.fromEntries(new URLSearchParams(sent[0]!.body))).toEqual({
      To: '+15145550123',
      From: FROM,
      Body: request().body,
      StatusCallback: CALLBACK,
    })
  })

  it('sends from a messaging service when TWILIO_SMS_FROM is one', async () => {
    twilio.handle(() => ({ status: 201, body: { sid: 'SM1' } }))
    const service = 'MG0123456789abcdef0123456789abcdef'
    await sender(service).send(request())
    const form = new URLSearchParams(twilio.requests.at(-1)!.body)
    expect(form.get('MessagingServiceSid')).toBe(service)
    expect(form.has('From')).toBe(false)
  })

  it('a refusal is final and keeps only the code and status, not Twilio’s text naming the number', async () => {
    twilio.handle(() => ({
      status: 400,
      body: twilioError(21211, 400, "The 'To' number +15145550123 is not a valid phone number."),
    }))
    const failure = await sender()
      .send(request())
      .catch((error: unknown) => error)
    expect(failure).toBeInstanceOf(Error)
    expect(failure).not.toBeInstanceOf(RetryableSendError)
    expect((failure as Error).message).toBe('twilio 21211 (HTTP 400)')
  })

  it('429 with Retry-After and 5xx are worth a retry', async () => {
    twilio.handle(() => ({
      status: 429,
      headers: { 'retry-after': '7' },
      body: twilioError(20429, 429, 'Too Many Requests'),
    }))
    const limited = await sender()
      .send(request())
      .catch((error: unknown) => error)
    expect(limited).toBeInstanceOf(RetryableSendError)
    expect((limited as RetryableSendError).retryAfterSeconds).toBe(7)
    expect((limited as Error).message).toBe('twilio 20429 (HTTP 429)')

    twilio.handle(() => ({ status: 503, body: '<html>Service Unavailable</html>' }))
    const down = await sender()
      .send(request())
      .catch((error: unknown) => error)
    expect(down).toBeInstanceOf(RetryableSendError)
    expect((down as RetryableSendError).retryAfterSeconds).toBeNull()
    expect((down as Error).message).toBe('twilio error (HTTP 503)')
  })

  it('a network failure is worth a retry', async () => {
    const closed = await startFakeProvider()
    const url = closed.url
    await closed.close()
    const failure = await new TwilioSmsSender({
      apiBase: url,
      accountSid: SID,
      authToken: TOKEN,
      from: FROM,
      statusCallback: null,
    })
      .send(request())
      .catch((error: unknown) => error)
    expect(failure).toBeInstanceOf(RetryableSendError)
    expect((failure as Error).message).toBe('twilio network error')
  })

  it('an acceptance without a sid is final: sending again could reach the person twice', async () => {
    twilio.handle(() => ({ status: 201, body: { status: 'queued' } }))
    const failure = await sender()
      .send(request())
      .catch((error: unknown) => error)
    expect(failure).toBeInstanceOf(Error)
    expect(failure).not.toBeInstanceOf(RetryableSendError)
  })
})
