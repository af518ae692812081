import { type Insertable, type Kysely, type Selectable, sql, type Updateable } from 'kysely'
import type { CaseSearch } from '../../common/contracts/cases.ts'
import type { Role } from '../../common/permissions.ts'
import type { DB } from '../db/schema.ts'
import { caseVisibility, type Viewer } from './cases.policy.ts'
import type {
  CaseAccessTable,
  CaseExploiterTable,
  CaseFileTable,
  CaseNeedTable,
  CasePersonTable,
  CaseWorkerVia,
} from './cases.tables.ts'

/**
 * SQL of the cases module. Every function that reads a case, lists or counts cases takes the viewer
 * and filters by `caseVisibility`; the functions that take a bare case id are for a case already
 * found through one of them in the same transaction.
 */

export type Db = Kysely<DB>
export type CaseFileRow = Selectable<CaseFileTable>
export type CasePersonRow = Selectable<CasePersonTable>
export type CaseExploiterRow = Selectable<CaseExploiterTable>
export type CaseNeedRow = Selectable<CaseNeedTable>

/** The next case number of the year, C-2026-000123: counted under the counter row's lock. */
export async function nextCaseNumber(db: Db, now: Date): Promise<string> {
  const year = now.getUTCFullYear()
  const row = await db
    .insertInto('case_number_counter')
    .values({ year, last: 1 })
    .onConflict((oc) => oc.column('year').doUpdateSet({ last: sql`case_number_counter.last + 1` }))
    .returning('last')
    .executeTakeFirstOrThrow()
  return `C-${year}-${String(row.last).padStart(6, '0')}`
}

export async function insertCase(db: Db, values: Insertable<CaseFileTable>): Promise<string> {
  const row = await db.insertInto('case_file').values(values).returning('id').executeTakeFirstOrThrow()
  return row.id
}

/** A case the viewer may see, or undefined (whether it does not exist or is not theirs). */
export async function findVisibleCase(
  db: Db,
  viewer: Viewer,
  caseId: string,
  now: Date,
  { lock = false }: { lock?: boolean } = {},
): Promise<CaseFileRow | undefined> {
  let query = db
    .selectFrom('case_file')
    .selectAll()
    .where('id', '=', caseId)
    .where(caseVisibility(viewer, now))
  if (lock) query = query.forUpdate()
  return query.executeTakeFirst()
}

/** Whether a case exists at all: only for break-the-glass, which is about cases one cannot see. */
export async function caseExists(db: Db, caseId: string): Promise<boolean> {
  const row = await db.selectFrom('case_file').select('id').where('id', '=', caseId).executeTakeFirst()
  return row !== undefined
}

/** A case's id by its number, whoever may see it: for break-the-glass only, which is audited. */
export async function findCaseIdByNumber(db: Db, caseNumber: string): Promise<string | undefined> {
  const row = await db
    .selectFrom('case_file')
    .select('id')
    .where('case_number', '=', caseNumber)
    .executeTakeFirst()
  return row?.id
}

/** Sets the given columns; an empty patch (nothing to save) is no statement at all. */
export async function updateCase(db: Db, caseId: string, values: Updateable<CaseFileTable>) {
  if (Object.keys(values).length === 0) return
  await db.updateTable('case_file').set(values).where('id', '=', caseId).execute()
}

/** Records that a staff member worked on the case now (which lets an advocate see it from then on). */
export async function recordWorker(db: Db, caseId: string, staffId: string, via: CaseWorkerVia, now: Date) {
  await db
    .insertInto('case_worker')
    .values({ case_id: caseId, staff_id: staffId, via, first_at: now, last_worked_at: now })
    .onConflict((oc) => oc.columns(['case_id', 'staff_id']).doUpdateSet({ last_worked_at: now }))
    .execute()
}

/** The signal as case work needs it, locked so it cannot change hands while it is linked. */
export async function lockSignal(db: Db, signalId: string) {
  return db
    .selectFrom('intake_signal')
    .select(['id', 'advocate_id', 'status', 'contact_id'])
    .where('id', '=', signalId)
    .forUpdate()
    .executeTakeFirst()
}

export async function findSignal(db: Db, signalId: string) {
  return db
    .selectFrom('intake_signal')
    .select(['id', 'advocate_id', 'status', 'contact_id'])
    .where('id', '=', signalId)
    .executeTakeFirst()
}

/** Links a signal to a case; false when it already was. */
export async function linkSignal(
  db: Db,
  link: { caseId: string; signalId: string; staffId: string; now: Date },
): Promise<boolean> {
  const row = await db
    .insertInto('case_signal')
    .values({ case_id: link.caseId, signal_id: link.signalId, linked_by: link.staffId, linked_at: link.now })
    .onConflict((oc) => oc.columns(['case_id', 'signal_id']).doNothing())
    .returning('signal_id')
    .executeTakeFirst()
  return row !== undefined
}

/** Everything a case holds besides its own row, in the order the case screen shows it. */
export async function loadCaseParts(db: Db, caseId: string) {
  const [people, exploiters, needs, notes, signals] = await Promise.all([
    db
      .selectFrom('case_person')
      .selectAll()
      .where('case_id', '=', caseId)
      .orderBy('created_at')
      .orderBy('id')
      .execute(),
    db
      .selectFrom('case_exploiter')
      .selectAll()
      .where('case_id', '=', caseId)
      .orderBy('created_at')
      .orderBy('id')
      .execute(),
    db
      .selectFrom('case_need')
      .selectAll()
      .where('case_id', '=', caseId)
      .orderBy('created_at')
      .orderBy('id')
      .execute(),
    db
      .selectFrom('case_note')
      .selectAll()
      .where('case_id', '=', caseId)
      .orderBy('created_at')
      .orderBy('id')
      .execute(),
    db
      .selectFrom('case_signal as cs')
      .innerJoin('intake_signal as s', 's.id', 'cs.signal_id')
      .select([
        'cs.signal_id',
        'cs.linked_by',
        'cs.linked_at',
        's.channel',
        's.status',
        's.classification',
        's.received_at',
        's.answered_at',
        's.ended_at',
      ])
      .where('cs.case_id', '=', caseId)
      .orderBy('s.received_at')
      .orderBy('cs.signal_id')
      .execute(),
  ])
  return { people, exploiters, needs, notes, signals }
}
export type CaseParts = Awaited<ReturnType<typeof loadCaseParts>>

/** Display names of staff members, for the people named in a case. */
export async function staffNames(db: Db, ids: Iterable<string | null>): Promise<Map<string, string>> {
  const wanted = [...new Set([...ids].filter((id): id is string => id !== null))]
  if (wanted.length === 0) return new Map()
  const rows = await db
    .selectFrom('staff_user')
    .select(['id', 'display_name'])
    .where('id', 'in', wanted)
    .execute()
  return new Map(rows.map((row) => [row.id, row.display_name]))
}

export async function insertPerson(db: Db, values: Insertable<CasePersonTable>): Promise<string> {
  const row = await db.insertInto('case_person').values(values).returning('id').executeTakeFirstOrThrow()
  return row.id
}

export async function findPerson(db: Db, caseId: string, personId: string) {
  return db
    .selectFrom('case_person')
    .selectAll()
    .where('case_id', '=', caseId)
    .where('id', '=', personId)
    .executeTakeFirst()
}

export async function updatePerson(db: Db, personId: string, values: Updateable<CasePersonTable>) {
  await db.updateTable('case_person').set(values).where('id', '=', personId).execute()
}

export async function insertExploiter(db: Db, values: Insertable<CaseExploiterTable>): Promise<string> {
  const row = await db.insertInto('case_exploiter').values(values).returning('id').executeTakeFirstOrThrow()
  return row.id
}

export async function findExploiter(db: Db, caseId: string, exploiterId: string) {
  return db
    .selectFrom('case_exploiter')
    .selectAll()
    .where('case_id', '=', caseId)
    .where('id', '=', exploiterId)
    .executeTakeFirst()
}

export async function updateExploiter(db: Db, exploiterId: string, values: Updateable<CaseExploiterTable>) {
  await db.updateTable('case_exploiter').set(values).where('id', '=', exploiterId).execute()
}

export async function insertNeed(db: Db, values: Insertable<CaseNeedTable>): Promise<string> {
  const row = await db.insertInto('case_need').values(values).returning('id').executeTakeFirstOrThrow()
  return row.id
}

export async function findNeed(db: Db, caseId: string, needId: string) {
  return db
    .selectFrom('case_need')
    .selectAll()
    .where('case_id', '=', caseId)
    .where('id', '=', needId)
    .executeTakeFirst()
}

export async function updateNeed(db: Db, needId: string, values: Updateable<CaseNeedTable>) {
  await db.updateTable('case_need').set(values).where('id', '=', needId).execute()
}

export async function deleteNeed(db: Db, needId: string) {
  await db.deleteFrom('case_need').where('id', '=', needId).execute()
}

export async function insertNote(
  db: Db,
  note: { caseId: string; authorId: string; bodySealed: string; now: Date },
): Promise<string> {
  const row = await db
    .insertInto('case_note')
    .values({
      case_id: note.caseId,
      author_id: note.authorId,
      body_sealed: note.bodySealed,
      created_at: note.now,
    })
    .returning('id')
    .executeTakeFirstOrThrow()
  return row.id
}

const summaryColumns = [
  'case_file.id',
  'case_file.case_number',
  'case_file.status',
  'case_file.safety_status',
  'case_file.province',
  'case_file.municipality',
  'case_file.assigned_to',
  'case_file.created_at',
  'case_file.last_worked_at',
] as const

function escapeLike(value: string): string {
  return value.replace(/[\\%_]/g, '\\$&')
}

/** The viewer's cases matching the search, newest work first, and how many match in all. */
export async function searchCases(db: Db, viewer: Viewer, search: CaseSearch, now: Date) {
  let filtered = db.selectFrom('case_file').where(caseVisibility(viewer, now))
  if (search.number) filtered = filtered.where('case_file.case_number', '=', search.number)
  if (search.q) {
    const pattern = `%${escapeLike(search.q)}%`
    filtered = filtered.where((eb) =>
      eb.or([
        eb('case_file.case_number', 'ilike', pattern),
        eb(sql`unaccent(case_file.municipality)`, 'ilike', sql`unaccent(${pattern})`),
      ]),
    )
  }
  if (search.status) filtered = filtered.where('case_file.status', '=', search.status)
  if (search.province) filtered = filtered.where('case_file.province', '=', search.province)
  if (search.assignedToMe) filtered = filtered.where('case_file.assigned_to', '=', viewer.staffId)
  const [rows, count] = await Promise.all([
    filtered
      .select(summaryColumns)
      .select((eb) =>
        eb
          .selectFrom('case_signal')
          .whereRef('case_signal.case_id', '=', 'case_file.id')
          .select(eb.fn.countAll<number>().as('n'))
          .as('signal_count'),
      )
      .orderBy('case_file.last_worked_at', 'desc')
      .orderBy('case_file.id', 'desc')
      .limit(search.limit)
      .offset(search.offset)
      .execute(),
    filtered.select((eb) => eb.fn.countAll<number>().as('total')).executeTakeFirstOrThrow(),
  ])
  return { rows, total: Number(count.total) }
}
export type CaseSummaryRow = Awaited<ReturnType<typeof searchCases>>['rows'][number]

/**
 * The repeat-contact hint: the viewer's cases that hold another signal of the same contact (a person
 * calling back, from the same number or address), most recently worked first.
 */
export async function casesOfSameContact(db: Db, viewer: Viewer, signalId: string, now: Date) {
  return db
    .selectFrom('case_file')
    .where(caseVisibility(viewer, now))
    .where((eb) =>
      eb.exists(
        eb
          .selectFrom('case_signal as cs')
          .innerJoin('intake_signal as other', 'other.id', 'cs.signal_id')
          .innerJoin('intake_signal as current', 'current.contact_id', 'other.contact_id')
          .whereRef('cs.case_id', '=', 'case_file.id')
          .where('current.id', '=', signalId)
          .whereRef('other.id', '!=', 'current.id')
          .select(sql`1`.as('one')),
      ),
    )
    .select(summaryColumns)
    .select((eb) =>
      eb
        .selectFrom('case_signal')
        .whereRef('case_signal.case_id', '=', 'case_file.id')
        .select(eb.fn.countAll<number>().as('n'))
        .as('signal_count'),
    )
    .orderBy('case_file.last_worked_at', 'desc')
    .orderBy('case_file.id', 'desc')
    .limit(20)
    .execute()
}

/** The staff member a case may be assigned to: active, and allowed to work on cases. */
/** Active staff of the given roles, by name: whom a supervisor may give a case to. */
export async function listAssignableStaff(db: Db, roles: readonly Role[]) {
  return db
    .selectFrom('staff_user')
    .select(['id', 'display_name', 'role'])
    .where('disabled_at', 'is', null)
    .where('role', 'in', [...roles])
    .orderBy('display_name')
    .orderBy('id')
    .execute()
}

export async function findAssignableStaff(db: Db, staffId: string) {
  return db
    .selectFrom('staff_user')
    .select(['id', 'role', 'display_name'])
    .where('id', '=', staffId)
    .where('disabled_at', 'is', null)
    .executeTakeFirst()
}

export async function insertAccess(db: Db, values: Insertable<CaseAccessTable>): Promise<string> {
  const row = await db.insertInto('case_access').values(values).returning('id').executeTakeFirstOrThrow()
  return row.id
}

/** The viewer's break-the-glass opening of a case still in force, if any. */
export async function findOpenAccess(db: Db, caseId: string, staffId: string, now: Date) {
  return db
    .selectFrom('case_access')
    .selectAll()
    .where('case_id', '=', caseId)
    .where('staff_id', '=', staffId)
    .where('expires_at', '>', now)
    .orderBy('expires_at', 'desc')
    .limit(1)
    .executeTakeFirst()
}

/** Break-the-glass openings, newest first, for supervisors to review. */
export async function listAccess(db: Db, { limit }: { limit: number }) {
  return db
    .selectFrom('case_access as a')
    .innerJoin('case_file as c', 'c.id', 'a.case_id')
    .innerJoin('staff_user as u', 'u.id', 'a.staff_id')
    .select([
      'a.id',
      'a.case_id',
      'c.case_number',
      'a.staff_id',
      'u.display_name',
      'a.reason_sealed',
      'a.opened_at',
      'a.expires_at',
    ])
    .orderBy('a.opened_at', 'desc')
    .orderBy('a.id', 'desc')
    .limit(limit)
    .execute()
}
