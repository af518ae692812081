import { type Expression, type SqlBool, sql } from 'kysely'
import { can, type Role } from '../../common/permissions.ts'

/** Who reads or works on cases: every case query is made for one viewer. */
export interface Viewer {
  staffId: string
  role: Role
}

/**
 * The one predicate that decides which `case_file` rows a viewer reaches, written into the `where`
 * clause of every query that reads a case, lists or counts cases, so a case the viewer may not see is
 * indistinguishable from one that does not exist (the same 404, absent from lists and totals).
 * - `case.supervise` (supervisors): every case;
 * - `case.manage` (advocates): the cases they created, worked on or were assigned (`case_worker`);
 * - `case.break_glass` (admins): only the cases they opened by break-the-glass, until it expires;
 * - anyone else (analysts, directory managers): none.
 * The query must name the table `case_file` (no alias).
 */
export function caseVisibility(viewer: Viewer, now: Date): Expression<SqlBool> {
  if (can(viewer.role, 'case.supervise')) return sql<SqlBool>`true`
  if (can(viewer.role, 'case.manage')) {
    return sql<SqlBool>`exists (select 1 from case_worker w
      where w.case_id = case_file.id and w.staff_id = ${viewer.staffId})`
  }
  if (can(viewer.role, 'case.break_glass')) {
    return sql<SqlBool>`exists (select 1 from case_access a
      where a.case_id = case_file.id and a.staff_id = ${viewer.staffId} and a.expires_at > ${now})`
  }
  return sql<SqlBool>`false`
}

/** What the viewer may do with a case they can see (the presenter passes it on as abilities). */
export function caseAbilities(viewer: Viewer, status: 'open' | 'closed') {
  const manage = can(viewer.role, 'case.manage')
  return {
    update: manage && status === 'open',
    close: manage && status === 'open',
    reopen: manage && status === 'closed',
    reassign: can(viewer.role, 'case.supervise'),
    export: can(viewer.role, 'case.export'),
  }
}
