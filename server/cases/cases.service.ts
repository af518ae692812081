import {
  type CaseSearch,
  caseLimits,
  type ExploiterFeatures,
  type ExploiterPatch,
  exploiterFeatureFields,
  type LocationPatch,
  type NeedCreate,
  type NeedPatch,
  type PersonPatch,
  type SafeContact,
  type SafetyPatch,
  type SafetyPlan,
  type SituationPatch,
  safeContactFields,
  safetyPlanFields,
} from '../../common/contracts/cases.ts'
import { can, roles } from '../../common/permissions.ts'
import { type AuditContext, appendAuditEvent } from '../audit/audit.store.ts'
import type { Secrets } from '../crypto/secrets.ts'
import type { Database } from '../db/database.ts'
import { AppError, invalidField, notFound } from '../http/errors.ts'
import {
  ageColumns,
  exploiterColumns,
  locationColumns,
  openGroup,
  personColumns,
  sealGroup,
  situationColumns,
  writeAnswers,
} from './cases.answers.ts'
import { exportParts, HTCDS_VERSION, toHtcds } from './cases.export.ts'
import type { Viewer } from './cases.policy.ts'
import {
  type CaseExploiterRow,
  type CaseFileRow,
  type CaseNeedRow,
  type CaseParts,
  type CasePersonRow,
  type CaseSummaryRow,
  caseExists,
  casesOfSameContact,
  type Db,
  deleteNeed,
  findAssignableStaff,
  findCaseIdByNumber,
  findExploiter,
  findNeed,
  findOpenAccess,
  findPerson,
  findSignal,
  findVisibleCase,
  insertAccess,
  insertCase,
  insertExploiter,
  insertNeed,
  insertNote,
  insertPerson,
  linkSignal,
  listAccess,
  listAssignableStaff,
  loadCaseParts,
  lockSignal,
  nextCaseNumber,
  recordWorker,
  searchCases as searchCaseRows,
  staffNames,
  updateCase,
  updateExploiter,
  updateNeed,
  updatePerson,
} from './cases.store.ts'
import { runCloseChecks } from './close-checks.ts'

/**
 * The rules of case work. Each function is one transaction: it finds the case through the viewer's
 * visibility (so "not yours" and "does not exist" are the same 404), does its work, records who worked
 * on the case, and appends its audit event, reads included, before it commits.
 */

export interface CasesDeps {
  database: Database
  secrets: Secrets
  /** The clock; tests move it to see break-the-glass openings expire. */
  now?: () => Date
}

/** Who acts, and the request's audit context. */
export interface Actor {
  viewer: Viewer
  audit: AuditContext
}

/** A case as read, sealed values opened: what the presenter and the export shape. */
export interface OpenedCase {
  file: CaseFileRow
  safetyPlan: SafetyPlan
  closureReason: string | null
  people: { row: CasePersonRow; safeContact: SafeContact }[]
  exploiters: { row: CaseExploiterRow; features: ExploiterFeatures }[]
  needs: CaseNeedRow[]
  notes: { id: string; authorId: string | null; body: string; createdAt: Date }[]
  signals: CaseParts['signals']
  staff: Map<string, string>
  breakGlass: { reason: string; expiresAt: Date } | null
}

const caseNotFound = () => notFound('case')
const linkableStatuses = new Set(['active', 'wrap_up', 'ended'])

/** A signal may join a case when the caller handles (or handled) it; a supervisor may link any. */
function mayLink(viewer: Viewer, signal: { advocate_id: string | null; status: string } | undefined) {
  if (!signal) return false
  if (can(viewer.role, 'case.supervise')) return true
  return signal.advocate_id === viewer.staffId && linkableStatuses.has(signal.status)
}

/** The names of the fields a patch sets, nested ones dotted (plan.safePlace), for the audit log. */
function fieldNames(patch: Record<string, unknown>, prefix = ''): string[] {
  return Object.entries(patch).flatMap(([key, value]) => {
    if (value === undefined) return []
    const isGroup = value !== null && typeof value === 'object' && !('state' in value)
    return isGroup ? fieldNames(value as Record<string, unknown>, `${prefix}${key}.`) : [`${prefix}${key}`]
  })
}

/** The staff members a case names: who opened it, holds it, recorded its needs, notes and signals. */
export function staffNamedIn(file: CaseFileRow, parts: CaseParts): (string | null)[] {
  return [
    file.created_by,
    file.assigned_to,
    ...parts.needs.map((need) => need.created_by),
    ...parts.notes.map((note) => note.author_id),
    ...parts.signals.map((signal) => signal.linked_by),
  ]
}

/** A case as read, its sealed values opened: from its row, its parts, staff names and break-the-glass. */
export function openedCase(
  secrets: Secrets,
  {
    file,
    parts,
    staff,
    access,
  }: {
    file: CaseFileRow
    parts: CaseParts
    staff: Map<string, string>
    access: { reason_sealed: string; expires_at: Date } | undefined
  },
): OpenedCase {
  return {
    file,
    safetyPlan: openGroup(secrets, file.safety_plan_sealed, safetyPlanFields),
    closureReason: file.closure_reason_sealed ? secrets.open(file.closure_reason_sealed) : null,
    people: parts.people.map((row) => ({
      row,
      safeContact: openGroup(secrets, row.safe_contact_sealed, safeContactFields),
    })),
    exploiters: parts.exploiters.map((row) => ({
      row,
      features: openGroup(secrets, row.features_sealed, exploiterFeatureFields),
    })),
    needs: parts.needs,
    notes: parts.notes.map((note) => ({
      id: note.id,
      authorId: note.author_id,
      body: secrets.open(note.body_sealed),
      createdAt: note.created_at,
    })),
    signals: parts.signals,
    staff,
    breakGlass: access ? { reason: secrets.open(access.reason_sealed), expiresAt: access.expires_at } : null,
  }
}

export function createCasesService(deps: CasesDeps) {
  const { database, secrets } = deps
  const clock = deps.now ?? (() => new Date())

  /**
   * One change to a visible case: locked, refused when closed (unless `allowClosed`), touched, its
   * worker recorded and the change audited, in one transaction.
   */
  async function change<T>(
    actor: Actor,
    caseId: string,
    action: string,
    work: (
      trx: Db,
      file: CaseFileRow,
      now: Date,
    ) => Promise<{ result: T; details?: Record<string, unknown> }>,
    { allowClosed = false }: { allowClosed?: boolean } = {},
  ): Promise<T> {
    return database.db.transaction().execute(async (trx) => {
      const now = clock()
      const file = await findVisibleCase(trx, actor.viewer, caseId, now, { lock: true })
      if (!file) throw caseNotFound()
      if (file.status === 'closed' && !allowClosed) throw new AppError('case_closed', 409)
      const { result, details } = await work(trx, file, now)
      await updateCase(trx, caseId, { updated_at: now, last_worked_at: now })
      await recordWorker(trx, caseId, actor.viewer.staffId, 'worked', now)
      await appendAuditEvent(trx, actor.audit, {
        action,
        entityType: 'case_file',
        entityId: caseId,
        details: { caseNumber: file.case_number, ...details },
      })
      return result
    })
  }

  async function openCase(trx: Db, viewer: Viewer, file: CaseFileRow, now: Date): Promise<OpenedCase> {
    const parts = await loadCaseParts(trx, file.id)
    const staff = await staffNames(trx, staffNamedIn(file, parts))
    const access =
      !can(viewer.role, 'case.manage') && can(viewer.role, 'case.break_glass')
        ? await findOpenAccess(trx, file.id, viewer.staffId, now)
        : undefined
    return openedCase(secrets, { file, parts, staff, access })
  }

  /** Opens a case to an admin for `caseLimits.breakGlassMinutes`, its reason sealed and audited. */
  async function openByBreakGlass(trx: Db, actor: Actor, caseId: string, reason: string) {
    const now = clock()
    const expiresAt = new Date(now.getTime() + caseLimits.breakGlassMinutes * 60_000)
    const accessId = await insertAccess(trx, {
      case_id: caseId,
      staff_id: actor.viewer.staffId,
      reason_sealed: secrets.seal(reason),
      opened_at: now,
      expires_at: expiresAt,
    })
    await appendAuditEvent(trx, actor.audit, {
      action: 'case.break_glass',
      entityType: 'case_file',
      entityId: caseId,
      details: { accessId, reason, expiresAt: expiresAt.toISOString() },
    })
  }

  /** Reads a whole case for the viewer and audits the read in the same transaction. */
  async function read(actor: Actor, caseId: string) {
    return database.db.transaction().execute(async (trx) => {
      const now = clock()
      const file = await findVisibleCase(trx, actor.viewer, caseId, now)
      if (!file) throw caseNotFound()
      const opened = await openCase(trx, actor.viewer, file, now)
      await appendAuditEvent(trx, actor.audit, {
        action: 'case.read',
        entityType: 'case_file',
        entityId: caseId,
        details: {
          caseNumber: file.case_number,
          people: opened.people.length,
          notes: opened.notes.length,
          ...(opened.breakGlass ? { breakGlass: true } : {}),
        },
      })
      return opened
    })
  }

  return {
    /** Opens a case from a signal the caller handles; the caller is assigned. Returns its id. */
    async createCase(actor: Actor, signalId: string): Promise<string> {
      return database.db.transaction().execute(async (trx) => {
        const now = clock()
        const signal = await lockSignal(trx, signalId)
        if (!mayLink(actor.viewer, signal)) throw invalidField('signalId', 'unknown_reference')
        const caseNumber = await nextCaseNumber(trx, now)
        const caseId = await insertCase(trx, {
          case_number: caseNumber,
          created_by: actor.viewer.staffId,
          assigned_to: actor.viewer.staffId,
          created_at: now,
          updated_at: now,
          last_worked_at: now,
        })
        await recordWorker(trx, caseId, actor.viewer.staffId, 'created', now)
        await linkSignal(trx, { caseId, signalId, staffId: actor.viewer.staffId, now })
        await appendAuditEvent(trx, actor.audit, {
          action: 'case.created',
          entityType: 'case_file',
          entityId: caseId,
          details: { caseNumber, signalId },
        })
        return caseId
      })
    },

    /** Adds a signal the caller handles to a case they may work on; true when newly linked. */
    attachSignal(actor: Actor, caseId: string, signalId: string): Promise<boolean> {
      return change(actor, caseId, 'case.signal_linked', async (trx, _file, now) => {
        const signal = await lockSignal(trx, signalId)
        if (!mayLink(actor.viewer, signal)) throw invalidField('signalId', 'unknown_reference')
        const linked = await linkSignal(trx, { caseId, signalId, staffId: actor.viewer.staffId, now })
        return { result: linked, details: { signalId, linked } }
      })
    },

    read: (actor: Actor, caseId: string) => read(actor, caseId),

    /** The case as HTCDS 2.0 JSON with other modules' parts, read and audited in one transaction. */
    async exportCase(actor: Actor, caseId: string): Promise<Record<string, unknown>> {
      return database.db.transaction().execute(async (trx) => {
        const now = clock()
        const file = await findVisibleCase(trx, actor.viewer, caseId, now)
        if (!file) throw caseNotFound()
        const opened = await openCase(trx, actor.viewer, file, now)
        const document = toHtcds(opened, now, await exportParts(trx, caseId, { secrets }))
        await appendAuditEvent(trx, actor.audit, {
          action: 'case.exported',
          entityType: 'case_file',
          entityId: caseId,
          details: { caseNumber: file.case_number, format: `HTCDS ${HTCDS_VERSION}` },
        })
        return document
      })
    },

    /** The viewer's cases matching a search; the result's case ids are audited. */
    async search(actor: Actor, search: CaseSearch) {
      return database.db.transaction().execute(async (trx) => {
        const now = clock()
        const { rows, total } = await searchCaseRows(trx, actor.viewer, search, now)
        const staff = await staffNames(
          trx,
          rows.map((row) => row.assigned_to),
        )
        await appendAuditEvent(trx, actor.audit, {
          action: 'case.searched',
          details: {
            filters: Object.keys(search).filter(
              (key) =>
                !['limit', 'offset', 'lang'].includes(key) && search[key as keyof CaseSearch] !== undefined,
            ),
            total,
            caseIds: rows.map((row) => row.id),
          },
        })
        return { rows, total, staff }
      })
    },

    /** The repeat-contact hint: the viewer's cases holding another signal of this signal's contact. */
    async hints(
      actor: Actor,
      signalId: string,
    ): Promise<{ rows: CaseSummaryRow[]; staff: Map<string, string> }> {
      return database.db.transaction().execute(async (trx) => {
        const now = clock()
        const signal = await findSignal(trx, signalId)
        if (!mayLink(actor.viewer, signal)) throw invalidField('query.signalId', 'unknown_reference')
        const rows = signal?.contact_id ? await casesOfSameContact(trx, actor.viewer, signalId, now) : []
        const staff = await staffNames(
          trx,
          rows.map((row) => row.assigned_to),
        )
        await appendAuditEvent(trx, actor.audit, {
          action: 'case.hints_read',
          entityType: 'intake_signal',
          entityId: signalId,
          details: { caseIds: rows.map((row) => row.id) },
        })
        return { rows, staff }
      })
    },

    updateSafety(actor: Actor, caseId: string, patch: SafetyPatch): Promise<void> {
      return change(actor, caseId, 'case.updated', async (trx, file) => {
        await updateCase(trx, caseId, {
          ...(patch.status ? { safety_status: patch.status } : {}),
          ...(patch.plan
            ? {
                safety_plan_sealed: sealGroup(
                  secrets,
                  openGroup(secrets, file.safety_plan_sealed, safetyPlanFields),
                  patch.plan,
                ),
              }
            : {}),
        })
        return { result: undefined, details: { section: 'safety', fields: fieldNames(patch) } }
      })
    },

    updateSituation(actor: Actor, caseId: string, patch: SituationPatch): Promise<void> {
      return change(actor, caseId, 'case.updated', async (trx) => {
        await updateCase(trx, caseId, writeAnswers(situationColumns, patch))
        return { result: undefined, details: { section: 'situation', fields: fieldNames(patch) } }
      })
    },

    updateLocation(actor: Actor, caseId: string, patch: LocationPatch): Promise<void> {
      return change(actor, caseId, 'case.updated', async (trx) => {
        await updateCase(trx, caseId, writeAnswers(locationColumns, patch))
        return { result: undefined, details: { section: 'location', fields: fieldNames(patch) } }
      })
    },

    /** Adds a person to the case, with whatever is known of them (possibly nothing). */
    addPerson(actor: Actor, caseId: string, input: PersonPatch): Promise<string> {
      return change(actor, caseId, 'case.person_added', async (trx, _file, now) => {
        const personId = await insertPerson(trx, {
          case_id: caseId,
          ...writeAnswers(personColumns, input),
          ...(input.age ? ageColumns(input.age) : {}),
          safe_contact_sealed: input.safeContact
            ? sealGroup(secrets, openGroup(secrets, null, safeContactFields), input.safeContact)
            : null,
          created_by: actor.viewer.staffId,
          created_at: now,
          updated_at: now,
        })
        return { result: personId, details: { personId, fields: fieldNames(input) } }
      })
    },

    updatePerson(actor: Actor, caseId: string, personId: string, patch: PersonPatch): Promise<void> {
      return change(actor, caseId, 'case.person_updated', async (trx, _file, now) => {
        const person = await findPerson(trx, caseId, personId)
        if (!person) throw notFound('person')
        await updatePerson(trx, personId, {
          ...writeAnswers(personColumns, patch),
          ...(patch.age ? ageColumns(patch.age) : {}),
          ...(patch.safeContact
            ? {
                safe_contact_sealed: sealGroup(
                  secrets,
                  openGroup(secrets, person.safe_contact_sealed, safeContactFields),
                  patch.safeContact,
                ),
              }
            : {}),
          updated_at: now,
        })
        return { result: undefined, details: { personId, fields: fieldNames(patch) } }
      })
    },

    addExploiter(actor: Actor, caseId: string, input: ExploiterPatch): Promise<string> {
      return change(actor, caseId, 'case.exploiter_added', async (trx, _file, now) => {
        const exploiterId = await insertExploiter(trx, {
          case_id: caseId,
          ...writeAnswers(exploiterColumns, input),
          features_sealed: input.features
            ? sealGroup(secrets, openGroup(secrets, null, exploiterFeatureFields), input.features)
            : null,
          created_by: actor.viewer.staffId,
          created_at: now,
          updated_at: now,
        })
        return { result: exploiterId, details: { exploiterId, fields: fieldNames(input) } }
      })
    },

    updateExploiter(actor: Actor, caseId: string, exploiterId: string, patch: ExploiterPatch): Promise<void> {
      return change(actor, caseId, 'case.exploiter_updated', async (trx, _file, now) => {
        const exploiter = await findExploiter(trx, caseId, exploiterId)
        if (!exploiter) throw notFound('exploiter')
        await updateExploiter(trx, exploiterId, {
          ...writeAnswers(exploiterColumns, patch),
          ...(patch.features
            ? {
                features_sealed: sealGroup(
                  secrets,
                  openGroup(secrets, exploiter.features_sealed, exploiterFeatureFields),
                  patch.features,
                ),
              }
            : {}),
          updated_at: now,
        })
        return { result: undefined, details: { exploiterId, fields: fieldNames(patch) } }
      })
    },

    addNeed(actor: Actor, caseId: string, input: NeedCreate): Promise<string> {
      return change(actor, caseId, 'case.need_added', async (trx, _file, now) => {
        if (input.personId && !(await findPerson(trx, caseId, input.personId))) {
          throw invalidField('personId', 'unknown_reference')
        }
        const needId = await insertNeed(trx, {
          case_id: caseId,
          person_id: input.personId ?? null,
          kind: input.kind,
          status: input.status,
          created_by: actor.viewer.staffId,
          created_at: now,
          updated_at: now,
          status_changed_at: now,
        })
        return { result: needId, details: { needId, kind: input.kind, status: input.status } }
      })
    },

    updateNeed(actor: Actor, caseId: string, needId: string, patch: NeedPatch): Promise<void> {
      return change(actor, caseId, 'case.need_updated', async (trx, _file, now) => {
        const need = await findNeed(trx, caseId, needId)
        if (!need) throw notFound('need')
        if (patch.personId && !(await findPerson(trx, caseId, patch.personId))) {
          throw invalidField('personId', 'unknown_reference')
        }
        const statusChanged = patch.status !== undefined && patch.status !== need.status
        await updateNeed(trx, needId, {
          ...(patch.status ? { status: patch.status } : {}),
          ...(patch.personId !== undefined ? { person_id: patch.personId } : {}),
          ...(statusChanged ? { status_changed_at: now } : {}),
          updated_at: now,
        })
        return {
          result: undefined,
          details: { needId, from: need.status, to: patch.status ?? need.status },
        }
      })
    },

    removeNeed(actor: Actor, caseId: string, needId: string): Promise<void> {
      return change(actor, caseId, 'case.need_removed', async (trx) => {
        const need = await findNeed(trx, caseId, needId)
        if (!need) throw notFound('need')
        await deleteNeed(trx, needId)
        return { result: undefined, details: { needId, kind: need.kind } }
      })
    },

    /** Appends a note (sealed, never edited); its length is the contract's to check. */
    addNote(actor: Actor, caseId: string, body: string): Promise<string> {
      return change(actor, caseId, 'case.note_added', async (trx, _file, now) => {
        const noteId = await insertNote(trx, {
          caseId,
          authorId: actor.viewer.staffId,
          bodySealed: secrets.seal(body),
          now,
        })
        return { result: noteId, details: { noteId } }
      })
    },

    /** Closes a case unless a registered close check objects (409 naming what blocks). */
    close(actor: Actor, caseId: string, reason: string | undefined): Promise<void> {
      return change(actor, caseId, 'case.closed', async (trx, _file, now) => {
        const objections = await runCloseChecks(trx, { caseId, viewer: actor.viewer, now })
        if (objections.length > 0) throw new AppError('case_close_blocked', 409, { fields: objections })
        await updateCase(trx, caseId, {
          status: 'closed',
          closed_at: now,
          closed_by: actor.viewer.staffId,
          closure_reason_sealed: reason ? secrets.seal(reason) : null,
        })
        return { result: undefined }
      })
    },

    reopen(actor: Actor, caseId: string): Promise<void> {
      return change(
        actor,
        caseId,
        'case.reopened',
        async (trx, file) => {
          if (file.status === 'open') return { result: undefined, details: { alreadyOpen: true } }
          await updateCase(trx, caseId, {
            status: 'open',
            closed_at: null,
            closed_by: null,
            closure_reason_sealed: null,
          })
          return { result: undefined }
        },
        { allowClosed: true },
      )
    },

    /** Whom a supervisor may give a case to: active staff whose role works cases (`case.manage`). */
    async assignees() {
      return listAssignableStaff(
        database.db,
        roles.filter((role) => can(role, 'case.manage')),
      )
    },

    /** A supervisor gives the case to an advocate or supervisor, who may see it from then on. */
    reassign(actor: Actor, caseId: string, staffId: string): Promise<void> {
      return change(
        actor,
        caseId,
        'case.reassigned',
        async (trx, file, now) => {
          const target = await findAssignableStaff(trx, staffId)
          if (!target || !can(target.role, 'case.manage')) throw invalidField('staffId', 'unknown_reference')
          await updateCase(trx, caseId, { assigned_to: staffId })
          await recordWorker(trx, caseId, staffId, 'assigned', now)
          return { result: undefined, details: { from: file.assigned_to, to: staffId } }
        },
        { allowClosed: true },
      )
    },

    /**
     * Break-the-glass: an admin opens a case with a written reason. The opening, audited with its
     * reason, lets them read the case for `caseLimits.breakGlassMinutes`; supervisors see it listed.
     */
    async breakGlass(actor: Actor, caseId: string, reason: string): Promise<void> {
      await database.db.transaction().execute(async (trx) => {
        if (!(await caseExists(trx, caseId))) throw caseNotFound()
        await openByBreakGlass(trx, actor, caseId, reason)
      })
    },

    /**
     * Break-the-glass by case number, the way an access request or a court order names a case: the
     * same opening and audit as by id, the number found in the same transaction. Returns the case id.
     */
    async breakGlassByNumber(actor: Actor, caseNumber: string, reason: string): Promise<string> {
      return database.db.transaction().execute(async (trx) => {
        const caseId = await findCaseIdByNumber(trx, caseNumber)
        if (!caseId) throw caseNotFound()
        await openByBreakGlass(trx, actor, caseId, reason)
        return caseId
      })
    },

    /** Break-the-glass openings, newest first, reasons opened, for supervisors; the look is audited. */
    async breakGlassLog(actor: Actor, limit = 200) {
      return database.db.transaction().execute(async (trx) => {
        const rows = await listAccess(trx, { limit })
        await appendAuditEvent(trx, actor.audit, {
          action: 'case.break_glass_log_read',
          details: { count: rows.length },
        })
        return rows.map((row) => ({ ...row, reason: secrets.open(row.reason_sealed) }))
      })
    },
  }
}

export type CasesService = ReturnType<typeof createCasesService>
