import { randomUUID } from 'node:crypto'
import type SMTPTransport from 'nodemailer/lib/smtp-transport'
import type { Env } from '../../config/env.ts'
import type { Secrets } from '../../crypto/secrets.ts'
import type { Database } from '../../db/database.ts'
import { createSmtpTransport, wasAccepted } from '../../mail/smtp-transport.ts'
import { type ChannelSender, type OutboundRequest, RetryableSendError } from '../outbound/sender.ts'
import { type Mailboxes, mailboxesOf } from './email.config.ts'
import { messageIdIndex } from './email.service.ts'
import { emailOfMessage, insertEmailMessage, latestEmailOf } from './email.store.ts'
import type { EmailThread } from './email.tables.ts'

export interface EmailSenderDeps {
  database: Database
  secrets: Secrets
  env: Pick<Env, 'RELAIS_SMTP_URL' | 'RELAIS_INTAKE_MAILBOX'>
}

/** Mail programs keep References short; the first id (the thread's root) and the latest ones stay. */
const MAX_REFERENCES = 20

export function referencesOf(parent: EmailThread): string[] {
  const chain = [...parent.references.filter((id) => id !== parent.messageId), parent.messageId]
  return chain.length <= MAX_REFERENCES ? chain : [chain[0]!, ...chain.slice(-(MAX_REFERENCES - 1))]
}

/** "Re: " before the subject, once (a subject already answered keeps its own prefix). */
export function replySubject(subject: string | null): string {
  const text = subject?.trim() ?? ''
  return /^re\s*:/i.test(text) ? text : `Re: ${text}`.trim()
}

interface PreparedReply {
  messageId: string
  references: string[]
  subject: string
}

/**
 * The Message-ID, References and subject of a reply, recorded before it is sent so that an answer
 * to it threads back even if it arrives at once, and so that a retry sends the same Message-ID
 * (a mail program that got the first attempt shows the message once).
 */
async function prepareReply(
  deps: EmailSenderDeps,
  mailboxes: Mailboxes,
  request: OutboundRequest,
): Promise<PreparedReply> {
  const { database, secrets } = deps
  return database.db.transaction().execute(async (trx) => {
    const prepared = await emailOfMessage(trx, request.messageId)
    if (prepared) {
      const thread = JSON.parse(secrets.open(prepared.thread_sealed)) as EmailThread
      return {
        messageId: thread.messageId,
        references: thread.references,
        subject: prepared.subject_sealed ? secrets.open(prepared.subject_sealed) : replySubject(null),
      }
    }
    const parent = await latestEmailOf(trx, request.signalId)
    if (!parent) throw new Error('the conversation has no email to answer')
    const parentThread = JSON.parse(secrets.open(parent.thread_sealed)) as EmailThread
    const reply: PreparedReply = {
      messageId: `${randomUUID()}@${mailboxes.domain}`,
      references: referencesOf(parentThread),
      subject: replySubject(parent.subject_sealed ? secrets.open(parent.subject_sealed) : null),
    }
    await insertEmailMessage(trx, {
      messageId: request.messageId,
      signalId: request.signalId,
      direction: 'out',
      messageIdIndex: messageIdIndex(secrets, reply.messageId),
      threadSealed: secrets.seal(
        JSON.stringify({ messageId: reply.messageId, references: reply.references }),
      ),
      subjectSealed: secrets.seal(reply.subject),
      contactId: null,
      continuesSignalId: null,
      recordedAt: new Date(),
    })
    return reply
  })
}

/** Codes of failures on the way to the server (no answer, connection lost), worth another try. */
const transientCodes = new Set(['ECONNECTION', 'ETIMEDOUT', 'ESOCKET', 'EDNS', 'ECONNREFUSED', 'ECONNRESET'])

/**
 * The error the outbound worker records: the SMTP reply code or the failure's code, never the
 * server's text (which names the recipient). 4xx and network failures are tried again.
 */
function sendFailure(error: unknown): Error {
  const { responseCode, code } = error as { responseCode?: unknown; code?: unknown }
  if (typeof responseCode === 'number') {
    const text = `smtp ${responseCode}`
    return responseCode >= 400 && responseCode < 500 ? new RetryableSendError(text) : new Error(text)
  }
  const name = typeof code === 'string' ? code : 'send failed'
  return transientCodes.has(name) ? new RetryableSendError(`smtp ${name}`) : new Error(`smtp ${name}`)
}

/**
 * Sends advocates' replies by email through RELAIS_SMTP_URL, from the line's mailbox, in the thread
 * of the person's last message (In-Reply-To, References, "Re: subject"). Resolves with the reply's
 * Message-ID, under which the person's answer threads back into the conversation.
 */
export function emailSender(deps: EmailSenderDeps): ChannelSender {
  const mailboxes = mailboxesOf(deps.env)
  const transport = deps.env.RELAIS_SMTP_URL ? createSmtpTransport(deps.env.RELAIS_SMTP_URL) : null
  return {
    async send(request) {
      if (!transport || !mailboxes)
        throw new Error('email replies need RELAIS_SMTP_URL and RELAIS_INTAKE_MAILBOX')
      const reply = await prepareReply(deps, mailboxes, request)
      let info: SMTPTransport.SentMessageInfo
      try {
        info = await transport.sendMail({
          from: mailboxes.address,
          to: request.to,
          subject: reply.subject,
          text: request.body,
          messageId: `<${reply.messageId}>`,
          inReplyTo: `<${reply.references.at(-1)}>`,
          references: reply.references.map((id) => `<${id}>`),
        })
      } catch (error) {
        throw sendFailure(error)
      }
      if (!wasAccepted(info, request.to)) throw new Error('smtp recipient refused')
      return { externalId: reply.messageId }
    },
  }
}
