import { type Age, type Answer, type NeedKind, safeContactFields } from '../../../common/contracts/cases.ts'
import type { FieldError } from '../../../common/contracts/errors.ts'
import {
  type CreateReferralRequest,
  type FollowUpList,
  type FollowUpsQuery,
  openReferralOutcomes,
  type ReferralOutcome,
  type ReferralOutcomeRequest,
  type ReferralPersonEmailRequest,
  type ReferralView,
  type SearchDefaults,
} from '../../../common/contracts/referrals.ts'
import { can } from '../../../common/permissions.ts'
import { type AuditContext, appendAuditEvent } from '../../audit/audit.store.ts'
import type { Env } from '../../config/env.ts'
import type { Secrets } from '../../crypto/secrets.ts'
import type { Database } from '../../db/database.ts'
import { AppError, conflict, invalidField, notFound } from '../../http/errors.ts'
import type { Translator } from '../../http/i18n.ts'
import { createMailer, type Mailer, sendRecordingError } from '../../survey/survey.mail.ts'
import { emailOf, languageOf } from '../../survey/survey.service.ts'
import { ageOf, answerOf, openGroup } from '../cases.answers.ts'
import type { Viewer } from '../cases.policy.ts'
import {
  type CaseFileRow,
  type Db,
  findNeed,
  findPerson,
  findVisibleCase,
  recordWorker,
  staffNames,
  updateCase,
  updateNeed,
} from '../cases.store.ts'
import { type ContactOverride, refuseUnlessOverridden, saidUnsafe } from '../safe-contact.ts'
import { composeReferralMail, referralReference, sharedFacts } from './referrals.mail.ts'
import { composePersonMail, personLanguage } from './referrals.person-mail.ts'
import { type Lang, presentFollowUps, presentReferral, staffOf } from './referrals.presenter.ts'
import {
  dueFollowUps,
  findReferral,
  findService,
  insertEvent,
  insertReferral,
  municipalityKnown,
  needHasOpenReferral,
  type ReferralRow,
  referralsOf,
  type ServiceRow,
  servicePlaces,
  updateReferral,
} from './referrals.store.ts'
import { searchFilters, subjectsOf } from './search-defaults.ts'

/**
 * The rules of referrals. Each change is one transaction on a case the caller may see (the cases
 * module's visibility; otherwise the same 404 as a case that does not exist): the case locked, refused
 * when closed, the change and its audit event, the case touched and its worker recorded. An email to
 * the provider, or to the person, is sent after that transaction commits (a referral never waits on a
 * mail server to exist), and its result is recorded, and audited, in another.
 */

export interface ReferralDeps {
  database: Database
  secrets: Secrets
  translator: Translator
  env: Env
  mailer?: Mailer
  now?: () => Date
}

/** Who acts, the request's audit context, and the language names are shown in. */
export interface Actor {
  viewer: Viewer
  audit: AuditContext
  lang: Lang
}

const DAY_MS = 86_400_000
/** How far in the future a recorded time may be before it is refused: clocks differ a little. */
const CLOCK_SKEW_MS = 2 * 60_000
/** An email attempt older than this is taken as lost (the process stopped mid-send) and may be retried. */
const STALE_EMAIL_MS = 2 * 60_000

const caseNotFound = () => notFound('case')
const field = (path: string, code: string): FieldError => ({ path, code, message: '' })

/** Times the advocate reports must not be in the future. */
function pastTime(value: string | undefined, now: Date, path: string): Date {
  if (value === undefined) return now
  const at = new Date(value)
  if (at.getTime() > now.getTime() + CLOCK_SKEW_MS) throw invalidField(path, 'in_future')
  return at
}

/** The directory's email address of a service, else of its organization. */
const recipientOf = (service: ServiceRow) => emailOf(service.doc) ?? emailOf(service.organization_doc)

export function createReferralService(deps: ReferralDeps) {
  const { database, secrets, translator, env } = deps
  const clock = deps.now ?? (() => new Date())
  const mailer = deps.mailer ?? createMailer(env)
  const followUpFrom = (at: Date) => new Date(at.getTime() + env.RELAIS_REFERRAL_FOLLOW_UP_DAYS * DAY_MS)

  /** One change to the referrals of a visible, open case, audited in its transaction. */
  async function change<T>(
    actor: Actor,
    caseId: string,
    work: (
      trx: Db,
      file: CaseFileRow,
      now: Date,
    ) => Promise<{
      result: T
      audit: { action: string; entityId: string; details: Record<string, unknown> }
    }>,
  ): Promise<T> {
    return database.db.transaction().execute(async (trx) => {
      const now = clock()
      const file = await findVisibleCase(trx, actor.viewer, caseId, now, { lock: true })
      if (!file) throw caseNotFound()
      if (file.status === 'closed') throw new AppError('case_closed', 409)
      const { result, audit } = await work(trx, file, now)
      await updateCase(trx, caseId, { updated_at: now, last_worked_at: now })
      await recordWorker(trx, caseId, actor.viewer.staffId, 'worked', now)
      await appendAuditEvent(trx, actor.audit, {
        action: audit.action,
        entityType: 'case_referral',
        entityId: audit.entityId,
        details: { caseId, caseNumber: file.case_number, ...audit.details },
      })
      return result
    })
  }

  /** A read of a visible case's referral data, audited in its transaction. */
  async function read<T>(
    actor: Actor,
    caseId: string,
    action: string,
    work: (trx: Db, file: CaseFileRow) => Promise<{ result: T; details: Record<string, unknown> }>,
  ): Promise<T> {
    return database.db.transaction().execute(async (trx) => {
      const file = await findVisibleCase(trx, actor.viewer, caseId, clock())
      if (!file) throw caseNotFound()
      const { result, details } = await work(trx, file)
      await appendAuditEvent(trx, actor.audit, {
        action,
        entityType: 'case_file',
        entityId: caseId,
        details: { caseNumber: file.case_number, ...details },
      })
      return result
    })
  }

  async function views(trx: Db, actor: Actor, caseId: string, referralId?: string): Promise<ReferralView[]> {
    const details = await referralsOf(trx, caseId, referralId)
    const staff = await staffNames(trx, staffOf(details))
    return details.map((detail) => presentReferral(detail, secrets, staff, actor.lang))
  }

  async function view(trx: Db, actor: Actor, caseId: string, referralId: string): Promise<ReferralView> {
    const [found] = await views(trx, actor, caseId, referralId)
    if (!found) throw notFound('referral')
    return found
  }

  /** A service one may refer to: known, visible to the caller, and active (not closed or defunct). */
  async function referableService(trx: Db, viewer: Viewer, serviceId: string): Promise<ServiceRow> {
    const service = await findService(trx, serviceId)
    const hidden =
      service &&
      (service.confidential || service.organization_confidential) &&
      !can(viewer.role, 'directory.read_confidential')
    if (!service || hidden) throw invalidField('serviceId', 'unknown_reference')
    if (service.status !== 'active') throw invalidField('serviceId', 'service_closed')
    return service
  }

  /**
   * What an email to the provider needs, checked before anything is written: the person's consent to
   * share something, an address in the directory, and a mail server.
   */
  function emailPrerequisites(
    consent: { given: boolean; fields: readonly string[] },
    service: ServiceRow,
    path: string,
  ): string {
    if (!consent.given || consent.fields.length === 0) throw invalidField(path, 'email_consent_required')
    const to = recipientOf(service)
    if (!to) throw invalidField(path, 'no_email_address')
    if (!mailer.configured) throw new AppError('referral_mail_unavailable', 503)
    return to
  }

  /** The email as it goes out: what consent allows of the case as it is now, in both languages. */
  async function composeFor(trx: Db, referral: ReferralRow) {
    const file = await trx
      .selectFrom('case_file')
      .select(['province', 'province_answer', 'municipality', 'municipality_answer'])
      .where('id', '=', referral.case_id)
      .executeTakeFirstOrThrow()
    const person = referral.person_id
      ? await findPerson(trx, referral.case_id, referral.person_id)
      : undefined
    const otherNeeds = person
      ? await trx
          .selectFrom('case_need')
          .select('kind')
          .where('case_id', '=', referral.case_id)
          .where('person_id', '=', person.id)
          .where('status', 'in', ['unmet', 'referred'])
          .orderBy('created_at')
          .execute()
      : []
    const unanswered = { state: 'not_asked' } as const
    const facts = sharedFacts(referral.shared_fields, {
      alias: referral.alias_sealed ? secrets.open(referral.alias_sealed) : null,
      age: person ? ageOf(person) : (unanswered as Answer<Age>),
      gender: person ? answerOf(person.gender, person.gender_answer) : unanswered,
      languages: person ? answerOf(person.languages, person.languages_answer) : unanswered,
      residency: person ? answerOf(person.residency, person.residency_answer) : unanswered,
      needs: [referral.need_kind, ...otherNeeds.map((need) => need.kind as NeedKind)],
      safeContact: person ? openGroup(secrets, person.safe_contact_sealed, safeContactFields) : null,
      province: file.province_answer === 'given' ? file.province : null,
      municipality: file.municipality_answer === 'given' ? file.municipality : null,
      handoffNote: referral.handoff_note_sealed ? secrets.open(referral.handoff_note_sealed) : null,
    })
    const names = (en: string | null, fr: string | null) => ({ en: en ?? fr ?? '', fr: fr ?? en ?? '' })
    return composeReferralMail(translator, {
      reference: referralReference(referral.id),
      language: referral.email_language ?? 'en',
      organizationName: names(referral.organization_name_en, referral.organization_name_fr),
      serviceName: names(referral.service_name_en, referral.service_name_fr),
      facts,
    })
  }

  /**
   * Sends the email of a referral whose attempt was just recorded (email_status pending), then
   * records and audits whether the mail server accepted it. Returns the referral as it then is.
   */
  async function deliver(actor: Actor, caseId: string, referralId: string): Promise<ReferralView> {
    const { to, mail, sharedFields } = await database.db.transaction().execute(async (trx) => {
      const referral = (await findReferral(trx, caseId, referralId))!
      return {
        to: referral.email_to!,
        mail: await composeFor(trx, referral),
        sharedFields: referral.shared_fields,
      }
    })
    const error = await sendRecordingError(mailer, { to, ...mail })
    return database.db.transaction().execute(async (trx) => {
      const at = clock()
      await updateReferral(
        trx,
        referralId,
        error === null
          ? { email_status: 'sent', email_sent_at: at, email_error: null, updated_at: at }
          : { email_status: 'failed', email_error: error, updated_at: at },
      )
      await appendAuditEvent(trx, actor.audit, {
        action: error === null ? 'case.referral_email_sent' : 'case.referral_email_failed',
        entityType: 'case_referral',
        entityId: referralId,
        details: { caseId, to, sharedFields, ...(error === null ? {} : { error }) },
      })
      return view(trx, actor, caseId, referralId)
    })
  }

  /**
   * Sends the service's details to the person, once the attempt is recorded (pending), then records
   * and audits whether the mail server accepted it. The audit names neither the address nor the mail
   * server's answer, which may quote it; both stay sealed on the referral.
   */
  async function deliverToPerson(actor: Actor, caseId: string, referralId: string): Promise<ReferralView> {
    const { to, language, mail } = await database.db.transaction().execute(async (trx) => {
      const referral = (await findReferral(trx, caseId, referralId))!
      const service = (await findService(trx, referral.service_id))!
      const places = await servicePlaces(trx, service.id)
      const names = (en: string | null, fr: string | null) => ({ en: en ?? fr ?? '', fr: fr ?? en ?? '' })
      const language = referral.person_email_language!
      return {
        to: secrets.open(referral.person_email_to_sealed!),
        language,
        mail: composePersonMail(translator, language, {
          name: names(service.name_en, service.name_fr),
          organizationName: names(service.organization_name_en, service.organization_name_fr),
          serviceDoc: service.doc,
          organizationDoc: service.organization_doc,
          locations: places.locations.map((location) => ({
            doc: location.doc,
            confidential: location.confidential || service.confidential || service.organization_confidential,
          })),
          languages: places.languages,
        }),
      }
    })
    const error = await sendRecordingError(mailer, { to, ...mail })
    return database.db.transaction().execute(async (trx) => {
      const at = clock()
      await updateReferral(
        trx,
        referralId,
        error === null
          ? {
              person_email_status: 'sent',
              person_email_sent_at: at,
              person_email_error_sealed: null,
              updated_at: at,
            }
          : { person_email_status: 'failed', person_email_error_sealed: secrets.seal(error), updated_at: at },
      )
      await appendAuditEvent(trx, actor.audit, {
        action: error === null ? 'case.referral_person_email_sent' : 'case.referral_person_email_failed',
        entityType: 'case_referral',
        entityId: referralId,
        details: { caseId, language },
      })
      return view(trx, actor, caseId, referralId)
    })
  }

  return {
    mailConfigured: mailer.configured,

    /** The case's referrals with their histories, oldest first (audited). */
    list(actor: Actor, caseId: string): Promise<ReferralView[]> {
      return read(actor, caseId, 'case.referrals_read', async (trx) => {
        const found = await views(trx, actor, caseId)
        return { result: found, details: { count: found.length } }
      })
    },

    /**
     * Refers a need to a directory service, with the consent recorded; the need becomes `referred`.
     * A service that does not exist (or is hidden from the caller) or is not active, a need or person
     * not of this case, a consent that shares while refused, or an email that cannot be sent is
     * refused with a 400 naming the field, and nothing is written. Then sends the email if asked.
     */
    async create(actor: Actor, caseId: string, body: CreateReferralRequest): Promise<ReferralView> {
      const referralId = await change(actor, caseId, async (trx, _file, now) => {
        const need = await findNeed(trx, caseId, body.needId)
        if (!need) throw invalidField('needId', 'unknown_reference')
        const personId = body.personId === undefined ? need.person_id : body.personId
        if (personId && !(await findPerson(trx, caseId, personId)))
          throw invalidField('personId', 'unknown_reference')
        const service = await referableService(trx, actor.viewer, body.serviceId)
        if (!body.consent.given && body.consent.fields.length > 0)
          throw invalidField('consent.fields', 'consent_not_given')
        const consentAt = pastTime(body.consent.at, now, 'consent.at')
        const fields = [...new Set(body.consent.fields)]
        const emailTo = body.sendEmail
          ? emailPrerequisites({ given: body.consent.given, fields }, service, 'sendEmail')
          : null
        const id = await insertReferral(trx, {
          case_id: caseId,
          need_id: need.id,
          need_kind: need.kind as NeedKind,
          person_id: personId,
          service_id: service.id,
          organization_id: service.organization_id,
          service_name_en: service.name_en,
          service_name_fr: service.name_fr,
          organization_name_en: service.organization_name_en,
          organization_name_fr: service.organization_name_fr,
          service_confidential: service.confidential || service.organization_confidential,
          service_referral_status: service.referral_status,
          consent_given: body.consent.given,
          consent_at: consentAt,
          shared_fields: fields,
          alias_sealed: body.alias ? secrets.seal(body.alias) : null,
          handoff_note_sealed: body.handoffNote ? secrets.seal(body.handoffNote) : null,
          status: 'pending',
          status_changed_at: now,
          follow_up_due_at: body.followUpDueAt ? new Date(body.followUpDueAt) : followUpFrom(now),
          ...(emailTo
            ? {
                email_status: 'pending' as const,
                email_to: emailTo,
                email_language:
                  body.emailLanguage ??
                  languageOf({
                    province: service.province ?? service.jurisdiction_province,
                    name_en: service.name_en,
                    name_fr: service.name_fr,
                  }),
                email_attempted_at: now,
              }
            : {}),
          created_by: actor.viewer.staffId,
          created_at: now,
          updated_at: now,
        })
        await insertEvent(trx, {
          referral_id: id,
          status: 'pending',
          note_sealed: null,
          occurred_at: now,
          recorded_by: actor.viewer.staffId,
          recorded_at: now,
        })
        if (need.status !== 'referred')
          await updateNeed(trx, need.id, { status: 'referred', status_changed_at: now, updated_at: now })
        return {
          result: id,
          audit: {
            action: 'case.referral_created',
            entityId: id,
            details: {
              needId: need.id,
              needStatus: { from: need.status, to: 'referred' },
              serviceId: service.id,
              consent: body.consent.given,
              sharedFields: fields,
              email: emailTo !== null,
            },
          },
        }
      })
      if (body.sendEmail) return deliver(actor, caseId, referralId)
      return database.db.transaction().execute((trx) => view(trx, actor, caseId, referralId))
    },

    /**
     * Records an outcome (or a follow-up that leaves it as it was), with when it happened and a note.
     * The next follow-up falls due RELAIS_REFERRAL_FOLLOW_UP_DAYS on while the referral is pending or
     * accepted, and none after, unless the advocate sets one. A completed referral meets its need; a
     * declined one, or one without capacity, leaves it unmet again unless another referral is open.
     */
    recordOutcome(
      actor: Actor,
      caseId: string,
      referralId: string,
      body: ReferralOutcomeRequest,
    ): Promise<ReferralView> {
      return change(actor, caseId, async (trx, _file, now) => {
        const referral = await findReferral(trx, caseId, referralId, { lock: true })
        if (!referral) throw notFound('referral')
        const occurredAt = pastTime(body.occurredAt, now, 'occurredAt')
        const stillOpen = (openReferralOutcomes as readonly ReferralOutcome[]).includes(body.status)
        const followUp =
          body.followUpDueAt !== undefined
            ? body.followUpDueAt && new Date(body.followUpDueAt)
            : stillOpen
              ? followUpFrom(now)
              : null
        const statusChanged = body.status !== referral.status
        await insertEvent(trx, {
          referral_id: referralId,
          status: body.status,
          note_sealed: body.note ? secrets.seal(body.note) : null,
          occurred_at: occurredAt,
          recorded_by: actor.viewer.staffId,
          recorded_at: now,
        })
        await updateReferral(trx, referralId, {
          status: body.status,
          ...(statusChanged ? { status_changed_at: occurredAt } : {}),
          follow_up_due_at: followUp,
          updated_at: now,
        })
        const need = referral.need_id ? await findNeed(trx, caseId, referral.need_id) : undefined
        let needStatus: { from: string; to: string } | undefined
        if (need?.status === 'referred' && statusChanged) {
          const next =
            body.status === 'completed'
              ? 'met'
              : (body.status === 'declined' || body.status === 'no_capacity') &&
                  !(await needHasOpenReferral(trx, need.id, referralId))
                ? 'unmet'
                : null
          if (next) {
            await updateNeed(trx, need.id, { status: next, status_changed_at: now, updated_at: now })
            needStatus = { from: need.status, to: next }
          }
        }
        return {
          result: await view(trx, actor, caseId, referralId),
          audit: {
            action: 'case.referral_outcome_recorded',
            entityId: referralId,
            details: {
              from: referral.status,
              to: body.status,
              occurredAt: occurredAt.toISOString(),
              followUpDueAt: followUp ? followUp.toISOString() : null,
              ...(needStatus ? { needId: need!.id, needStatus } : {}),
            },
          },
        }
      })
    },

    /**
     * Sends (or sends again, after a failure) the email of a referral to the provider. Refused when it
     * was sent already or is being sent, without consent, or without an address in the directory.
     */
    async sendEmail(
      actor: Actor,
      caseId: string,
      referralId: string,
      { language }: { language?: Lang | undefined },
    ): Promise<ReferralView> {
      await change(actor, caseId, async (trx, _file, now) => {
        const referral = await findReferral(trx, caseId, referralId, { lock: true })
        if (!referral) throw notFound('referral')
        if (referral.email_status === 'sent') throw conflict([field('email', 'email_already_sent')])
        const inFlight =
          referral.email_status === 'pending' &&
          referral.email_attempted_at !== null &&
          referral.email_attempted_at.getTime() > now.getTime() - STALE_EMAIL_MS
        if (inFlight) throw conflict([field('email', 'email_in_progress')])
        const service = await findService(trx, referral.service_id)
        if (!service) throw invalidField('email', 'no_email_address')
        const to = emailPrerequisites(
          { given: referral.consent_given, fields: referral.shared_fields },
          service,
          'email',
        )
        const lang =
          language ??
          referral.email_language ??
          languageOf({
            province: service.province ?? service.jurisdiction_province,
            name_en: service.name_en,
            name_fr: service.name_fr,
          })
        await updateReferral(trx, referralId, {
          email_status: 'pending',
          email_to: to,
          email_language: lang,
          email_attempted_at: now,
          email_error: null,
          updated_at: now,
        })
        return {
          result: undefined,
          audit: {
            action: 'case.referral_email_requested',
            entityId: referralId,
            details: { to, retry: referral.email_status === 'failed' },
          },
        }
      })
      return deliver(actor, caseId, referralId)
    },

    /**
     * Emails the person the referred service's details (name, address, phone, hours, languages; never
     * anything about the case) at the address they gave, in their language. Refused, sending nothing,
     * when a person the referral is for (or, if it names nobody, anyone in the case) said an email is
     * not safe, unless `override` gives the reason, audited with the request; also while an email to
     * them is being sent, when the service is gone from the directory or closed, and without a mail
     * server. May be sent again: the referral keeps the latest, the audit log every one.
     */
    async sendToPerson(
      actor: Actor,
      caseId: string,
      referralId: string,
      body: ReferralPersonEmailRequest,
    ): Promise<ReferralView> {
      await change(actor, caseId, async (trx, _file, now) => {
        const referral = await findReferral(trx, caseId, referralId, { lock: true })
        if (!referral) throw notFound('referral')
        const inFlight =
          referral.person_email_status === 'pending' &&
          referral.person_email_attempted_at !== null &&
          referral.person_email_attempted_at.getTime() > now.getTime() - STALE_EMAIL_MS
        if (inFlight) throw conflict([field('personEmail', 'person_email_in_progress')])
        const service = await findService(trx, referral.service_id)
        if (!service) throw invalidField('service', 'unknown_reference')
        if (service.status !== 'active') throw invalidField('service', 'service_closed')
        if (!mailer.configured) throw new AppError('referral_mail_unavailable', 503)
        const people = await trx
          .selectFrom('case_person')
          .select(['id', 'case_id', 'languages', 'languages_answer', 'safe_contact_sealed'])
          .where('case_id', '=', caseId)
          .$if(referral.person_id !== null, (query) => query.where('id', '=', referral.person_id!))
          .orderBy('created_at')
          .orderBy('id')
          .execute()
        const override: ContactOverride | undefined = body.override && {
          reason: body.override.reason,
          audit: actor.audit,
        }
        await refuseUnlessOverridden(trx, {
          method: 'email',
          unsafe: people.filter((person) => saidUnsafe(secrets, person.safe_contact_sealed, 'email')),
          override,
          action: 'case.referral_person_email.unsafe_override',
          entityType: 'case_referral',
          entityId: referralId,
          details: { caseId },
        })
        const person = referral.person_id ? people[0] : undefined
        const language =
          body.language ??
          (person ? personLanguage(answerOf(person.languages, person.languages_answer)) : undefined) ??
          actor.lang
        await updateReferral(trx, referralId, {
          person_email_status: 'pending',
          person_email_to_sealed: secrets.seal(body.to),
          person_email_language: language,
          person_email_by: actor.viewer.staffId,
          person_email_attempted_at: now,
          person_email_sent_at: null,
          person_email_error_sealed: null,
          updated_at: now,
        })
        return {
          result: undefined,
          audit: {
            action: 'case.referral_person_email_requested',
            entityId: referralId,
            details: {
              personId: referral.person_id,
              language,
              again: referral.person_email_status !== 'not_requested',
              override: override !== undefined,
            },
          },
        }
      })
      return deliverToPerson(actor, caseId, referralId)
    },

    /** Directory search filters drawn from the case and the need (audited: it reads people's data). */
    searchDefaults(actor: Actor, caseId: string, needId: string | undefined): Promise<SearchDefaults> {
      return read(actor, caseId, 'case.referral_search_defaults_read', async (trx, file) => {
        const need = needId ? await findNeed(trx, caseId, needId) : undefined
        if (needId && !need) throw invalidField('query.needId', 'unknown_reference')
        const people = await trx
          .selectFrom('case_person')
          .selectAll()
          .where('case_id', '=', caseId)
          .orderBy('created_at')
          .orderBy('id')
          .execute()
        const subjects = subjectsOf(people, need)
        const known =
          file.province_answer === 'given' && file.municipality_answer === 'given'
            ? await municipalityKnown(trx, file.province!, file.municipality!)
            : false
        const filters = searchFilters({ file, need, subjects, municipalityKnown: known })
        return {
          result: {
            filters,
            basis: { needId: need?.id ?? null, personIds: subjects.map((person) => person.id) },
          },
          details: { needId: need?.id ?? null, filters: Object.keys(filters) },
        }
      })
    },

    /**
     * Referrals whose follow-up is due, among the open cases the caller may see (an advocate: those
     * they worked on or were assigned; a supervisor: all), soonest due first. The case ids are audited.
     */
    async followUps(actor: Actor, query: FollowUpsQuery): Promise<FollowUpList> {
      return database.db.transaction().execute(async (trx) => {
        const now = clock()
        const { rows, total } = await dueFollowUps(trx, actor.viewer, query, now)
        const staff = await staffNames(
          trx,
          rows.map((row) => row.assigned_to),
        )
        await appendAuditEvent(trx, actor.audit, {
          action: 'case.referral_follow_ups_read',
          details: { total, caseIds: [...new Set(rows.map((row) => row.case_id))] },
        })
        return presentFollowUps(rows, total, staff, actor.lang)
      })
    },
  }
}

export type ReferralService = ReturnType<typeof createReferralService>
