import type {
  Assignee,
  BreakGlassEntry,
  CaseDetail,
  CaseSummary,
  Location,
  Situation,
} from '../../common/contracts/cases.ts'
import type { Role } from '../../common/permissions.ts'
import {
  ageOf,
  exploiterColumns,
  locationColumns,
  personColumns,
  readAnswers,
  situationColumns,
} from './cases.answers.ts'
import { caseAbilities, type Viewer } from './cases.policy.ts'
import type { OpenedCase } from './cases.service.ts'
import type { CaseSummaryRow } from './cases.store.ts'

/** The only way case data leaves the server: shaped by the contract, with the viewer's abilities. */

const iso = (value: Date | string) => new Date(value).toISOString()
const isoOrNull = (value: Date | string | null) => (value ? iso(value) : null)

function staffRef(staff: Map<string, string>, id: string | null) {
  return id ? { id, displayName: staff.get(id) ?? '' } : null
}

/** Dotted paths of the answers still `not_asked`, so the screen can show what was not raised. */
function unaskedIn(value: unknown, path: string, into: string[]): void {
  if (!value || typeof value !== 'object') return
  if ('state' in value) {
    if ((value as { state: string }).state === 'not_asked') into.push(path)
    return
  }
  for (const [key, child] of Object.entries(value)) unaskedIn(child, path ? `${path}.${key}` : key, into)
}

export function presentCase(opened: OpenedCase, viewer: Viewer): CaseDetail {
  const { file, staff } = opened
  const situation = readAnswers(situationColumns, file) as Situation
  const location = readAnswers(locationColumns, file) as Location
  const people = opened.people.map(({ row, safeContact }) => ({
    id: row.id,
    ...(readAnswers(personColumns, row) as Omit<
      CaseDetail['people'][number],
      'id' | 'age' | 'safeContact' | 'createdAt' | 'updatedAt'
    >),
    age: ageOf(row),
    safeContact,
    createdAt: iso(row.created_at),
    updatedAt: iso(row.updated_at),
  }))
  const exploiters = opened.exploiters.map(({ row, features }) => ({
    id: row.id,
    ...(readAnswers(exploiterColumns, row) as Pick<
      CaseDetail['exploiters'][number],
      'count' | 'relationship'
    >),
    features,
    createdAt: iso(row.created_at),
    updatedAt: iso(row.updated_at),
  }))
  const safety = { status: file.safety_status, plan: opened.safetyPlan }

  const unasked: string[] = []
  if (safety.status === 'not_asked') unasked.push('safety.status')
  unaskedIn(safety.plan, 'safety.plan', unasked)
  unaskedIn(situation, 'situation', unasked)
  unaskedIn(location, 'location', unasked)
  for (const person of people) {
    const { id, createdAt: _c, updatedAt: _u, ...answers } = person
    unaskedIn(answers, `people.${id}`, unasked)
  }
  for (const exploiter of exploiters) {
    const { id, createdAt: _c, updatedAt: _u, ...answers } = exploiter
    unaskedIn(answers, `exploiters.${id}`, unasked)
  }

  return {
    id: file.id,
    number: file.case_number,
    status: file.status,
    safety,
    situation,
    location,
    people,
    exploiters,
    needs: opened.needs.map((need) => ({
      id: need.id,
      kind: need.kind as CaseDetail['needs'][number]['kind'],
      status: need.status,
      personId: need.person_id,
      createdBy: staffRef(staff, need.created_by),
      createdAt: iso(need.created_at),
      updatedAt: iso(need.updated_at),
      statusChangedAt: iso(need.status_changed_at),
    })),
    notes: opened.notes.map((note) => ({
      id: note.id,
      body: note.body,
      author: staffRef(staff, note.authorId),
      createdAt: iso(note.createdAt),
    })),
    signals: opened.signals.map((signal) => ({
      signalId: signal.signal_id,
      channel: signal.channel,
      status: signal.status,
      classification: signal.classification,
      receivedAt: iso(signal.received_at),
      answeredAt: isoOrNull(signal.answered_at),
      endedAt: isoOrNull(signal.ended_at),
      linkedAt: iso(signal.linked_at),
      linkedBy: staffRef(staff, signal.linked_by),
    })),
    createdBy: staffRef(staff, file.created_by),
    assignedTo: staffRef(staff, file.assigned_to),
    createdAt: iso(file.created_at),
    updatedAt: iso(file.updated_at),
    lastWorkedAt: iso(file.last_worked_at),
    closedAt: isoOrNull(file.closed_at),
    closureReason: opened.closureReason,
    unasked,
    abilities: caseAbilities(viewer, file.status),
    breakGlass: opened.breakGlass
      ? { reason: opened.breakGlass.reason, expiresAt: iso(opened.breakGlass.expiresAt) }
      : null,
  }
}

export function presentSummary(row: CaseSummaryRow, staff: Map<string, string>): CaseSummary {
  return {
    id: row.id,
    number: row.case_number,
    status: row.status,
    safetyStatus: row.safety_status,
    province: row.province,
    municipality: row.municipality,
    signalCount: Number(row.signal_count ?? 0),
    assignedTo: staffRef(staff, row.assigned_to),
    createdAt: iso(row.created_at),
    lastWorkedAt: iso(row.last_worked_at),
  }
}

export function presentBreakGlass(row: {
  id: string
  case_id: string
  case_number: string
  staff_id: string
  display_name: string
  reason: string
  opened_at: Date
  expires_at: Date
}): BreakGlassEntry {
  return {
    id: row.id,
    caseId: row.case_id,
    caseNumber: row.case_number,
    admin: { id: row.staff_id, displayName: row.display_name },
    reason: row.reason,
    openedAt: iso(row.opened_at),
    expiresAt: iso(row.expires_at),
  }
}

export function presentAssignee(row: { id: string; display_name: string; role: Role }): Assignee {
  return { id: row.id, displayName: row.display_name, role: row.role }
}
