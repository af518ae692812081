import { createHash } from 'node:crypto'
import type { Env } from '../../config/env.ts'
import type { MediaItem } from '../intake.tables.ts'
import { GRAPH_VERSION } from './whatsapp.ts'

/** The media types kept from SMS/MMS and WhatsApp: pictures, voice notes, short videos, PDFs. */
export const allowedMediaTypes: ReadonlySet<string> = new Set([
  'image/jpeg',
  'image/png',
  'image/gif',
  'image/webp',
  'audio/ogg',
  'audio/mpeg',
  'audio/amr',
  'audio/mp4',
  'video/mp4',
  'application/pdf',
])

export type MediaRefusal = NonNullable<MediaItem['refused']>

/** A file not kept, and why. `transient`: the provider failed for now; trying again may work. */
export class MediaRefused extends Error {
  constructor(
    readonly reason: MediaRefusal,
    readonly transient = false,
  ) {
    super(`media refused: ${reason}`)
  }
}

export interface MediaConfig {
  maxBytes: number
  twilio: { apiBase: string; accountSid: string | null; authToken: string | null }
  whatsapp: { apiBase: string; accessToken: string | null }
  timeoutMs?: number
}

export function mediaConfig(
  env: Pick<
    Env,
    | 'RELAIS_MEDIA_MAX_BYTES'
    | 'TWILIO_API_BASE'
    | 'TWILIO_ACCOUNT_SID'
    | 'TWILIO_AUTH_TOKEN'
    | 'WHATSAPP_API_BASE'
    | 'WHATSAPP_ACCESS_TOKEN'
  >,
): MediaConfig {
  return {
    maxBytes: env.RELAIS_MEDIA_MAX_BYTES,
    twilio: {
      apiBase: env.TWILIO_API_BASE,
      accountSid: env.TWILIO_ACCOUNT_SID ?? null,
      authToken: env.TWILIO_AUTH_TOKEN ?? null,
    },
    whatsapp: { apiBase: env.WHATSAPP_API_BASE, accessToken: env.WHATSAPP_ACCESS_TOKEN ?? null },
  }
}

export interface FetchedMedia {
  contentType: string
  bytes: Buffer
}

/** One download (redirects included) may take this long. */
const MEDIA_TIMEOUT_MS = 30_000
const MAX_REDIRECTS = 3
const redirects = new Set([301, 302, 303, 307, 308])

/** A media type without its parameters, in lower case ("audio/ogg; codecs=opus" is audio/ogg). */
export function mediaTypeOf(header: string | null | undefined): string | null {
  const type = header?.split(';')[0]?.trim().toLowerCase()
  return type && /^[a-z0-9.+-]+\/[a-z0-9.+-]+$/.test(type) ? type : null
}

type Provider = 'twilio' | 'whatsapp'

/**
 * Whether a URL is one of the provider's own: its configured API base (a local stand-in in tests),
 * or over https on the default port, Twilio's api.twilio.com, *.twilio.com and *.twiliocdn.com
 * (where media redirects when HTTP auth on media is enforced), Meta's graph.facebook.com and
 * lookaside.fbsbx.com. A webhook names the URL, so anything else (a link to any host, an address
 * inside the network) is never requested.
 */
export function isProviderUrl(provider: Provider, url: URL, config: MediaConfig): boolean {
  if (url.username || url.password) return false
  const base = new URL(provider === 'twilio' ? config.twilio.apiBase : config.whatsapp.apiBase)
  if (url.origin === base.origin) return true
  if (url.protocol !== 'https:' || url.port !== '') return false
  const host = url.hostname.toLowerCase()
  if (provider === 'twilio') return host.endsWith('.twilio.com') || host.endsWith('.twiliocdn.com')
  return host === 'graph.facebook.com' || host === 'lookaside.fbsbx.com'
}

/** Whether the first bytes are those of the type claimed: a file is not taken for what it says only. */
export function looksLike(type: string, bytes: Buffer): boolean {
  const ascii = (at: number, text: string) => bytes.subarray(at, at + text.length).toString('latin1') === text
  switch (type) {
    case 'image/jpeg':
      return bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff
    case 'image/png':
      return ascii(0, '\x89PNG\r\n\x1a\n')
    case 'image/gif':
      return ascii(0, 'GIF87a') || ascii(0, 'GIF89a')
    case 'image/webp':
      return ascii(0, 'RIFF') && ascii(8, 'WEBP')
    case 'audio/ogg':
      return ascii(0, 'OggS')
    case 'audio/mpeg':
      return ascii(0, 'ID3') || (bytes[0] === 0xff && ((bytes[1] ?? 0) & 0xe0) === 0xe0)
    case 'audio/amr':
      return ascii(0, '#!AMR')
    case 'audio/mp4':
    case 'video/mp4':
      return ascii(4, 'ftyp')
    case 'application/pdf':
      return ascii(0, '%PDF-')
    default:
      return false
  }
}

/** Reads a body up to `maxBytes`, refusing (and cancelling the transfer) as soon as it is larger. */
async function readLimited(response: Response, maxBytes: number): Promise<Buffer> {
  const declared = Number(response.headers.get('content-length') ?? Number.NaN)
  if (declared > maxBytes) {
    await response.body?.cancel().catch(() => {})
    throw new MediaRefused('size')
  }
  if (!response.body) return Buffer.alloc(0)
  const reader = response.body.getReader()
  const chunks: Uint8Array[] = []
  let total = 0
  for (;;) {
    let chunk: ReadableStreamReadResult<Uint8Array>
    try {
      chunk = await reader.read()
    } catch {
      throw new MediaRefused('unavailable', true)
    }
    if (chunk.done) break
    total += chunk.value.byteLength
    if (total > maxBytes) {
      await reader.cancel().catch(() => {})
      throw new MediaRefused('size')
    }
    chunks.push(chunk.value)
  }
  return Buffer.concat(chunks)
}

async function request(url: URL, authorization: string | null, config: MediaConfig): Promise<Response> {
  try {
    return await fetch(url, {
      redirect: 'manual',
      headers: { accept: '*/*', 'user-agent': 'Relais', ...(authorization ? { authorization } : {}) },
      signal: AbortSignal.timeout(config.timeoutMs ?? MEDIA_TIMEOUT_MS),
    })
  } catch {
    throw new MediaRefused('unavailable', true)
  }
}

/** A failed answer: 429 and 5xx may pass, anything else (gone, forbidden) will not. */
async function unavailable(response: Response): Promise<never> {
  await response.body?.cancel().catch(() => {})
  throw new MediaRefused('unavailable', response.status === 429 || response.status >= 500)
}

/**
 * Downloads a file from the provider, following at most a few redirects, each to one of the
 * provider's own hosts; credentials go only where `credentials` says. The type must be allowed, the
 * size within the limit (counted while the bytes arrive), and the bytes must look like the type.
 */
async function download(
  provider: Provider,
  start: string,
  config: MediaConfig,
  credentials: (url: URL) => string | null,
): Promise<FetchedMedia> {
  let url: URL
  try {
    url = new URL(start)
  } catch {
    throw new MediaRefused('host')
  }
  for (let hop = 0; hop <= MAX_REDIRECTS; hop += 1) {
    if (!isProviderUrl(provider, url, config)) throw new MediaRefused('host')
    const response = await request(url, credentials(url), config)
    if (redirects.has(response.status)) {
      const location = response.headers.get('location')
      await response.body?.cancel().catch(() => {})
      if (!location) throw new MediaRefused('unavailable')
      try {
        url = new URL(location, url)
      } catch {
        throw new MediaRefused('host')
      }
      continue
    }
    if (!response.ok) return unavailable(response)
    const contentType = mediaTypeOf(response.headers.get('content-type'))
    if (!contentType || !allowedMediaTypes.has(contentType)) {
      await response.body?.cancel().catch(() => {})
      throw new MediaRefused('type')
    }
    const bytes = await readLimited(response, config.maxBytes)
    if (!looksLike(contentType, bytes)) throw new MediaRefused('type')
    return { contentType, bytes }
  }
  throw new MediaRefused('unavailable')
}

/** The type the provider announced, when it is not one we keep: refused before any download. */
function refuseDeclared(item: MediaItem, config: MediaConfig) {
  const declared = mediaTypeOf(item.type)
  if (item.type && (!declared || !allowedMediaTypes.has(declared))) throw new MediaRefused('type')
  if (item.size !== null && item.size > config.maxBytes) throw new MediaRefused('size')
}

/**
 * A Twilio media file (MediaUrlN): api.twilio.com answers with the file or redirects to its CDN.
 * HTTP basic auth (account SID and auth token) goes to the API host only; the CDN's URL is signed.
 */
export async function fetchTwilioMedia(item: MediaItem, config: MediaConfig): Promise<FetchedMedia> {
  refuseDeclared(item, config)
  if (!item.url) throw new MediaRefused('unavailable')
  const { accountSid, authToken, apiBase } = config.twilio
  const basic =
    accountSid && authToken ? `Basic ${Buffer.from(`${accountSid}:${authToken}`).toString('base64')}` : null
  const apiOrigin = new URL(apiBase).origin
  return download('twilio', item.url, config, (url) =>
    url.origin === apiOrigin || url.hostname === 'api.twilio.com' ? basic : null,
  )
}

/**
 * A WhatsApp media file: `GET /{media-id}` on the Graph API gives its URL (valid five minutes), type,
 * size and SHA-256; the URL is then fetched with the same bearer token. The bytes must match Meta's
 * checksum.
 */
export async function fetchWhatsAppMedia(item: MediaItem, config: MediaConfig): Promise<FetchedMedia> {
  refuseDeclared(item, config)
  const { accessToken, apiBase } = config.whatsapp
  if (!item.providerId || !accessToken) throw new MediaRefused('unavailable')
  const bearer = `Bearer ${accessToken}`
  const lookup = new URL(
    `${apiBase.replace(/\/+$/, '')}/${GRAPH_VERSION}/${encodeURIComponent(item.providerId)}`,
  )
  const response = await request(lookup, bearer, config)
  if (!response.ok) return unavailable(response)
  let info: { url?: unknown; mime_type?: unknown; sha256?: unknown; file_size?: unknown }
  try {
    info = (await response.json()) as typeof info
  } catch {
    throw new MediaRefused('unavailable', true)
  }
  if (typeof info.url !== 'string') throw new MediaRefused('unavailable')
  refuseDeclared(
    {
      ...item,
      type: typeof info.mime_type === 'string' ? info.mime_type : item.type,
      size: typeof info.file_size === 'number' ? info.file_size : item.size,
    },
    config,
  )
  const media = await download('whatsapp', info.url, config, () => bearer)
  if (typeof info.sha256 === 'string' && /^[0-9a-f]{64}$/i.test(info.sha256)) {
    const actual = createHash('sha256').update(media.bytes).digest('hex')
    if (actual !== info.sha256.toLowerCase()) throw new MediaRefused('checksum')
  }
  return media
}
