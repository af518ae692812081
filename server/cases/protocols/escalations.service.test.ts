import { randomBytes, randomUUID } from 'node:crypto'
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { engines } from '../../../test/support/database.ts'
import { createSecrets } from '../../crypto/secrets.ts'
import type { Database } from '../../db/database.ts'
import { saveBundle } from '../../directory/directory.service.ts'
import { AppError } from '../../http/errors.ts'
import { createTranslator } from '../../http/i18n.ts'
import type { Principal } from '../../identity/identity.service.ts'
import { canSeeCase } from './case-access.ts'
import { agencyBundle, insertCase, insertPerson, insertStaff } from './escalations.fixtures.ts'
import {
  type Actor,
  createEscalationService,
  type EscalationService,
  requiredOpenEscalations,
} from './escalations.service.ts'

const shippedDir = path.join(path.dirname(fileURLToPath(import.meta.url)), 'shipped')
const ontarioV1 = () => JSON.parse(readFileSync(path.join(shippedDir, 'ca-on.v1.json'), 'utf8'))
const system = { actorId: null, actorLabel: 'test', address: null, requestId: null }

/** The error a call fails with, as status and the fields it names. */
async function failure(work: Promise<unknown>) {
  try {
    await work
  } catch (error) {
    if (!(error instanceof AppError)) throw error
    return {
      status: error.status,
      code: error.code,
      fields: (error.options.fields ?? []).map(({ path, code, values }) => ({
        path,
        code,
        ...(values ? { values } : {}),
      })),
    }
  }
  throw new Error('expected the call to fail')
}

describe.each(engines)('escalations on $engine', ({ open }) => {
  let database: Database
  let service: EscalationService
  let advocate: Principal
  let colleague: Principal
  let supervisor: Principal
  let admin: Principal
  const actor = (principal: Principal, locale = 'en'): Actor => ({
    principal,
    locale,
    audit: {
      actorId: principal.userId,
      actorLabel: principal.email,
      address: '127.0.0.1',
      requestId: randomUUID(),
    },
  })
  const auditRows = async (entityId?: string) => {
    let query = database.db.selectFrom('audit_event').select(['action', 'entity_id', 'details'])
    if (entityId) query = query.where('entity_id', '=', entityId)
    return query.orderBy('id').execute()
  }
  const stepRows = (escalationId: string) =>
    database.db
      .selectFrom('case_escalation_step')
      .selectAll()
      .where('escalation_id', '=', escalationId)
      .orderBy('position')
      .execute()
  const contactedAt = () => new Date(Date.now() - 60_000).toISOString()

  beforeAll(async () => {
    database = await open()
    service = createEscalationService({
      database,
      secrets: createSecrets([randomBytes(32)]),
      translator: await createTranslator(),
      canSeeCase,
    })
    await saveBundle(database, agencyBundle(), system)
    advocate = await insertStaff(database.db, 'advocate')
    colleague = await insertStaff(database.db, 'advocate')
    supervisor = await insertStaff(database.db, 'supervisor')
    admin = await insertStaff(database.db, 'admin')
  })
  afterAll(() => database.close())

  async function ontarioChildCase() {
    const caseId = await insertCase(database.db, {
      province: 'ON',
      municipality: 'Toronto',
      workers: [advocate.userId],
    })
    const child = await insertPerson(database.db, caseId, { role: 'victim', age: 15 })
    return { caseId, child }
  }

  describe('a 15-year-old in Toronto', () => {
    it('requires a child-protection report, and the case cannot close until it is recorded', async () => {
      const { caseId, child } = await ontarioChildCase()
      const evaluation = await service.evaluate(actor(advocate), caseId, {
        consent: 'not_asked',
        imminentDanger: false,
      })
      expect(evaluation.protocol).toMatchObject({ id: 'ca-on', version: 1, source: 'shipped' })
      const childProtection = evaluation.kinds.find((kind) => kind.kind === 'child_protection')!
      expect(childProtection.verdict).toBe('required')
      expect(childProtection.reasons[0]!.message).toBe(
        'Someone in this case is under 16: a report to child protection is required.',
      )
      expect(childProtection.steps.map((step) => step.id)).toEqual([
        'gather_facts',
        'choose_shared',
        'call_agency',
        'record_reference',
      ])
      expect(evaluation.closeBlockers).toEqual([
        { kind: 'child_protection', code: 'child_protection_report_required', personIds: [child] },
      ])
      expect(await requiredOpenEscalations(database.db, caseId)).toEqual(evaluation.closeBlockers)

      const started = await service.start(actor(advocate), caseId, {
        kind: 'child_protection',
        consent: 'not_asked',
        imminentDanger: false,
      })
      expect(started).toMatchObject({
        status: 'in_progress',
        protocol: { id: 'ca-on', version: 1 },
        personIds: [child],
        nextStepId: 'gather_facts',
        review: { status: 'not_required' },
      })
      const id = started.id
      await service.completeStep(actor(advocate), caseId, id, {
        stepId: 'gather_facts',
        note: 'Lives with an aunt',
      })
      await service.completeStep(actor(advocate), caseId, id, {
        stepId: 'choose_shared',
        sharedFields: ['age', 'location', 'situation'],
      })
      const called = await service.completeStep(actor(advocate), caseId, id, {
        stepId: 'call_agency',
        contactedAt: contactedAt(),
      })
      expect(called.agency).toEqual({
        id: 'cas-toronto',
        name: 'Children’s Aid Society of Toronto',
        kind: 'child_protection',
        phone: '416-924-4646',
      })
      // Still open: the report is recorded only once the escalation is completed.
      expect(await requiredOpenEscalations(database.db, caseId)).toHaveLength(1)
      await service.completeStep(actor(advocate), caseId, id, {
        stepId: 'record_reference',
        reportReference: 'CAS-2026-0042',
      })
      const done = await service.recordOutcome(actor(advocate), caseId, id, { outcome: 'reported' })
      expect(done).toMatchObject({
        status: 'completed',
        outcome: 'reported',
        reportReference: 'CAS-2026-0042',
        sharedFields: ['age', 'location', 'situation'],
        review: { status: 'pending' },
        nextStepId: null,
      })
      expect(done.steps.map((step) => [step.id, step.done, step.completedBy])).toEqual([
        ['gather_facts', true, advocate.userId],
        ['choose_shared', true, advocate.userId],
        ['call_agency', true, advocate.userId],
        ['record_reference', true, advocate.userId],
      ])
      expect(done.steps[0]!.note).toBe('Lives with an aunt')
      expect(await requiredOpenEscalations(database.db, caseId)).toEqual([])

      const actions = (await auditRows(id)).map((row) => row.action)
      expect(actions).toEqual([
        'escalation.started',
        'escalation.step_completed',
        'escalation.step_completed',
        'escalation.step_completed',
        'escalation.step_completed',
        'escalation.completed',
      ])
    })

    it('refuses a step out of order with a 400 naming the field, and changes nothing', async () => {
      const { caseId } = await ontarioChildCase()
      const { id } = await service.start(actor(advocate), caseId, {
        kind: 'child_protection',
        consent: 'not_asked',
        imminentDanger: false,
      })
      const before = await auditRows()
      expect(
        await failure(
          service.completeStep(actor(advocate), caseId, id, {
            stepId: 'record_reference',
            reportReference: 'X-1',
          }),
        ),
      ).toEqual({
        status: 400,
        code: 'validation_failed',
        fields: [{ path: 'stepId', code: 'step_out_of_order', values: { expected: 'gather_facts' } }],
      })
      expect(await stepRows(id)).toEqual([])
      expect(await auditRows()).toHaveLength(before.length)

      await service.completeStep(actor(advocate), caseId, id, { stepId: 'gather_facts' })
      expect(
        await failure(service.completeStep(actor(advocate), caseId, id, { stepId: 'gather_facts' })),
      ).toMatchObject({ status: 400, fields: [{ path: 'stepId', code: 'step_already_done' }] })
      expect(
        await failure(service.completeStep(actor(advocate), caseId, id, { stepId: 'tell_the_press' })),
      ).toMatchObject({ status: 400, fields: [{ path: 'stepId', code: 'invalid_value' }] })
      expect(
        await failure(service.recordOutcome(actor(advocate), caseId, id, { outcome: 'reported' })),
      ).toEqual({
        status: 409,
        code: 'conflict',
        fields: [{ path: 'outcome', code: 'steps_incomplete', values: { expected: 'choose_shared' } }],
      })
      expect((await stepRows(id)).map((row) => row.step_id)).toEqual(['gather_facts'])
    })

    it('checks what each step records: required, foreign and future fields', async () => {
      const { caseId } = await ontarioChildCase()
      const { id } = await service.start(actor(advocate), caseId, {
        kind: 'child_protection',
        consent: 'not_asked',
        imminentDanger: false,
      })
      expect(
        await failure(
          service.completeStep(actor(advocate), caseId, id, { stepId: 'gather_facts', reportReference: 'R' }),
        ),
      ).toMatchObject({ status: 400, fields: [{ path: 'reportReference', code: 'not_for_step' }] })
      await service.completeStep(actor(advocate), caseId, id, { stepId: 'gather_facts' })
      expect(
        await failure(service.completeStep(actor(advocate), caseId, id, { stepId: 'choose_shared' })),
      ).toMatchObject({ status: 400, fields: [{ path: 'sharedFields', code: 'required' }] })
      await service.completeStep(actor(advocate), caseId, id, {
        stepId: 'choose_shared',
        sharedFields: ['age'],
      })
      const tomorrow = new Date(Date.now() + 86_400_000).toISOString()
      expect(
        await failure(
          service.completeStep(actor(advocate), caseId, id, { stepId: 'call_agency', contactedAt: tomorrow }),
        ),
      ).toMatchObject({ status: 400, fields: [{ path: 'contactedAt', code: 'in_future' }] })
      expect(
        await failure(
          service.completeStep(actor(advocate), caseId, id, {
            stepId: 'call_agency',
            contactedAt: contactedAt(),
            agencyId: 'dpj-montreal',
          }),
        ),
      ).toMatchObject({ status: 400, fields: [{ path: 'agencyId', code: 'unknown_reference' }] })
      expect((await stepRows(id)).map((row) => row.step_id)).toEqual(['gather_facts', 'choose_shared'])
    })

    it('keeps the agency as the directory named it when it was contacted', async () => {
      const { caseId } = await ontarioChildCase()
      const { id } = await service.start(actor(advocate), caseId, {
        kind: 'child_protection',
        consent: 'not_asked',
        imminentDanger: false,
      })
      await service.completeStep(actor(advocate), caseId, id, { stepId: 'gather_facts' })
      await service.completeStep(actor(advocate), caseId, id, {
        stepId: 'choose_shared',
        sharedFields: ['age'],
      })
      await service.completeStep(actor(advocate), caseId, id, {
        stepId: 'call_agency',
        contactedAt: contactedAt(),
      })
      await database.db
        .updateTable('directory_organization')
        .set({ name_en: 'Renamed Society', emergency_phone: '000' })
        .where('id', '=', 'cas-toronto')
        .execute()
      try {
        const [listed] = await service.list(actor(advocate, 'fr'), caseId)
        expect(listed!.agency).toEqual({
          id: 'cas-toronto',
          name: 'Société d’aide à l’enfance de Toronto',
          kind: 'child_protection',
          phone: '416-924-4646',
        })
      } finally {
        await saveBundle(database, agencyBundle(), system)
      }
    })

    it('answers a case the caller may not see as not found, exactly like a case that does not exist', async () => {
      const { caseId } = await ontarioChildCase()
      for (const work of [
        () => service.evaluate(actor(colleague), caseId, { consent: 'not_asked', imminentDanger: false }),
        () => service.list(actor(colleague), caseId),
        () => service.agencies(actor(colleague), caseId, 'child_protection'),
        () =>
          service.start(actor(colleague), caseId, {
            kind: 'child_protection',
            consent: 'not_asked',
            imminentDanger: false,
          }),
        () => service.evaluate(actor(admin), caseId, { consent: 'not_asked', imminentDanger: false }),
      ])
        expect(await failure(work())).toMatchObject({ status: 404, code: 'not_found' })
      expect(
        await database.db.selectFrom('case_escalation').where('case_id', '=', caseId).selectAll().execute(),
      ).toEqual([])
      expect(
        await failure(
          service.evaluate(actor(advocate), randomUUID(), { consent: 'not_asked', imminentDanger: false }),
        ),
      ).toMatchObject({
        status: 404,
      })
    })

    it('has one escalation of a kind in progress at a time', async () => {
      const { caseId } = await ontarioChildCase()
      const body = { kind: 'child_protection' as const, consent: 'not_asked' as const, imminentDanger: false }
      const first = await service.start(actor(advocate), caseId, body)
      expect(await failure(service.start(actor(advocate), caseId, body))).toMatchObject({
        status: 409,
        fields: [{ path: 'kind', code: 'escalation_in_progress' }],
      })
      const cancelled = await service.cancel(actor(advocate), caseId, first.id, 'Started on the wrong case')
      expect(cancelled).toMatchObject({ status: 'cancelled', cancelReason: 'Started on the wrong case' })
      expect(await failure(service.cancel(actor(advocate), caseId, first.id, 'again'))).toMatchObject({
        status: 409,
        fields: [{ path: 'reason', code: 'escalation_closed' }],
      })
      // A cancelled report covers nobody: the case still may not close.
      expect(await requiredOpenEscalations(database.db, caseId)).toHaveLength(1)
      expect((await service.start(actor(advocate), caseId, body)).status).toBe('in_progress')
    })
  })

  describe('ages against Ontario and Quebec', () => {
    it('a 17-year-old in Quebec needs a report to the DPJ; in Ontario none is required but one may be made', async () => {
      const quebec = await insertCase(database.db, {
        province: 'QC',
        municipality: 'Montréal',
        workers: [advocate.userId],
      })
      const youth = await insertPerson(database.db, quebec, { age: 17 })
      expect(await requiredOpenEscalations(database.db, quebec)).toEqual([
        { kind: 'child_protection', code: 'child_protection_report_required', personIds: [youth] },
      ])
      const agencies = await service.agencies(actor(advocate), quebec, 'child_protection')
      expect(agencies.agencies.map((agency) => agency.organizationId)).toEqual(['dpj-montreal'])

      const ontario = await insertCase(database.db, { province: 'ON', workers: [advocate.userId] })
      await insertPerson(database.db, ontario, { age: 17 })
      expect(await requiredOpenEscalations(database.db, ontario)).toEqual([])
      const started = await service.start(actor(advocate), ontario, {
        kind: 'child_protection',
        consent: 'given',
        imminentDanger: false,
      })
      expect(started.status).toBe('in_progress')
    })

    it('an age band spanning the age asks for it to be confirmed before closing', async () => {
      const caseId = await insertCase(database.db, { province: 'BC', workers: [advocate.userId] })
      const young = await insertPerson(database.db, caseId, { age: '18_24' })
      expect(await requiredOpenEscalations(database.db, caseId)).toEqual([
        { kind: 'child_protection', code: 'child_protection_age_to_confirm', personIds: [young] },
      ])
      await database.db
        .updateTable('case_person')
        .set({ age_band: null, age_years: 20 })
        .where('id', '=', young)
        .execute()
      expect(await requiredOpenEscalations(database.db, caseId)).toEqual([])
    })

    it('refuses a child-protection report where everyone is of age, and anything where the place is unknown', async () => {
      const adults = await insertCase(database.db, { province: 'QC', workers: [advocate.userId] })
      await insertPerson(database.db, adults, { age: '25_34' })
      expect(
        await failure(
          service.start(actor(advocate), adults, {
            kind: 'child_protection',
            consent: 'given',
            imminentDanger: false,
          }),
        ),
      ).toMatchObject({ status: 400, fields: [{ path: 'kind', code: 'escalation_not_applicable' }] })

      const nowhere = await insertCase(database.db, { workers: [advocate.userId] })
      const child = await insertPerson(database.db, nowhere, { age: 12 })
      expect(await requiredOpenEscalations(database.db, nowhere)).toEqual([
        { kind: 'child_protection', code: 'child_protection_report_required', personIds: [child] },
      ])
      expect(
        await failure(
          service.start(actor(advocate), nowhere, {
            kind: 'child_protection',
            consent: 'given',
            imminentDanger: false,
          }),
        ),
      ).toMatchObject({ status: 409, fields: [{ path: 'kind', code: 'jurisdiction_unknown' }] })
    })

    it('names people who are not in the case', async () => {
      const { caseId } = await ontarioChildCase()
      const other = await ontarioChildCase()
      expect(
        await failure(
          service.start(actor(advocate), caseId, {
            kind: 'child_protection',
            consent: 'not_asked',
            imminentDanger: false,
            personIds: [other.child],
          }),
        ),
      ).toMatchObject({ status: 400, fields: [{ path: 'personIds.0', code: 'not_in_case' }] })
    })
  })

  describe('an adult’s tip to the police', () => {
    async function adultCase() {
      const caseId = await insertCase(database.db, {
        province: 'QC',
        municipality: 'Montréal',
        workers: [advocate.userId],
      })
      await insertPerson(database.db, caseId, { role: 'victim', age: 28 })
      return caseId
    }

    it('is refused without consent, changing nothing, unless imminent danger is recorded', async () => {
      const caseId = await adultCase()
      const before = await auditRows()
      const refused = await failure(
        service.start(actor(advocate), caseId, {
          kind: 'law_enforcement_tip',
          consent: 'refused',
          imminentDanger: false,
        }),
      )
      expect(refused).toMatchObject({ status: 400, fields: [{ path: 'consent', code: 'consent_required' }] })
      expect(
        await failure(
          service.start(actor(advocate), caseId, {
            kind: 'law_enforcement_tip',
            consent: 'not_asked',
            imminentDanger: true,
          }),
        ),
      ).toMatchObject({ status: 400, fields: [{ path: 'imminentDangerNote', code: 'required' }] })
      expect(await auditRows()).toHaveLength(before.length)
      expect(
        await database.db.selectFrom('case_escalation').where('case_id', '=', caseId).selectAll().execute(),
      ).toEqual([])

      const started = await service.start(actor(advocate), caseId, {
        kind: 'law_enforcement_tip',
        consent: 'not_asked',
        imminentDanger: true,
        imminentDangerNote: 'The exploiters are on their way back',
      })
      expect(started).toMatchObject({
        imminentDanger: true,
        imminentDangerNote: 'The exploiters are on their way back',
      })
      const stored = await database.db
        .selectFrom('case_escalation')
        .select('imminent_danger_note_sealed')
        .where('id', '=', started.id)
        .executeTakeFirstOrThrow()
      expect(stored.imminent_danger_note_sealed).not.toContain('exploiters')
      const [audit] = await auditRows(started.id)
      expect(audit!.details).toMatchObject({
        kind: 'law_enforcement_tip',
        consent: 'not_asked',
        imminentDanger: true,
      })
      expect(JSON.stringify(audit!.details)).not.toContain('exploiters')
    })

    it('goes through with consent and is reviewed by a supervisor: approved, or returned and completed again', async () => {
      const caseId = await adultCase()
      const { id } = await service.start(actor(advocate), caseId, {
        kind: 'law_enforcement_tip',
        consent: 'given',
        imminentDanger: false,
      })
      await service.completeStep(actor(advocate), caseId, id, { stepId: 'confirm_consent' })
      await service.completeStep(actor(advocate), caseId, id, {
        stepId: 'choose_shared',
        sharedFields: ['situation', 'exploiter_details'],
      })
      const sent = await service.completeStep(actor(advocate), caseId, id, {
        stepId: 'send_tip',
        contactedAt: contactedAt(),
      })
      expect(sent.agency).toMatchObject({ id: 'spvm', phone: '514-280-2222' })
      await service.recordOutcome(actor(advocate), caseId, id, { outcome: 'reported' })

      const pending = await service.pendingReviews(actor(supervisor))
      expect(pending.map((review) => review.escalationId)).toContain(id)
      expect(
        await failure(service.review(actor(supervisor), caseId, id, { decision: 'returned' })),
      ).toMatchObject({
        status: 400,
        fields: [{ path: 'note', code: 'required' }],
      })
      const returned = await service.review(actor(supervisor), caseId, id, {
        decision: 'returned',
        note: 'Say which platform was shared',
      })
      expect(returned).toMatchObject({
        status: 'in_progress',
        completedAt: null,
        review: { status: 'returned', by: supervisor.userId, note: 'Say which platform was shared' },
      })
      expect(
        (await service.pendingReviews(actor(supervisor))).map((review) => review.escalationId),
      ).not.toContain(id)
      expect(
        await failure(service.review(actor(supervisor), caseId, id, { decision: 'approved' })),
      ).toMatchObject({
        status: 409,
        fields: [{ path: 'decision', code: 'review_not_pending' }],
      })

      await service.recordOutcome(actor(advocate), caseId, id, {
        outcome: 'reported',
        note: 'Platform named',
      })
      const approved = await service.review(actor(supervisor), caseId, id, { decision: 'approved' })
      expect(approved).toMatchObject({
        status: 'completed',
        review: { status: 'approved', by: supervisor.userId },
      })
      expect((await auditRows(id)).map((row) => row.action).slice(-4)).toEqual([
        'escalation.completed',
        'escalation.reviewed',
        'escalation.completed',
        'escalation.reviewed',
      ])
    })

    it('is never reviewed by the supervisor who carried it out', async () => {
      const caseId = await insertCase(database.db, {
        province: 'QC',
        municipality: 'Montréal',
        workers: [supervisor.userId],
      })
      await insertPerson(database.db, caseId, { age: 40 })
      const { id } = await service.start(actor(supervisor), caseId, {
        kind: 'law_enforcement_tip',
        consent: 'given',
        imminentDanger: false,
      })
      await service.completeStep(actor(supervisor), caseId, id, { stepId: 'confirm_consent' })
      await service.completeStep(actor(supervisor), caseId, id, {
        stepId: 'choose_shared',
        sharedFields: ['situation'],
      })
      await service.completeStep(actor(supervisor), caseId, id, {
        stepId: 'send_tip',
        contactedAt: contactedAt(),
      })
      await service.recordOutcome(actor(supervisor), caseId, id, { outcome: 'reported' })
      expect(
        await failure(service.review(actor(supervisor), caseId, id, { decision: 'approved' })),
      ).toMatchObject({
        status: 409,
        fields: [{ path: 'decision', code: 'own_escalation' }],
      })
    })
  })

  describe('escalations are case work', () => {
    async function completedReport() {
      const { caseId } = await ontarioChildCase()
      const { id } = await service.start(actor(advocate), caseId, {
        kind: 'child_protection',
        consent: 'not_asked',
        imminentDanger: false,
      })
      await service.completeStep(actor(advocate), caseId, id, { stepId: 'gather_facts' })
      await service.completeStep(actor(advocate), caseId, id, {
        stepId: 'choose_shared',
        sharedFields: ['age'],
      })
      await service.completeStep(actor(advocate), caseId, id, {
        stepId: 'call_agency',
        contactedAt: contactedAt(),
      })
      await service.completeStep(actor(advocate), caseId, id, {
        stepId: 'record_reference',
        reportReference: 'R-1',
      })
      await service.recordOutcome(actor(advocate), caseId, id, { outcome: 'reported' })
      return { caseId, id }
    }
    const close = (caseId: string) =>
      database.db
        .updateTable('case_file')
        .set({ status: 'closed', closed_at: new Date() })
        .where('id', '=', caseId)
        .execute()

    it('touch the case and record who worked on it', async () => {
      const { caseId, id } = await completedReport()
      const before = await database.db
        .selectFrom('case_file')
        .select('last_worked_at')
        .where('id', '=', caseId)
        .executeTakeFirstOrThrow()
      await service.review(actor(supervisor), caseId, id, { decision: 'approved' })
      const after = await database.db
        .selectFrom('case_file')
        .select('last_worked_at')
        .where('id', '=', caseId)
        .executeTakeFirstOrThrow()
      expect(after.last_worked_at.getTime()).toBeGreaterThanOrEqual(before.last_worked_at.getTime())
      const workers = await database.db
        .selectFrom('case_worker')
        .select('staff_id')
        .where('case_id', '=', caseId)
        .execute()
      expect(workers.map((w) => w.staff_id).sort()).toEqual([advocate.userId, supervisor.userId].sort())
    })

    it('stop when the case is closed, except a supervisor’s approval', async () => {
      const { caseId, id } = await completedReport()
      const tip = await insertPerson(database.db, caseId, { age: 30 })
      const open = await service.start(actor(advocate), caseId, {
        kind: 'emergency_dispatch',
        consent: 'not_asked',
        imminentDanger: true,
        personIds: [tip],
      })
      await close(caseId)
      expect(
        await failure(service.completeStep(actor(advocate), caseId, open.id, { stepId: 'confirm_location' })),
      ).toMatchObject({
        status: 409,
        fields: [{ path: 'stepId', code: 'case_closed' }],
      })
      expect(
        await failure(
          service.start(actor(advocate), caseId, {
            kind: 'law_enforcement_tip',
            consent: 'given',
            imminentDanger: false,
          }),
        ),
      ).toMatchObject({ status: 409, fields: [{ path: 'kind', code: 'case_closed' }] })
      expect(
        await failure(
          service.review(actor(supervisor), caseId, id, { decision: 'returned', note: 'Add the worker' }),
        ),
      ).toMatchObject({ status: 409, fields: [{ path: 'decision', code: 'case_closed' }] })
      expect(
        (await service.review(actor(supervisor), caseId, id, { decision: 'approved' })).review.status,
      ).toBe('approved')
    })

    it('a report cannot be returned while another of its kind is in progress', async () => {
      const { caseId, id } = await completedReport()
      await service.start(actor(advocate), caseId, {
        kind: 'child_protection',
        consent: 'not_asked',
        imminentDanger: false,
      })
      expect(
        await failure(service.review(actor(supervisor), caseId, id, { decision: 'returned', note: 'Redo' })),
      ).toMatchObject({ status: 409, fields: [{ path: 'decision', code: 'escalation_in_progress' }] })
      const [first] = await service.list(actor(advocate), caseId)
      expect(first!.review.status).toBe('pending')
    })
  })

  describe('emergency dispatch', () => {
    it('calls the police service of the place on its 24/7 line and records when, and the outcome', async () => {
      const caseId = await insertCase(database.db, {
        province: 'ON',
        municipality: 'Toronto',
        workers: [advocate.userId],
      })
      await insertPerson(database.db, caseId, { age: 30 })
      const lookup = await service.agencies(actor(advocate), caseId, 'emergency_dispatch')
      expect(lookup.agencies.map((agency) => [agency.organizationId, agency.emergencyPhone])).toEqual([
        ['tps', '416-808-2222'],
        ['opp', '1-888-310-1122'],
      ])
      const { id } = await service.start(actor(advocate), caseId, {
        kind: 'emergency_dispatch',
        consent: 'not_asked',
        imminentDanger: true,
      })
      await service.completeStep(actor(advocate), caseId, id, { stepId: 'confirm_location' })
      const at = contactedAt()
      await service.completeStep(actor(advocate), caseId, id, { stepId: 'call_dispatch', contactedAt: at })
      const done = await service.recordOutcome(actor(advocate), caseId, id, {
        outcome: 'assistance_dispatched',
        note: 'Two cars sent',
      })
      expect(done).toMatchObject({
        status: 'completed',
        agency: { id: 'tps', name: 'Toronto Police Service', phone: '416-808-2222' },
        contactedAt: at,
        outcome: 'assistance_dispatched',
        outcomeNote: 'Two cars sent',
        review: { status: 'not_required' },
      })
    })

    it('says so when the directory has no agency for the place', async () => {
      const caseId = await insertCase(database.db, { province: 'NU', workers: [advocate.userId] })
      await insertPerson(database.db, caseId, { age: 30 })
      const { id } = await service.start(actor(advocate), caseId, {
        kind: 'emergency_dispatch',
        consent: 'not_asked',
        imminentDanger: true,
      })
      await service.completeStep(actor(advocate), caseId, id, { stepId: 'confirm_location' })
      expect(
        await failure(
          service.completeStep(actor(advocate), caseId, id, {
            stepId: 'call_dispatch',
            contactedAt: contactedAt(),
          }),
        ),
      ).toMatchObject({ status: 400, fields: [{ path: 'agencyId', code: 'no_responsible_agency' }] })
    })
  })

  describe('protocol versions added by an admin', () => {
    it('take over from their effective date; escalations already started keep their version', async () => {
      const { caseId } = await ontarioChildCase()
      const underV1 = await service.start(actor(advocate), caseId, {
        kind: 'child_protection',
        consent: 'not_asked',
        imminentDanger: false,
      })

      const ontarioYouth = await insertCase(database.db, { province: 'ON', workers: [advocate.userId] })
      await insertPerson(database.db, ontarioYouth, { age: 17 })
      expect(await requiredOpenEscalations(database.db, ontarioYouth)).toEqual([])

      const v2 = ontarioV1()
      v2.version = 2
      v2.effectiveFrom = new Date().toISOString().slice(0, 10)
      v2.escalations.child_protection.reportRequiredUnder = 18
      delete v2.escalations.child_protection.reportMayUnder
      v2.escalations.child_protection.steps = v2.escalations.child_protection.steps.filter(
        (step: { id: string }) => step.id !== 'choose_shared',
      )
      expect(await service.addProtocol(actor(admin), v2)).toMatchObject({
        id: 'ca-on',
        version: 2,
        source: 'admin',
      })
      expect(await requiredOpenEscalations(database.db, ontarioYouth)).toHaveLength(1)
      const [listed] = await service.list(actor(advocate), caseId)
      expect(listed!.protocol).toEqual({ id: 'ca-on', version: 1 })
      expect(listed!.steps.map((step) => step.id)).toContain('choose_shared')
      const [audit] = await auditRows('ca-on@2')
      expect(audit!.action).toBe('escalation.protocol_added')
      expect(
        (await service.protocols(actor(admin)))
          .filter((p) => p.id === 'ca-on')
          .map((p) => [p.version, p.source]),
      ).toEqual([
        [1, 'shipped'],
        [2, 'admin'],
      ])
      expect(underV1.protocol.version).toBe(1)
    })

    it('are never edited: a version that exists, shipped or added, is refused', async () => {
      expect(await failure(service.addProtocol(actor(admin), ontarioV1()))).toMatchObject({
        status: 409,
        fields: [{ path: 'document.version', code: 'protocol_version_exists' }],
      })
    })

    it('must match the schema, each problem named under document', async () => {
      const broken = ontarioV1()
      broken.version = 7
      broken.id = 'ca-qc'
      broken.escalations.child_protection.reportRequiredUnder = 0
      broken.escalations.emergency_dispatch.colour = 'red'
      const result = await failure(service.addProtocol(actor(admin), broken))
      expect(result.status).toBe(400)
      expect(result.fields).toEqual(
        expect.arrayContaining([
          {
            path: 'document.escalations.child_protection.reportRequiredUnder',
            code: 'too_small',
            values: { origin: 'number', minimum: 1 },
          },
          { path: 'document.escalations.emergency_dispatch.colour', code: 'unknown_field' },
        ]),
      )
      expect(
        await database.db.selectFrom('case_protocol').where('version', '=', 7).selectAll().execute(),
      ).toEqual([])
    })
  })
})
