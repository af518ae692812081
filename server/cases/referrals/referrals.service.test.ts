import { randomBytes, randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { ReferralView } from '../../../common/contracts/referrals.ts'
import { engines } from '../../../test/support/database.ts'
import { providerBundle, taxonomyBundle } from '../../../test/support/directory.ts'
import { loadEnv } from '../../config/env.ts'
import { createSecrets } from '../../crypto/secrets.ts'
import type { Database } from '../../db/database.ts'
import { saveBundle } from '../../directory/directory.service.ts'
import type { ServiceStatus } from '../../directory/directory.tables.ts'
import { createTranslator } from '../../http/i18n.ts'
import { startTestSmtpServer, type TestSmtpServer } from '../../survey/smtp-test-server.ts'
import { buildSignal, buildViewer, testAudit } from '../cases.factories.ts'
import type { Viewer } from '../cases.policy.ts'
import { type CasesService, createCasesService } from '../cases.service.ts'
import { purgeExpiredPersonalData, registerCasePurge } from '../retention.ts'
import { purgeReferrals } from './referrals.retention.ts'
import { createReferralService, type ReferralService } from './referrals.service.ts'

const secrets = createSecrets([randomBytes(32)])
const DAY_MS = 86_400_000
const consent = { given: true, fields: ['alias', 'needs'] as ('alias' | 'needs')[] }

describe.each(engines)('referrals on $engine', ({ open }) => {
  let database: Database
  let cases: CasesService
  let referrals: ReferralService
  /** The same rules with a real (local) mail server to send through. */
  let mailing: ReferralService
  let smtp: TestSmtpServer
  let shelter: string
  let now = new Date('2026-05-04T14:00:00Z')
  let advocate: Viewer
  let colleague: Viewer
  let supervisor: Viewer
  let analyst: Viewer
  const services = {} as Record<'active' | ServiceStatus, string>

  beforeAll(async () => {
    database = await open()
    const clock = () => now
    cases = createCasesService({ database, secrets, now: clock })
    referrals = createReferralService({
      database,
      secrets,
      translator: await createTranslator(),
      env: loadEnv({ NODE_ENV: 'test', RELAIS_REFERRAL_FOLLOW_UP_DAYS: '10' }),
      now: clock,
    })
    smtp = await startTestSmtpServer()
    mailing = createReferralService({
      database,
      secrets,
      translator: await createTranslator(),
      env: loadEnv({
        NODE_ENV: 'test',
        RELAIS_SMTP_URL: smtp.url,
        RELAIS_MAIL_FROM: 'Relais <relais@hotline.example.org>',
      }),
      now: clock,
    })
    advocate = await buildViewer(database, 'advocate')
    colleague = await buildViewer(database, 'advocate')
    supervisor = await buildViewer(database, 'supervisor')
    analyst = await buildViewer(database, 'analyst')
    await saveBundle(database, taxonomyBundle(), testAudit)
    for (const status of ['active', 'inactive', 'defunct', 'temporarily closed'] as const) {
      const bundle = providerBundle()
      bundle.services[0]!.status = status
      await saveBundle(database, bundle, testAudit)
      services[status] = bundle.ids.service
    }
    // A shelter whose place is confidential: its phone may be given, never where it is.
    const hidden = providerBundle({ confidential: { location: true }, languages: ['en'] })
    await saveBundle(database, hidden, testAudit)
    shelter = hidden.ids.service
  })
  afterAll(async () => {
    await database.close()
    await smtp?.close()
  })

  const as = (viewer: Viewer) => ({
    viewer,
    audit: { ...testAudit, actorId: viewer.staffId },
    lang: 'en' as const,
  })

  /** A case of `viewer` with one person and one unmet need of theirs. */
  async function caseWithNeed(viewer = advocate) {
    const signalId = await buildSignal(database, { advocateId: viewer.staffId, status: 'ended' })
    const caseId = await cases.createCase(as(viewer), signalId)
    const personId = await cases.addPerson(as(viewer), caseId, {
      age: { state: 'given', value: { years: 24 } },
    })
    const needId = await cases.addNeed(as(viewer), caseId, {
      kind: 'housing-emergency',
      status: 'unmet',
      personId,
    })
    return { caseId, personId, needId }
  }

  const refer = (caseId: string, needId: string, extra: Record<string, unknown> = {}, viewer = advocate) =>
    referrals.create(as(viewer), caseId, {
      needId,
      serviceId: services.active,
      consent,
      sendEmail: false,
      ...extra,
    } as Parameters<ReferralService['create']>[2])

  async function needStatus(caseId: string) {
    const opened = await cases.read(as(supervisor), caseId)
    return opened.needs.map((need) => need.status)
  }

  async function auditActions(caseId: string) {
    const rows = await database.db
      .selectFrom('audit_event')
      .select('action')
      .where('action', 'like', 'case.referral%')
      .where(({ eb, ref }) => eb(ref('details', '->>').key('caseId'), '=', caseId))
      .orderBy('id')
      .execute()
    return rows.map((row) => row.action)
  }

  it('refers a need to an active service: consent kept, the need referred, a follow-up due, audited', async () => {
    now = new Date('2026-05-04T14:00:00Z')
    const { caseId, personId, needId } = await caseWithNeed()
    const referral = await refer(caseId, needId, {
      alias: 'Maya',
      handoffNote: 'Three-way call with the intake worker; bed held until 8 pm.',
      consent: { given: true, at: '2026-05-04T13:55:00Z', fields: ['alias', 'needs', 'alias'] },
    })
    expect(referral).toMatchObject({
      caseId,
      needId,
      needKind: 'housing-emergency',
      personId,
      service: { id: services.active, name: 'Emergency shelter', organizationName: 'Harbour Support Centre' },
      consent: { given: true, at: '2026-05-04T13:55:00.000Z', fields: ['alias', 'needs'] },
      alias: 'Maya',
      handoffNote: 'Three-way call with the intake worker; bed held until 8 pm.',
      status: 'pending',
      statusChangedAt: now.toISOString(),
      followUpDueAt: new Date(now.getTime() + 10 * DAY_MS).toISOString(),
      email: { status: 'not_requested', to: null, sentAt: null },
      history: [{ status: 'pending', occurredAt: now.toISOString(), note: null }],
    })
    expect(await needStatus(caseId)).toEqual(['referred'])
    expect(await auditActions(caseId)).toEqual(['case.referral_created'])
    // Sealed at rest.
    const stored = await database.db
      .selectFrom('case_referral')
      .select(['alias_sealed', 'handoff_note_sealed'])
      .where('id', '=', referral.id)
      .executeTakeFirstOrThrow()
    expect(JSON.stringify(stored)).not.toMatch(/Maya|intake worker/)
  })

  it('refuses a service that does not exist or is not active, naming serviceId, and changes nothing', async () => {
    const { caseId, needId } = await caseWithNeed()
    const before = await database.db
      .selectFrom('case_file')
      .select('last_worked_at')
      .where('id', '=', caseId)
      .executeTakeFirstOrThrow()
    now = new Date(now.getTime() + 60_000)
    const refused = [
      [randomUUID(), 'unknown_reference'],
      [services.inactive, 'service_closed'],
      [services.defunct, 'service_closed'],
      [services['temporarily closed'], 'service_closed'],
    ] as const
    for (const [serviceId, code] of refused) {
      await expect(refer(caseId, needId, { serviceId })).rejects.toMatchObject({
        status: 400,
        options: { fields: [{ path: 'serviceId', code }] },
      })
    }
    expect(await referrals.list(as(advocate), caseId)).toEqual([])
    expect(await needStatus(caseId)).toEqual(['unmet'])
    expect(await auditActions(caseId)).toEqual([])
    const after = await database.db
      .selectFrom('case_file')
      .select('last_worked_at')
      .where('id', '=', caseId)
      .executeTakeFirstOrThrow()
    expect(after.last_worked_at).toEqual(before.last_worked_at)
  })

  it('refuses a need or a person of another case, sharing without consent, and consent given in the future', async () => {
    const mine = await caseWithNeed()
    const other = await caseWithNeed()
    const fieldOf = async (promise: Promise<unknown>) => {
      const error = (await promise.catch((caught: unknown) => caught)) as { options?: { fields?: unknown } }
      return error.options?.fields
    }
    expect(await fieldOf(refer(mine.caseId, other.needId))).toEqual([
      expect.objectContaining({ path: 'needId', code: 'unknown_reference' }),
    ])
    expect(await fieldOf(refer(mine.caseId, mine.needId, { personId: other.personId }))).toEqual([
      expect.objectContaining({ path: 'personId', code: 'unknown_reference' }),
    ])
    expect(
      await fieldOf(refer(mine.caseId, mine.needId, { consent: { given: false, fields: ['alias'] } })),
    ).toEqual([expect.objectContaining({ path: 'consent.fields', code: 'consent_not_given' })])
    expect(
      await fieldOf(
        refer(mine.caseId, mine.needId, {
          consent: { ...consent, at: new Date(now.getTime() + 3_600_000).toISOString() },
        }),
      ),
    ).toEqual([expect.objectContaining({ path: 'consent.at', code: 'in_future' })])
    expect(
      await fieldOf(
        refer(mine.caseId, mine.needId, { sendEmail: true, consent: { given: false, fields: [] } }),
      ),
    ).toEqual([expect.objectContaining({ path: 'sendEmail', code: 'email_consent_required' })])
    expect(await referrals.list(as(advocate), mine.caseId)).toEqual([])
    // A referral without consent shares nothing, and is allowed.
    const signpost = await refer(mine.caseId, mine.needId, { consent: { given: false, fields: [] } })
    expect(signpost.consent).toMatchObject({ given: false, fields: [] })
  })

  it('keeps every outcome with its dates; completed meets the need, declined leaves it unmet unless another is open', async () => {
    now = new Date('2026-06-01T09:00:00Z')
    const { caseId, needId } = await caseWithNeed()
    const first = await refer(caseId, needId)
    now = new Date('2026-06-02T09:00:00Z')
    const accepted = await referrals.recordOutcome(as(advocate), caseId, first.id, {
      status: 'accepted',
      occurredAt: '2026-06-01T16:30:00Z',
      note: 'Intake worker called back: a bed is free.',
    })
    expect(accepted).toMatchObject({
      status: 'accepted',
      statusChangedAt: '2026-06-01T16:30:00.000Z',
      followUpDueAt: new Date(now.getTime() + 10 * DAY_MS).toISOString(),
    })
    now = new Date('2026-06-05T09:00:00Z')
    const stillAccepted = await referrals.recordOutcome(as(advocate), caseId, first.id, {
      status: 'accepted',
      note: 'Moved in; checking again next week.',
      followUpDueAt: '2026-06-09T09:00:00Z',
    })
    expect(stillAccepted).toMatchObject({
      statusChangedAt: '2026-06-01T16:30:00.000Z',
      followUpDueAt: '2026-06-09T09:00:00.000Z',
    })
    now = new Date('2026-06-10T09:00:00Z')
    const completed = await referrals.recordOutcome(as(advocate), caseId, first.id, { status: 'completed' })
    expect(completed.followUpDueAt).toBeNull()
    expect(completed.history).toEqual([
      expect.objectContaining({ status: 'pending', occurredAt: '2026-06-01T09:00:00.000Z', note: null }),
      expect.objectContaining({
        status: 'accepted',
        occurredAt: '2026-06-01T16:30:00.000Z',
        recordedAt: '2026-06-02T09:00:00.000Z',
        note: 'Intake worker called back: a bed is free.',
      }),
      expect.objectContaining({ status: 'accepted', recordedAt: '2026-06-05T09:00:00.000Z' }),
      expect.objectContaining({ status: 'completed', occurredAt: '2026-06-10T09:00:00.000Z' }),
    ])
    expect(completed.history[1]!.recordedBy?.id).toBe(advocate.staffId)
    expect(await needStatus(caseId)).toEqual(['met'])

    // Two referrals for another need: one declining leaves the need referred while the other waits.
    const second = await caseWithNeed()
    const a = await refer(second.caseId, second.needId)
    const b = await refer(second.caseId, second.needId)
    await referrals.recordOutcome(as(advocate), second.caseId, a.id, { status: 'no_capacity' })
    expect(await needStatus(second.caseId)).toEqual(['referred'])
    await referrals.recordOutcome(as(advocate), second.caseId, b.id, { status: 'declined' })
    expect(await needStatus(second.caseId)).toEqual(['unmet'])
    expect(await auditActions(second.caseId)).toEqual([
      'case.referral_created',
      'case.referral_created',
      'case.referral_outcome_recorded',
      'case.referral_outcome_recorded',
    ])
    await expect(
      referrals.recordOutcome(as(advocate), caseId, first.id, {
        status: 'unknown',
        occurredAt: new Date(now.getTime() + 3_600_000).toISOString(),
      }),
    ).rejects.toMatchObject({
      options: { fields: [expect.objectContaining({ path: 'occurredAt', code: 'in_future' })] },
    })
  })

  it('lists follow-ups due among the cases each role may see, and hides other cases entirely', async () => {
    now = new Date('2026-07-01T09:00:00Z')
    const mine = await caseWithNeed(advocate)
    const theirs = await caseWithNeed(colleague)
    const due = await refer(mine.caseId, mine.needId, { followUpDueAt: '2026-07-01T08:00:00Z' })
    const later = await refer(mine.caseId, mine.needId, { followUpDueAt: '2026-07-20T08:00:00Z' })
    const theirsDue = await refer(
      theirs.caseId,
      theirs.needId,
      { followUpDueAt: '2026-06-30T08:00:00Z' },
      colleague,
    )
    const done = await refer(mine.caseId, mine.needId, { followUpDueAt: '2026-06-30T08:00:00Z' })
    await referrals.recordOutcome(as(advocate), mine.caseId, done.id, { status: 'declined' })

    const query = { limit: 100, offset: 0 }
    const idsOf = async (viewer: Viewer, dueBy?: string) =>
      (await referrals.followUps(as(viewer), { ...query, ...(dueBy ? { dueBy } : {}) })).followUps.map(
        (item) => item.referralId,
      )
    const ours = [due.id, later.id, theirsDue.id, done.id]
    const seen = async (viewer: Viewer, dueBy?: string) =>
      (await idsOf(viewer, dueBy)).filter((id) => ours.includes(id))
    expect(await seen(advocate)).toEqual([due.id])
    expect(await seen(colleague)).toEqual([theirsDue.id])
    expect(await seen(supervisor)).toEqual([theirsDue.id, due.id])
    expect(await seen(analyst)).toEqual([])
    expect(await seen(advocate, '2026-07-31T00:00:00Z')).toEqual([due.id, later.id])
    const [item] = (await referrals.followUps(as(advocate), query)).followUps.filter(
      (i) => i.referralId === due.id,
    )
    expect(item).toMatchObject({
      caseId: mine.caseId,
      needKind: 'housing-emergency',
      serviceName: 'Emergency shelter',
      status: 'pending',
      followUpDueAt: '2026-07-01T08:00:00.000Z',
      assignedTo: { id: advocate.staffId },
    })

    await expect(referrals.list(as(colleague), mine.caseId)).rejects.toMatchObject({ status: 404 })
    await expect(
      referrals.recordOutcome(as(colleague), mine.caseId, due.id, { status: 'accepted' }),
    ).rejects.toMatchObject({ status: 404, code: 'not_found' })
    await expect(
      referrals.recordOutcome(as(advocate), mine.caseId, theirsDue.id, { status: 'accepted' }),
    ).rejects.toMatchObject({ status: 404, options: { values: { entity: 'referral' } } })
  })

  it('drops the follow-ups of a closed case, and refuses changes to it', async () => {
    const { caseId, needId } = await caseWithNeed()
    const referral = await refer(caseId, needId, { followUpDueAt: '2026-01-01T00:00:00Z' })
    await cases.close(as(advocate), caseId, undefined)
    const ids = (await referrals.followUps(as(advocate), { limit: 100, offset: 0 })).followUps.map(
      (item) => item.referralId,
    )
    expect(ids).not.toContain(referral.id)
    await expect(
      referrals.recordOutcome(as(advocate), caseId, referral.id, { status: 'accepted' }),
    ).rejects.toMatchObject({ status: 409, code: 'case_closed' })
  })

  it('emails the person a confidential shelter’s phone and hours but not where it is', async () => {
    now = new Date()
    const { caseId, needId } = await caseWithNeed()
    const referral = await refer(caseId, needId, { serviceId: shelter })
    smtp.messages.length = 0
    const sent: ReferralView = await mailing.sendToPerson(as(advocate), caseId, referral.id, {
      to: 'ana@mail.example.net',
    })
    expect(sent.personEmail).toMatchObject({ status: 'sent', to: 'ana@mail.example.net', language: 'en' })
    const text = smtp.messages[0]?.parsed.text ?? ''
    expect(text).toContain('Address: the service will tell you where to go when you contact it.')
    expect(text).toContain('Phone: 514-555-0100')
    expect(text).toContain('Hours: Mon–Fri 09:00–17:00')
    expect(text).toContain('Languages: English')
    for (const place of ['Sainte-Catherine', 'H2X', '514-555-0101']) expect(text).not.toContain(place)
  })

  it('refuses without a mail server (503) and records nothing', async () => {
    now = new Date()
    const { caseId, needId } = await caseWithNeed()
    const referral = await refer(caseId, needId)
    await expect(
      referrals.sendToPerson(as(advocate), caseId, referral.id, { to: 'ana@mail.example.net' }),
    ).rejects.toMatchObject({ status: 503, code: 'referral_mail_unavailable' })
    const row = await database.db
      .selectFrom('case_referral')
      .select(['person_email_status', 'person_email_to_sealed'])
      .where('id', '=', referral.id)
      .executeTakeFirstOrThrow()
    expect(row).toEqual({ person_email_status: 'not_requested', person_email_to_sealed: null })
  })

  it('leaves only the counts of a long-closed case’s referrals once retention purges it', async () => {
    now = new Date('2026-01-10T10:00:00Z')
    const { caseId, needId } = await caseWithNeed()
    const referral = await refer(caseId, needId, { alias: 'Maya', handoffNote: 'Bed held until 8 pm.' })
    await mailing.sendToPerson(as(advocate), caseId, referral.id, { to: 'maya@mail.example.net' })
    await referrals.recordOutcome(as(advocate), caseId, referral.id, {
      status: 'completed',
      note: 'She moved in with her sister.',
    })
    await cases.close(as(advocate), caseId, undefined)
    const unregister = registerCasePurge(purgeReferrals)
    try {
      await purgeExpiredPersonalData(
        { database, secrets },
        { nonTraffickingDays: 90, closedCaseYears: 7 },
        new Date('2033-06-01T00:00:00Z'),
      )
    } finally {
      unregister()
    }
    const row = await database.db
      .selectFrom('case_referral')
      .select([
        'alias_sealed',
        'handoff_note_sealed',
        'person_email_to_sealed',
        'person_email_status',
        'status',
        'need_kind',
        'service_id',
        'shared_fields',
      ])
      .where('id', '=', referral.id)
      .executeTakeFirstOrThrow()
    expect(row).toEqual({
      alias_sealed: null,
      handoff_note_sealed: null,
      person_email_to_sealed: null,
      person_email_status: 'sent',
      status: 'completed',
      need_kind: 'housing-emergency',
      service_id: services.active,
      shared_fields: ['alias', 'needs'],
    })
    const events = await database.db
      .selectFrom('case_referral_event')
      .select(['status', 'note_sealed'])
      .where('referral_id', '=', referral.id)
      .orderBy('recorded_at')
      .execute()
    expect(events).toEqual([
      { status: 'pending', note_sealed: null },
      { status: 'completed', note_sealed: null },
    ])
  })
})
