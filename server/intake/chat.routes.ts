import { createHash, randomBytes } from 'node:crypto'
import type { WebSocket } from 'ws'
import { z } from 'zod'
import { chatLanguageCodes } from '../../common/languages.ts'
import { limits } from '../../common/limits.ts'
import { recordThrottledFailure } from '../db/throttle.ts'
import type { AppDeps, ZodApp } from '../http/app.ts'
import { AppError } from '../http/errors.ts'
import { personLeft } from './conversation.service.ts'
import type { IntakeBus } from './events.ts'
import { appendMessage, openSignal, type RoutingPolicy } from './signals.ts'
import { type ChatFrame, readTranscript } from './transcript.ts'

/**
 * Web chat for visitors (the portal's chat page and the embeddable widget). A visitor opens a
 * conversation and receives a random token, held in the page's memory only; the socket proves it
 * with the token, then sends messages that carry an id of the visitor's own making, so a message
 * re-sent after a dropped connection is stored once and acknowledged again. The socket sends each
 * message it has not yet sent, in sequence order, from the table: after a reconnect the visitor says
 * the last sequence number it has, and gets exactly what follows.
 */

export const MAX_CHAT_CHARS = limits.chatMessageMaxLength

const tokenHash = (token: string) => createHash('sha256').update(token).digest('hex')

const openBody = z
  .object({
    language: z.enum(['en', 'fr']),
    preferredLanguage: z.enum(chatLanguageCodes).optional(),
    safeToChat: z.enum(['yes', 'no', 'unsure']).optional(),
  })
  .strict()

const clientFrame = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('hello'),
    conversationId: z.uuid(),
    token: z.string().min(20).max(100),
    lastSeq: z.number().int().min(0),
  }),
  z.object({
    type: z.literal('message'),
    clientId: z.uuid(),
    body: z.string().trim().min(1).max(MAX_CHAT_CHARS),
  }),
  z.object({ type: z.literal('leave') }),
])

/** Conversations one address may open per hour before being slowed down. */
const OPEN_PER_HOUR = 10

export function registerChatRoutes(app: ZodApp, deps: AppDeps, bus: IntakeBus, policy: RoutingPolicy) {
  const { database, secrets } = deps

  app.post(
    '/api/chat/conversations',
    {
      config: { access: { kind: 'public' } },
      schema: {
        tags: ['chat'],
        summary: 'Open a web chat conversation (the answer holds the token the socket needs)',
        body: openBody,
        response: { 201: z.object({ conversationId: z.uuid(), token: z.string() }) },
      },
    },
    async (request, reply) => {
      const now = new Date()
      const key = secrets.blindIndex(`chat-open:${request.ip}`)
      const blocked = await database.db
        .selectFrom('intake_chat_throttle')
        .select('blocked_until')
        .where('key', '=', key)
        .executeTakeFirst()
      if (blocked?.blocked_until && blocked.blocked_until > now) {
        const seconds = Math.ceil((blocked.blocked_until.getTime() - now.getTime()) / 1000)
        throw new AppError('rate_limited', 429, { values: { seconds }, retryAfterSeconds: seconds })
      }
      // Every opening counts; past the allowance each one waits a little longer.
      await recordThrottledFailure(database.db, 'intake_chat_throttle', key, now, (count) =>
        count > OPEN_PER_HOUR ? Math.min(3600, 30 * (count - OPEN_PER_HOUR)) : 0,
      )
      const token = randomBytes(32).toString('base64url')
      const { language, preferredLanguage, safeToChat } = request.body
      const conversationId = await database.db.transaction().execute((trx) =>
        openSignal(
          trx,
          {
            channel: 'web_chat',
            contactId: null,
            language,
            preferredLanguage: preferredLanguage && preferredLanguage !== language ? preferredLanguage : null,
            // Not safe to chat right now: an advocate should be there first.
            inDanger: safeToChat === 'no',
            safeToChat: safeToChat ?? null,
            visitorTokenHash: tokenHash(token),
            receivedAt: now,
          },
          policy,
          request.auditContext,
        ),
      )
      return reply.code(201).send({ conversationId, token })
    },
  )

  app.get(
    '/api/chat/socket',
    { config: { access: { kind: 'public' } }, schema: { hide: true }, websocket: true },
    (socket: WebSocket) => {
      let signalId: string | null = null
      let lastSent = 0
      let sending: Promise<void> = Promise.resolve()
      let handling: Promise<void> = Promise.resolve()
      let unsubscribe: (() => void) | null = null

      const send = (
        frame: ChatFrame | { type: 'ack'; clientId: string; seq: number } | { type: 'error'; code: string },
      ) => {
        if (socket.readyState === socket.OPEN) socket.send(JSON.stringify(frame))
      }
      // Sends what the visitor has not got yet, one catch-up at a time, in sequence order.
      const catchUp = () => {
        sending = sending.then(async () => {
          if (!signalId) return
          const frames = await readTranscript(database, secrets, signalId, lastSent)
          for (const frame of frames) {
            if (frame.type === 'message') lastSent = Math.max(lastSent, frame.seq)
            send(frame)
          }
        })
        sending = sending.catch(() => socket.close(1011))
      }

      socket.on('message', (raw) => {
        let frame: z.infer<typeof clientFrame>
        try {
          frame = clientFrame.parse(JSON.parse(String(raw)))
        } catch {
          send({ type: 'error', code: 'invalid_frame' })
          return
        }
        // One frame at a time, in arrival order: re-sent messages are stored in the order typed.
        handling = handling
          .then(() => handle(frame))
          .catch(() => send({ type: 'error', code: 'internal_error' }))
      })
      socket.on('close', () => unsubscribe?.())

      async function handle(frame: z.infer<typeof clientFrame>) {
        if (frame.type === 'hello') {
          const signal = await database.db
            .selectFrom('intake_signal')
            .select(['id'])
            .where('id', '=', frame.conversationId)
            .where('visitor_token_hash', '=', tokenHash(frame.token))
            .executeTakeFirst()
          if (!signal) {
            send({ type: 'error', code: 'unknown_conversation' })
            socket.close(4401)
            return
          }
          signalId = signal.id
          lastSent = frame.lastSeq
          unsubscribe?.()
          unsubscribe = bus.subscribe((event) => {
            if (
              (event.type === 'message.created' || event.type === 'signal.changed') &&
              event.signalId === signalId
            ) {
              catchUp()
            }
          })
          catchUp()
          return
        }
        if (!signalId) {
          send({ type: 'error', code: 'hello_first' })
          return
        }
        if (frame.type === 'leave') {
          await personLeft(database, signalId)
          return
        }
        const id = signalId
        const externalId = `${id}:${frame.clientId}`
        const seq = await database.db.transaction().execute(async (trx) => {
          const signal = await trx
            .selectFrom('intake_signal')
            .select(['status'])
            .where('id', '=', id)
            .forUpdate()
            .executeTakeFirstOrThrow()
          const known = await trx
            .selectFrom('intake_message')
            .select('seq')
            .where('provider', '=', 'relais')
            .where('external_id', '=', externalId)
            .executeTakeFirst()
          if (known) return known.seq
          if (signal.status === 'ended' || signal.status === 'abandoned' || signal.status === 'wrap_up')
            return null
          const stored = await appendMessage(trx, {
            signalId: id,
            direction: 'in',
            bodySealed: secrets.seal(frame.body),
            provider: 'relais',
            externalId,
            receivedAt: new Date(),
          })
          return stored.seq
        })
        if (seq === null) send({ type: 'error', code: 'conversation_ended' })
        else send({ type: 'ack', clientId: frame.clientId, seq })
      }
    },
  )
}
