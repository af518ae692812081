import type { Kysely } from 'kysely'
import type { z } from 'zod'
import type { FieldError } from '../../../common/contracts/errors.ts'
import type {
  CloseBlocker,
  CompleteStepRequest,
  completeStepRequest,
  EscalationKind,
  EscalationView,
  evaluationResponse,
  Outcome,
  startEscalationRequest,
} from '../../../common/contracts/escalations.ts'
import { protocolDocument } from '../../../common/contracts/escalations.ts'
import { can } from '../../../common/permissions.ts'
import { type AuditContext, appendAuditEvent } from '../../audit/audit.store.ts'
import type { Secrets } from '../../crypto/secrets.ts'
import type { Database } from '../../db/database.ts'
import type { DB } from '../../db/schema.ts'
import { findResponsibleAgencies } from '../../directory/directory.search.ts'
import { AppError, conflict, notFound } from '../../http/errors.ts'
import type { Translator } from '../../http/i18n.ts'
import type { Principal } from '../../identity/identity.service.ts'
import { recordWorker, updateCase } from '../cases.store.ts'
import { type CaseFacts, loadCaseFacts } from './case-facts.ts'
import {
  nationalBounds,
  protocolInForce,
  protocolVersion,
  type StoredProtocol,
  shippedProtocols,
} from './catalogue.ts'
import {
  dataLanguage,
  type Lang,
  presentEscalation,
  presentEvaluation,
  presentProtocol,
} from './escalations.presenter.ts'
import {
  adminProtocols,
  agencyRecord,
  type EscalationDetail,
  escalationsOf,
  insertEscalation,
  insertProtocol,
  insertStep,
  lockCase,
  lockEscalation,
  pendingReviewRows,
  protocolRowExists,
  reportedPeople,
  updateEscalation,
} from './escalations.store.ts'
import {
  closeBlockers,
  evaluateChildProtection,
  evaluateEscalations,
  type KindEvaluation,
} from './evaluate.ts'

type Db = Kysely<DB>

/**
 * Whether a staff member may see a case. The cases module answers it (the same rule its own
 * queries enforce); a case the caller may not see is answered as if it did not exist.
 */
export type CanSeeCase = (trx: Db, principal: Principal, caseId: string) => Promise<boolean>

export interface EscalationDeps {
  database: Database
  secrets: Secrets
  translator: Translator
  canSeeCase: CanSeeCase
  now?: () => Date
}

/** Who is acting, from where, and in which language they read. */
export interface Actor {
  principal: Principal
  audit: AuditContext
  locale: string
  lang?: Lang
}

const invalid = (fields: FieldError[]) => new AppError('validation_failed', 400, { fields })
const field = (path: string, code: string, values?: Record<string, string | number>): FieldError => ({
  path,
  code,
  message: '',
  ...(values ? { values } : {}),
})

/** How far in the future a recorded time may be before it is refused: clocks differ a little. */
const CLOCK_SKEW_MS = 2 * 60_000
const PENDING_REVIEWS_LIMIT = 200

/** Every protocol version: the shipped files and the versions an admin added. */
export async function allProtocols(db: Db): Promise<StoredProtocol[]> {
  return withShipped(await adminProtocols(db))
}

/** The shipped protocol versions, then the admins' ones given. */
export function withShipped(added: readonly StoredProtocol[]): StoredProtocol[] {
  const shipped = shippedProtocols().map((document) => ({ document, source: 'shipped' as const }))
  return [...shipped, ...added]
}

const dayOf = (at: Date) => at.toISOString().slice(0, 10)

/** What the protocol in force asks of a case on a day: each kind's verdict, and what blocks closing. */
export interface CaseEvaluation {
  protocol: StoredProtocol | null
  kinds: KindEvaluation[]
  closeBlockers: CloseBlocker[]
}

/**
 * Evaluates a case's facts under the protocol in force where it happens on the day of `at`, with the
 * consent and danger the advocate reports; `reported` are the people a completed child-protection
 * report covers.
 */
export function evaluateCase(
  protocols: readonly StoredProtocol[],
  facts: CaseFacts,
  flags: { consent: 'given' | 'refused' | 'not_asked'; imminentDanger: boolean },
  at: Date,
  reported: ReadonlySet<string>,
): CaseEvaluation {
  const day = dayOf(at)
  const protocol = protocolInForce(protocols, facts.province, day) ?? null
  const kinds = evaluateEscalations({
    protocol: protocol?.document ?? null,
    bounds: nationalBounds(protocols, day),
    people: facts.people,
    ...flags,
  })
  return { protocol, kinds, closeBlockers: closeBlockers(kinds[0]!, reported) }
}

/** What an evaluation's audit event records: the protocol version and each kind's verdict. */
export const evaluationAudit = ({ protocol, kinds }: CaseEvaluation) => ({
  protocol: protocol ? `${protocol.document.id}@${protocol.document.version}` : null,
  verdicts: Object.fromEntries(kinds.map((kind) => [kind.kind, kind.verdict])),
})

/** An evaluation as the API answers it, reasons worded in the caller's language. */
export function presentCaseEvaluation(
  { protocol, kinds, closeBlockers: blockers }: CaseEvaluation,
  translator: Translator,
  locale: string,
  lang: Lang,
): z.infer<typeof evaluationResponse> {
  return {
    protocol: protocol ? presentProtocol(protocol, lang) : null,
    kinds: kinds.map((kind) => presentEvaluation(kind, protocol, translator, locale, lang)),
    closeBlockers: blockers,
  }
}

/** The child-protection verdict of a case and what it leaves uncovered, from its facts. */
async function childProtectionOf(db: Db, facts: CaseFacts, at: Date) {
  const protocols = await allProtocols(db)
  const day = dayOf(at)
  const protocol = protocolInForce(protocols, facts.province, day)
  const evaluation = evaluateChildProtection({
    protocol: protocol?.document ?? null,
    bounds: nationalBounds(protocols, day),
    people: facts.people,
    consent: 'not_asked',
    imminentDanger: false,
  })
  return closeBlockers(evaluation, await reportedPeople(db, facts.caseId))
}

/**
 * What keeps a case from closing: a required child-protection report not recorded (completed) for
 * someone under the protocol's age, or an age band that spans it and must be confirmed. Call it in
 * the closing transaction.
 */
export async function requiredOpenEscalations(
  trx: Db,
  caseId: string,
  at: Date = new Date(),
): Promise<CloseBlocker[]> {
  const facts = await loadCaseFacts(trx, caseId)
  if (!facts) return []
  return childProtectionOf(trx, facts, at)
}

/** Agencies of the kinds a protocol names, in its order of preference, most local first. */
function rankAgencies<T extends { kind: string; scope: string; emergencyPhone: string | null }>(
  agencies: T[],
  kinds: readonly string[],
): T[] {
  const scopeRank = { area: 0, municipality: 1, province: 2 } as Record<string, number>
  return agencies
    .filter((agency) => kinds.includes(agency.kind))
    .map((agency, index) => ({ agency, index }))
    .sort(
      (a, b) =>
        kinds.indexOf(a.agency.kind) - kinds.indexOf(b.agency.kind) ||
        Number(b.agency.emergencyPhone !== null) - Number(a.agency.emergencyPhone !== null) ||
        (scopeRank[a.agency.scope] ?? 3) - (scopeRank[b.agency.scope] ?? 3) ||
        a.index - b.index,
    )
    .map(({ agency }) => agency)
}

const defaultAgencyKinds: Record<
  EscalationKind,
  ('child_protection' | 'law_enforcement' | 'emergency_dispatch')[]
> = {
  child_protection: ['child_protection'],
  law_enforcement_tip: ['law_enforcement'],
  emergency_dispatch: ['emergency_dispatch', 'law_enforcement'],
}

/** The fields each step action records, beside an optional note. */
const stepFields = {
  confirm: [],
  share: ['sharedFields'],
  contact: ['agencyId', 'contactedAt'],
  reference: ['reportReference'],
} as const satisfies Record<string, readonly (keyof CompleteStepRequest)[]>
const requiredStepFields = {
  confirm: [],
  share: ['sharedFields'],
  contact: ['contactedAt'],
  reference: ['reportReference'],
} as const

/** A protocol document's schema problems as field errors under `document.`. */
function documentFieldErrors(issue: z.core.$ZodIssue): FieldError[] {
  const at = (path: PropertyKey[]) => ['document', ...path.map(String)].join('.')
  if (issue.code === 'unrecognized_keys')
    return issue.keys.map((key) => field(at([...issue.path, key]), 'unknown_field'))
  if (issue.code === 'custom') return [field(at(issue.path), issue.message)]
  const values: Record<string, string | number> = {}
  if (issue.code === 'too_small' || issue.code === 'too_big') {
    values.origin = issue.origin
    values[issue.code === 'too_small' ? 'minimum' : 'maximum'] = Number(
      issue.code === 'too_small' ? issue.minimum : issue.maximum,
    )
  }
  if (issue.code === 'invalid_type') values.expected = issue.expected
  if (issue.code === 'invalid_format') values.format = issue.format
  const required = issue.code === 'invalid_type' && /received undefined/.test(issue.message)
  return [field(at(issue.path), required ? 'required' : issue.code, values)]
}

/** Runs work, answering a unique-index race (two people adding the same thing at once) as a 409. */
async function onUniqueViolation<T>(conflictField: FieldError, work: () => Promise<T>): Promise<T> {
  try {
    return await work()
  } catch (error) {
    if ((error as { code?: string }).code === '23505') throw conflict([conflictField])
    throw error
  }
}

/** True when a tip or dispatch rests on the imminent-danger exception rather than consent. */
function restsOnImminentDanger(evaluation: KindEvaluation): boolean {
  const codes = new Set(evaluation.reasons.map((reason) => reason.code))
  return (
    evaluation.verdict === 'allowed' &&
    codes.has('imminent_danger') &&
    !codes.has('consent_given') &&
    !codes.has('consent_not_required') &&
    !codes.has('subject_is_minor')
  )
}

export function createEscalationService(deps: EscalationDeps) {
  const { database, secrets, translator } = deps
  const now = deps.now ?? (() => new Date())
  const seal = (value: string | undefined) => (value === undefined ? null : secrets.seal(value))

  /** Runs work on a case the actor may see, in one transaction; 404 otherwise. */
  function onCase<T>(actor: Actor, caseId: string, work: (trx: Db, facts: CaseFacts) => Promise<T>) {
    return database.db.transaction().execute(async (trx) => {
      if (!(await deps.canSeeCase(trx, actor.principal, caseId))) throw notFound('case')
      const facts = await loadCaseFacts(trx, caseId)
      if (!facts) throw notFound('case')
      return work(trx, facts)
    })
  }

  /**
   * A change to a case's escalations, made like any change to the case: the case row locked first
   * (so it is serial with closing the case, whose check reads the escalations), refused on a closed
   * case with the field `closedPath` (unless null), then the case touched and the worker recorded.
   */
  function onCaseChange<T>(
    actor: Actor,
    caseId: string,
    closedPath: string | null,
    work: (trx: Db, facts: CaseFacts, at: Date) => Promise<T>,
  ) {
    return database.db.transaction().execute(async (trx) => {
      if (!(await deps.canSeeCase(trx, actor.principal, caseId))) throw notFound('case')
      await lockCase(trx, caseId)
      const facts = await loadCaseFacts(trx, caseId)
      if (!facts) throw notFound('case')
      if (closedPath && facts.status !== 'open') throw conflict([field(closedPath, 'case_closed')])
      const at = now()
      const result = await work(trx, facts, at)
      await updateCase(trx, caseId, { updated_at: at, last_worked_at: at })
      await recordWorker(trx, caseId, actor.principal.userId, 'worked', at)
      return result
    })
  }

  const languageOf = (actor: Actor) => dataLanguage(actor.locale, actor.lang)

  async function view(trx: Db, actor: Actor, caseId: string, escalationId: string): Promise<EscalationView> {
    const [detail] = await escalationsOf(trx, caseId, escalationId)
    if (!detail) throw notFound('escalation')
    return presentDetail(actor, detail, await allProtocols(trx))
  }

  /** An escalation with the steps of the protocol version it was started under. */
  function presentDetail(actor: Actor, detail: EscalationDetail, protocols: readonly StoredProtocol[]) {
    const protocol = protocolVersion(protocols, detail.row.protocol_id, detail.row.protocol_version)
    if (!protocol)
      throw new Error(`escalation ${detail.row.id} names unknown protocol ${detail.row.protocol_id}`)
    return presentEscalation(detail, protocol, secrets, languageOf(actor))
  }

  /** The escalation's protocol version and the steps of its kind. */
  async function protocolOf(
    trx: Db,
    row: { protocol_id: string; protocol_version: number; kind: EscalationKind },
  ) {
    const protocol = protocolVersion(await allProtocols(trx), row.protocol_id, row.protocol_version)
    if (!protocol) throw new Error(`unknown protocol ${row.protocol_id} v${row.protocol_version}`)
    return { protocol, rule: protocol.document.escalations[row.kind] }
  }

  async function locked(trx: Db, caseId: string, escalationId: string) {
    const row = await lockEscalation(trx, caseId, escalationId)
    if (!row) throw notFound('escalation')
    return row
  }

  async function responsibleAgencies(trx: Db, actor: Actor, facts: CaseFacts, kinds: readonly string[]) {
    const found = await findResponsibleAgencies(trx, {
      point: null,
      province: facts.province,
      municipality: facts.municipality,
      kinds: [...new Set(kinds)] as ('child_protection' | 'law_enforcement' | 'emergency_dispatch')[],
      lang: languageOf(actor),
      includeConfidential: can(actor.principal.role, 'directory.read_confidential'),
    })
    return rankAgencies(found, kinds)
  }

  return {
    /** What the case's protocol asks for now, given the consent and danger the advocate reports. */
    async evaluate(
      actor: Actor,
      caseId: string,
      flags: { consent: 'given' | 'refused' | 'not_asked'; imminentDanger: boolean },
    ): Promise<z.infer<typeof evaluationResponse>> {
      return onCase(actor, caseId, async (trx, facts) => {
        const evaluation = evaluateCase(
          await allProtocols(trx),
          facts,
          flags,
          now(),
          await reportedPeople(trx, caseId),
        )
        await appendAuditEvent(trx, actor.audit, {
          action: 'escalation.evaluated',
          entityType: 'case',
          entityId: caseId,
          details: evaluationAudit(evaluation),
        })
        return presentCaseEvaluation(evaluation, translator, actor.locale, languageOf(actor))
      })
    },

    /** The agencies responsible for the case's place that this kind of escalation goes to. */
    async agencies(actor: Actor, caseId: string, kind: EscalationKind) {
      return onCase(actor, caseId, async (trx, facts) => {
        const protocol = protocolInForce(await allProtocols(trx), facts.province, dayOf(now()))
        const kinds = protocol?.document.escalations[kind].agencyKinds ?? defaultAgencyKinds[kind]
        const agencies = await responsibleAgencies(trx, actor, facts, kinds)
        await appendAuditEvent(trx, actor.audit, {
          action: 'escalation.agencies_viewed',
          entityType: 'case',
          entityId: caseId,
          details: { kind, count: agencies.length },
        })
        return { province: facts.province, municipality: facts.municipality, agencies }
      })
    },

    async list(actor: Actor, caseId: string): Promise<EscalationView[]> {
      return onCase(actor, caseId, async (trx) => {
        const details = await escalationsOf(trx, caseId)
        await appendAuditEvent(trx, actor.audit, {
          action: 'escalation.listed',
          entityType: 'case',
          entityId: caseId,
          details: { count: details.length },
        })
        const protocols = await allProtocols(trx)
        return details.map((detail) => presentDetail(actor, detail, protocols))
      })
    },

    /**
     * Starts an escalation under the protocol in force where the case happens. Refused, changing
     * nothing, when the protocol does not allow it: an adult's tip without consent (unless imminent
     * danger is recorded and the protocol accepts it), a child-protection report where everyone is
     * of age, or any escalation while the case's province is not known.
     */
    async start(actor: Actor, caseId: string, body: z.infer<typeof startEscalationRequest>) {
      return onUniqueViolation(field('kind', 'escalation_in_progress'), () =>
        onCaseChange(actor, caseId, 'kind', async (trx, facts, at) => {
          const protocols = await allProtocols(trx)
          const protocol = protocolInForce(protocols, facts.province, dayOf(at))
          if (!protocol) throw conflict([field('kind', 'jurisdiction_unknown')])

          const known = new Set(facts.people.map((person) => person.id))
          const unknown = (body.personIds ?? [])
            .map((id, index) => ({ id, index }))
            .filter(({ id }) => !known.has(id))
          if (unknown.length > 0)
            throw invalid(unknown.map(({ index }) => field(`personIds.${index}`, 'not_in_case')))
          const people = body.personIds
            ? facts.people.filter((person) => body.personIds!.includes(person.id))
            : facts.people

          const evaluation = evaluateEscalations({
            protocol: protocol.document,
            bounds: nationalBounds(protocols, dayOf(at)),
            people,
            consent: body.consent,
            imminentDanger: body.imminentDanger,
          }).find((entry) => entry.kind === body.kind)!
          if (evaluation.verdict === 'refused') throw invalid([field('consent', 'consent_required')])
          if (evaluation.verdict === 'not_applicable')
            throw invalid([field('kind', 'escalation_not_applicable')])
          if (restsOnImminentDanger(evaluation) && !body.imminentDangerNote)
            throw invalid([field('imminentDangerNote', 'required')])

          const open = await trx
            .selectFrom('case_escalation')
            .select('id')
            .where('case_id', '=', caseId)
            .where('kind', '=', body.kind)
            .where('status', '=', 'in_progress')
            .executeTakeFirst()
          if (open) throw conflict([field('kind', 'escalation_in_progress')])

          const rule = protocol.document.escalations[body.kind]
          const personIds = body.personIds ?? evaluation.personIds
          const id = await insertEscalation(
            trx,
            {
              case_id: caseId,
              kind: body.kind,
              protocol_id: protocol.document.id,
              protocol_version: protocol.document.version,
              consent: body.consent,
              imminent_danger: body.imminentDanger,
              imminent_danger_note_sealed: seal(body.imminentDangerNote),
              started_by: actor.principal.userId,
              started_at: at,
              updated_at: at,
            },
            personIds,
          )
          await appendAuditEvent(trx, actor.audit, {
            action: 'escalation.started',
            entityType: 'case_escalation',
            entityId: id,
            details: {
              caseId,
              kind: body.kind,
              protocol: protocol.document.id,
              version: protocol.document.version,
              verdict: evaluation.verdict,
              reasons: evaluation.reasons.map((reason) => reason.code),
              consent: body.consent,
              imminentDanger: body.imminentDanger,
              people: personIds.length,
              supervisorReview: rule.supervisorReview,
            },
          })
          return view(trx, actor, caseId, id)
        }),
      )
    },

    /**
     * Completes the next step of the protocol. A step that is not the next one, or a field the step
     * does not record, is refused (400 naming the field) and nothing changes.
     */
    async completeStep(
      actor: Actor,
      caseId: string,
      escalationId: string,
      body: z.infer<typeof completeStepRequest>,
    ) {
      return onCaseChange(actor, caseId, 'stepId', async (trx, facts, at) => {
        const row = await locked(trx, caseId, escalationId)
        if (row.status !== 'in_progress') throw conflict([field('stepId', 'escalation_closed')])
        const { rule } = await protocolOf(trx, row)
        const position = rule.steps.findIndex((step) => step.id === body.stepId)
        if (position === -1)
          throw invalid([
            field('stepId', 'invalid_value', { allowed: rule.steps.map((s) => s.id).join(', ') }),
          ])
        if (position < row.next_step) throw invalid([field('stepId', 'step_already_done')])
        if (position > row.next_step)
          throw invalid([field('stepId', 'step_out_of_order', { expected: rule.steps[row.next_step]!.id })])

        const step = rule.steps[position]!
        const allowed = new Set<string>(['stepId', 'note', ...stepFields[step.action]])
        const given = Object.entries(body).filter(([, value]) => value !== undefined)
        const foreign = given.filter(([key]) => !allowed.has(key))
        if (foreign.length > 0) throw invalid(foreign.map(([key]) => field(key, 'not_for_step')))
        const missing = requiredStepFields[step.action].filter((key) => body[key] === undefined)
        if (missing.length > 0) throw invalid(missing.map((key) => field(key, 'required')))

        const changes: Parameters<typeof updateEscalation>[2] = { next_step: position + 1, updated_at: at }
        const details: Record<string, unknown> = { caseId, step: step.id, position, action: step.action }
        if (step.action === 'share') {
          changes.shared_fields = body.sharedFields!
          details.sharedFields = body.sharedFields
        }
        if (step.action === 'reference') changes.report_reference_sealed = seal(body.reportReference)
        if (step.action === 'contact') {
          const contactedAt = new Date(body.contactedAt!)
          if (contactedAt.getTime() > at.getTime() + CLOCK_SKEW_MS)
            throw invalid([field('contactedAt', 'in_future')])
          const agencies = await responsibleAgencies(trx, actor, facts, rule.agencyKinds)
          const chosen = body.agencyId
            ? agencies.find((agency) => agency.organizationId === body.agencyId)
            : agencies[0]
          if (!chosen)
            throw invalid([field('agencyId', body.agencyId ? 'unknown_reference' : 'no_responsible_agency')])
          const record = await agencyRecord(trx, chosen.organizationId)
          if (!record) throw invalid([field('agencyId', 'unknown_reference')])
          Object.assign(changes, {
            agency_id: record.id,
            agency_kind: record.kind,
            agency_name_en: record.name_en,
            agency_name_fr: record.name_fr,
            agency_phone: record.emergency_phone,
            contacted_at: contactedAt,
          })
          details.agencyId = record.id
          details.contactedAt = contactedAt.toISOString()
        }
        await insertStep(trx, {
          escalation_id: row.id,
          position,
          step_id: step.id,
          action: step.action,
          completed_by: actor.principal.userId,
          completed_at: at,
          note_sealed: seal(body.note),
        })
        await updateEscalation(trx, row.id, changes)
        await appendAuditEvent(trx, actor.audit, {
          action: 'escalation.step_completed',
          entityType: 'case_escalation',
          entityId: row.id,
          details,
        })
        return view(trx, actor, caseId, row.id)
      })
    },

    /** Records the outcome once every step is done; the escalation is then completed. */
    async recordOutcome(
      actor: Actor,
      caseId: string,
      escalationId: string,
      body: { outcome: Outcome; note?: string },
    ) {
      return onCaseChange(actor, caseId, 'outcome', async (trx, _facts, at) => {
        const row = await locked(trx, caseId, escalationId)
        if (row.status !== 'in_progress') throw conflict([field('outcome', 'escalation_closed')])
        const { rule } = await protocolOf(trx, row)
        if (row.next_step < rule.steps.length)
          throw conflict([field('outcome', 'steps_incomplete', { expected: rule.steps[row.next_step]!.id })])
        await updateEscalation(trx, row.id, {
          status: 'completed',
          outcome: body.outcome,
          outcome_note_sealed: seal(body.note),
          completed_by: actor.principal.userId,
          completed_at: at,
          review_status: rule.supervisorReview ? 'pending' : 'not_required',
          updated_at: at,
        })
        await appendAuditEvent(trx, actor.audit, {
          action: 'escalation.completed',
          entityType: 'case_escalation',
          entityId: row.id,
          details: { caseId, kind: row.kind, outcome: body.outcome, review: rule.supervisorReview },
        })
        return view(trx, actor, caseId, row.id)
      })
    },

    /** Cancels an escalation in progress (started by mistake, or overtaken), with a reason. */
    async cancel(actor: Actor, caseId: string, escalationId: string, reason: string) {
      return onCaseChange(actor, caseId, 'reason', async (trx, _facts, at) => {
        const row = await locked(trx, caseId, escalationId)
        if (row.status !== 'in_progress') throw conflict([field('reason', 'escalation_closed')])
        await updateEscalation(trx, row.id, {
          status: 'cancelled',
          cancelled_by: actor.principal.userId,
          cancelled_at: at,
          cancel_reason_sealed: seal(reason),
          updated_at: at,
        })
        await appendAuditEvent(trx, actor.audit, {
          action: 'escalation.cancelled',
          entityType: 'case_escalation',
          entityId: row.id,
          details: { caseId, kind: row.kind },
        })
        return view(trx, actor, caseId, row.id)
      })
    },

    /**
     * A supervisor's review of a completed escalation: approved, or returned for changes (it goes
     * back in progress until its outcome is recorded again). Nobody reviews their own escalation.
     */
    async review(
      actor: Actor,
      caseId: string,
      escalationId: string,
      body: { decision: 'approved' | 'returned'; note?: string },
    ) {
      // A closed case's escalations may still be approved; returning one needs the case reopened.
      return onUniqueViolation(field('decision', 'escalation_in_progress'), () =>
        onCaseChange(actor, caseId, null, async (trx, facts, at) => {
          const row = await locked(trx, caseId, escalationId)
          if (row.review_status !== 'pending') throw conflict([field('decision', 'review_not_pending')])
          if (row.started_by === actor.principal.userId || row.completed_by === actor.principal.userId)
            throw conflict([field('decision', 'own_escalation')])
          if (body.decision === 'returned' && !body.note) throw invalid([field('note', 'required')])
          if (body.decision === 'returned' && facts.status !== 'open')
            throw conflict([field('decision', 'case_closed')])
          await updateEscalation(trx, row.id, {
            review_status: body.decision,
            reviewed_by: actor.principal.userId,
            reviewed_at: at,
            review_note_sealed: seal(body.note),
            updated_at: at,
            ...(body.decision === 'returned'
              ? { status: 'in_progress' as const, completed_at: null, completed_by: null }
              : {}),
          })
          await appendAuditEvent(trx, actor.audit, {
            action: 'escalation.reviewed',
            entityType: 'case_escalation',
            entityId: row.id,
            details: { caseId, kind: row.kind, decision: body.decision },
          })
          return view(trx, actor, caseId, row.id)
        }),
      )
    },

    /** Escalations waiting for a supervisor, among the cases the caller may see. */
    async pendingReviews(actor: Actor) {
      return database.db.transaction().execute(async (trx) => {
        const rows = await pendingReviewRows(trx, PENDING_REVIEWS_LIMIT)
        const visible = []
        for (const row of rows)
          if (await deps.canSeeCase(trx, actor.principal, row.case_id)) visible.push(row)
        await appendAuditEvent(trx, actor.audit, {
          action: 'escalation.reviews_listed',
          details: { count: visible.length },
        })
        const lang = languageOf(actor)
        return visible.map((row) => ({
          escalationId: row.id,
          caseId: row.case_id,
          kind: row.kind,
          protocol: { id: row.protocol_id, version: row.protocol_version },
          agencyName:
            (lang === 'fr'
              ? (row.agency_name_fr ?? row.agency_name_en)
              : (row.agency_name_en ?? row.agency_name_fr)) ?? null,
          completedBy: row.completed_by,
          completedAt: row.completed_at ? row.completed_at.toISOString() : null,
        }))
      })
    },

    /** Every protocol version, shipped and added, by id then version. */
    async protocols(actor: Actor) {
      const protocols = await allProtocols(database.db)
      return protocols
        .map((protocol) => presentProtocol(protocol, languageOf(actor)))
        .sort((a, b) => a.id.localeCompare(b.id) || a.version - b.version)
    },

    /**
     * Adds a protocol version (an admin's). Versions are never edited: a change is a new version,
     * which takes over from its effective date; escalations already started keep theirs.
     */
    async addProtocol(actor: Actor, document: Record<string, unknown>) {
      const parsed = protocolDocument.safeParse(document)
      if (!parsed.success) throw invalid(parsed.error.issues.slice(0, 20).flatMap(documentFieldErrors))
      const protocol = parsed.data
      return onUniqueViolation(field('document.version', 'protocol_version_exists'), () =>
        database.db.transaction().execute(async (trx) => {
          const shippedVersion = shippedProtocols().some(
            (candidate) => candidate.id === protocol.id && candidate.version === protocol.version,
          )
          if (shippedVersion || (await protocolRowExists(trx, protocol.id, protocol.version)))
            throw conflict([field('document.version', 'protocol_version_exists')])
          await insertProtocol(trx, protocol, actor.principal.userId, now())
          await appendAuditEvent(trx, actor.audit, {
            action: 'escalation.protocol_added',
            entityType: 'case_protocol',
            entityId: `${protocol.id}@${protocol.version}`,
            details: { effectiveFrom: protocol.effectiveFrom },
          })
          return presentProtocol({ document: protocol, source: 'admin' }, languageOf(actor))
        }),
      )
    },
  }
}

export type EscalationService = ReturnType<typeof createEscalationService>
