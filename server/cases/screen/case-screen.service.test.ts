import { randomBytes, randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { engines } from '../../../test/support/database.ts'
import { providerBundle, taxonomyBundle } from '../../../test/support/directory.ts'
import { loadEnv } from '../../config/env.ts'
import { createSecrets } from '../../crypto/secrets.ts'
import type { Database } from '../../db/database.ts'
import { saveBundle } from '../../directory/directory.service.ts'
import { AppError } from '../../http/errors.ts'
import { createTranslator } from '../../http/i18n.ts'
import type { Principal } from '../../identity/identity.service.ts'
import { buildSignal, testAudit } from '../cases.factories.ts'
import type { Viewer } from '../cases.policy.ts'
import { presentCase } from '../cases.presenter.ts'
import { type CasesService, createCasesService } from '../cases.service.ts'
import { canSeeCase } from '../protocols/case-access.ts'
import { agencyBundle, insertStaff } from '../protocols/escalations.fixtures.ts'
import { createEscalationService, type EscalationService } from '../protocols/escalations.service.ts'
import { createReferralService, type ReferralService } from '../referrals/referrals.service.ts'
import { type CaseScreenService, createCaseScreenService } from './case-screen.service.ts'

const secrets = createSecrets([randomBytes(32)])
const shelter = providerBundle({
  province: 'ON',
  city: 'Toronto',
  name: { en: 'Harbour Youth House', fr: 'Maison jeunesse Le Havre' },
  serviceName: { en: 'Youth emergency shelter', fr: 'Refuge d’urgence pour les jeunes' },
  serviceTypes: ['housing-emergency'],
})

describe.each(engines)('the case screen on $engine', ({ open }) => {
  let database: Database
  let cases: CasesService
  let escalations: EscalationService
  let referrals: ReferralService
  let screens: CaseScreenService
  let advocate: Principal
  let colleague: Principal
  let admin: Principal

  beforeAll(async () => {
    database = await open()
    const translator = await createTranslator()
    cases = createCasesService({ database, secrets })
    escalations = createEscalationService({ database, secrets, translator, canSeeCase })
    referrals = createReferralService({
      database,
      secrets,
      translator,
      env: loadEnv({ NODE_ENV: 'test', RELAIS_REFERRAL_FOLLOW_UP_DAYS: '10' }),
    })
    screens = createCaseScreenService({ database, secrets, translator })
    await saveBundle(database, taxonomyBundle(), testAudit, { mode: 'summary' })
    await saveBundle(database, agencyBundle(), testAudit)
    await saveBundle(database, shelter, testAudit)
    advocate = await insertStaff(database.db, 'advocate')
    colleague = await insertStaff(database.db, 'advocate')
    admin = await insertStaff(database.db, 'admin')
  })
  afterAll(() => database.close())

  const viewerOf = (principal: Principal): Viewer => ({ staffId: principal.userId, role: principal.role })
  const audit = (principal: Principal) => ({ ...testAudit, actorId: principal.userId })
  const as = (principal: Principal, lang: 'en' | 'fr' = 'en') => ({
    viewer: viewerOf(principal),
    principal,
    audit: audit(principal),
    locale: lang,
    lang,
  })

  /**
   * A case in Toronto with something in every part: two signals, a 15-year-old whose
   * child-protection report is recorded and a 14-year-old whose is not, an exploiter, two needs, a
   * note, an emergency dispatch under way, and a referral with an outcome.
   */
  async function wholeCase() {
    const signalId = await buildSignal(database, { advocateId: advocate.userId, status: 'ended' })
    const caseId = await cases.createCase(as(advocate), signalId)
    await cases.attachSignal(
      as(advocate),
      caseId,
      await buildSignal(database, { advocateId: advocate.userId, status: 'ended', channel: 'sms' }),
    )
    await cases.updateLocation(as(advocate), caseId, {
      province: { state: 'given', value: 'ON' },
      municipality: { state: 'given', value: 'Toronto' },
    })
    await cases.updateSafety(as(advocate), caseId, {
      status: 'no',
      plan: { safePlace: { state: 'given', value: 'Her aunt’s home' } },
    })
    const older = await cases.addPerson(as(advocate), caseId, {
      role: { state: 'given', value: 'victim' },
      age: { state: 'given', value: { years: 15 } },
      safeContact: { text: { state: 'given', value: false }, codeWord: { state: 'given', value: 'heron' } },
    })
    const younger = await cases.addPerson(as(advocate), caseId, {
      role: { state: 'given', value: 'victim' },
      age: { state: 'given', value: { years: 14 } },
    })
    await cases.addExploiter(as(advocate), caseId, {
      count: { state: 'given', value: 2 },
      features: { vehicle: { state: 'given', value: 'A white van' } },
    })
    const needId = await cases.addNeed(as(advocate), caseId, {
      kind: 'housing-emergency',
      status: 'unmet',
      personId: older,
    })
    await cases.addNeed(as(advocate), caseId, { kind: 'legal-aid', status: 'declined' })
    await cases.addNote(as(advocate), caseId, 'Employer holds their passports.')

    const report = await escalations.start(as(advocate), caseId, {
      kind: 'child_protection',
      consent: 'not_asked',
      imminentDanger: false,
      personIds: [older],
    })
    const step = (stepId: string, extra: Record<string, unknown> = {}) =>
      escalations.completeStep(as(advocate), caseId, report.id, { stepId, ...extra })
    await step('gather_facts', { note: 'Lives with an aunt' })
    await step('choose_shared', { sharedFields: ['age', 'location'] })
    await step('call_agency', { contactedAt: new Date(Date.now() - 60_000).toISOString() })
    await step('record_reference', { reportReference: 'CAS-2026-0042' })
    await escalations.recordOutcome(as(advocate), caseId, report.id, { outcome: 'reported' })
    await escalations.start(as(advocate), caseId, {
      kind: 'emergency_dispatch',
      consent: 'given',
      imminentDanger: true,
    })

    const referral = await referrals.create(as(advocate), caseId, {
      needId,
      serviceId: shelter.ids.service,
      consent: { given: true, fields: ['alias', 'needs'] },
      alias: 'Maya',
      handoffNote: 'Intake worker Sam expects her tonight',
      sendEmail: false,
    })
    await referrals.recordOutcome(as(advocate), caseId, referral.id, {
      status: 'accepted',
      note: 'A bed is held until 10 p.m.',
    })
    return { caseId, older, younger }
  }

  /** What the four reads the screen replaces answer for the same case. */
  async function separately(principal: Principal, caseId: string, lang: 'en' | 'fr' = 'en') {
    const actor = as(principal, lang)
    return {
      case: presentCase(await cases.read(actor, caseId), actor.viewer),
      escalations: await escalations.list(actor, caseId),
      evaluation: await escalations.evaluate(actor, caseId, { consent: 'not_asked', imminentDanger: false }),
      referrals: await referrals.list(actor, caseId),
    }
  }

  const auditOf = (caseId: string) =>
    database.db
      .selectFrom('audit_event')
      .select(['action', 'actor_id', 'entity_type', 'details'])
      .where('entity_id', '=', caseId)
      .orderBy('id')
      .execute()

  it('answers what the case, its escalations, their verdicts and its referrals answer one by one', async () => {
    const { caseId, younger } = await wholeCase()
    const screen = await screens.open(as(advocate), caseId)
    expect(screen).toEqual(await separately(advocate, caseId))
    // Every part is there, sealed values opened, and the verdicts follow the recorded report.
    expect(screen.case.signals).toHaveLength(2)
    expect(screen.case.people.map((person) => person.safeContact.codeWord)).toEqual([
      { state: 'given', value: 'heron' },
      { state: 'not_asked' },
    ])
    expect(screen.case.exploiters[0]?.features.vehicle).toEqual({ state: 'given', value: 'A white van' })
    expect(screen.case.notes.map((note) => note.body)).toEqual(['Employer holds their passports.'])
    expect(screen.escalations.map((escalation) => [escalation.kind, escalation.status])).toEqual([
      ['child_protection', 'completed'],
      ['emergency_dispatch', 'in_progress'],
    ])
    expect(screen.escalations[0]?.reportReference).toBe('CAS-2026-0042')
    expect(screen.evaluation.closeBlockers).toEqual([
      { kind: 'child_protection', code: 'child_protection_report_required', personIds: [younger] },
    ])
    expect(screen.referrals[0]).toMatchObject({
      alias: 'Maya',
      status: 'accepted',
      history: [{ status: 'pending' }, { status: 'accepted', note: 'A bed is held until 10 p.m.' }],
    })
  })

  it('answers in French what the separate reads answer in French', async () => {
    const { caseId } = await wholeCase()
    const screen = await screens.open(as(advocate, 'fr'), caseId)
    expect(screen).toEqual(await separately(advocate, caseId, 'fr'))
    expect(screen.referrals[0]?.service.name).toBe('Refuge d’urgence pour les jeunes')
    expect(screen.evaluation.protocol?.name).toMatch(/Ontario/)
  })

  it('is one read with one audit event naming every part it read', async () => {
    const { caseId } = await wholeCase()
    const before = (await auditOf(caseId)).length
    await screens.open(as(advocate), caseId)
    const after = await auditOf(caseId)
    expect(after).toHaveLength(before + 1)
    expect(after.at(-1)).toEqual({
      action: 'case.read',
      actor_id: advocate.userId,
      entity_type: 'case_file',
      details: {
        caseNumber: expect.stringMatching(/^C-\d{4}-\d{6}$/),
        sections: ['case', 'escalations', 'evaluation', 'referrals'],
        people: 2,
        notes: 1,
        escalations: 2,
        referrals: 1,
        protocol: 'ca-on@1',
        verdicts: {
          child_protection: 'required',
          law_enforcement_tip: expect.any(String),
          emergency_dispatch: expect.any(String),
        },
      },
    })
  })

  it('answers a case the caller may not see as one that does not exist, and records no read', async () => {
    const { caseId } = await wholeCase()
    const before = await auditOf(caseId)
    const refusal = async (principal: Principal, id: string) => {
      try {
        await screens.open(as(principal), id)
      } catch (error) {
        if (error instanceof AppError) return { status: error.status, code: error.code }
        throw error
      }
      throw new Error('expected a refusal')
    }
    const missing = await refusal(colleague, randomUUID())
    expect(missing).toEqual({ status: 404, code: 'not_found' })
    expect(await refusal(colleague, caseId)).toEqual(missing)
    expect(await refusal(admin, caseId)).toEqual(missing)
    expect(await auditOf(caseId)).toEqual(before)
  })

  it('opens a case to an admin during a break-the-glass opening, with its reason, audited as such', async () => {
    const { caseId } = await wholeCase()
    const reason = 'Access request by the person, ticket 2026-118, approved by the director'
    await cases.breakGlass(as(admin), caseId, reason)
    const screen = await screens.open(as(admin), caseId)
    expect((await auditOf(caseId)).at(-1)).toMatchObject({
      action: 'case.read',
      actor_id: admin.userId,
      details: { breakGlass: true, sections: ['case', 'escalations', 'evaluation', 'referrals'] },
    })
    expect(screen.case.breakGlass?.reason).toBe(reason)
    expect(screen.case.abilities).toMatchObject({ update: false, close: false })
    expect(screen).toEqual(await separately(admin, caseId))
  })
})
