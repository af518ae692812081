import MailComposer from 'nodemailer/lib/mail-composer'
import type Mail from 'nodemailer/lib/mailer'
import { describe, expect, it } from 'vitest'
import { emailLanguage, writtenLanguage } from './email.language.ts'
import { derivedMessageId, parseEmail } from './email.message.ts'

const limits = { maxCount: 2, maxBytes: 1024, types: ['image/png', 'text/*'] }
const png = Buffer.concat([
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
  Buffer.alloc(64, 1),
])

/** A message as a mail program writes it, by nodemailer's own MIME composer. */
function compose(mail: Mail.Options): Promise<Buffer> {
  return new MailComposer({ from: 'Ana <Ana@Example.org>', to: 'help@hotline.example', ...mail })
    .compile()
    .build()
}

describe('parseEmail', () => {
  it('reads the sender, subject, text and the ids a reply answers', async () => {
    const raw = await compose({
      subject: ' I need help ',
      text: 'They took my passport.\n',
      messageId: '<second@example.org>',
      inReplyTo: '<first@hotline.example>',
      references: ['<root@example.org>', '<first@hotline.example>'],
      date: new Date('2026-12-01T10:00:00Z'),
    })
    const email = await parseEmail(raw, limits)
    expect(email).toMatchObject({
      messageId: 'second@example.org',
      references: ['root@example.org', 'first@hotline.example'],
      sender: { address: 'ana@example.org', name: 'Ana' },
      subject: 'I need help',
      text: 'They took my passport.',
      sentAt: new Date('2026-12-01T10:00:00Z'),
      attachments: [],
      media: [],
    })
  })

  it('answers to Reply-To when the message names one', async () => {
    const email = await parseEmail(await compose({ replyTo: 'safe@example.net', text: 'x' }), limits)
    expect(email.sender).toEqual({ address: 'safe@example.net', name: null })
  })

  it('takes the text of an HTML-only message', async () => {
    const email = await parseEmail(await compose({ html: '<p>Help <b>me</b> please</p>' }), limits)
    expect(email.text).toContain('Help me please')
  })

  it('keeps attachments within the limits and lists the others with the reason', async () => {
    const raw = await compose({
      text: 'files',
      attachments: [
        { filename: 'photo.png', content: png, contentType: 'image/png' },
        { filename: 'run.exe', content: Buffer.from('MZ...'), contentType: 'application/x-msdownload' },
        { filename: 'fake.png', content: Buffer.from('not a png'), contentType: 'image/png' },
        { filename: 'long.txt', content: Buffer.alloc(2048, 'a'), contentType: 'text/plain' },
        { filename: 'note.txt', content: Buffer.from('a note'), contentType: 'text/plain' },
        { filename: 'more.txt', content: Buffer.from('one too many'), contentType: 'text/plain' },
      ],
    })
    const email = await parseEmail(raw, limits)
    expect(email.media.map((item) => [item.type, item.refused ?? 'kept'])).toEqual([
      ['image/png', 'kept'],
      ['application/x-msdownload', 'type'],
      ['image/png', 'type'],
      ['text/plain', 'size'],
      ['text/plain', 'kept'],
      ['text/plain', 'count'],
    ])
    expect(email.attachments.map((a) => [a.filename, a.size, a.content.equals(png)])).toEqual([
      ['photo.png', png.length, true],
      ['note.txt', 6, false],
    ])
    expect(email.media[0]!.attachmentId).toBe(email.attachments[0]!.id)
  })

  it('derives a Message-ID from the content, whatever relays added on the way', async () => {
    const raw = Buffer.from(
      'From: ana@example.org\r\nTo: help@hotline.example\r\nSubject: hi\r\n\r\nhello\r\n',
    )
    const relayed = Buffer.concat([
      Buffer.from('Received: from mx.example.net\r\n  by relais; Tue, 1 Dec 2026 10:00:00 +0000\r\n'),
      raw,
    ])
    const other = Buffer.from(raw.toString().replace('hello', 'hullo'))
    expect((await parseEmail(raw, limits)).messageId).toBe(derivedMessageId(raw))
    expect(derivedMessageId(relayed)).toBe(derivedMessageId(raw))
    expect(derivedMessageId(other)).not.toBe(derivedMessageId(raw))
  })
})

describe('emailLanguage', () => {
  it('follows Content-Language, then the words, then the line’s default', () => {
    const none = { contentLanguage: null, subject: null, text: null }
    expect(emailLanguage({ ...none, contentLanguage: 'fr-CA' }, 'en')).toEqual({
      language: 'fr',
      preferredLanguage: null,
    })
    expect(
      emailLanguage({ ...none, subject: 'Besoin d’aide', text: 'Bonjour, je suis à Montréal' }, 'en'),
    ).toEqual({ language: 'fr', preferredLanguage: null })
    expect(emailLanguage({ ...none, subject: 'I need help' }, 'fr').language).toBe('en')
    expect(emailLanguage({ ...none, contentLanguage: 'es', subject: 'Ayuda' }, 'fr')).toEqual({
      language: 'fr',
      preferredLanguage: 'es',
    })
    expect(writtenLanguage('12345')).toBeNull()
  })
})
