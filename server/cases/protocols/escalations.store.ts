import type { Insertable, Kysely, Selectable, Updateable } from 'kysely'
import { type ProtocolDocument, protocolDocument } from '../../../common/contracts/escalations.ts'
import type { DB } from '../../db/schema.ts'
import type { StoredProtocol } from './catalogue.ts'
import type { CaseEscalationStepTable, CaseEscalationTable } from './escalations.tables.ts'

type Db = Kysely<DB>
export type EscalationRow = Selectable<CaseEscalationTable>
export type StepRow = Selectable<CaseEscalationStepTable>

/**
 * The protocol versions an admin added. Each was validated when added; it is parsed again here so a
 * row changed behind Relais' back fails loudly instead of steering an advocate wrongly.
 */
export async function adminProtocols(db: Db): Promise<StoredProtocol[]> {
  const rows = await db.selectFrom('case_protocol').select(['document']).orderBy('created_at').execute()
  return rows.map((row) => adminProtocol(row.document))
}

/** A stored admin protocol version's document, parsed again (see `adminProtocols`). */
export const adminProtocol = (document: unknown): StoredProtocol => ({
  document: protocolDocument.parse(document),
  source: 'admin',
})

export async function insertProtocol(db: Db, document: ProtocolDocument, createdBy: string, at: Date) {
  await db
    .insertInto('case_protocol')
    .values({
      protocol_id: document.id,
      version: document.version,
      effective_from: document.effectiveFrom,
      document: JSON.stringify(document),
      created_by: createdBy,
      created_at: at,
    })
    .execute()
}

export async function protocolRowExists(db: Db, id: string, version: number): Promise<boolean> {
  const row = await db
    .selectFrom('case_protocol')
    .select('id')
    .where('protocol_id', '=', id)
    .where('version', '=', version)
    .executeTakeFirst()
  return row !== undefined
}

export async function insertEscalation(
  db: Db,
  values: Insertable<CaseEscalationTable>,
  personIds: readonly string[],
): Promise<string> {
  const { id } = await db
    .insertInto('case_escalation')
    .values(values)
    .returning('id')
    .executeTakeFirstOrThrow()
  if (personIds.length > 0)
    await db
      .insertInto('case_escalation_person')
      .values(personIds.map((personId) => ({ escalation_id: id, person_id: personId })))
      .execute()
  return id
}

/** Locks the case row for the rest of the transaction, as every change to a case does. */
export async function lockCase(db: Db, caseId: string) {
  await db.selectFrom('case_file').select('id').where('id', '=', caseId).forUpdate().executeTakeFirst()
}

/** One escalation of a case, locked for the rest of the transaction so changes to it are serial. */
export function lockEscalation(db: Db, caseId: string, escalationId: string) {
  return db
    .selectFrom('case_escalation')
    .selectAll()
    .where('id', '=', escalationId)
    .where('case_id', '=', caseId)
    .forUpdate()
    .executeTakeFirst()
}

export async function updateEscalation(db: Db, id: string, values: Updateable<CaseEscalationTable>) {
  await db.updateTable('case_escalation').set(values).where('id', '=', id).execute()
}

export async function insertStep(
  db: Db,
  values: Omit<Insertable<CaseEscalationStepTable>, 'id'>,
): Promise<void> {
  await db.insertInto('case_escalation_step').values(values).execute()
}

export interface EscalationDetail {
  row: EscalationRow
  personIds: string[]
  steps: StepRow[]
}

/** A case's escalations with their people and steps, oldest first; or one, by id. */
export async function escalationsOf(
  db: Db,
  caseId: string,
  escalationId?: string,
): Promise<EscalationDetail[]> {
  let query = db.selectFrom('case_escalation').selectAll().where('case_id', '=', caseId)
  if (escalationId) query = query.where('id', '=', escalationId)
  const rows = await query.orderBy('started_at').orderBy('id').execute()
  if (rows.length === 0) return []
  const ids = rows.map((row) => row.id)
  const people = await db
    .selectFrom('case_escalation_person')
    .select(['escalation_id', 'person_id'])
    .where('escalation_id', 'in', ids)
    .orderBy('person_id')
    .execute()
  const steps = await db
    .selectFrom('case_escalation_step')
    .selectAll()
    .where('escalation_id', 'in', ids)
    .orderBy('escalation_id')
    .orderBy('position')
    .execute()
  return rows.map((row) => ({
    row,
    personIds: people.filter((p) => p.escalation_id === row.id).map((p) => p.person_id),
    steps: steps.filter((s) => s.escalation_id === row.id),
  }))
}

/** The people the completed child-protection reports among these escalations cover. */
export function reportedPeopleIn(details: readonly EscalationDetail[]): Set<string> {
  return new Set(
    details
      .filter(({ row }) => row.kind === 'child_protection' && row.status === 'completed')
      .flatMap(({ personIds }) => personIds),
  )
}

/** The people a completed child-protection report of the case covers. */
export async function reportedPeople(db: Db, caseId: string): Promise<Set<string>> {
  const rows = await db
    .selectFrom('case_escalation_person as p')
    .innerJoin('case_escalation as e', 'e.id', 'p.escalation_id')
    .select('p.person_id')
    .where('e.case_id', '=', caseId)
    .where('e.kind', '=', 'child_protection')
    .where('e.status', '=', 'completed')
    .execute()
  return new Set(rows.map((row) => row.person_id))
}

/** Escalations waiting for a supervisor's review, oldest completion first. */
export function pendingReviewRows(db: Db, limit: number) {
  return db
    .selectFrom('case_escalation')
    .select([
      'id',
      'case_id',
      'kind',
      'protocol_id',
      'protocol_version',
      'agency_name_en',
      'agency_name_fr',
      'completed_by',
      'completed_at',
    ])
    .where('review_status', '=', 'pending')
    .orderBy('completed_at')
    .orderBy('id')
    .limit(limit)
    .execute()
}

/** An agency's names and 24/7 number as the directory holds them now, to copy into the record. */
export function agencyRecord(db: Db, organizationId: string) {
  return db
    .selectFrom('directory_organization')
    .select(['id', 'kind', 'name_en', 'name_fr', 'emergency_phone'])
    .where('id', '=', organizationId)
    .executeTakeFirst()
}
