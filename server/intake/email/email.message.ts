import { createHash, randomUUID } from 'node:crypto'
import { type AddressObject, type Attachment, simpleParser } from 'mailparser'
import type { MediaItem } from '../intake.tables.ts'
import type { AttachmentLimits } from './email.config.ts'

/** An attachment kept: its content goes sealed into intake_attachment under `id`. */
export interface KeptAttachment {
  id: string
  contentType: string
  size: number
  sha256: string
  filename: string | null
  content: Buffer
}

/** An inbound email, parsed, with what is needed to store and thread it. */
export interface InboundEmail {
  /** The Message-ID without its angle brackets, or one derived from the content when it has none. */
  messageId: string
  /** The Message-IDs it answers (References, then In-Reply-To), oldest first. */
  references: string[]
  /** Where a reply goes (Reply-To, else From), in lower case, with the name shown beside it. */
  sender: { address: string; name: string | null } | null
  subject: string | null
  /** The plain text, or the text of the HTML when the message has no plain part. */
  text: string | null
  sentAt: Date | null
  contentLanguage: string | null
  attachments: KeptAttachment[]
  /** Every attachment, kept or refused, as the message's media list. */
  media: MediaItem[]
}

/** A Message-ID as stored: printable ASCII without brackets; anything else is no usable id. */
const messageIdPattern = /^[\x21-\x3b\x3d\x3f-\x7e]{1,900}$/

function messageIdsIn(value: string | string[] | undefined): string[] {
  const values = value === undefined ? [] : Array.isArray(value) ? value : [value]
  const ids: string[] = []
  for (const item of values) {
    const bracketed = [...item.matchAll(/<([^<>\s]+)>/g)].map((match) => match[1]!)
    for (const id of bracketed.length > 0 ? bracketed : item.trim().split(/\s+/)) {
      if (messageIdPattern.test(id)) ids.push(id)
    }
  }
  return ids
}

/**
 * Header fields each relay on the way may add: left out of a derived Message-ID, so the same message
 * delivered again, or along another route, gets the same id.
 */
const traceFields =
  /^(received|return-path|delivered-to|x-original-to|authentication-results|arc-[a-z-]+|x-[a-z-]*spam[a-z-]*):/i

/** A Message-ID for a message that has none: the SHA-256 of its content without the trace fields. */
export function derivedMessageId(raw: Buffer): string {
  const text = raw.toString('latin1')
  const end = /\r?\n\r?\n/.exec(text)
  const headerEnd = end ? end.index : text.length
  const fields: string[] = []
  for (const line of text.slice(0, headerEnd).split(/\r?\n/)) {
    if (/^[ \t]/.test(line) && fields.length > 0) fields[fields.length - 1] += `\n${line}`
    else fields.push(line)
  }
  const hash = createHash('sha256')
  for (const field of fields) if (!traceFields.test(field)) hash.update(`${field}\n`)
  hash.update(text.slice(headerEnd))
  return `${hash.digest('hex')}@relais.invalid`
}

const addressPattern = /^[^\s@<>]{1,64}@[^\s@<>]{1,253}$/

function firstAddress(field: AddressObject | AddressObject[] | undefined) {
  const objects = field === undefined ? [] : Array.isArray(field) ? field : [field]
  for (const object of objects) {
    for (const entry of object.value) {
      const address = entry.address?.trim().toLowerCase()
      if (address && addressPattern.test(address)) return { address, name: entry.name?.trim() || null }
    }
  }
  return null
}

const mediaType = /^[a-z0-9!#$&^_.+-]{1,64}\/[a-z0-9!#$&^_.+-]{1,64}$/

/** The first bytes each type starts with: a file whose bytes say otherwise is refused. */
const signatures: Record<string, (bytes: Buffer) => boolean> = {
  'image/jpeg': (b) => b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff,
  'image/png': (b) => b.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])),
  'image/gif': (b) => /^GIF8[79]a/.test(b.subarray(0, 6).toString('latin1')),
  'image/webp': (b) =>
    b.subarray(0, 4).toString('latin1') === 'RIFF' && b.subarray(8, 12).toString('latin1') === 'WEBP',
  'application/pdf': (b) => b.subarray(0, 5).toString('latin1') === '%PDF-',
}

function allowedType(type: string, content: Buffer, limits: AttachmentLimits): boolean {
  const family = `${type.slice(0, type.indexOf('/'))}/*`
  if (!limits.types.includes(type) && !limits.types.includes(family)) return false
  return signatures[type]?.(content) ?? true
}

/**
 * Keeps each attachment within the limits (count, size, type) and lists every one on the media list,
 * the refused ones with the reason, so an advocate knows something was sent.
 */
export function sortAttachments(attachments: Attachment[], limits: AttachmentLimits) {
  const kept: KeptAttachment[] = []
  const media: MediaItem[] = []
  for (const attachment of attachments) {
    const declared = attachment.contentType.toLowerCase()
    const type = mediaType.test(declared) ? declared : 'application/octet-stream'
    const size = attachment.content.length
    const item: MediaItem = { type, size, url: null, providerId: null }
    if (kept.length >= limits.maxCount) item.refused = 'count'
    else if (!allowedType(type, attachment.content, limits)) item.refused = 'type'
    else if (size > limits.maxBytes) item.refused = 'size'
    else {
      const id = randomUUID()
      kept.push({
        id,
        contentType: type,
        size,
        sha256: createHash('sha256').update(attachment.content).digest('hex'),
        filename: attachment.filename?.trim() || null,
        content: attachment.content,
      })
      item.attachmentId = id
    }
    media.push(item)
  }
  return { kept, media }
}

/** Parses a message as received over SMTP. */
export async function parseEmail(raw: Buffer, limits: AttachmentLimits): Promise<InboundEmail> {
  const parsed = await simpleParser(raw, { keepCidLinks: true, skipTextToHtml: true, skipTextLinks: true })
  const messageId = messageIdsIn(parsed.messageId)[0] ?? derivedMessageId(raw)
  const references = [
    ...new Set([...messageIdsIn(parsed.references), ...messageIdsIn(parsed.inReplyTo)]),
  ].filter((id) => id !== messageId)
  const contentLanguage = parsed.headers.get('content-language')
  const text = parsed.text?.trim()
  const subject = parsed.subject?.trim()
  const { kept, media } = sortAttachments(parsed.attachments, limits)
  return {
    messageId,
    references,
    sender: firstAddress(parsed.replyTo) ?? firstAddress(parsed.from),
    subject: subject || null,
    text: text || null,
    sentAt: parsed.date && !Number.isNaN(parsed.date.getTime()) ? parsed.date : null,
    contentLanguage: typeof contentLanguage === 'string' ? contentLanguage : null,
    attachments: kept,
    media,
  }
}
