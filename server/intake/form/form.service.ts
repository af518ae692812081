import { randomBytes, randomUUID } from 'node:crypto'
import type { FieldError } from '../../../common/contracts/errors.ts'
import type { ContactMethod, WebFormInput, WebFormKind } from '../../../common/contracts/web-form.ts'
import type { AuditContext } from '../../audit/audit.store.ts'
import { appendAuditEvent } from '../../audit/audit.store.ts'
import type { Secrets } from '../../crypto/secrets.ts'
import type { Database } from '../../db/database.ts'
import { AppError, invalidField } from '../../http/errors.ts'
import { publish } from '../events.ts'
import { contactIndex, normalisePhone } from '../intake.service.ts'
import { type Db, findOpenSignal, upsertContact } from '../intake.store.ts'
import type { ContactKind } from '../intake.tables.ts'
import { appendMessage, openSignal, type RoutingPolicy } from '../signals.ts'
import {
  countSubmission,
  findThrottle,
  insertSubmission,
  markInDanger,
  referenceTaken,
  spendChallenge,
} from './form.store.ts'
import { type Challenge, challengeKey, checkProof, issueChallenge } from './proof-of-work.ts'

export interface FormDeps {
  database: Database
  secrets: Secrets
  policy: Pick<RoutingPolicy, 'interpreterFallbackSeconds'>
  /** Leading zero bits a proof of work must have (RELAIS_FORM_POW_BITS). */
  powBits: number
  /** Submissions from one address before the back-off starts (RELAIS_FORM_PER_ADDRESS). */
  perAddress: number
  now?: () => Date
}

/**
 * The sealed body of a web form message: what the person wrote and the answers the advocate reads
 * with it. (Contact details and safe-contact preferences are sealed apart, in intake_form_submission.)
 */
export interface WebFormBody {
  text: string
  kind: WebFormKind
  inDanger: boolean
  anonymous: boolean
  language: string
  preferredLanguage: string | null
  reference: string
}

/** How to reach the person, sealed as JSON in intake_form_submission.contact_sealed. */
export interface WebFormContact {
  name: string | null
  phone: string | null
  email: string | null
}

/** When and how it is safe, sealed as JSON in intake_form_submission.safe_contact_sealed. */
export interface WebFormSafeContact {
  method: ContactMethod
  safeTimes: string | null
  leaveMessage: boolean | null
  safeWord: string | null
}

/** Crockford's base 32: no I, L, O or U, so a reference read aloud or copied by hand survives. */
const REFERENCE_ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ'

/** A short random code (40 bits) such as K7QF-3M9P, unrelated to any id in the database. */
export function newReference(): string {
  let value = BigInt(`0x${randomBytes(5).toString('hex')}`)
  let code = ''
  for (let index = 0; index < 8; index += 1) {
    code = REFERENCE_ALPHABET[Number(value & 31n)] + code
    value >>= 5n
  }
  return `${code.slice(0, 4)}-${code.slice(4)}`
}

/** A reference no submission has yet (40 random bits rarely meet twice; when they do, draw again). */
async function unusedReference(db: Db): Promise<string> {
  for (;;) {
    const reference = newReference()
    if (!(await referenceTaken(db, reference))) return reference
  }
}

/**
 * A telephone number as typed on the form, in E.164. The line is in the North American numbering
 * plan, so ten digits are a number with its area code; anything else must carry its country code.
 */
export function formPhone(value: string): string | null {
  const digits = value.replace(/[\s().-]/g, '')
  if (/^[2-9][0-9]{2}[2-9][0-9]{6}$/.test(digits)) return `+1${digits}`
  if (/^1[2-9][0-9]{2}[2-9][0-9]{6}$/.test(digits)) return `+${digits}`
  const e164 = normalisePhone(digits.startsWith('+') || digits.startsWith('00') ? digits : `+${digits}`)
  return /^\+[1-9][0-9]{6,14}$/.test(e164) ? e164 : null
}

/** The wait after the n-th submission from an address: none, then 1 minute doubling up to an hour. */
export function submissionBackoff(perAddress: number) {
  return (count: number) => (count < perAddress ? 0 : Math.min(60 * 2 ** (count - perAddress), 3600))
}

/** The details the person chose to give, checked against the way they want to be reached. */
function contactOf(input: WebFormInput): { contact: WebFormContact | null; safe: WebFormSafeContact | null } {
  // Anonymous wins: details sent along with it are not kept.
  if (input.anonymous) return { contact: null, safe: null }
  const fields: FieldError[] = []
  const given = input.contact ?? { name: undefined, phone: undefined, email: undefined }
  const phone = given.phone === undefined ? null : formPhone(given.phone)
  if (given.phone !== undefined && phone === null) {
    fields.push({ path: 'contact.phone', code: 'invalid', message: '' })
  }
  const method = input.safeContact?.method
  if ((method === 'phone' || method === 'sms') && given.phone === undefined) {
    fields.push({ path: 'contact.phone', code: 'required', message: '' })
  }
  if (method === 'email' && given.email === undefined) {
    fields.push({ path: 'contact.email', code: 'required', message: '' })
  }
  if (fields.length > 0) throw new AppError('validation_failed', 400, { fields })
  const contact = { name: given.name ?? null, phone, email: given.email ?? null }
  const safe = input.safeContact
    ? {
        method: input.safeContact.method,
        safeTimes: input.safeContact.safeTimes ?? null,
        leaveMessage: input.safeContact.leaveMessage ?? null,
        safeWord: input.safeContact.safeWord ?? null,
      }
    : null
  const anything = contact.name !== null || contact.phone !== null || contact.email !== null
  return { contact: anything ? contact : null, safe }
}

/** The address a returning person is recognised by: the one they asked to be reached at first. */
function recognisedBy(contact: WebFormContact, method: ContactMethod | undefined) {
  const email = contact.email ? { kind: 'email' as ContactKind, address: contact.email } : null
  const phone = contact.phone ? { kind: 'phone' as ContactKind, address: contact.phone } : null
  return method === 'email' ? (email ?? phone) : (phone ?? email)
}

export function createFormService(deps: FormDeps) {
  const { database, secrets } = deps
  const now = deps.now ?? (() => new Date())
  const key = challengeKey(secrets)
  const backoff = submissionBackoff(deps.perAddress)
  // Never the address itself: a keyed hash, useless to anyone without the master key.
  const addressKey = (address: string | null) => secrets.blindIndex(`intake-form-address:${address ?? ''}`)

  return {
    challenge(): Challenge {
      return issueChallenge(key, deps.powBits, now())
    },

    /** Throws 429 while the address is held back. */
    async assertNotThrottled(address: string | null) {
      const row = await findThrottle(database.db, addressKey(address))
      const wait = Math.ceil(((row?.blocked_until?.getTime() ?? 0) - now().getTime()) / 1000)
      if (wait > 0) {
        throw new AppError('rate_limited', 429, { values: { seconds: wait }, retryAfterSeconds: wait })
      }
    },

    /**
     * Stores a submission in one transaction: the spent challenge, the contact (when given), the
     * signal in its queue (or the person's open web form conversation), the sealed message, the
     * submission with its reference and sealed preferences, the address's count and the audit event.
     * Anything failing leaves nothing behind.
     */
    async submit(
      input: WebFormInput,
      context: { locale: string; address: string | null; audit: AuditContext },
    ): Promise<{ reference: string; signalId: string; messageId: string }> {
      const at = now()
      const proof = checkProof(key, deps.powBits, input.proof, at)
      if (!proof.ok) throw invalidField('proof', proof.problem)
      const { contact, safe } = contactOf(input)
      const language = input.language ?? (context.locale === 'fr' ? 'fr' : 'en')

      return database.db.transaction().execute(async (trx) => {
        if (!(await spendChallenge(trx, proof.nonce, proof.expiresAt, at))) {
          throw invalidField('proof', 'already_used')
        }
        const address = contact ? recognisedBy(contact, safe?.method) : null
        const contactId = address
          ? await upsertContact(trx, {
              kind: address.kind,
              blindIndex: contactIndex(secrets, address.kind, address.address),
              addressSealed: secrets.seal(address.address),
              displayNameSealed: contact?.name ? secrets.seal(contact.name) : null,
              seenAt: at,
            })
          : null
        // A person known by their address has one open web form conversation: a new form joins it.
        const open = contactId ? await findOpenSignal(trx, contactId, 'web_form') : undefined
        const signalId =
          open?.id ??
          (await openSignal(
            trx,
            {
              channel: 'web_form',
              contactId,
              language,
              preferredLanguage: input.preferredLanguage ?? null,
              inDanger: input.inDanger,
              receivedAt: at,
            },
            deps.policy,
            context.audit,
          ))
        if (open && input.inDanger && (await markInDanger(trx, open.id))) {
          await publish(trx, { type: 'signal.changed', signalId: open.id })
        }

        const reference = await unusedReference(trx)
        const body: WebFormBody = {
          text: input.message,
          kind: input.kind,
          inDanger: input.inDanger,
          anonymous: input.anonymous,
          language,
          preferredLanguage: input.preferredLanguage ?? null,
          reference,
        }
        const message = await appendMessage(trx, {
          signalId,
          direction: 'in',
          bodySealed: secrets.seal(JSON.stringify(body)),
          kind: 'web_form',
          provider: 'relais',
          externalId: `web-form:${randomUUID()}`,
          receivedAt: at,
        })
        await insertSubmission(trx, {
          signalId,
          messageId: message.id,
          reference,
          kind: input.kind,
          anonymous: input.anonymous,
          contactSealed: contact ? secrets.seal(JSON.stringify(contact)) : null,
          safeContactSealed: safe ? secrets.seal(JSON.stringify(safe)) : null,
          submittedAt: at,
        })
        await countSubmission(trx, addressKey(context.address), at, backoff)
        await appendAuditEvent(trx, context.audit, {
          action: 'intake.form.submitted',
          entityType: 'intake_signal',
          entityId: signalId,
          details: {
            kind: input.kind,
            inDanger: input.inDanger,
            anonymous: input.anonymous,
            contactGiven: contact !== null,
            joined: open !== undefined,
          },
        })
        return { reference, signalId, messageId: message.id }
      })
    },
  }
}
