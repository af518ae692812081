import nodemailer, { type Transporter } from 'nodemailer'
import type SMTPTransport from 'nodemailer/lib/smtp-transport'

/**
 * A transport to the outgoing mail server at `url` (RELAIS_SMTP_URL), shared by everything Relais
 * sends by email. Without a pool, each message opens its own connection, so nothing stays open.
 */
export function createSmtpTransport(url: string): Transporter<SMTPTransport.SentMessageInfo> {
  const options: SMTPTransport.Options & { url: string } = {
    url,
    // A server that does not answer fails the attempt quickly; the message is tried again later.
    connectionTimeout: 15_000,
    greetingTimeout: 15_000,
    socketTimeout: 30_000,
  }
  return nodemailer.createTransport(options)
}

/** Whether the server accepted the message for this recipient (addresses compared in lower case). */
export function wasAccepted(info: SMTPTransport.SentMessageInfo, recipient: string): boolean {
  return (info.accepted as (string | { address: string })[])
    .map((address) => (typeof address === 'string' ? address : address.address).toLowerCase())
    .includes(recipient.toLowerCase())
}
