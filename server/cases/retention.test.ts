import { randomBytes } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { engines } from '../../test/support/database.ts'
import { createSecrets } from '../crypto/secrets.ts'
import type { Database } from '../db/database.ts'
import type { Classification, SignalStatus } from '../intake/intake.tables.ts'
import { buildContact, buildViewer, testAudit } from './cases.factories.ts'
import type { Viewer } from './cases.policy.ts'
import { type CasesService, createCasesService } from './cases.service.ts'
import { purgeExpiredPersonalData, registerCasePurge, scheduleRetention } from './retention.ts'

const secrets = createSecrets([randomBytes(32)])
const DAY = 86_400_000
const policy = { nonTraffickingDays: 90, closedCaseYears: 7 }

describe.each(engines)('retention on $engine', ({ open }) => {
  let database: Database
  let cases: CasesService
  let advocate: Viewer
  let clock = new Date()
  const now = new Date()

  beforeAll(async () => {
    database = await open()
    cases = createCasesService({ database, secrets, now: () => clock })
    advocate = await buildViewer(database, 'advocate')
  })
  afterAll(() => database.close())

  const actor = () => ({ viewer: advocate, audit: { ...testAudit, actorId: advocate.staffId } })
  let seq = 0

  /** A signal that ended `daysAgo`, with a sealed message, an attachment and its raw delivery. */
  async function endedSignal(
    daysAgo: number,
    classification: Classification | null,
    status: SignalStatus = 'ended',
  ) {
    const at = new Date(now.getTime() - daysAgo * DAY)
    const contactId = await buildContact(database)
    seq += 1
    const signal = await database.db
      .insertInto('intake_signal')
      .values({
        channel: 'sms',
        contact_id: contactId,
        queue: 'messaging.en',
        advocate_id: advocate.staffId,
        status,
        classification,
        received_at: at,
        ended_at: at,
        wrap_up_ended_at: status === 'ended' ? at : null,
        abandoned_at: status === 'abandoned' ? at : null,
        last_message_at: at,
      })
      .returning('id')
      .executeTakeFirstOrThrow()
    const externalId = `SM${randomBytes(8).toString('hex')}${seq}`
    const message = await database.db
      .insertInto('intake_message')
      .values({
        signal_id: signal.id,
        seq: 1,
        direction: 'in',
        body_sealed: secrets.seal('My boss took my passport'),
        media: JSON.stringify([{ type: 'image/jpeg', size: 10, url: null, providerId: null }]),
        provider: 'twilio',
        external_id: externalId,
        received_at: at,
      })
      .returning('id')
      .executeTakeFirstOrThrow()
    await database.db
      .insertInto('intake_attachment')
      .values({
        message_id: message.id,
        content_type: 'image/jpeg',
        size_bytes: 10,
        sha256: 'x',
        content_sealed: secrets.seal('bytes'),
        stored_at: at,
      })
      .execute()
    await database.db
      .insertInto('intake_webhook_event')
      .values({
        provider: 'twilio',
        external_id: externalId,
        kind: 'message',
        received_at: at,
        payload_sealed: secrets.seal('{"From":"+15145550100"}'),
      })
      .execute()
    return { signalId: signal.id, contactId, externalId }
  }

  async function personalDataOf(signalId: string, contactId: string, externalId: string) {
    const [message, attachments, contact, delivery, signal] = await Promise.all([
      database.db
        .selectFrom('intake_message')
        .select(['body_sealed', 'media'])
        .where('signal_id', '=', signalId)
        .executeTakeFirstOrThrow(),
      database.db
        .selectFrom('intake_attachment')
        .innerJoin('intake_message', 'intake_message.id', 'intake_attachment.message_id')
        .select('intake_attachment.id')
        .where('intake_message.signal_id', '=', signalId)
        .execute(),
      database.db.selectFrom('intake_contact').select('id').where('id', '=', contactId).executeTakeFirst(),
      database.db
        .selectFrom('intake_webhook_event')
        .select('id')
        .where('external_id', '=', externalId)
        .executeTakeFirst(),
      database.db
        .selectFrom('intake_signal')
        .select(['contact_id', 'classification', 'channel'])
        .where('id', '=', signalId)
        .executeTakeFirstOrThrow(),
    ])
    return {
      body: message.body_sealed !== null,
      media: message.media.length,
      attachments: attachments.length,
      contact: contact !== undefined && signal.contact_id !== null,
      delivery: delivery !== undefined,
      counted: { classification: signal.classification, channel: signal.channel },
    }
  }

  it('purges what is past retention, keeps what reports count, and audits each batch once', async () => {
    const oldConcern = await endedSignal(120, 'non_trafficking_concern')
    const oldAbandoned = await endedSignal(100, null, 'abandoned')
    const recentConcern = await endedSignal(30, 'information_request')
    const oldTrafficking = await endedSignal(400, 'trafficking')
    const inOpenCase = await endedSignal(200, 'other')
    await cases.createCase(actor(), inOpenCase.signalId)

    // A case closed eight years ago, with someone aged 15, notes, a plan and an exploiter's plate.
    const closedLongAgo = await endedSignal(3000, 'trafficking')
    clock = new Date(now.getTime() - 8 * 365 * DAY)
    const caseId = await cases.createCase(actor(), closedLongAgo.signalId)
    await cases.updateSafety(actor(), caseId, {
      status: 'no',
      plan: { plan: { state: 'given', value: 'Go to the shelter' } },
    })
    await cases.updateSituation(actor(), caseId, {
      traffickingTypes: { state: 'given', value: ['SexualExploitation'] },
    })
    await cases.updateLocation(actor(), caseId, {
      province: { state: 'given', value: 'ON' },
      municipality: { state: 'given', value: 'Kenora' },
    })
    await cases.addPerson(actor(), caseId, {
      age: { state: 'given', value: { years: 15 } },
      role: { state: 'given', value: 'victim' },
      safeContact: { codeWord: { state: 'given', value: 'lantern' } },
    })
    await cases.addExploiter(actor(), caseId, {
      features: { licencePlate: { state: 'given', value: 'ABCD 123' } },
    })
    await cases.addNote(actor(), caseId, 'She is staying with her aunt in Kenora.')
    await cases.close(actor(), caseId, 'Moved to a shelter out of province.')
    clock = new Date(now.getTime() - 2 * 365 * DAY)
    const recentClosed = await cases.createCase(actor(), (await endedSignal(800, 'trafficking')).signalId)
    await cases.addNote(actor(), recentClosed, 'Kept: closed two years ago.')
    await cases.close(actor(), recentClosed, undefined)
    clock = new Date()

    const purgedParts: string[][] = []
    const unregister = registerCasePurge(async (_trx, caseIds) => {
      purgedParts.push(caseIds)
    })
    try {
      expect(await purgeExpiredPersonalData({ database, secrets }, policy, now)).toEqual({
        signals: 2,
        cases: 1,
      })
    } finally {
      unregister()
    }
    expect(purgedParts).toEqual([[caseId]])

    const gone = { body: false, media: 0, attachments: 0, contact: false, delivery: false }
    const kept = { body: true, media: 1, attachments: 1, contact: true, delivery: true }
    const check = (signal: Awaited<ReturnType<typeof endedSignal>>) =>
      personalDataOf(signal.signalId, signal.contactId, signal.externalId)
    expect(await check(oldConcern)).toEqual({
      ...gone,
      counted: { classification: 'non_trafficking_concern', channel: 'sms' },
    })
    expect(await check(oldAbandoned)).toMatchObject(gone)
    expect(await check(closedLongAgo)).toMatchObject(gone)
    for (const signal of [recentConcern, oldTrafficking, inOpenCase])
      expect(await check(signal)).toMatchObject(kept)

    const file = await database.db
      .selectFrom('case_file')
      .selectAll()
      .where('id', '=', caseId)
      .executeTakeFirstOrThrow()
    expect(file).toMatchObject({
      safety_plan_sealed: null,
      closure_reason_sealed: null,
      municipality: null,
      municipality_answer: 'unknown',
      province: 'ON',
      trafficking_types: ['SexualExploitation'],
      safety_status: 'no',
    })
    expect(file.purged_at).not.toBeNull()
    const person = await database.db
      .selectFrom('case_person')
      .selectAll()
      .where('case_id', '=', caseId)
      .executeTakeFirstOrThrow()
    expect(person).toMatchObject({
      age_years: null,
      age_band: '12_15',
      role: 'victim',
      safe_contact_sealed: null,
    })
    const exploiter = await database.db
      .selectFrom('case_exploiter')
      .selectAll()
      .where('case_id', '=', caseId)
      .executeTakeFirstOrThrow()
    expect(exploiter.features_sealed).toBeNull()
    const notes = await database.db
      .selectFrom('case_note')
      .select(['case_id'])
      .where('case_id', 'in', [caseId, recentClosed])
      .execute()
    expect(notes.map((note) => note.case_id)).toEqual([recentClosed])

    const audits = await database.db
      .selectFrom('audit_event')
      .select('details')
      .where('action', '=', 'retention.purged')
      .execute()
    expect(audits).toHaveLength(1)
    expect(audits[0]!.details).toMatchObject({ signals: 2, cases: 1, caseIds: [caseId] })

    // A second pass finds nothing more and writes nothing.
    expect(await purgeExpiredPersonalData({ database, secrets }, policy, now)).toEqual({
      signals: 0,
      cases: 0,
    })
    const after = await database.db
      .selectFrom('audit_event')
      .select('seq')
      .where('action', '=', 'retention.purged')
      .execute()
    expect(after).toHaveLength(1)
  })

  it('runs at start and again at each interval until stopped', async () => {
    let runs = 0
    const schedule = scheduleRetention(
      async () => {
        runs += 1
      },
      () => {},
      10,
    )
    await expect.poll(() => runs).toBeGreaterThanOrEqual(2)
    await schedule.stop()
    const stoppedAt = runs
    await new Promise((resolve) => setTimeout(resolve, 50))
    expect(runs).toBe(stoppedAt)
  })
})
