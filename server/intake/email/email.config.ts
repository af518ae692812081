import { readFileSync } from 'node:fs'
import type { Env } from '../../config/env.ts'

/** The addresses the line receives email at. The first one is also the sender of its replies. */
export interface Mailboxes {
  /** The line's own address (lower case), the From of every reply. */
  address: string
  /** Its domain, which Message-IDs of replies end with. */
  domain: string
  /** Whether mail to this recipient is the line's (a listed address, or any address of a listed @domain). */
  accepts(recipient: string): boolean
}

/** RELAIS_INTAKE_MAILBOX parsed: `help@hotline.example`, then optionally more addresses or `@domain`s. */
export function mailboxesOf(env: Pick<Env, 'RELAIS_INTAKE_MAILBOX'>): Mailboxes | null {
  if (!env.RELAIS_INTAKE_MAILBOX) return null
  const entries = env.RELAIS_INTAKE_MAILBOX.split(',').map((entry) => entry.trim().toLowerCase())
  const address = entries[0]!
  const addresses = new Set(entries.filter((entry) => !entry.startsWith('@')))
  const domains = new Set(entries.filter((entry) => entry.startsWith('@')).map((entry) => entry.slice(1)))
  return {
    address,
    domain: address.slice(address.lastIndexOf('@') + 1),
    accepts(recipient) {
      const lower = recipient.trim().toLowerCase()
      return addresses.has(lower) || domains.has(lower.slice(lower.lastIndexOf('@') + 1))
    },
  }
}

/** What an attachment may be to be kept. */
export interface AttachmentLimits {
  maxCount: number
  maxBytes: number
  /** Media types (`image/png`) or whole families (`image/*`), in lower case. */
  types: string[]
}

export interface EmailListenerConfig {
  host: string
  port: number
  /** Largest message accepted, announced in EHLO (SIZE) and enforced while it streams in. */
  maxBytes: number
  mailboxes: Mailboxes
  attachments: AttachmentLimits
  /** STARTTLS is offered only with a key and certificate. */
  tls: { key: Buffer; cert: Buffer } | null
}

export function attachmentLimitsOf(env: Env): AttachmentLimits {
  return {
    maxCount: env.RELAIS_EMAIL_MAX_ATTACHMENTS,
    maxBytes: env.RELAIS_EMAIL_ATTACHMENT_MAX_BYTES,
    types: env.RELAIS_EMAIL_ATTACHMENT_TYPES.split(',').map((type) => type.trim()),
  }
}

/** The SMTP listener's settings; null when RELAIS_SMTP_LISTEN_PORT is not set (no email intake). */
export function emailListenerConfig(env: Env): EmailListenerConfig | null {
  const mailboxes = mailboxesOf(env)
  if (env.RELAIS_SMTP_LISTEN_PORT === undefined || !mailboxes) return null
  return {
    host: env.RELAIS_SMTP_LISTEN_HOST,
    port: env.RELAIS_SMTP_LISTEN_PORT,
    maxBytes: env.RELAIS_EMAIL_MAX_BYTES,
    mailboxes,
    attachments: attachmentLimitsOf(env),
    tls:
      env.RELAIS_SMTP_TLS_KEY && env.RELAIS_SMTP_TLS_CERT
        ? { key: readFileSync(env.RELAIS_SMTP_TLS_KEY), cert: readFileSync(env.RELAIS_SMTP_TLS_CERT) }
        : null,
  }
}
