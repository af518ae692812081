import { createHash, randomBytes } from 'node:crypto'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { engines } from '../../../test/support/database.ts'
import { createSecrets } from '../../crypto/secrets.ts'
import type { Database } from '../../db/database.ts'
import { IntakeBus } from '../events.ts'
import type { MediaItem } from '../intake.tables.ts'
import { type FakeProvider, type FakeReply, startFakeProvider } from './fake-provider.ts'
import { receiveMessage, testPhone, testSid } from './fixtures.ts'
import { isProviderUrl, looksLike, type MediaConfig } from './media.ts'
import { MediaFetcher } from './media-fetcher.ts'

const ACCOUNT = 'AC0123456789abcdef0123456789abcdef'
const TOKEN = 'twilio_test_token_0123456789abcdef'
const WA_TOKEN = 'EAAG_whatsapp_test_token_0123456789'
const MAX = 64 * 1024
const secrets = createSecrets([randomBytes(32)])

const png = (size = 2048) =>
  Buffer.concat([Buffer.from('\x89PNG\r\n\x1a\n', 'latin1'), randomBytes(size - 8)])
const jpeg = (size = 2048) => Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), randomBytes(size - 4)])

describe('media hosts and signatures', () => {
  const config: MediaConfig = {
    maxBytes: MAX,
    twilio: { apiBase: 'https://api.twilio.com', accountSid: null, authToken: null },
    whatsapp: { apiBase: 'https://graph.facebook.com', accessToken: null },
  }
  const twilioOk = (url: string) => isProviderUrl('twilio', new URL(url), config)
  const metaOk = (url: string) => isProviderUrl('whatsapp', new URL(url), config)

  it('accepts only the providers’ own hosts, over https on the default port', () => {
    expect(twilioOk('https://api.twilio.com/2010-04-01/Accounts/AC1/Messages/MM1/Media/ME1')).toBe(true)
    expect(twilioOk('https://mms.twiliocdn.com/AC1/abc')).toBe(true)
    expect(twilioOk('https://media.twilio.com/x')).toBe(true)
    expect(twilioOk('http://api.twilio.com/x')).toBe(false)
    expect(twilioOk('https://api.twilio.com:8443/x')).toBe(false)
    expect(twilioOk('https://api.twilio.com.evil.example/x')).toBe(false)
    expect(twilioOk('https://eviltwilio.com/x')).toBe(false)
    expect(twilioOk('https://user:pass@api.twilio.com/x')).toBe(false)
    expect(twilioOk('https://s3-external-1.amazonaws.com/media.twiliocdn.com/x')).toBe(false)
    expect(twilioOk('https://lookaside.fbsbx.com/x')).toBe(false)
    expect(metaOk('https://graph.facebook.com/v21.0/123')).toBe(true)
    expect(metaOk('https://lookaside.fbsbx.com/whatsapp_business/attachments/?mid=1')).toBe(true)
    expect(metaOk('https://evil.fbsbx.com/x')).toBe(false)
    expect(metaOk('https://api.twilio.com/x')).toBe(false)
  })

  it('accepts the configured API base, whatever its scheme, for a local stand-in', () => {
    const local = { ...config, twilio: { ...config.twilio, apiBase: 'http://127.0.0.1:4010' } }
    expect(isProviderUrl('twilio', new URL('http://127.0.0.1:4010/Media/ME1'), local)).toBe(true)
    expect(isProviderUrl('twilio', new URL('http://127.0.0.1:4011/Media/ME1'), local)).toBe(false)
  })

  it('knows each allowed type by its first bytes', () => {
    expect(looksLike('image/png', png())).toBe(true)
    expect(looksLike('image/jpeg', jpeg())).toBe(true)
    expect(looksLike('image/png', jpeg())).toBe(false)
    expect(looksLike('application/pdf', Buffer.from('%PDF-1.7\n'))).toBe(true)
    expect(looksLike('audio/ogg', Buffer.from('OggS\0\x02'))).toBe(true)
    expect(looksLike('video/mp4', Buffer.from('\0\0\0\x20ftypisom'))).toBe(true)
    expect(looksLike('image/gif', Buffer.from('<html>'))).toBe(false)
  })
})

describe.each(engines)('inbound media on $engine', ({ open }) => {
  let database: Database
  let bus: IntakeBus
  let twilio: FakeProvider
  let meta: FakeProvider
  let foreign: FakeProvider
  let fetcher: MediaFetcher | null = null
  /** What each path of the stand-ins answers. */
  const routes = new Map<string, () => FakeReply>()
  const deps = () => ({ database, secrets })

  beforeAll(async () => {
    database = await open()
    bus = new IntakeBus()
    await bus.start(database)
    const serve = (path: string) => routes.get(path)?.() ?? { status: 404, body: { code: 20404 } }
    twilio = await startFakeProvider((request) => serve(request.path))
    meta = await startFakeProvider((request) => serve(request.path))
    foreign = await startFakeProvider(() => ({
      status: 200,
      headers: { 'content-type': 'image/png' },
      body: png(),
    }))
  })
  afterEach(async () => {
    await fetcher?.stop()
    fetcher = null
  })
  afterAll(async () => {
    await bus.stop()
    await database.close()
    await Promise.all([twilio.close(), meta.close(), foreign.close()])
  })

  function startFetcher() {
    fetcher = new MediaFetcher({
      database,
      secrets,
      bus,
      config: {
        maxBytes: MAX,
        twilio: { apiBase: twilio.url, accountSid: ACCOUNT, authToken: TOKEN },
        whatsapp: { apiBase: meta.url, accessToken: WA_TOKEN },
      },
      retryDelaysMs: [10, 10],
    })
    fetcher.start()
    return fetcher
  }

  const mediaPath = () => `/2010-04-01/Accounts/${ACCOUNT}/Messages/${testSid('MM')}/Media/${testSid('ME')}`
  const twilioItem = (url: string, type: string | null = 'image/png'): MediaItem => ({
    type,
    size: null,
    url,
    providerId: null,
  })
  const mediaOf = async (messageId: string) =>
    (
      await database.db
        .selectFrom('intake_message')
        .select('media')
        .where('id', '=', messageId)
        .executeTakeFirstOrThrow()
    ).media
  const settled = (messageId: string) =>
    expect
      .poll(async () => (await mediaOf(messageId)).every((item) => item.attachmentId || item.refused))
      .toBe(true)
  const attachments = (messageId: string) =>
    database.db.selectFrom('intake_attachment').selectAll().where('message_id', '=', messageId).execute()
  const hits = (provider: FakeProvider, path: string) =>
    provider.requests.filter((request) => request.path.startsWith(path)).length

  async function receiveSms(media: MediaItem[]) {
    return receiveMessage(deps(), { channel: 'sms', from: testPhone(), body: null, media })
  }

  it('stores an allowed Twilio image sealed, following the redirect to the CDN', async () => {
    const bytes = png()
    const path = mediaPath()
    routes.set(path, () => ({ status: 307, headers: { location: `/cdn${path}?signature=abc` } }))
    routes.set(`/cdn${path}?signature=abc`, () => ({
      status: 200,
      headers: { 'content-type': 'image/png' },
      body: bytes,
    }))
    startFetcher()
    const { messageId } = await receiveSms([twilioItem(`${twilio.url}${path}`)])
    await settled(messageId)
    const [stored, ...others] = await attachments(messageId)
    expect(others).toEqual([])
    expect(stored).toMatchObject({
      content_type: 'image/png',
      size_bytes: bytes.length,
      sha256: createHash('sha256').update(bytes).digest('hex'),
    })
    expect(stored!.content_sealed).not.toContain(bytes.toString('base64').slice(0, 40))
    expect(Buffer.from(secrets.open(stored!.content_sealed), 'base64').equals(bytes)).toBe(true)
    const [item] = await mediaOf(messageId)
    expect(item).toEqual({
      type: 'image/png',
      size: null,
      url: `${twilio.url}${path}`,
      providerId: null,
      attachmentId: stored!.id,
    })
    const first = twilio.requests.find((request) => request.path === path)!
    expect(first.method).toBe('GET')
    expect(first.headers.authorization).toBe(`Basic ${Buffer.from(`${ACCOUNT}:${TOKEN}`).toString('base64')}`)
  })

  it('refuses a foreign host without a request, also when a redirect points there', async () => {
    startFetcher()
    const direct = await receiveSms([twilioItem(`${foreign.url}/picture.png`)])
    const path = mediaPath()
    routes.set(path, () => ({ status: 302, headers: { location: `${foreign.url}/elsewhere.png` } }))
    const redirected = await receiveSms([twilioItem(`${twilio.url}${path}`)])
    await settled(direct.messageId)
    await settled(redirected.messageId)
    expect((await mediaOf(direct.messageId))[0]!.refused).toBe('host')
    expect((await mediaOf(redirected.messageId))[0]!.refused).toBe('host')
    expect(foreign.requests).toEqual([])
    expect(await attachments(direct.messageId)).toEqual([])
    expect(await attachments(redirected.messageId)).toEqual([])
  })

  it('refuses a file over the limit, said up front or found while streaming', async () => {
    const declared = mediaPath()
    routes.set(declared, () => ({
      status: 200,
      headers: { 'content-type': 'image/png' },
      body: png(MAX + 1),
    }))
    const streamed = mediaPath()
    routes.set(streamed, () => ({
      status: 200,
      headers: { 'content-type': 'image/png' },
      chunks: [png(16 * 1024), ...Array.from({ length: 8 }, () => randomBytes(16 * 1024))],
    }))
    startFetcher()
    const first = await receiveSms([
      twilioItem(`${twilio.url}${declared}`),
      twilioItem(`${twilio.url}${streamed}`),
    ])
    await settled(first.messageId)
    expect((await mediaOf(first.messageId)).map((item) => item.refused)).toEqual(['size', 'size'])
    expect(await attachments(first.messageId)).toEqual([])
  })

  it('refuses a type not allowed, announced or hidden behind an allowed one', async () => {
    const announced = mediaPath()
    routes.set(announced, () => ({ status: 200, headers: { 'content-type': 'text/html' }, body: '<html>' }))
    const disguised = mediaPath()
    routes.set(disguised, () => ({
      status: 200,
      headers: { 'content-type': 'image/png' },
      body: '<html>hi</html>',
    }))
    const served = mediaPath()
    routes.set(served, () => ({
      status: 200,
      headers: { 'content-type': 'application/x-msdownload' },
      body: 'MZ',
    }))
    startFetcher()
    const { messageId } = await receiveSms([
      twilioItem(`${twilio.url}${announced}`, 'text/html'),
      twilioItem(`${twilio.url}${disguised}`),
      twilioItem(`${twilio.url}${served}`),
    ])
    await settled(messageId)
    expect((await mediaOf(messageId)).map((item) => item.refused)).toEqual(['type', 'type', 'type'])
    expect(hits(twilio, announced)).toBe(0)
    expect(await attachments(messageId)).toEqual([])
  })

  it('tries again when the provider fails for now; a missing file is unavailable', async () => {
    const flaky = mediaPath()
    let calls = 0
    const bytes = jpeg()
    routes.set(flaky, () =>
      ++calls === 1
        ? { status: 503, body: 'busy' }
        : { status: 200, headers: { 'content-type': 'image/jpeg' }, body: bytes },
    )
    const gone = mediaPath()
    startFetcher()
    const { messageId } = await receiveSms([
      twilioItem(`${twilio.url}${flaky}`, 'image/jpeg'),
      twilioItem(`${twilio.url}${gone}`),
    ])
    await settled(messageId)
    const [stored, missing] = await mediaOf(messageId)
    expect(stored!.attachmentId).toBeDefined()
    expect(missing!.refused).toBe('unavailable')
    expect(hits(twilio, flaky)).toBe(2)
    expect(hits(twilio, gone)).toBe(1)
  })

  it('fetches WhatsApp media through the Graph API with the bearer token, checking Meta’s checksum', async () => {
    const bytes = jpeg()
    const good = testSid('1')
    const tampered = testSid('2')
    for (const [id, sha256] of [
      [good, createHash('sha256').update(bytes).digest('hex')],
      [tampered, '0'.repeat(64)],
    ] as const) {
      routes.set(`/v21.0/${id}`, () => ({
        status: 200,
        body: {
          messaging_product: 'whatsapp',
          url: `${meta.url}/whatsapp_business/attachments/?mid=${id}`,
          mime_type: 'image/jpeg',
          sha256,
          file_size: bytes.length,
          id,
        },
      }))
      routes.set(`/whatsapp_business/attachments/?mid=${id}`, () => ({
        status: 200,
        headers: { 'content-type': 'image/jpeg' },
        body: bytes,
      }))
    }
    startFetcher()
    const item = (id: string): MediaItem => ({
      type: 'image/jpeg',
      size: bytes.length,
      url: null,
      providerId: id,
    })
    const { messageId } = await receiveMessage(deps(), {
      channel: 'whatsapp',
      from: testPhone(),
      body: null,
      media: [item(good), item(tampered)],
    })
    await settled(messageId)
    const [kept, refused] = await mediaOf(messageId)
    expect(refused!.refused).toBe('checksum')
    const [stored, ...others] = await attachments(messageId)
    expect(others).toEqual([])
    expect(stored!.id).toBe(kept!.attachmentId)
    expect(Buffer.from(secrets.open(stored!.content_sealed), 'base64').equals(bytes)).toBe(true)
    const calls = meta.requests.filter((request) => request.path.includes(good))
    expect(calls.map((request) => request.path)).toEqual([
      `/v21.0/${good}`,
      `/whatsapp_business/attachments/?mid=${good}`,
    ])
    expect(calls.every((request) => request.headers.authorization === `Bearer ${WA_TOKEN}`)).toBe(true)
  })

  it('refuses WhatsApp media larger than the limit before downloading it', async () => {
    const id = testSid('3')
    routes.set(`/v21.0/${id}`, () => ({
      status: 200,
      body: { url: `${meta.url}/big/${id}`, mime_type: 'video/mp4', file_size: MAX * 10, id },
    }))
    startFetcher()
    const { messageId } = await receiveMessage(deps(), {
      channel: 'whatsapp',
      from: testPhone(),
      body: null,
      media: [{ type: 'video/mp4', size: null, url: null, providerId: id }],
    })
    await settled(messageId)
    expect((await mediaOf(messageId))[0]!.refused).toBe('size')
    expect(hits(meta, `/big/${id}`)).toBe(0)
  })

  it('at start, fetches media a message received while no fetcher ran', async () => {
    const path = mediaPath()
    routes.set(path, () => ({ status: 200, headers: { 'content-type': 'image/png' }, body: png() }))
    const { messageId } = await receiveSms([twilioItem(`${twilio.url}${path}`)])
    expect((await mediaOf(messageId))[0]!.attachmentId).toBeUndefined()
    startFetcher()
    await settled(messageId)
    expect(await attachments(messageId)).toHaveLength(1)
  })

  it('leaves a provider’s media alone without its credentials', async () => {
    const path = mediaPath()
    routes.set(path, () => ({ status: 200, headers: { 'content-type': 'image/png' }, body: png() }))
    const whatsappOnly = new MediaFetcher({
      database,
      secrets,
      bus,
      config: {
        maxBytes: MAX,
        twilio: { apiBase: twilio.url, accountSid: null, authToken: null },
        whatsapp: { apiBase: meta.url, accessToken: WA_TOKEN },
      },
    })
    const { messageId } = await receiveSms([twilioItem(`${twilio.url}${path}`)])
    await whatsappOnly.fetchMessage(messageId)
    expect(hits(twilio, path)).toBe(0)
    expect(await mediaOf(messageId)).toEqual([twilioItem(`${twilio.url}${path}`)])
  })

  it('stopping while waiting to try again gives the item back for the next start', async () => {
    const path = mediaPath()
    let up = false
    routes.set(path, () =>
      up
        ? { status: 200, headers: { 'content-type': 'image/png' }, body: png() }
        : { status: 502, body: 'down' },
    )
    const patient = new MediaFetcher({
      database,
      secrets,
      bus,
      config: {
        maxBytes: MAX,
        twilio: { apiBase: twilio.url, accountSid: ACCOUNT, authToken: TOKEN },
        whatsapp: { apiBase: meta.url, accessToken: null },
      },
      retryDelaysMs: [600_000],
    })
    patient.start()
    const { messageId } = await receiveSms([twilioItem(`${twilio.url}${path}`)])
    await expect.poll(() => hits(twilio, path)).toBe(1)
    await patient.stop()
    expect(await mediaOf(messageId)).toEqual([twilioItem(`${twilio.url}${path}`)])
    up = true
    startFetcher()
    await settled(messageId)
    expect(await attachments(messageId)).toHaveLength(1)
  })

  it('two fetchers hearing the same message store its file once', async () => {
    const path = mediaPath()
    routes.set(path, () => ({ status: 200, headers: { 'content-type': 'image/png' }, body: png() }))
    const other = startFetcher()
    const { messageId } = await receiveSms([twilioItem(`${twilio.url}${path}`)])
    await Promise.all([other.fetchMessage(messageId), other.fetchMessage(messageId)])
    await settled(messageId)
    expect(await attachments(messageId)).toHaveLength(1)
    expect(hits(twilio, path)).toBe(1)
  })
})
