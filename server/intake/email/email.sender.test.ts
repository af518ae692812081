import { randomBytes } from 'node:crypto'
import { createServer } from 'node:net'
import nodemailer, { type Transporter } from 'nodemailer'
import type SMTPTransport from 'nodemailer/lib/smtp-transport'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { engines } from '../../../test/support/database.ts'
import { createSecrets } from '../../crypto/secrets.ts'
import type { Database } from '../../db/database.ts'
import { startTestSmtpServer, type TestSmtpServer } from '../../survey/smtp-test-server.ts'
import { recordOutboundMessage } from '../intake.service.ts'
import { RetryableSendError } from '../outbound/sender.ts'
import { openSignal } from '../signals.ts'
import { mailboxesOf } from './email.config.ts'
import { type EmailListener, startEmailListener } from './email.listener.ts'
import { emailSender, referencesOf, replySubject } from './email.sender.ts'
import { messageIdIndex } from './email.service.ts'

const secrets = createSecrets([randomBytes(32)])
const MAILBOX = 'help@hotline.example'
const silent = { info() {}, warn() {}, error() {} }
const audit = { actorId: null, actorLabel: 'test', address: null, requestId: null }
let counter = 0
const person = () => `person.${Date.now()}.${++counter}@example.org`
const messageId = () => `${Date.now()}.${++counter}@mail.example.org`

describe('reply headers', () => {
  it('answers with "Re:" once and References ending with the message answered', () => {
    expect(replySubject('Help')).toBe('Re: Help')
    expect(replySubject('RE: Help')).toBe('RE: Help')
    expect(replySubject(null)).toBe('Re:')
    expect(referencesOf({ messageId: 'c@x', references: ['a@x', 'b@x'] })).toEqual(['a@x', 'b@x', 'c@x'])
    const long = referencesOf({
      messageId: 'last@x',
      references: Array.from({ length: 30 }, (_, i) => `${i}@x`),
    })
    expect(long).toHaveLength(20)
    expect(long[0]).toBe('0@x')
    expect(long.at(-1)).toBe('last@x')
  })
})

/** A loopback port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as { port: number }
  await new Promise<void>((resolve) => server.close(() => resolve()))
  return port
}

describe.each(engines)('email replies on $engine', ({ open }) => {
  let database: Database
  let listener: EmailListener
  let inbound: Transporter<SMTPTransport.SentMessageInfo>
  let outgoing: TestSmtpServer
  const env = () => ({ RELAIS_SMTP_URL: outgoing.url, RELAIS_INTAKE_MAILBOX: MAILBOX })

  beforeAll(async () => {
    database = await open()
    const deps = {
      database,
      secrets,
      senderPerMinute: 100,
      policy: { interpreterFallbackSeconds: 60 },
      defaultLanguage: 'en',
    }
    listener = await startEmailListener(
      deps,
      {
        host: '127.0.0.1',
        port: 0,
        maxBytes: 1024 * 1024,
        mailboxes: mailboxesOf({ RELAIS_INTAKE_MAILBOX: MAILBOX })!,
        attachments: { maxCount: 1, maxBytes: 1024, types: [] },
        tls: null,
      },
      silent,
    )
    inbound = nodemailer.createTransport({ host: '127.0.0.1', port: listener.address.port, ignoreTLS: true })
    outgoing = await startTestSmtpServer()
  })
  afterAll(async () => {
    inbound?.close()
    await listener?.close()
    await outgoing?.close()
    await database?.close()
  })

  /** The signal of an email received by the listener. */
  async function signalOf(id: string): Promise<{ signal_id: string; seq: number }> {
    return database.db
      .selectFrom('intake_message')
      .select(['signal_id', 'seq'])
      .where('provider', '=', 'email')
      .where('external_id', '=', messageIdIndex(secrets, id))
      .executeTakeFirstOrThrow()
  }

  /** An advocate's reply stored in the conversation, as the outbox finds it. */
  async function advocateReply(signalId: string, body: string) {
    const { id } = await recordOutboundMessage(
      { database, secrets },
      { signalId, provider: 'relais', externalId: `relais:${randomBytes(8).toString('hex')}`, body },
    )
    return id
  }

  it('answers in the thread, from the line’s mailbox, and the person’s answer threads back', async () => {
    const from = person()
    const first = messageId()
    await inbound.sendMail({
      from,
      to: MAILBOX,
      subject: 'My boss took my passport',
      text: 'Can you help?',
      messageId: `<${first}>`,
      references: '<root@mail.example.org>',
    })
    const { signal_id: signalId } = await signalOf(first)
    const outboundId = await advocateReply(signalId, 'Yes. Are you safe to talk by email?')

    const sent = await emailSender({ database, secrets, env: env() }).send({
      outboxId: 'o1',
      messageId: outboundId,
      signalId,
      channel: 'email',
      to: from,
      body: 'Yes. Are you safe to talk by email?',
      attempt: 1,
    })
    const captured = outgoing.messages.find((mail) => mail.to.includes(from))!
    expect(captured).toBeDefined()
    const mail = captured.parsed
    expect(mail.from?.value[0]?.address).toBe(MAILBOX)
    expect(mail.subject).toBe('Re: My boss took my passport')
    expect(mail.inReplyTo).toBe(`<${first}>`)
    expect(mail.references).toEqual(['<root@mail.example.org>', `<${first}>`])
    expect(mail.text?.trim()).toBe('Yes. Are you safe to talk by email?')
    expect(mail.messageId).toBe(`<${sent.externalId}>`)
    expect(sent.externalId).toMatch(/@hotline\.example$/)

    const answer = messageId()
    await inbound.sendMail({
      from,
      to: MAILBOX,
      subject: mail.subject,
      text: 'Yes, I am safe now.',
      messageId: `<${answer}>`,
      inReplyTo: `<${sent.externalId}>`,
      references: ['<root@mail.example.org>', `<${first}>`, `<${sent.externalId}>`],
    })
    expect(await signalOf(answer)).toEqual({ signal_id: signalId, seq: 3 })
  })

  it('sends a retry under the same Message-ID', async () => {
    const from = person()
    const first = messageId()
    await inbound.sendMail({ from, to: MAILBOX, subject: 'Hello', text: 'hi', messageId: `<${first}>` })
    const { signal_id: signalId } = await signalOf(first)
    const outboundId = await advocateReply(signalId, 'Hello, we are here.')
    const sender = emailSender({ database, secrets, env: env() })
    const request = {
      outboxId: 'o2',
      messageId: outboundId,
      signalId,
      channel: 'email' as const,
      to: from,
      body: 'Hello, we are here.',
    }
    const once = await sender.send({ ...request, attempt: 1 })
    const twice = await sender.send({ ...request, attempt: 2 })
    expect(twice.externalId).toBe(once.externalId)
    const ids = outgoing.messages
      .filter((mail) => mail.to.includes(from))
      .map((mail) => mail.parsed.messageId)
    expect(ids).toEqual([`<${once.externalId}>`, `<${once.externalId}>`])
  })

  it('fails for good on a refused recipient, and says so without the address', async () => {
    const from = person()
    const first = messageId()
    await inbound.sendMail({ from, to: MAILBOX, subject: 'x', text: 'x', messageId: `<${first}>` })
    const { signal_id: signalId } = await signalOf(first)
    outgoing.refuse.add(from)
    const failure = await emailSender({ database, secrets, env: env() })
      .send({
        outboxId: 'o3',
        messageId: await advocateReply(signalId, 'reply'),
        signalId,
        channel: 'email',
        to: from,
        body: 'reply',
        attempt: 1,
      })
      .catch((error: unknown) => error)
    expect(failure).toBeInstanceOf(Error)
    expect(failure).not.toBeInstanceOf(RetryableSendError)
    expect((failure as Error).message).toBe('smtp 550')
  })

  it('asks for another try when the mail server cannot be reached', async () => {
    const from = person()
    const first = messageId()
    await inbound.sendMail({ from, to: MAILBOX, subject: 'x', text: 'x', messageId: `<${first}>` })
    const { signal_id: signalId } = await signalOf(first)
    const sender = emailSender({
      database,
      secrets,
      env: { RELAIS_SMTP_URL: `smtp://127.0.0.1:${await closedPort()}`, RELAIS_INTAKE_MAILBOX: MAILBOX },
    })
    await expect(
      sender.send({
        outboxId: 'o4',
        messageId: await advocateReply(signalId, 'reply'),
        signalId,
        channel: 'email',
        to: from,
        body: 'reply',
        attempt: 1,
      }),
    ).rejects.toBeInstanceOf(RetryableSendError)
  })

  it('refuses a conversation that has no email to answer', async () => {
    const signalId = await database.db
      .transaction()
      .execute((trx) =>
        openSignal(
          trx,
          { channel: 'email', contactId: null, language: 'en', receivedAt: new Date() },
          { interpreterFallbackSeconds: 60 },
          audit,
        ),
      )
    await expect(
      emailSender({ database, secrets, env: env() }).send({
        outboxId: 'o5',
        messageId: await advocateReply(signalId, 'reply'),
        signalId,
        channel: 'email',
        to: person(),
        body: 'reply',
        attempt: 1,
      }),
    ).rejects.toThrow('the conversation has no email to answer')
  })
})
