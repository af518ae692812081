import { type Kysely, sql } from 'kysely'
import type { DB } from '../db/schema.ts'
import { recordThrottledFailure } from '../db/throttle.ts'
import type { HsdsDoc } from '../directory/directory.tables.ts'

type Db = Kysely<DB>

/** A directory organization that a campaign could reach. */
export interface Candidate {
  id: string
  name_en: string | null
  name_fr: string | null
  kind: string
  province: string | null
  doc: HsdsDoc
}

/**
 * Organizations in scope of a campaign: service providers (and agencies when asked), in the province
 * when one is given (by jurisdiction or by any of their locations). Each comes with its province:
 * its jurisdiction's, else its first location's.
 */
export function findCandidates(
  db: Db,
  { province, includeAgencies }: { province: string | null; includeAgencies: boolean },
): Promise<Candidate[]> {
  let query = db
    .selectFrom('directory_organization as o')
    .select([
      'o.id',
      'o.name_en',
      'o.name_fr',
      'o.kind',
      'o.doc',
      sql<string | null>`coalesce(o.jurisdiction_province, (
        select l.province from directory_location l
        where l.organization_id = o.id and l.province is not null
        order by l.created_at, l.id limit 1))`.as('province'),
    ])
    .orderBy('o.id')
  if (!includeAgencies) query = query.where('o.kind', '=', 'service_provider')
  if (province) {
    query = query.where((eb) =>
      eb.or([
        eb('o.jurisdiction_province', '=', province),
        eb.exists(
          eb
            .selectFrom('directory_location as l')
            .select(sql`1`.as('one'))
            .whereRef('l.organization_id', '=', 'o.id')
            .where('l.province', '=', province),
        ),
      ]),
    )
  }
  return query.execute()
}

export function insertCampaign(
  db: Db,
  values: {
    title: string
    message_en: string
    message_fr: string
    validity_days: number
    province: string | null
    include_agencies: boolean
    created_by: string
  },
) {
  return db.insertInto('survey_campaign').values(values).returningAll().executeTakeFirstOrThrow()
}

export async function insertRecipients(
  db: Db,
  rows: { campaign_id: string; organization_id: string; email: string; language: 'en' | 'fr' }[],
) {
  for (let i = 0; i < rows.length; i += 500) {
    await db
      .insertInto('survey_recipient')
      .values(rows.slice(i, i + 500))
      .execute()
  }
}

export function findCampaign(db: Db, id: string) {
  return db.selectFrom('survey_campaign').selectAll().where('id', '=', id).executeTakeFirst()
}
export type CampaignRow = NonNullable<Awaited<ReturnType<typeof findCampaign>>>

export function listCampaigns(db: Db) {
  return db
    .selectFrom('survey_campaign')
    .selectAll()
    .orderBy('created_at', 'desc')
    .orderBy('id')
    .limit(200)
    .execute()
}

export interface CampaignCounts {
  recipients: number
  pending: number
  sent: number
  failed: number
  responses: number
  awaitingReview: number
}

/** Delivery and review counts of each campaign. */
export async function countsOf(db: Db, campaignIds: string[]): Promise<Map<string, CampaignCounts>> {
  const counts = new Map<string, CampaignCounts>(
    campaignIds.map((id) => [
      id,
      { recipients: 0, pending: 0, sent: 0, failed: 0, responses: 0, awaitingReview: 0 },
    ]),
  )
  if (campaignIds.length === 0) return counts
  const delivery = await db
    .selectFrom('survey_recipient')
    .select(['campaign_id', 'status', (eb) => eb.fn.countAll<number>().as('count')])
    .where('campaign_id', 'in', campaignIds)
    .groupBy(['campaign_id', 'status'])
    .execute()
  for (const row of delivery) {
    const entry = counts.get(row.campaign_id)!
    const count = Number(row.count)
    entry.recipients += count
    if (row.status === 'sent') entry.sent += count
    else if (row.status === 'failed') entry.failed += count
    else entry.pending += count
  }
  const reviews = await db
    .selectFrom('survey_response')
    .select(['campaign_id', 'review_status', (eb) => eb.fn.countAll<number>().as('count')])
    .where('campaign_id', 'in', campaignIds)
    .groupBy(['campaign_id', 'review_status'])
    .execute()
  for (const row of reviews) {
    const entry = counts.get(row.campaign_id)!
    entry.responses += Number(row.count)
    if (row.review_status === 'pending') entry.awaitingReview += Number(row.count)
  }
  return counts
}

export function listRecipients(db: Db, campaignId: string) {
  return db
    .selectFrom('survey_recipient as r')
    .innerJoin('directory_organization as o', 'o.id', 'r.organization_id')
    .selectAll('r')
    .select(['o.name_en', 'o.name_fr'])
    .where('r.campaign_id', '=', campaignId)
    .orderBy(sql`coalesce(o.name_en, o.name_fr)`)
    .orderBy('r.id')
    .execute()
}

export function listResponses(db: Db, campaignId: string) {
  return db
    .selectFrom('survey_response as s')
    .innerJoin('directory_organization as o', 'o.id', 's.organization_id')
    .selectAll('s')
    .select(['o.name_en', 'o.name_fr'])
    .where('s.campaign_id', '=', campaignId)
    .orderBy('s.submitted_at')
    .orderBy('s.id')
    .execute()
}
export type ResponseRow = Awaited<ReturnType<typeof listResponses>>[number]

/** A response with its organization's names, locked for review when inside a transaction. */
export function findResponseForReview(db: Db, id: string) {
  return db
    .selectFrom('survey_response as s')
    .innerJoin('directory_organization as o', 'o.id', 's.organization_id')
    .selectAll('s')
    .select(['o.name_en', 'o.name_fr'])
    .where('s.id', '=', id)
    .forUpdate('s')
    .executeTakeFirst()
}

/** Recipients a send may take: never tried first, then refused ones, then attempts left hanging. */
export function recipientsToSend(db: Db, campaignId: string, staleBefore: Date, limit: number) {
  return db
    .selectFrom('survey_recipient as r')
    .innerJoin('directory_organization as o', 'o.id', 'r.organization_id')
    .select(['r.id', 'r.email', 'r.language', 'r.status', 'o.name_en', 'o.name_fr'])
    .where('r.campaign_id', '=', campaignId)
    .where((eb) =>
      eb.or([
        eb('r.status', 'in', ['pending', 'failed']),
        eb.and([eb('r.status', '=', 'sending'), eb('r.last_attempt_at', '<', staleBefore)]),
      ]),
    )
    .orderBy(sql`case r.status when 'pending' then 0 when 'failed' then 1 else 2 end`)
    .orderBy('r.id')
    .limit(limit)
    .execute()
}

/**
 * Takes one recipient for an attempt, with the hash of its new token; false when another send took
 * it first. The hash is stored before the mail leaves, so a link that reached its reader works even
 * if the process stops before the outcome is recorded.
 */
export async function claimRecipient(
  db: Db,
  {
    id,
    staleBefore,
    tokenHash,
    expiresAt,
    now,
  }: { id: string; staleBefore: Date; tokenHash: string; expiresAt: Date; now: Date },
): Promise<boolean> {
  const claimed = await db
    .updateTable('survey_recipient')
    .set({
      status: 'sending',
      token_hash: tokenHash,
      expires_at: expiresAt,
      last_attempt_at: now,
      attempts: sql`attempts + 1`,
    })
    .where('id', '=', id)
    .where('used_at', 'is', null)
    .where((eb) =>
      eb.or([
        eb('status', 'in', ['pending', 'failed']),
        eb.and([eb('status', '=', 'sending'), eb('last_attempt_at', '<', staleBefore)]),
      ]),
    )
    .returning('id')
    .executeTakeFirst()
  return claimed !== undefined
}

export function countNeverTried(db: Db, campaignId: string) {
  return db
    .selectFrom('survey_recipient')
    .select((eb) => eb.fn.countAll<number>().as('count'))
    .where('campaign_id', '=', campaignId)
    .where('status', '=', 'pending')
    .executeTakeFirstOrThrow()
}

/** The recipient behind a token hash, with its campaign. */
export function findByTokenHash(db: Db, tokenHash: string) {
  return db
    .selectFrom('survey_recipient as r')
    .innerJoin('survey_campaign as c', 'c.id', 'r.campaign_id')
    .select([
      'r.id',
      'r.campaign_id',
      'r.organization_id',
      'r.language',
      'r.status',
      'r.expires_at',
      'r.used_at',
      'c.title',
      'c.message_en',
      'c.message_fr',
    ])
    .where('r.token_hash', '=', tokenHash)
    .where('r.status', 'in', ['sending', 'sent'])
    .executeTakeFirst()
}
export type TokenRow = NonNullable<Awaited<ReturnType<typeof findByTokenHash>>>

export function findThrottle(db: Db, key: string) {
  return db.selectFrom('survey_link_throttle').selectAll().where('key', '=', key).executeTakeFirst()
}

/** Counts one more failed look-up for the key and sets the wait the new count calls for. */
export async function recordLookupFailure(
  db: Db,
  key: string,
  now: Date,
  blockFor: (failures: number) => number,
) {
  await recordThrottledFailure(db, 'survey_link_throttle', key, now, blockFor)
}
