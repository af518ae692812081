import { type Insertable, type Selectable, sql, type Updateable } from 'kysely'
import type { FollowUpsQuery, ReferralOutcome } from '../../../common/contracts/referrals.ts'
import { openReferralOutcomes } from '../../../common/contracts/referrals.ts'
import { caseVisibility, type Viewer } from '../cases.policy.ts'
import type { Db } from '../cases.store.ts'
import type { CaseReferralEventTable, CaseReferralTable } from './referrals.tables.ts'

/**
 * SQL of referrals. A referral is reached through its case: the functions that take a case id are
 * for a case already found through the viewer's visibility in the same transaction; the follow-up
 * list filters by `caseVisibility` itself.
 */

export type ReferralRow = Selectable<CaseReferralTable>
export type ReferralEventRow = Selectable<CaseReferralEventTable>

/** A directory service as a referral needs it, with its organization and where it is offered. */
export async function findService(db: Db, serviceId: string) {
  return db
    .selectFrom('directory_service as s')
    .innerJoin('directory_organization as o', 'o.id', 's.organization_id')
    .select([
      's.id',
      's.organization_id',
      's.status',
      's.confidential',
      's.referral_status',
      's.name_en',
      's.name_fr',
      's.doc',
      'o.name_en as organization_name_en',
      'o.name_fr as organization_name_fr',
      'o.confidential as organization_confidential',
      'o.doc as organization_doc',
      'o.jurisdiction_province',
    ])
    .select((eb) =>
      eb
        .selectFrom('directory_search as e')
        .whereRef('e.service_id', '=', 's.id')
        .where('e.province', 'is not', null)
        .select('e.province')
        .orderBy('e.id')
        .limit(1)
        .as('province'),
    )
    .where('s.id', '=', serviceId)
    .executeTakeFirst()
}
export type ServiceRow = NonNullable<Awaited<ReturnType<typeof findService>>>

/**
 * Where and in which languages a directory service is offered: its locations (address and phones in
 * their HSDS document, and whether the place is confidential) and the languages its search entries
 * list, as the directory holds them now.
 */
export async function servicePlaces(db: Db, serviceId: string) {
  const [locations, entries] = await Promise.all([
    db
      .selectFrom('directory_service_at_location as sal')
      .innerJoin('directory_location as l', 'l.id', 'sal.location_id')
      .select(['l.id', 'l.doc', 'l.confidential'])
      .where('sal.service_id', '=', serviceId)
      .orderBy('l.id')
      .execute(),
    db
      .selectFrom('directory_search')
      .select('languages')
      .where('service_id', '=', serviceId)
      .orderBy('id')
      .execute(),
  ])
  return { locations, languages: [...new Set(entries.flatMap((entry) => entry.languages))] }
}
export type ServicePlaces = Awaited<ReturnType<typeof servicePlaces>>

export async function insertReferral(db: Db, values: Insertable<CaseReferralTable>): Promise<string> {
  const row = await db.insertInto('case_referral').values(values).returning('id').executeTakeFirstOrThrow()
  return row.id
}

export async function insertEvent(db: Db, values: Insertable<CaseReferralEventTable>) {
  await db.insertInto('case_referral_event').values(values).execute()
}

export async function findReferral(db: Db, caseId: string, referralId: string, { lock = false } = {}) {
  let query = db
    .selectFrom('case_referral')
    .selectAll()
    .where('case_id', '=', caseId)
    .where('id', '=', referralId)
  if (lock) query = query.forUpdate()
  return query.executeTakeFirst()
}

export async function updateReferral(db: Db, referralId: string, values: Updateable<CaseReferralTable>) {
  await db.updateTable('case_referral').set(values).where('id', '=', referralId).execute()
}

/** The case's referrals (or one), oldest first, each with its history oldest first. */
export async function referralsOf(db: Db, caseId: string, referralId?: string) {
  let query = db.selectFrom('case_referral').selectAll().where('case_id', '=', caseId)
  if (referralId) query = query.where('id', '=', referralId)
  const rows = await query.orderBy('created_at').orderBy('id').execute()
  if (rows.length === 0) return []
  const events = await db
    .selectFrom('case_referral_event')
    .selectAll()
    .where(
      'referral_id',
      'in',
      rows.map((row) => row.id),
    )
    .orderBy('recorded_at')
    .orderBy('id')
    .execute()
  return rows.map((row) => ({ row, events: events.filter((event) => event.referral_id === row.id) }))
}
export type ReferralDetail = Awaited<ReturnType<typeof referralsOf>>[number]

/** Whether another referral of the need still waits for, or has, the provider's yes. */
export async function needHasOpenReferral(db: Db, needId: string, exceptId: string): Promise<boolean> {
  const row = await db
    .selectFrom('case_referral')
    .select('id')
    .where('need_id', '=', needId)
    .where('id', '!=', exceptId)
    .where('status', 'in', [...openReferralOutcomes] as ReferralOutcome[])
    .executeTakeFirst()
  return row !== undefined
}

/** A gazetteer municipality, matched as the directory search matches it (case and accents aside). */
export async function municipalityKnown(db: Db, province: string, name: string): Promise<boolean> {
  const row = await db
    .selectFrom('directory_municipality')
    .select('id')
    .where('province', '=', province)
    .where(sql`lower(unaccent(name))`, '=', sql`lower(unaccent(${name}))`)
    .executeTakeFirst()
  return row !== undefined
}

/** Referrals due for a follow-up by `dueBy` among the open cases the viewer may see, soonest first. */
export async function dueFollowUps(db: Db, viewer: Viewer, query: FollowUpsQuery, now: Date) {
  const dueBy = query.dueBy ? new Date(query.dueBy) : now
  const filtered = db
    .selectFrom('case_referral as r')
    .innerJoin('case_file', 'case_file.id', 'r.case_id')
    .where(caseVisibility(viewer, now))
    .where('case_file.status', '=', 'open')
    .where('r.follow_up_due_at', '<=', dueBy)
  const [rows, count] = await Promise.all([
    filtered
      .select([
        'r.id',
        'r.case_id',
        'case_file.case_number',
        'case_file.assigned_to',
        'r.need_kind',
        'r.service_name_en',
        'r.service_name_fr',
        'r.organization_name_en',
        'r.organization_name_fr',
        'r.status',
        'r.follow_up_due_at',
        'r.created_at',
      ])
      .orderBy('r.follow_up_due_at')
      .orderBy('r.id')
      .limit(query.limit)
      .offset(query.offset)
      .execute(),
    filtered.select((eb) => eb.fn.countAll<number>().as('total')).executeTakeFirstOrThrow(),
  ])
  return { rows, total: Number(count.total) }
}
export type FollowUpRow = Awaited<ReturnType<typeof dueFollowUps>>['rows'][number]
