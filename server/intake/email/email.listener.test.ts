import { randomBytes } from 'node:crypto'
import { connect } from 'node:net'
import { sql } from 'kysely'
import nodemailer, { type Transporter } from 'nodemailer'
import type Mail from 'nodemailer/lib/mailer'
import type SMTPTransport from 'nodemailer/lib/smtp-transport'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { engines } from '../../../test/support/database.ts'
import { createSecrets } from '../../crypto/secrets.ts'
import type { Database } from '../../db/database.ts'
import { contactIndex } from '../intake.service.ts'
import type { MediaItem } from '../intake.tables.ts'
import { type EmailListenerConfig, mailboxesOf } from './email.config.ts'
import { type EmailListener, startEmailListener } from './email.listener.ts'
import { messageIdIndex } from './email.service.ts'

const secrets = createSecrets([randomBytes(32)])
const MAILBOX = 'help@hotline.example'
const MAX_BYTES = 256 * 1024
const silent = { info() {}, warn() {}, error() {} }
const png = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), randomBytes(512)])

let counter = 0
const person = () => `Person.${Date.now()}.${++counter}@Example.org`
const messageId = () => `${Date.now()}.${++counter}@mail.example.org`

function listenerConfig(): EmailListenerConfig {
  return {
    host: '127.0.0.1',
    port: 0,
    maxBytes: MAX_BYTES,
    mailboxes: mailboxesOf({ RELAIS_INTAKE_MAILBOX: `${MAILBOX}, @aide.example` })!,
    attachments: { maxCount: 3, maxBytes: 64 * 1024, types: ['image/png', 'application/pdf', 'text/plain'] },
    tls: null,
  }
}

describe.each(engines)('the SMTP listener on $engine', ({ open }) => {
  let database: Database
  let listener: EmailListener
  let transport: Transporter<SMTPTransport.SentMessageInfo>

  beforeAll(async () => {
    database = await open()
    const deps = {
      database,
      secrets,
      senderPerMinute: 5,
      policy: { interpreterFallbackSeconds: 60 },
      defaultLanguage: 'en',
    }
    listener = await startEmailListener(deps, listenerConfig(), silent)
    transport = nodemailer.createTransport({
      host: '127.0.0.1',
      port: listener.address.port,
      ignoreTLS: true,
    })
  })
  afterAll(async () => {
    transport?.close()
    await listener?.close()
    await database?.close()
  })

  const send = (mail: Mail.Options) =>
    transport.sendMail({
      to: MAILBOX,
      subject: 'Help',
      text: 'I need help',
      messageId: `<${messageId()}>`,
      ...mail,
    })

  /** The stored message and its email row, by the Message-ID it was sent with. */
  async function stored(id: string) {
    const key = messageIdIndex(secrets, id)
    const message = await database.db
      .selectFrom('intake_message')
      .selectAll()
      .where('provider', '=', 'email')
      .where('external_id', '=', key)
      .executeTakeFirst()
    const email = await database.db
      .selectFrom('intake_email_message')
      .selectAll()
      .where('message_id_index', '=', key)
      .executeTakeFirst()
    const event = await database.db
      .selectFrom('intake_webhook_event')
      .selectAll()
      .where('provider', '=', 'email')
      .where('external_id', '=', key)
      .executeTakeFirst()
    return { message, email, event }
  }

  const signalOf = (id: string) =>
    database.db.selectFrom('intake_signal').selectAll().where('id', '=', id).executeTakeFirstOrThrow()

  const counts = async () => {
    const count = (table: 'intake_webhook_event' | 'intake_message' | 'intake_signal' | 'intake_contact') =>
      database.db
        .selectFrom(table)
        .select(sql<number>`count(*)::int`.as('n'))
        .executeTakeFirstOrThrow()
        .then((row) => row.n)
    return {
      events: await count('intake_webhook_event'),
      messages: await count('intake_message'),
      signals: await count('intake_signal'),
      contacts: await count('intake_contact'),
    }
  }

  it('stores a plain-text message sealed, with its contact and a new signal, before the 250', async () => {
    const from = person()
    const id = messageId()
    const info = await send({
      from: `Ana Lima <${from}>`,
      subject: 'They kept my passport',
      text: 'I work at the farm near Leamington and cannot leave.',
      messageId: `<${id}>`,
    })
    expect(info.response).toMatch(/^250 /)
    const { message, email, event } = await stored(id)
    expect(message).toMatchObject({ direction: 'in', seq: 1, kind: 'text' })
    expect(secrets.open(message!.body_sealed!)).toBe('I work at the farm near Leamington and cannot leave.')
    const signal = await signalOf(message!.signal_id)
    expect(signal).toMatchObject({ channel: 'email', queue: 'email.en', status: 'queued' })
    const contact = await database.db
      .selectFrom('intake_contact')
      .selectAll()
      .where('id', '=', signal.contact_id)
      .executeTakeFirstOrThrow()
    expect(contact.kind).toBe('email')
    expect(contact.blind_index).toBe(contactIndex(secrets, 'email', from.toLowerCase()))
    expect(secrets.open(contact.address_sealed)).toBe(from.toLowerCase())
    expect(secrets.open(contact.display_name_sealed!)).toBe('Ana Lima')
    expect(JSON.parse(secrets.open(email!.thread_sealed))).toEqual({ messageId: id, references: [] })
    expect(secrets.open(email!.subject_sealed!)).toBe('They kept my passport')
    const raw = Buffer.from(secrets.open(event!.payload_sealed), 'base64').toString('utf8')
    expect(raw).toContain('cannot leave')
    // Nothing readable in any row: not the address, the name, the subject, the body or the Message-ID.
    const rows = JSON.stringify([message, email, event, signal, contact])
    for (const secret of [from, from.toLowerCase(), 'Ana Lima', 'passport', 'Leamington', id]) {
      expect(rows).not.toContain(secret)
    }
  })

  it('takes the text of an HTML-only message, for an address of an accepted domain', async () => {
    const id = messageId()
    await send({
      from: person(),
      to: 'anyone@aide.example',
      text: undefined,
      html: '<p>Please <b>call</b> me</p>',
      messageId: `<${id}>`,
    })
    const { message } = await stored(id)
    expect(secrets.open(message!.body_sealed!)).toContain('Please call me')
  })

  it('keeps allowed attachments sealed and lists the refused ones on the message', async () => {
    const id = messageId()
    await send({
      from: person(),
      messageId: `<${id}>`,
      attachments: [
        { filename: 'passport-photo.png', content: png, contentType: 'image/png' },
        { filename: 'tool.exe', content: Buffer.from('MZ binary'), contentType: 'application/x-msdownload' },
        { filename: 'scan.pdf', content: Buffer.concat([Buffer.from('%PDF-1.7\n'), randomBytes(70 * 1024)]) },
      ],
    })
    const { message } = await stored(id)
    const media = message!.media as MediaItem[]
    expect(message!.kind).toBe('media')
    expect(media.map((item) => [item.type, item.refused ?? 'kept'])).toEqual([
      ['image/png', 'kept'],
      ['application/x-msdownload', 'type'],
      ['application/pdf', 'size'],
    ])
    const attachments = await database.db
      .selectFrom('intake_attachment')
      .selectAll()
      .where('message_id', '=', message!.id)
      .execute()
    expect(attachments).toHaveLength(1)
    const [file] = attachments
    expect(file).toMatchObject({
      id: media[0]!.attachmentId,
      content_type: 'image/png',
      size_bytes: png.length,
    })
    expect(Buffer.from(secrets.open(file!.content_sealed), 'base64').equals(png)).toBe(true)
    expect(secrets.open(file!.filename_sealed!)).toBe('passport-photo.png')
    expect(JSON.stringify(file)).not.toContain('passport-photo')
  })

  it('refuses a message over the size limit with 552 and stores nothing', async () => {
    const before = await counts()
    const id = messageId()
    await expect(
      send({ from: person(), messageId: `<${id}>`, text: 'x'.repeat(MAX_BYTES + 1024) }),
    ).rejects.toMatchObject({ responseCode: 552 })
    expect(await counts()).toEqual(before)
    expect((await stored(id)).event).toBeUndefined()
  })

  it('announces the size limit in its EHLO answer', async () => {
    const lines = await new Promise<string>((resolve, reject) => {
      const socket = connect(listener.address.port, '127.0.0.1')
      let greeted = false
      let answer = ''
      socket.on('data', (chunk) => {
        if (!greeted) {
          greeted = true
          socket.write('EHLO client.example\r\n')
          return
        }
        answer += chunk.toString()
        if (/^250 /m.test(answer)) {
          socket.end('QUIT\r\n')
          resolve(answer)
        }
      })
      socket.on('error', reject)
    })
    expect(lines).toMatch(new RegExp(`^250[- ]SIZE ${MAX_BYTES}\\r?$`, 'm'))
  })

  it('refuses an unknown recipient with 550', async () => {
    await expect(send({ from: person(), to: 'someone.else@hotline.example' })).rejects.toMatchObject({
      responseCode: 550,
    })
  })

  it('acknowledges a redelivered message and stores nothing new', async () => {
    const id = messageId()
    const mail = { from: person(), messageId: `<${id}>`, text: 'Are you there?' }
    await send(mail)
    const before = await counts()
    const again = await send(mail)
    expect(again.response).toMatch(/^250 /)
    expect(await counts()).toEqual(before)
  })

  it('gives a message without a Message-ID one from its content, so a redelivery is still stored once', async () => {
    const from = person()
    const raw = [
      `From: ${from}`,
      `To: ${MAILBOX}`,
      'Subject: no id',
      'Date: Tue, 01 Dec 2026 10:00:00 +0000',
      '',
      'This message has no Message-ID.',
      '',
    ].join('\r\n')
    const envelope = { from, to: [MAILBOX] }
    await transport.sendMail({ envelope, raw })
    const before = await counts()
    await transport.sendMail({ envelope, raw })
    expect(await counts()).toEqual(before)
    const contact = await database.db
      .selectFrom('intake_contact')
      .select('id')
      .where('blind_index', '=', contactIndex(secrets, 'email', from.toLowerCase()))
      .executeTakeFirst()
    expect(contact).toBeDefined()
  })

  it('threads a reply into its conversation, and after the conversation ended opens one linked to it', async () => {
    const from = person()
    const first = messageId()
    await send({ from, messageId: `<${first}>`, subject: 'Help' })
    const reply = messageId()
    await send({
      from,
      messageId: `<${reply}>`,
      subject: 'Re: Help',
      inReplyTo: `<${first}>`,
      references: [`<${first}>`],
    })
    const signalId = (await stored(first)).message!.signal_id
    expect((await stored(reply)).message).toMatchObject({ signal_id: signalId, seq: 2 })

    // Someone else answering in the thread joins the open conversation, and is recorded as its sender.
    const other = person()
    const third = messageId()
    await send({
      from: other,
      messageId: `<${third}>`,
      inReplyTo: `<${reply}>`,
      references: [`<${first}>`, `<${reply}>`],
    })
    const joined = await stored(third)
    expect(joined.message).toMatchObject({ signal_id: signalId, seq: 3 })
    expect(joined.email!.contact_id).not.toBeNull()

    await database.db
      .updateTable('intake_signal')
      .set({ status: 'ended', ended_at: new Date() })
      .where('id', '=', signalId)
      .execute()
    const late = messageId()
    await send({
      from,
      messageId: `<${late}>`,
      inReplyTo: `<${reply}>`,
      references: [`<${first}>`, `<${reply}>`],
    })
    const reopened = await stored(late)
    expect(reopened.message!.signal_id).not.toBe(signalId)
    expect(reopened.message!.seq).toBe(1)
    expect(reopened.email!.continues_signal_id).toBe(signalId)
  })

  it('queues a French message in the French queue', async () => {
    const id = messageId()
    await send({
      from: person(),
      messageId: `<${id}>`,
      subject: 'Besoin d’aide',
      text: 'Bonjour, je suis à Québec et mon employeur garde mon passeport.',
    })
    const { message } = await stored(id)
    expect(await signalOf(message!.signal_id)).toMatchObject({ language: 'fr', queue: 'email.fr' })
  })

  it('keeps a bounce as received without opening a conversation', async () => {
    const id = messageId()
    const before = await counts()
    await transport.sendMail({
      envelope: { from: '', to: [MAILBOX] },
      from: 'Mail Delivery System <mailer-daemon@mx.example.net>',
      to: MAILBOX,
      subject: 'Undelivered Mail Returned to Sender',
      text: 'This is the mail system.',
      messageId: `<${id}>`,
    })
    const { event, message } = await stored(id)
    expect(event).toMatchObject({ kind: 'other' })
    expect(message).toBeUndefined()
    expect((await counts()).signals).toBe(before.signals)
  })

  it('opens a conversation without a contact for a message with no usable sender address', async () => {
    const raw = ['From: undisclosed', `To: ${MAILBOX}`, `Message-ID: <${messageId()}>`, '', 'help', ''].join(
      '\r\n',
    )
    const before = await counts()
    await transport.sendMail({ envelope: { from: person(), to: [MAILBOX] }, raw })
    const after = await counts()
    expect([after.signals - before.signals, after.contacts - before.contacts]).toEqual([1, 0])
  })

  it('asks the relay to retry (451) a sender over its per-minute allowance', async () => {
    const from = person()
    for (let index = 0; index < 5; index += 1) await send({ from })
    await expect(send({ from })).rejects.toMatchObject({ responseCode: 451 })
    // Another sender is not affected.
    await expect(send({ from: person() })).resolves.toMatchObject({
      response: expect.stringMatching(/^250 /),
    })
  })

  it('answers 451 and stores nothing when the database refuses the message, then takes it on retry', async () => {
    await database.exec(`
      create function email_test_refuse() returns trigger language plpgsql as $$
        begin raise exception 'storage refused'; end $$;
      create trigger email_test_refuse before insert on intake_message
        for each row when (new.provider = 'email') execute function email_test_refuse();
    `)
    const id = messageId()
    const mail = { from: person(), messageId: `<${id}>`, text: 'Please answer' }
    const before = await counts()
    try {
      await expect(send(mail)).rejects.toMatchObject({ responseCode: 451 })
      expect(await counts()).toEqual(before)
      expect(await stored(id)).toEqual({ message: undefined, email: undefined, event: undefined })
    } finally {
      await database.exec(
        'drop trigger email_test_refuse on intake_message; drop function email_test_refuse();',
      )
    }
    await send(mail)
    const { message, event } = await stored(id)
    expect(event).toBeDefined()
    expect(secrets.open(message!.body_sealed!)).toBe('Please answer')
  })
})
