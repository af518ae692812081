import { randomInt } from 'node:crypto'
import type { Secrets } from '../../crypto/secrets.ts'
import type { Database } from '../../db/database.ts'
import { recordInboundEvent } from '../intake.service.ts'
import type { Channel, MediaItem } from '../intake.tables.ts'
import { appendMessage } from '../signals.ts'
import { outboundProvider, provisionalExternalId, queueOutbound } from './outbox.ts'

const audit = { actorId: null, actorLabel: 'test', address: null, requestId: null }
let counter = 0

/** A number no other test uses. */
export const testPhone = () => `+1438${String(randomInt(1_000_000, 9_999_999))}`

/** A provider message id no other test uses. */
export const testSid = (prefix = 'SM') =>
  `${prefix}${Date.now().toString(16)}${(++counter).toString(16).padStart(8, '0')}`

/**
 * Records an inbound message as its webhook would (a contact, an open signal, the message) and
 * returns its ids.
 */
export async function receiveMessage(
  deps: { database: Database; secrets: Secrets },
  message: { channel: Channel; from: string; body?: string | null; media?: MediaItem[] },
) {
  const provider = message.channel === 'whatsapp' ? 'whatsapp' : 'twilio'
  const externalId = provider === 'whatsapp' ? `wamid.${testSid('HBg')}` : testSid()
  const outcome = await recordInboundEvent(
    {
      ...deps,
      senderPerMinute: 1000,
      policy: { interpreterFallbackSeconds: 60 },
      defaultLanguage: 'en',
    },
    {
      provider,
      externalId,
      kind: 'message',
      payload: JSON.stringify({ externalId }),
      statuses: [],
      messages: [
        {
          externalId,
          channel: message.channel,
          contact: {
            kind: message.channel === 'whatsapp' ? 'whatsapp' : 'phone',
            address: message.from,
            displayName: null,
          },
          body: message.body === undefined ? 'I need help' : message.body,
          kind: message.media?.length ? 'media' : 'text',
          media: message.media ?? [],
          providerSentAt: null,
        },
      ],
    },
    audit,
  )
  const stored = outcome.stored[0]!
  return { signalId: stored.signalId, messageId: stored.messageId, seq: stored.seq }
}

/** An advocate's reply as the conversation stores it: the message and its outbox row, one transaction. */
export async function queueReply(
  deps: { database: Database; secrets: Secrets },
  reply: { signalId: string; channel: Channel; body: string; now?: Date },
) {
  const now = reply.now ?? new Date()
  return deps.database.db.transaction().execute(async (trx) => {
    const message = await appendMessage(trx, {
      signalId: reply.signalId,
      direction: 'out',
      bodySealed: deps.secrets.seal(reply.body),
      provider: outboundProvider(reply.channel),
      externalId: provisionalExternalId(),
      receivedAt: now,
      deliveryStatus: 'queued',
    })
    await queueOutbound(trx, { messageId: message.id, signalId: reply.signalId, channel: reply.channel, now })
    const { id: outboxId } = await trx
      .selectFrom('intake_outbox')
      .select('id')
      .where('message_id', '=', message.id)
      .executeTakeFirstOrThrow()
    return { messageId: message.id, outboxId }
  })
}
