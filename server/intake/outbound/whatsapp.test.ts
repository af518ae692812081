import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type FakeProvider, startFakeProvider } from './fake-provider.ts'
import { type OutboundRequest, RetryableSendError } from './sender.ts'
import { WhatsAppSender } from './whatsapp.ts'

const TOKEN = 'EAAG_whatsapp_test_token_0123456789'
const PHONE_ID = '106540352242922'

let meta: FakeProvider
beforeAll(async () => {
  meta = await startFakeProvider()
})
afterAll(() => meta.close())

const request: OutboundRequest = {
  outboxId: '00000000-0000-4000-8000-000000000001',
  messageId: '00000000-0000-4000-8000-000000000002',
  signalId: '00000000-0000-4000-8000-000000000003',
  channel: 'whatsapp',
  to: '+15145550123',
  body: 'We are here for you.',
  attempt: 1,
}

const sender = () => new WhatsAppSender({ apiBase: meta.url, accessToken: TOKEN, phoneNumberId: PHONE_ID })

/** Graph's documented error body. */
const graphError = (code: number, message: string) => ({
  error: {
    message,
    type: 'OAuthException',
    code,
    error_data: { messaging_product: 'whatsapp', details: message },
    fbtrace_id: 'Az8or2yhqkZfEZ-_4Qn_Bam',
  },
})

describe('WhatsAppSender', () => {
  it('posts a text message with the bearer token and returns the wamid', async () => {
    const wamid = 'wamid.HBgLMTUxNDU1NTAxMjMVAgARGBI5QTNDQTVCM0Q0Q0Q2RTY3RTcA'
    meta.handle(() => ({
      status: 200,
      body: {
        messaging_product: 'whatsapp',
        contacts: [{ input: '15145550123', wa_id: '15145550123' }],
        messages: [{ id: wamid }],
      },
    }))
    const before = meta.requests.length
    expect(await sender().send(request)).toEqual({ externalId: wamid })
    const sent = meta.requests.slice(before)
    expect(sent).toHaveLength(1)
    expect(sent[0]!.method).toBe('POST')
    expect(sent[0]!.path).toBe(`/v21.0/${PHONE_ID}/messages`)
    expect(sent[0]!.headers.authorization).toBe(`Bearer ${TOKEN}`)
    expect(sent[0]!.headers['content-type']).toBe('application/json')
    expect(JSON.parse(sent[0]!.body)).toEqual({
      messaging_product: 'whatsapp',
      to: '15145550123',
      type: 'text',
      text: { body: 'We are here for you.' },
    })
  })

  it('outside the 24-hour window (131047) is final, with only the code kept', async () => {
    meta.handle(() => ({ status: 400, body: graphError(131047, 'Re-engagement message +15145550123') }))
    const failure = await sender()
      .send(request)
      .catch((error: unknown) => error)
    expect(failure).toBeInstanceOf(Error)
    expect(failure).not.toBeInstanceOf(RetryableSendError)
    expect((failure as Error).message).toBe('whatsapp 131047 (HTTP 400)')
  })

  it('rate limits are worth a retry, even answered 400; so are 5xx', async () => {
    meta.handle(() => ({ status: 400, body: graphError(130429, 'Rate limit hit') }))
    const limited = await sender()
      .send(request)
      .catch((error: unknown) => error)
    expect(limited).toBeInstanceOf(RetryableSendError)
    meta.handle(() => ({
      status: 429,
      headers: { 'retry-after': '3' },
      body: graphError(80007, 'Rate limit'),
    }))
    const throttled = await sender()
      .send(request)
      .catch((error: unknown) => error)
    expect((throttled as RetryableSendError).retryAfterSeconds).toBe(3)
    meta.handle(() => ({ status: 500, body: graphError(131000, 'Something went wrong') }))
    expect(
      await sender()
        .send(request)
        .catch((error: unknown) => error),
    ).toBeInstanceOf(RetryableSendError)
  })

  it('an answer without messages[0].id is final', async () => {
    meta.handle(() => ({ status: 200, body: { messaging_product: 'whatsapp', messages: [] } }))
    const failure = await sender()
      .send(request)
      .catch((error: unknown) => error)
    expect(failure).not.toBeInstanceOf(RetryableSendError)
    expect((failure as Error).message).toMatch(/without a message id/)
  })
})
