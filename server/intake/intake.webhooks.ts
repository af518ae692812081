import { createHash, createHmac, timingSafeEqual } from 'node:crypto'
import type { FastifyRequest } from 'fastify'
import { z } from 'zod'
import type { FieldError } from '../../common/contracts/errors.ts'
import type { Env } from '../config/env.ts'
import type { AppDeps, ZodApp } from '../http/app.ts'
import { AppError, forbidden, invalidField } from '../http/errors.ts'
import {
  type InboundEvent,
  type InboundMessage,
  type IntakeDeps,
  normalisePhone,
  type RecordOutcome,
  recordInboundEvent,
  type StatusReport,
} from './intake.service.ts'
import type { DeliveryStatus, MediaItem } from './intake.tables.ts'
import { routingPolicy } from './signals.ts'
import { type FormParams, isValidTwilioSignature, parseForm } from './twilio-signature.ts'

/** Longest message body accepted (WhatsApp allows 4096 characters, SMS 1600). */
export const MAX_BODY_CHARS = 4096

/**
 * A request body kept exactly as received, for signature checks. Its text is private, so nothing
 * walks over it (or logs it) before the signature has been verified.
 */
class RawBody {
  readonly #bytes: Buffer
  constructor(bytes: Buffer) {
    this.#bytes = bytes
  }
  get bytes(): Buffer {
    return this.#bytes
  }
}

function rawBodyOf(request: FastifyRequest): Buffer {
  return request.body instanceof RawBody ? request.body.bytes : Buffer.alloc(0)
}

function sameBytes(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && timingSafeEqual(a, b)
}

/**
 * The URLs the provider may have signed for this request: the one under RELAIS_PUBLIC_URL when set,
 * and the one rebuilt from the request itself (with RELAIS_TRUST_PROXY, Fastify takes scheme and host
 * from X-Forwarded-Proto and X-Forwarded-Host, so a TLS-terminating proxy does not change it). Either
 * is an HMAC under the same secret; trying both keeps a webhook configured on another host name from
 * being refused.
 */
export function requestedUrls(request: FastifyRequest, env: Env): string[] {
  const direct = `${request.protocol}://${request.host}${request.url}`
  if (!env.RELAIS_PUBLIC_URL) return [direct]
  const base = new URL(env.RELAIS_PUBLIC_URL)
  const configured = `${base.origin}${base.pathname.replace(/\/+$/, '')}${request.url}`
  return configured === direct ? [configured] : [configured, direct]
}

export const providerId = z.string().regex(/^[\x21-\x7e]{1,256}$/, 'invalid')
export const sender = z
  .string()
  .trim()
  .min(1)
  .max(64)
  .regex(/^[\x20-\x7e]+$/, 'invalid')

/** Text bound for a plain column or jsonb, neither of which can hold U+0000. */
const storable = (value: string, max: number) => value.replaceAll('\u0000', '').slice(0, max)

/** An optional detail the provider may add: kept when it is a string, never a reason to refuse. */
const looseText = z
  .unknown()
  .optional()
  .transform((value) => (typeof value === 'string' ? storable(value, 200) : null))

function zodFields(error: z.ZodError): FieldError[] {
  return error.issues.map((issue) => {
    const path = issue.path.map(String).join('.') || '(root)'
    const missing = issue.code === 'invalid_type' && /received undefined/.test(issue.message)
    if (missing) return { path, code: 'required', message: '' }
    if (issue.code === 'too_big' || issue.code === 'too_small') {
      const bound =
        issue.code === 'too_big' ? { maximum: Number(issue.maximum) } : { minimum: Number(issue.minimum) }
      return { path, code: issue.code, message: '', values: { ...bound, origin: issue.origin } }
    }
    if (issue.code === 'invalid_value') return { path, code: 'invalid_value', message: '' }
    return { path, code: 'invalid', message: '' }
  })
}

export function parseOrThrow<T>(schema: z.ZodType<T>, value: unknown): T {
  const parsed = schema.safeParse(value)
  if (!parsed.success) throw new AppError('validation_failed', 400, { fields: zodFields(parsed.error) })
  return parsed.data
}

function throttled(outcome: RecordOutcome) {
  const seconds = outcome.throttledForSeconds
  if (seconds === null) return undefined
  return new AppError('rate_limited', 429, { values: { seconds }, retryAfterSeconds: seconds })
}

// --- Twilio (SMS, and WhatsApp through Twilio) ---------------------------------------------------

const twilioStatuses: Record<string, DeliveryStatus> = {
  accepted: 'queued',
  scheduled: 'queued',
  queued: 'queued',
  sending: 'queued',
  sent: 'sent',
  delivered: 'delivered',
  read: 'read',
  undelivered: 'undelivered',
  failed: 'failed',
  canceled: 'failed',
}

export const single = (schema: z.ZodType<string>) =>
  z.preprocess((value) => (Array.isArray(value) ? value[0] : value), schema)

const twilioMessage = z.object({
  MessageSid: single(providerId),
  From: single(sender),
  Body: single(z.string().max(MAX_BODY_CHARS)).optional(),
  NumMedia: single(z.string().regex(/^\d{1,2}$/, 'invalid')).optional(),
  MessageStatus: single(z.string().regex(/^[A-Za-z_-]{1,40}$/, 'invalid')).optional(),
  ErrorCode: single(z.string().regex(/^[\x20-\x7e]{1,40}$/, 'invalid')).optional(),
})

/** Parses a verified Twilio form into the event it carries. */
export function twilioEvent(params: FormParams, raw: string, receivedAt = new Date()): InboundEvent {
  const form = parseOrThrow(twilioMessage, params)
  const status = form.MessageStatus?.toLowerCase()
  if (status && status !== 'received' && status !== 'receiving') {
    const mapped = twilioStatuses[status]
    const statuses: StatusReport[] = mapped
      ? [{ externalId: form.MessageSid, status: mapped, at: receivedAt, error: form.ErrorCode ?? null }]
      : []
    return {
      provider: 'twilio',
      externalId: `${form.MessageSid}:${status}`,
      kind: 'status',
      payload: raw,
      messages: [],
      statuses,
    }
  }
  const whatsapp = /^whatsapp:/i.test(form.From)
  const address = normalisePhone(form.From.replace(/^whatsapp:/i, ''))
  const media: MediaItem[] = []
  const count = Math.min(Number(form.NumMedia ?? '0'), 10)
  for (let index = 0; index < count; index += 1) {
    const url = params[`MediaUrl${index}`]
    const type = params[`MediaContentType${index}`]
    media.push({
      type: typeof type === 'string' ? storable(type, 200) : null,
      size: null,
      url: typeof url === 'string' ? storable(url, 2000) : null,
      providerId: null,
    })
  }
  const body = form.Body && form.Body.length > 0 ? form.Body : null
  return {
    provider: 'twilio',
    externalId: form.MessageSid,
    kind: 'message',
    payload: raw,
    statuses: [],
    messages: [
      {
        externalId: form.MessageSid,
        channel: whatsapp ? 'whatsapp' : 'sms',
        contact: { kind: whatsapp ? 'whatsapp' : 'phone', address, displayName: null },
        body,
        kind: media.length > 0 ? 'media' : 'text',
        media,
        providerSentAt: null,
      },
    ],
  }
}

// --- WhatsApp Cloud API --------------------------------------------------------------------------

const epochSeconds = z.string().regex(/^\d{1,12}$/, 'invalid')
const waMedia = z.object({
  id: providerId,
  mime_type: looseText,
  file_size: z
    .unknown()
    .optional()
    .transform((value) => (Number.isSafeInteger(value) ? (value as number) : null)),
  caption: z.string().max(MAX_BODY_CHARS).optional(),
})
const mediaTypes = ['image', 'audio', 'video', 'document', 'sticker'] as const
const waMessage = z.object({
  id: providerId,
  from: sender,
  timestamp: epochSeconds,
  type: z.string().transform((value) => (/^[a-z_]{1,40}$/.test(value) ? value : 'unknown')),
  text: z.object({ body: z.string().max(MAX_BODY_CHARS) }).optional(),
  image: waMedia.optional(),
  audio: waMedia.optional(),
  video: waMedia.optional(),
  document: waMedia.optional(),
  sticker: waMedia.optional(),
  button: z.object({ text: z.string().max(MAX_BODY_CHARS).optional() }).optional(),
})
const waStatus = z.object({
  id: providerId,
  status: z.string(),
  timestamp: epochSeconds,
  errors: z.array(z.object({ code: z.unknown(), title: looseText })).optional(),
})
const waPayload = z.object({
  object: z.literal('whatsapp_business_account'),
  entry: z.array(
    z.object({
      changes: z.array(
        z.object({
          field: z.string().optional(),
          value: z.object({
            contacts: z
              .array(
                z.object({
                  wa_id: z.string().optional(),
                  profile: z.object({ name: z.string().max(256).optional() }).optional(),
                }),
              )
              .optional(),
            messages: z.array(waMessage).optional(),
            statuses: z.array(waStatus).optional(),
          }),
        }),
      ),
    }),
  ),
})

const waStatuses: Record<string, DeliveryStatus> = {
  sent: 'sent',
  delivered: 'delivered',
  read: 'read',
  failed: 'failed',
}

/** Parses a verified WhatsApp Cloud API notification into the event it carries. */
export function whatsappEvent(raw: string): InboundEvent {
  let json: unknown
  try {
    json = JSON.parse(raw)
  } catch {
    throw new AppError('malformed_json', 400)
  }
  const payload = parseOrThrow(waPayload, json)
  const messages: InboundMessage[] = []
  const statuses: StatusReport[] = []
  payload.entry.forEach((entry, e) => {
    entry.changes.forEach((change, c) => {
      const value = change.value
      value.messages?.forEach((message, m) => {
        const at = `entry.${e}.changes.${c}.value.messages.${m}`
        const profile =
          value.contacts?.find((contact) => contact.wa_id === message.from) ??
          (value.contacts?.length === 1 ? value.contacts[0] : undefined)
        let body: string | null = null
        const media: MediaItem[] = []
        if (message.type === 'text') {
          if (!message.text) throw invalidField(`${at}.text.body`, 'required')
          body = message.text.body
        } else if ((mediaTypes as readonly string[]).includes(message.type)) {
          const item = message[message.type as (typeof mediaTypes)[number]]
          if (!item) throw invalidField(`${at}.${message.type}.id`, 'required')
          media.push({
            type: item.mime_type ?? null,
            size: item.file_size,
            url: null,
            providerId: item.id,
          })
          body = item.caption ?? null
        } else if (message.type === 'button') {
          body = message.button?.text ?? null
        }
        // Other kinds (location, contacts, interactive, reaction...) keep their content in the event.
        messages.push({
          externalId: message.id,
          channel: 'whatsapp',
          contact: {
            kind: 'whatsapp',
            address: normalisePhone(message.from),
            displayName: profile?.profile?.name ?? null,
          },
          body: body && body.length > 0 ? body : null,
          kind: message.type,
          media,
          providerSentAt: new Date(Number(message.timestamp) * 1000),
        })
      })
      for (const status of value.statuses ?? []) {
        const mapped = waStatuses[status.status]
        if (!mapped) continue
        const error = status.errors?.[0]
        statuses.push({
          externalId: status.id,
          status: mapped,
          at: new Date(Number(status.timestamp) * 1000),
          error: error
            ? typeof error.code === 'number' || typeof error.code === 'string'
              ? storable(String(error.code), 40)
              : (error.title ?? 'unknown')
            : null,
        })
      }
    })
  })
  const items = [
    ...messages.map((message) => message.externalId),
    ...statuses.map((status) => `${status.externalId}:${status.status}`),
  ].join(',')
  const digest = (text: string) => `sha256:${createHash('sha256').update(text).digest('hex')}`
  const externalId = items.length === 0 ? digest(raw) : items.length > 200 ? digest(items) : items
  return {
    provider: 'whatsapp',
    externalId,
    kind: messages.length > 0 ? 'message' : statuses.length > 0 ? 'status' : 'other',
    payload: raw,
    messages,
    statuses,
  }
}

/** Whether X-Hub-Signature-256 is `sha256=` and the HMAC-SHA256 of the raw body under the app secret. */
export function isValidMetaSignature(appSecret: string, header: string | undefined, raw: Buffer): boolean {
  const match = /^sha256=([0-9a-f]{64})$/i.exec(header ?? '')
  if (!match) return false
  const expected = createHmac('sha256', appSecret).update(raw).digest()
  return sameBytes(Buffer.from(match[1]!, 'hex'), expected)
}

// --- Routes --------------------------------------------------------------------------------------

const EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response/>'

/** Keeps a scope's bodies raw: signatures are over the exact bytes (JSON) or the parameters (forms). */
export function keepRawBodies(app: ZodApp) {
  app.removeContentTypeParser('application/json')
  app.addContentTypeParser(
    ['application/json', 'application/x-www-form-urlencoded'],
    { parseAs: 'buffer' },
    (_request, body, done) => {
      done(null, new RawBody(body as Buffer))
    },
  )
}

/**
 * The form a Twilio webhook posted, once its X-Twilio-Signature proved Twilio sent it: 503 without the
 * auth token (nothing unverified is accepted), 403 logged without the body when the signature fails.
 */
export function verifiedTwilioForm(request: FastifyRequest, env: Env): { raw: string; params: FormParams } {
  const token = env.TWILIO_AUTH_TOKEN
  if (!token) throw new AppError('service_unavailable', 503)
  const raw = rawBodyOf(request).toString('utf8')
  const params = parseForm(raw)
  const header = request.headers['x-twilio-signature']
  const signature = typeof header === 'string' ? header : undefined
  const urls = requestedUrls(request, env)
  if (!urls.some((url) => isValidTwilioSignature(token, signature, url, params))) {
    request.log.warn({ provider: 'twilio' }, 'webhook signature rejected')
    throw forbidden()
  }
  return { raw, params }
}

/**
 * The providers' webhooks. Each request is verified against its signature before its body is read;
 * what it carries is committed before the 2xx, and a redelivery changes nothing.
 */
export async function registerWebhookRoutes(app: ZodApp, deps: AppDeps) {
  const { env } = deps
  const intake: IntakeDeps = {
    database: deps.database,
    secrets: deps.secrets,
    senderPerMinute: env.RELAIS_INTAKE_SENDER_PER_MINUTE,
    policy: routingPolicy(env),
    defaultLanguage: env.RELAIS_INTAKE_LANGUAGE,
  }
  keepRawBodies(app)

  const providerAudit = (request: FastifyRequest, provider: string) => ({
    ...request.auditContext,
    actorLabel: provider,
  })

  app.post(
    '/webhooks/twilio/sms',
    { config: { access: { kind: 'public' } }, schema: { hide: true } },
    async (request, reply) => {
      const { raw, params } = verifiedTwilioForm(request, env)
      const now = new Date()
      const outcome = await recordInboundEvent(
        intake,
        twilioEvent(params, raw, now),
        providerAudit(request, 'twilio'),
        now,
      )
      const limited = throttled(outcome)
      if (limited) throw limited
      return reply.code(200).type('text/xml; charset=utf-8').send(EMPTY_TWIML)
    },
  )

  app.get(
    '/webhooks/whatsapp',
    { config: { access: { kind: 'public' } }, schema: { hide: true } },
    async (request, reply) => {
      const expected = env.WHATSAPP_VERIFY_TOKEN
      if (!expected) throw new AppError('service_unavailable', 503)
      const query = request.query as Record<string, unknown>
      const token = query['hub.verify_token']
      const valid =
        query['hub.mode'] === 'subscribe' &&
        typeof token === 'string' &&
        sameBytes(Buffer.from(token), Buffer.from(expected))
      if (!valid) {
        request.log.warn({ provider: 'whatsapp' }, 'webhook verification refused')
        throw forbidden()
      }
      const challenge = query['hub.challenge']
      if (typeof challenge !== 'string' || !/^[\x21-\x7e]{1,256}$/.test(challenge)) {
        throw invalidField('query.hub.challenge', typeof challenge === 'string' ? 'invalid' : 'required')
      }
      return reply.code(200).type('text/plain; charset=utf-8').send(challenge)
    },
  )

  app.post(
    '/webhooks/whatsapp',
    { config: { access: { kind: 'public' } }, schema: { hide: true } },
    async (request, reply) => {
      const secret = env.WHATSAPP_APP_SECRET
      if (!secret) throw new AppError('service_unavailable', 503)
      const raw = rawBodyOf(request)
      const header = request.headers['x-hub-signature-256']
      if (!isValidMetaSignature(secret, typeof header === 'string' ? header : undefined, raw)) {
        request.log.warn({ provider: 'whatsapp' }, 'webhook signature rejected')
        throw forbidden()
      }
      const outcome = await recordInboundEvent(
        intake,
        whatsappEvent(raw.toString('utf8')),
        providerAudit(request, 'whatsapp'),
      )
      const limited = throttled(outcome)
      if (limited) throw limited
      return reply.code(200).send()
    },
  )
}
