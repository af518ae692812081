import { sql } from 'kysely'
import { can } from '../../../common/permissions.ts'
import { caseVisibility, type Viewer } from '../cases.policy.ts'
import type { CaseFileRow, CaseParts, Db } from '../cases.store.ts'
import type { EscalationDetail } from '../protocols/escalations.store.ts'
import type { ReferralDetail } from '../referrals/referrals.store.ts'

/**
 * The case screen in one statement: the case row, found through the viewer's visibility, and beside
 * it, as one JSON column each, everything the screen shows of it (people, exploiters, needs, notes,
 * signals, escalations with their people and steps, referrals with their histories), the staff they
 * name, the admins' protocol versions and, for a break-the-glass reader, their opening in force. Each
 * part is read by the same index as the statement of its own module (`case_id`, then its order).
 */
export interface CaseScreenRows {
  file: CaseFileRow
  parts: CaseParts
  escalations: EscalationDetail[]
  referrals: ReferralDetail[]
  staff: Map<string, string>
  /** The documents of the protocol versions admins added, oldest first, as stored. */
  protocols: unknown[]
  access: { reason_sealed: string; expires_at: Date } | undefined
}

type Json = Record<string, unknown>

/**
 * JSON gives timestamps as strings: those of a row read through `to_json` become Dates again, as
 * the driver gives them for a plain column. Every `*_at` column of the schema is a timestamptz.
 */
function withDates<T>(row: Json): T {
  const revived: Json = { ...row }
  for (const [key, value] of Object.entries(row))
    if (key.endsWith('_at') && typeof value === 'string') revived[key] = new Date(value)
  return revived as T
}
const allWithDates = <T>(rows: Json[]): T[] => rows.map((row) => withDates<T>(row))

/** A JSON array of a part's rows in the given order, `[]` when there are none. */
const rowsOf = (alias: string, from: ReturnType<typeof sql>, order: ReturnType<typeof sql>) =>
  sql`(select coalesce(json_agg(to_json(${sql.raw(alias)}) order by ${order}), '[]'::json) from ${from})`

export async function loadCaseScreen(
  db: Db,
  viewer: Viewer,
  caseId: string,
  now: Date,
): Promise<CaseScreenRows | undefined> {
  // Admins reach a case only through a break-the-glass opening, whose reason the screen shows.
  const breakGlassOnly = !can(viewer.role, 'case.manage') && can(viewer.role, 'case.break_glass')
  const access = breakGlassOnly
    ? sql`(select json_build_object('reason_sealed', a.reason_sealed, 'expires_at', a.expires_at)
        from case_access a
        where a.case_id = case_file.id and a.staff_id = ${viewer.staffId} and a.expires_at > ${now}
        order by a.expires_at desc limit 1)`
    : sql`null::json`
  const { rows } = await sql<
    CaseFileRow & {
      people: Json[]
      exploiters: Json[]
      needs: Json[]
      notes: Json[]
      signals: Json[]
      escalations: { row: Json; personIds: string[]; steps: Json[] }[]
      referrals: { row: Json; events: Json[] }[]
      staff: Record<string, string>
      protocols: unknown[]
      access: Json | null
    }
  >`select case_file.*,
    ${rowsOf('p', sql`case_person p where p.case_id = case_file.id`, sql`p.created_at, p.id`)} as people,
    ${rowsOf('x', sql`case_exploiter x where x.case_id = case_file.id`, sql`x.created_at, x.id`)} as exploiters,
    ${rowsOf('n', sql`case_need n where n.case_id = case_file.id`, sql`n.created_at, n.id`)} as needs,
    ${rowsOf('o', sql`case_note o where o.case_id = case_file.id`, sql`o.created_at, o.id`)} as notes,
    (select coalesce(json_agg(json_build_object(
        'signal_id', cs.signal_id, 'linked_by', cs.linked_by, 'linked_at', cs.linked_at,
        'channel', s.channel, 'status', s.status, 'classification', s.classification,
        'received_at', s.received_at, 'answered_at', s.answered_at, 'ended_at', s.ended_at
      ) order by s.received_at, cs.signal_id), '[]'::json)
      from case_signal cs join intake_signal s on s.id = cs.signal_id
      where cs.case_id = case_file.id) as signals,
    (select coalesce(json_agg(json_build_object(
        'row', to_json(e),
        'personIds', (select coalesce(json_agg(ep.person_id order by ep.person_id), '[]'::json)
          from case_escalation_person ep where ep.escalation_id = e.id),
        'steps', ${rowsOf('st', sql`case_escalation_step st where st.escalation_id = e.id`, sql`st.position`)}
      ) order by e.started_at, e.id), '[]'::json)
      from case_escalation e where e.case_id = case_file.id) as escalations,
    (select coalesce(json_agg(json_build_object(
        'row', to_json(r),
        'events', ${rowsOf('ev', sql`case_referral_event ev where ev.referral_id = r.id`, sql`ev.recorded_at, ev.id`)}
      ) order by r.created_at, r.id), '[]'::json)
      from case_referral r where r.case_id = case_file.id) as referrals,
    (select coalesce(json_object_agg(u.id, u.display_name), '{}'::json) from staff_user u
      where u.id in (
        select case_file.created_by union all select case_file.assigned_to
        union all select n.created_by from case_need n where n.case_id = case_file.id
        union all select o.author_id from case_note o where o.case_id = case_file.id
        union all select cs.linked_by from case_signal cs where cs.case_id = case_file.id
        union all select r.created_by from case_referral r where r.case_id = case_file.id
        union all select r.person_email_by from case_referral r where r.case_id = case_file.id
        union all select ev.recorded_by from case_referral_event ev
          join case_referral r on r.id = ev.referral_id where r.case_id = case_file.id
      )) as staff,
    (select coalesce(json_agg(cp.document order by cp.created_at, cp.id), '[]'::json)
      from case_protocol cp) as protocols,
    ${access} as access
  from case_file
  where case_file.id = ${caseId} and ${caseVisibility(viewer, now)}`.execute(db)
  const found = rows[0]
  if (!found) return undefined
  const {
    people,
    exploiters,
    needs,
    notes,
    signals,
    escalations,
    referrals,
    staff,
    protocols,
    access: opening,
    ...file
  } = found
  return {
    file: file as CaseFileRow,
    parts: {
      people: allWithDates(people),
      exploiters: allWithDates(exploiters),
      needs: allWithDates(needs),
      notes: allWithDates(notes),
      signals: allWithDates(signals),
    },
    escalations: escalations.map((detail) => ({
      row: withDates(detail.row),
      personIds: detail.personIds,
      steps: allWithDates(detail.steps),
    })),
    referrals: referrals.map((detail) => ({
      row: withDates(detail.row),
      events: allWithDates(detail.events),
    })),
    staff: new Map(Object.entries(staff)),
    protocols,
    access: opening ? withDates(opening) : undefined,
  }
}
