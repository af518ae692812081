import { createHash, randomBytes } from 'node:crypto'
import type { Kysely } from 'kysely'
import type {
  CampaignDetail,
  CampaignList,
  CreateCampaignRequest,
  PublicSurvey,
  SendResult,
  SubmitResponseInput,
  SurveyAnswer,
  SurveyResponse,
} from '../../common/contracts/survey.ts'
import { type AuditContext, appendAuditEvent } from '../audit/audit.store.ts'
import type { Env } from '../config/env.ts'
import type { Secrets } from '../crypto/secrets.ts'
import type { Database } from '../db/database.ts'
import type { DB } from '../db/schema.ts'
import { saveBundle } from '../directory/directory.service.ts'
import type { HsdsDoc } from '../directory/directory.tables.ts'
import { AppError, conflict, invalidField, notFound } from '../http/errors.ts'
import type { Translator } from '../http/i18n.ts'
import { bundleForAnswer, loadProviderEntry, presentEntry } from './survey.entry.ts'
import {
  composeSurveyMail,
  createMailer,
  type Mailer,
  publicUrlOf,
  sendRecordingError,
} from './survey.mail.ts'
import { presentCampaign, presentRecipient, presentResponse } from './survey.presenter.ts'
import * as store from './survey.store.ts'

export interface SurveyDeps {
  database: Database
  secrets: Secrets
  translator: Translator
  env: Env
  mailer?: Mailer
  now?: () => Date
}

/** Who acts on a campaign or a response. */
export interface Reviewer {
  userId: string
}

const SEND_BATCH = 50
const SEND_CONCURRENCY = 4
/** An attempt whose outcome was never recorded (the process stopped) may be retried after this. */
const STALE_ATTEMPT_MS = 10 * 60_000
const DAY_MS = 24 * 3600_000

/** Back-off for survey links: ten free failed look-ups per address, then a growing wait. */
export const linkThrottlePolicy = (failures: number) =>
  failures < 10 ? 0 : Math.min(60 * 2 ** (failures - 10), 3600)

const emailPattern = /^[^\s@<>(),;:"[\]]+@[^\s@<>(),;:"[\]]+\.[^\s@<>(),;:"[\]]+$/

/** The address a survey goes to: the organization's email, else the first contact's that has one. */
export function emailOf(doc: HsdsDoc): string | null {
  const contacts = Array.isArray(doc.contacts) ? (doc.contacts as Record<string, unknown>[]) : []
  const found = [doc.email, ...contacts.map((contact) => contact.email)].find(
    (value): value is string =>
      typeof value === 'string' && value.length <= 254 && emailPattern.test(value.trim()),
  )
  return found?.trim() ?? null
}

/** French for entries in Quebec, or whose text exists only in French; English otherwise. */
export function languageOf(candidate: {
  province: string | null
  name_en: string | null
  name_fr: string | null
}) {
  if (candidate.province === 'QC') return 'fr' as const
  return candidate.name_fr && !candidate.name_en ? ('fr' as const) : ('en' as const)
}

export const hashToken = (token: string) => createHash('sha256').update(token).digest('hex')

async function mapLimited<T>(items: T[], limit: number, work: (item: T) => Promise<void>) {
  let next = 0
  const worker = async () => {
    while (next < items.length) {
      const item = items[next++]!
      await work(item)
    }
  }
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker))
}

export function createSurveyService(deps: SurveyDeps) {
  const { database, secrets, translator, env } = deps
  const { db } = database
  const now = deps.now ?? (() => new Date())
  const mailer = deps.mailer ?? createMailer(env)
  const publicUrl = publicUrlOf(env)

  async function detail(campaignId: string, viewer: Reviewer): Promise<CampaignDetail> {
    const campaign = await store.findCampaign(db, campaignId)
    if (!campaign) throw notFound('survey_campaign')
    const counts = (await store.countsOf(db, [campaign.id])).get(campaign.id)!
    const recipients = await store.listRecipients(db, campaign.id)
    const responses = await store.listResponses(db, campaign.id)
    const presented: SurveyResponse[] = []
    for (const response of responses) presented.push(await responseView(db, response, viewer))
    return {
      ...presentCampaign(campaign, counts, mailer.configured),
      recipients: recipients.map(presentRecipient),
      responses: presented,
    }
  }

  async function responseView(trx: Kysely<DB>, row: store.ResponseRow, viewer: Reviewer) {
    const entry = await loadProviderEntry(trx, row.organization_id)
    const note = row.note_sealed ? secrets.open(row.note_sealed) : null
    return presentResponse(row, note, entry ? presentEntry(entry) : null, viewer)
  }

  /** Refuses a survey link as fast for an unknown token as for a used or expired one. */
  async function refuseLink(
    audit: AuditContext,
    code: 'survey_link_unknown' | 'survey_link_expired' | 'survey_link_used',
  ): Promise<never> {
    await store.recordLookupFailure(db, addressKey(audit), now(), linkThrottlePolicy)
    throw new AppError(code, code === 'survey_link_unknown' ? 404 : 410, {
      fields: [{ path: 'token', code: 'invalid', message: '' }],
    })
  }
  const addressKey = (audit: AuditContext) => `address:${audit.address ?? 'unknown'}`

  return {
    mailConfigured: mailer.configured,

    /** Creates a campaign with one recipient per organization in scope that has an email. */
    async createCampaign(input: CreateCampaignRequest, reviewer: Reviewer, audit: AuditContext) {
      const includeAgencies = input.includeAgencies ?? false
      const province = input.province ?? null
      return db.transaction().execute(async (trx) => {
        const candidates = await store.findCandidates(trx, { province, includeAgencies })
        const recipients = candidates.flatMap((candidate) => {
          const email = emailOf(candidate.doc)
          return email ? [{ organization_id: candidate.id, email, language: languageOf(candidate) }] : []
        })
        if (recipients.length === 0) throw invalidField('province', 'no_recipients')
        const campaign = await store.insertCampaign(trx, {
          title: input.title,
          message_en: input.message.en,
          message_fr: input.message.fr,
          validity_days: input.validityDays,
          province,
          include_agencies: includeAgencies,
          created_by: reviewer.userId,
        })
        await store.insertRecipients(
          trx,
          recipients.map((recipient) => ({ ...recipient, campaign_id: campaign.id })),
        )
        await appendAuditEvent(trx, audit, {
          action: 'survey.campaign_created',
          entityType: 'survey_campaign',
          entityId: campaign.id,
          details: { recipients: recipients.length, province, includeAgencies },
        })
        return campaign.id
      })
    },

    async list(): Promise<CampaignList> {
      const campaigns = await store.listCampaigns(db)
      const counts = await store.countsOf(
        db,
        campaigns.map((c) => c.id),
      )
      return {
        mail: { configured: mailer.configured },
        campaigns: campaigns.map((campaign) =>
          presentCampaign(campaign, counts.get(campaign.id)!, mailer.configured),
        ),
      }
    },

    detail,

    /**
     * Sends the campaign to a batch of recipients never tried, then to those refused before. A
     * recipient counts as sent only once the mail server accepted the message.
     */
    async send(campaignId: string, audit: AuditContext): Promise<SendResult> {
      const campaign = await store.findCampaign(db, campaignId)
      if (!campaign) throw notFound('survey_campaign')
      if (!mailer.configured) throw new AppError('mail_not_configured', 503)
      const staleBefore = new Date(now().getTime() - STALE_ATTEMPT_MS)
      const batch = await store.recipientsToSend(db, campaign.id, staleBefore, SEND_BATCH)
      let sent = 0
      let failed = 0
      await mapLimited(batch, SEND_CONCURRENCY, async (recipient) => {
        const token = randomBytes(32).toString('base64url')
        const at = now()
        const expiresAt = new Date(at.getTime() + campaign.validity_days * DAY_MS)
        const claimed = await store.claimRecipient(db, {
          id: recipient.id,
          staleBefore,
          tokenHash: hashToken(token),
          expiresAt,
          now: at,
        })
        if (!claimed) return
        const mail = composeSurveyMail(translator, {
          language: recipient.language,
          title: campaign.title,
          message: { en: campaign.message_en, fr: campaign.message_fr },
          link: `${publicUrl}/survey/${token}`,
          expiresAt,
          organizationName:
            (recipient.language === 'fr'
              ? (recipient.name_fr ?? recipient.name_en)
              : (recipient.name_en ?? recipient.name_fr)) ?? '',
        })
        const error = await sendRecordingError(mailer, { to: recipient.email, ...mail })
        await db.transaction().execute(async (trx) => {
          await trx
            .updateTable('survey_recipient')
            .set(
              error === null
                ? { status: 'sent', sent_at: now(), last_error: null }
                : { status: 'failed', token_hash: null, expires_at: null, last_error: error },
            )
            .where('id', '=', recipient.id)
            .execute()
          await appendAuditEvent(trx, audit, {
            action: error === null ? 'survey.email_sent' : 'survey.email_failed',
            entityType: 'survey_recipient',
            entityId: recipient.id,
            details: { campaignId: campaign.id, ...(error === null ? {} : { error }) },
          })
        })
        if (error === null) sent += 1
        else failed += 1
      })
      const remaining = Number((await store.countNeverTried(db, campaign.id)).count)
      return { sent, failed, remaining }
    },

    /** The entry behind a survey link, for its provider to check. */
    async openSurvey(token: string, audit: AuditContext): Promise<PublicSurvey> {
      const recipient = await this.resolveLink(token, audit)
      await db
        .updateTable('survey_recipient')
        .set({ opened_at: now() })
        .where('id', '=', recipient.id)
        .where('opened_at', 'is', null)
        .execute()
      const entry = await loadProviderEntry(db, recipient.organization_id)
      if (!entry) return refuseLink(audit, 'survey_link_unknown')
      return {
        title: recipient.title,
        message: { en: recipient.message_en, fr: recipient.message_fr },
        language: recipient.language,
        expiresAt: recipient.expires_at!.toISOString(),
        entry: presentEntry(entry),
      }
    },

    /** Throws 429 while the caller's address is held back for failed look-ups. */
    async assertNotThrottled(audit: AuditContext) {
      const row = await store.findThrottle(db, addressKey(audit))
      const wait = Math.ceil(((row?.blocked_until?.getTime() ?? 0) - now().getTime()) / 1000)
      if (wait > 0)
        throw new AppError('rate_limited', 429, { values: { seconds: wait }, retryAfterSeconds: wait })
    },

    /** The live recipient behind a token: 404 when unknown, 410 when expired or used. */
    async resolveLink(token: string, audit: AuditContext): Promise<store.TokenRow> {
      const recipient = await store.findByTokenHash(db, hashToken(token))
      if (!recipient) return refuseLink(audit, 'survey_link_unknown')
      if (recipient.used_at) return refuseLink(audit, 'survey_link_used')
      if (!recipient.expires_at || recipient.expires_at.getTime() <= now().getTime())
        return refuseLink(audit, 'survey_link_expired')
      return recipient
    },

    /** Stores an answer as a proposed change and spends the link; the directory is not touched. */
    async submit(recipient: store.TokenRow, input: SubmitResponseInput, locale: string, audit: AuditContext) {
      const entry = await loadProviderEntry(db, recipient.organization_id)
      if (!entry) return refuseLink(audit, 'survey_link_unknown')
      const known = new Set(entry.services.map((service) => service.id))
      const seen = new Set<string>()
      const services = input.unchanged ? [] : input.services
      services.forEach((answer, index) => {
        if (!known.has(answer.serviceId) || seen.has(answer.serviceId))
          throw invalidField(`services.${index}.serviceId`, 'invalid')
        seen.add(answer.serviceId)
      })
      if (!input.unchanged && services.length === 0 && !input.phone)
        throw invalidField('services', 'required')
      const answer: SurveyAnswer = {
        unchanged: input.unchanged,
        services: services.map((s) => ({
          serviceId: s.serviceId,
          status: s.status,
          ...(s.hours ? { hours: s.hours } : {}),
        })),
        ...(input.unchanged || !input.phone ? {} : { phone: input.phone }),
      }
      await db.transaction().execute(async (trx) => {
        const spent = await trx
          .updateTable('survey_recipient')
          .set({ used_at: now() })
          .where('id', '=', recipient.id)
          .where('used_at', 'is', null)
          .returning('id')
          .executeTakeFirst()
        if (!spent)
          throw new AppError('survey_link_used', 410, {
            fields: [{ path: 'token', code: 'invalid', message: '' }],
          })
        const response = await trx
          .insertInto('survey_response')
          .values({
            recipient_id: recipient.id,
            campaign_id: recipient.campaign_id,
            organization_id: recipient.organization_id,
            answer: JSON.stringify(answer),
            note_sealed: input.note ? secrets.seal(input.note) : null,
            language: locale === 'fr' ? 'fr' : 'en',
          })
          .returning('id')
          .executeTakeFirstOrThrow()
        await appendAuditEvent(trx, audit, {
          action: 'survey.response_submitted',
          entityType: 'survey_response',
          entityId: response.id,
          details: {
            campaignId: recipient.campaign_id,
            organizationId: recipient.organization_id,
            unchanged: answer.unchanged,
          },
        })
      })
    },

    /**
     * Applies an answer to the directory through saveBundle, records the verification of the
     * organization and its services, and marks the answer approved: one transaction, audited.
     */
    async approve(responseId: string, note: string | undefined, reviewer: Reviewer, audit: AuditContext) {
      return db.transaction().execute(async (trx) => {
        const response = await store.findResponseForReview(trx, responseId)
        if (!response) throw notFound('survey_response')
        if (response.review_status !== 'pending')
          throw conflict([{ path: 'id', code: 'invalid', message: '' }])
        const entry = await loadProviderEntry(trx, response.organization_id)
        if (!entry) throw notFound('survey_response')
        const at = now()
        const serviceIds = entry.services.map((service) => service.id)
        // Verification dates first, so the search rows saveBundle rebuilds carry them.
        await trx
          .updateTable('directory_organization')
          .set({ last_verified_at: at, last_verified_by: reviewer.userId })
          .where('id', '=', entry.organization.id)
          .execute()
        if (serviceIds.length > 0) {
          await trx
            .updateTable('directory_service')
            .set({ last_verified_at: at, last_verified_by: reviewer.userId })
            .where('id', 'in', serviceIds)
            .execute()
        }
        const bundle = bundleForAnswer(entry, response.answer, at.toISOString().slice(0, 10))
        const summary = await saveBundle({ db: trx }, bundle, audit)
        const changed = Object.values(summary.updated).some((ids) => ids.length > 0)
        const outcome = changed ? ('changed' as const) : ('confirmed' as const)
        const verificationNote = `status survey ${response.campaign_id}${note ? `: ${note}` : ''}`
        await trx
          .insertInto('directory_verification')
          .values(
            [
              { entity_type: 'organization' as const, entity_id: entry.organization.id },
              ...serviceIds.map((id) => ({ entity_type: 'service' as const, entity_id: id })),
            ].map((target) => ({
              ...target,
              outcome:
                target.entity_type === 'organization'
                  ? outcome
                  : summary.updated.service.includes(target.entity_id) ||
                      bundle.serviceAtLocations.some(
                        (p) =>
                          p.serviceId === target.entity_id &&
                          summary.updated.service_at_location.includes(p.id),
                      )
                    ? 'changed'
                    : 'confirmed',
              note: verificationNote,
              verified_by: reviewer.userId,
              verified_at: at,
            })),
          )
          .execute()
        await trx
          .updateTable('survey_response')
          .set({
            review_status: 'approved',
            outcome,
            reviewed_by: reviewer.userId,
            reviewed_at: at,
            review_note: note ?? null,
          })
          .where('id', '=', response.id)
          .execute()
        await appendAuditEvent(trx, audit, {
          action: 'survey.response_approved',
          entityType: 'survey_response',
          entityId: response.id,
          details: { organizationId: entry.organization.id, outcome, updated: summary.updated },
        })
        const updated = await store.findResponseForReview(trx, response.id)
        return responseView(trx, updated!, reviewer)
      })
    },

    /** Closes an answer without applying it; the directory is unchanged. */
    async reject(responseId: string, note: string, reviewer: Reviewer, audit: AuditContext) {
      return db.transaction().execute(async (trx) => {
        const response = await store.findResponseForReview(trx, responseId)
        if (!response) throw notFound('survey_response')
        if (response.review_status !== 'pending')
          throw conflict([{ path: 'id', code: 'invalid', message: '' }])
        await trx
          .updateTable('survey_response')
          .set({
            review_status: 'rejected',
            reviewed_by: reviewer.userId,
            reviewed_at: now(),
            review_note: note,
          })
          .where('id', '=', response.id)
          .execute()
        await appendAuditEvent(trx, audit, {
          action: 'survey.response_rejected',
          entityType: 'survey_response',
          entityId: response.id,
          details: { organizationId: response.organization_id },
        })
        const updated = await store.findResponseForReview(trx, response.id)
        return responseView(trx, updated!, reviewer)
      })
    },

    close() {
      mailer.close()
    },
  }
}

export type SurveyService = ReturnType<typeof createSurveyService>
