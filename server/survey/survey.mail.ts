import type { Env } from '../config/env.ts'
import type { Translator } from '../http/i18n.ts'
import { createSmtpTransport, wasAccepted } from '../mail/smtp-transport.ts'

export interface OutgoingMail {
  to: string
  subject: string
  text: string
}

/** The outgoing mail server, when one is configured. */
export interface Mailer {
  readonly configured: boolean
  /** Resolves only when the server accepted the message for this recipient; rejects otherwise. */
  send(mail: OutgoingMail): Promise<void>
  close(): void
}

/** A mailer over SMTP from RELAIS_SMTP_URL; without it, `configured` is false and nothing is sent. */
export function createMailer(env: Env): Mailer {
  const url = env.RELAIS_SMTP_URL
  if (!url || !env.RELAIS_MAIL_FROM) {
    return {
      configured: false,
      async send() {
        throw new Error('no outgoing mail server is configured')
      },
      close() {},
    }
  }
  const transport = createSmtpTransport(url)
  const from = env.RELAIS_MAIL_FROM
  return {
    configured: true,
    async send(mail) {
      const info = await transport.sendMail({ from, to: mail.to, subject: mail.subject, text: mail.text })
      if (!wasAccepted(info, mail.to)) {
        throw new Error(info.response || 'the mail server did not accept the recipient')
      }
    },
    close() {
      transport.close()
    },
  }
}

/**
 * Sends one message and answers why it failed (the mail server's answer, at most 500 characters), or
 * null when it was accepted: for callers that record the outcome rather than throw.
 */
export async function sendRecordingError(mailer: Mailer, mail: OutgoingMail): Promise<string | null> {
  try {
    await mailer.send(mail)
    return null
  } catch (caught) {
    return (caught instanceof Error ? caught.message : String(caught)).slice(0, 500) || 'error'
  }
}

/** The address people reach Relais at, without a trailing slash. */
export function publicUrlOf(env: Env): string {
  if (env.RELAIS_PUBLIC_URL) return env.RELAIS_PUBLIC_URL.replace(/\/+$/, '')
  const host = env.HOST.includes(':') ? `[${env.HOST}]` : env.HOST
  return `http://${host}:${env.PORT}`
}

/**
 * The survey email: the provider's language first, then the other official language, each with the
 * link, so a bilingual team reads it in either.
 */
export function composeSurveyMail(
  translator: Translator,
  {
    language,
    title,
    message,
    link,
    expiresAt,
    organizationName,
  }: {
    language: 'en' | 'fr'
    title: string
    message: { en: string; fr: string }
    link: string
    expiresAt: Date
    organizationName: string
  },
): { subject: string; text: string } {
  const part = (lang: 'en' | 'fr') =>
    [
      translator.t(lang, 'survey:email.greeting', { organization: organizationName }),
      '',
      message[lang],
      '',
      translator.t(lang, 'survey:email.link', {
        date: new Intl.DateTimeFormat(lang === 'fr' ? 'fr-CA' : 'en-CA', {
          dateStyle: 'long',
          timeZone: 'America/Toronto',
        }).format(expiresAt),
      }),
      link,
      '',
      translator.t(lang, 'survey:email.once'),
    ].join('\n')
  const other = language === 'fr' ? 'en' : 'fr'
  return {
    subject: title,
    text: [
      part(language),
      '',
      '-----',
      translator.t(other, 'survey:email.otherLanguage'),
      '',
      part(other),
    ].join('\n'),
  }
}
