import type { AuditContext } from '../../audit/audit.store.ts'
import type { Secrets } from '../../crypto/secrets.ts'
import type { Database } from '../../db/database.ts'
import { contactIndex } from '../intake.service.ts'
import {
  countSenderMessage,
  findOpenSignal,
  insertWebhookEvent,
  purgeSenderRates,
  upsertContact,
} from '../intake.store.ts'
import { appendMessage, openSignal, type RoutingPolicy } from '../signals.ts'
import { emailLanguage } from './email.language.ts'
import type { InboundEmail } from './email.message.ts'
import { findThreadSignal, insertAttachment, insertEmailMessage, isKnownEmail } from './email.store.ts'
import type { EmailThread } from './email.tables.ts'

export interface EmailIntakeDeps {
  database: Database
  secrets: Secrets
  senderPerMinute: number
  policy: Pick<RoutingPolicy, 'interpreterFallbackSeconds'>
  /** The line's language when a message does not show its own. */
  defaultLanguage: string
}

export type EmailOutcome =
  | { kind: 'stored'; signalId: string; messageId: string; opened: boolean; continuesSignalId: string | null }
  /** Already stored (a redelivery), or one of the line's own replies coming back. */
  | { kind: 'duplicate' }
  /** A bounce or another automatic notice: kept as received, with no conversation. */
  | { kind: 'kept' }
  /** The sender wrote too much this minute: the relay is asked to try again later. */
  | { kind: 'throttled'; seconds: number }

/** The blind index an email is found by: Message-IDs may carry a host or a person's address. */
export function messageIdIndex(secrets: Secrets, messageId: string): string {
  return secrets.blindIndex(`intake-email-message-id:${messageId}`)
}

/** Closed per-sender windows are swept at most this often (who wrote when is personal data too). */
const SWEEP_MS = 60_000
let lastSweep = 0

/**
 * Stores a received email in one transaction: the raw message (sealed), the sender as a contact, the
 * conversation, the message and its attachments (sealed), and its Message-ID for threading. The
 * caller answers 250 only once this resolves; a redelivery stores nothing and is acknowledged.
 *
 * Threading: a message answering one already stored (In-Reply-To, References) joins that
 * conversation while it is open, whoever sends it; once it has ended, the sender's open email
 * conversation, or a new one, takes the message and keeps the link to the one answered.
 */
export async function recordInboundEmail(
  deps: EmailIntakeDeps,
  email: InboundEmail,
  raw: Buffer,
  { bounce, audit }: { bounce: boolean; audit: AuditContext },
  now = new Date(),
): Promise<EmailOutcome> {
  const { database, secrets } = deps
  const key = messageIdIndex(secrets, email.messageId)
  if (await isKnownEmail(database.db, key)) return { kind: 'duplicate' }

  const sender = email.sender
  const contactKey = sender && !bounce ? contactIndex(secrets, 'email', sender.address) : null
  if (contactKey) {
    const counted = await countSenderMessage(database.db, contactKey, now)
    if (now.getTime() - lastSweep >= SWEEP_MS) {
      lastSweep = now.getTime()
      await purgeSenderRates(database.db, new Date(now.getTime() - 120_000))
    }
    if (counted.count > deps.senderPerMinute) {
      const reopens = new Date(counted.window_started_at).getTime() + 60_000
      return { kind: 'throttled', seconds: Math.max(1, Math.ceil((reopens - now.getTime()) / 1000)) }
    }
  }

  return database.db.transaction().execute(async (trx): Promise<EmailOutcome> => {
    const fresh = await insertWebhookEvent(trx, {
      provider: 'email',
      externalId: key,
      kind: bounce ? 'other' : 'message',
      // The bytes as received (any charset, any transfer encoding), so base64 before sealing.
      payloadSealed: secrets.seal(raw.toString('base64')),
      receivedAt: now,
    })
    // A concurrent delivery of the same message committed first.
    if (!fresh) return { kind: 'duplicate' }
    if (bounce) return { kind: 'kept' }

    // A message without a usable sender address still reaches an advocate, who cannot answer it.
    const contactId =
      sender && contactKey
        ? await upsertContact(trx, {
            kind: 'email',
            blindIndex: contactKey,
            addressSealed: secrets.seal(sender.address),
            displayNameSealed: sender.name ? secrets.seal(sender.name) : null,
            seenAt: now,
          })
        : null
    const answered =
      email.references.length > 0
        ? await findThreadSignal(
            trx,
            email.references.map((id) => messageIdIndex(secrets, id)),
          )
        : undefined
    let signalId: string
    let opened = false
    if (answered && answered.ended_at === null) {
      signalId = answered.id
    } else {
      const open = contactId ? await findOpenSignal(trx, contactId, 'email') : undefined
      if (open) {
        signalId = open.id
      } else {
        const { language, preferredLanguage } = emailLanguage(email, deps.defaultLanguage)
        signalId = await openSignal(
          trx,
          { channel: 'email', contactId, language, preferredLanguage, receivedAt: now },
          deps.policy,
          audit,
        )
        opened = true
      }
    }
    const continuesSignalId = answered && answered.id !== signalId ? answered.id : null

    const { id: messageId } = await appendMessage(trx, {
      signalId,
      direction: 'in',
      bodySealed: email.text === null ? null : secrets.seal(email.text),
      media: email.media,
      kind: email.media.length > 0 ? 'media' : 'text',
      provider: 'email',
      externalId: key,
      receivedAt: now,
      providerSentAt: email.sentAt,
    })
    for (const attachment of email.attachments) {
      await insertAttachment(trx, {
        id: attachment.id,
        messageId,
        contentType: attachment.contentType,
        sizeBytes: attachment.size,
        sha256: attachment.sha256,
        filenameSealed: attachment.filename ? secrets.seal(attachment.filename) : null,
        contentSealed: secrets.seal(attachment.content.toString('base64')),
        storedAt: now,
      })
    }
    const thread: EmailThread = { messageId: email.messageId, references: email.references }
    const signalContact = answered && answered.id === signalId ? answered.contact_id : contactId
    await insertEmailMessage(trx, {
      messageId,
      signalId,
      direction: 'in',
      messageIdIndex: key,
      threadSealed: secrets.seal(JSON.stringify(thread)),
      subjectSealed: email.subject === null ? null : secrets.seal(email.subject),
      contactId: signalContact === contactId ? null : contactId,
      continuesSignalId,
      recordedAt: now,
    })
    return { kind: 'stored', signalId, messageId, opened, continuesSignalId }
  })
}
