import { randomBytes, randomUUID } from 'node:crypto'
import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { engines } from '../../test/support/database.ts'
import { createSecrets } from '../crypto/secrets.ts'
import type { Database } from '../db/database.ts'
import { buildContact, buildSignal, buildViewer, testAudit } from './cases.factories.ts'
import type { Viewer } from './cases.policy.ts'
import { type CasesService, createCasesService } from './cases.service.ts'
import { registerCloseCheck } from './close-checks.ts'

const secrets = createSecrets([randomBytes(32)])
const search = { limit: 25, offset: 0 }

describe.each(engines)('case work on $engine', ({ open }) => {
  let database: Database
  let cases: CasesService
  let now = new Date()
  let advocate: Viewer
  let colleague: Viewer
  let supervisor: Viewer
  let analyst: Viewer
  let admin: Viewer

  beforeAll(async () => {
    database = await open()
    cases = createCasesService({ database, secrets, now: () => now })
    advocate = await buildViewer(database, 'advocate')
    colleague = await buildViewer(database, 'advocate')
    supervisor = await buildViewer(database, 'supervisor')
    analyst = await buildViewer(database, 'analyst')
    admin = await buildViewer(database, 'admin')
  })
  afterAll(() => database.close())

  const as = (viewer: Viewer) => ({ viewer, audit: { ...testAudit, actorId: viewer.staffId } })

  async function openCase(viewer = advocate) {
    const signalId = await buildSignal(database, { advocateId: viewer.staffId })
    return { caseId: await cases.createCase(as(viewer), signalId), signalId }
  }

  async function auditActions(caseId: string) {
    const rows = await database.db
      .selectFrom('audit_event')
      .select('action')
      .where('entity_id', '=', caseId)
      .orderBy('id')
      .execute()
    return rows.map((row) => row.action)
  }

  it('opens a case from the signal the advocate handles, numbered per year, and links the signal', async () => {
    now = new Date('2026-03-04T10:00:00Z')
    const first = await openCase()
    const second = await openCase()
    const [a, b] = await Promise.all([
      cases.read(as(advocate), first.caseId),
      cases.read(as(advocate), second.caseId),
    ])
    expect(a.file.case_number).toMatch(/^C-2026-\d{6}$/)
    expect(Number(b.file.case_number.slice(-6))).toBe(Number(a.file.case_number.slice(-6)) + 1)
    expect(a.file.assigned_to).toBe(advocate.staffId)
    expect(a.signals.map((signal) => signal.signal_id)).toEqual([first.signalId])
    expect(a.file.safety_status).toBe('not_asked')
    expect(await auditActions(first.caseId)).toEqual(['case.created', 'case.read'])
    now = new Date()
  })

  it('never gives two cases the same number, however many open at once', async () => {
    const signals = await Promise.all(
      Array.from({ length: 6 }, () => buildSignal(database, { advocateId: advocate.staffId })),
    )
    const ids = await Promise.all(signals.map((signalId) => cases.createCase(as(advocate), signalId)))
    const rows = await database.db
      .selectFrom('case_file')
      .select('case_number')
      .where('id', 'in', ids)
      .execute()
    expect(new Set(rows.map((row) => row.case_number)).size).toBe(6)
  })

  it('refuses a signal someone else handles, or one still waiting, naming the field, and stores nothing', async () => {
    const others = await buildSignal(database, { advocateId: colleague.staffId })
    const queued = await buildSignal(database, { advocateId: null, status: 'queued' })
    const before = await database.db
      .selectFrom('case_file')
      .select((eb) => eb.fn.countAll().as('n'))
      .executeTakeFirstOrThrow()
    for (const signalId of [others, queued, randomUUID()]) {
      await expect(cases.createCase(as(advocate), signalId)).rejects.toMatchObject({
        status: 400,
        options: { fields: [{ path: 'signalId', code: 'unknown_reference' }] },
      })
    }
    const after = await database.db
      .selectFrom('case_file')
      .select((eb) => eb.fn.countAll().as('n'))
      .executeTakeFirstOrThrow()
    expect(Number(after.n)).toBe(Number(before.n))
  })

  it('lets each role reach only its cases, in reads and in searches alike', async () => {
    const { caseId } = await openCase(advocate)
    const number = (await cases.read(as(advocate), caseId)).file.case_number
    const reach = async (viewer: Viewer) => {
      const found = await cases.search(as(viewer), { ...search, number })
      const read = await cases.read(as(viewer), caseId).then(
        () => 'read',
        (error: { code?: string }) => error.code,
      )
      return { total: found.total, ids: found.rows.map((row) => row.id), read }
    }
    expect(await reach(advocate)).toEqual({ total: 1, ids: [caseId], read: 'read' })
    expect(await reach(supervisor)).toEqual({ total: 1, ids: [caseId], read: 'read' })
    for (const viewer of [colleague, analyst, admin]) {
      expect(await reach(viewer)).toEqual({ total: 0, ids: [], read: 'not_found' })
    }
    // "Not yours" and "does not exist" answer the same.
    await expect(cases.read(as(colleague), randomUUID())).rejects.toMatchObject({
      code: 'not_found',
      status: 404,
    })
    // Refused reads leave no event about the case: only the three that succeeded.
    expect(await auditActions(caseId)).toEqual(['case.created', 'case.read', 'case.read', 'case.read'])
  })

  it('counts only visible cases when a search matches others', async () => {
    const municipality = `Town ${randomBytes(3).toString('hex')}`
    for (const viewer of [advocate, colleague, colleague]) {
      const { caseId } = await openCase(viewer)
      await cases.updateLocation(as(viewer), caseId, {
        municipality: { state: 'given', value: municipality },
      })
    }
    expect((await cases.search(as(advocate), { ...search, q: municipality })).total).toBe(1)
    expect((await cases.search(as(colleague), { ...search, q: municipality })).total).toBe(2)
    expect((await cases.search(as(supervisor), { ...search, q: municipality })).total).toBe(3)
    expect((await cases.search(as(analyst), { ...search, q: municipality })).total).toBe(0)
  })

  it('lets a reassigned advocate in, and keeps those who worked on it', async () => {
    const { caseId } = await openCase(advocate)
    await expect(cases.read(as(colleague), caseId)).rejects.toMatchObject({ code: 'not_found' })
    await cases.reassign(as(supervisor), caseId, colleague.staffId)
    expect((await cases.read(as(colleague), caseId)).file.assigned_to).toBe(colleague.staffId)
    expect((await cases.read(as(advocate), caseId)).file.id).toBe(caseId)
    await expect(cases.reassign(as(supervisor), caseId, analyst.staffId)).rejects.toMatchObject({
      options: { fields: [{ path: 'staffId', code: 'unknown_reference' }] },
    })
  })

  it('lets an admin read a case only through break-the-glass, until it expires', async () => {
    const { caseId } = await openCase(advocate)
    await expect(cases.read(as(admin), caseId)).rejects.toMatchObject({ code: 'not_found' })
    await cases.breakGlass(as(admin), caseId, 'Subpoena review requested by legal counsel')
    const opened = await cases.read(as(admin), caseId)
    expect(opened.breakGlass?.reason).toBe('Subpoena review requested by legal counsel')
    expect((await cases.search(as(admin), search)).rows.map((row) => row.id)).toEqual([caseId])
    const log = await cases.breakGlassLog(as(supervisor))
    expect(log[0]).toMatchObject({
      case_id: caseId,
      staff_id: admin.staffId,
      reason: opened.breakGlass?.reason,
    })
    const stored = await database.db
      .selectFrom('case_access')
      .select('reason_sealed')
      .where('case_id', '=', caseId)
      .executeTakeFirstOrThrow()
    expect(stored.reason_sealed).not.toContain('Subpoena')
    now = new Date(Date.now() + 61 * 60_000)
    await expect(cases.read(as(admin), caseId)).rejects.toMatchObject({ code: 'not_found' })
    now = new Date()
    await expect(
      cases.breakGlass(as(admin), randomUUID(), 'A reason long enough to be read'),
    ).rejects.toMatchObject({
      code: 'not_found',
    })
  })

  it('attaches a caller’s later signal and finds the case again through the repeat-contact hint', async () => {
    const contactId = await buildContact(database)
    const earlier = await buildSignal(database, { advocateId: advocate.staffId, status: 'ended', contactId })
    const caseId = await cases.createCase(as(advocate), earlier)
    const callBack = await buildSignal(database, { advocateId: advocate.staffId, contactId })
    const hint = await cases.hints(as(advocate), callBack)
    expect(hint.rows.map((row) => row.id)).toEqual([caseId])
    // Another advocate answering the same person learns nothing of a case they may not see.
    const theirs = await buildSignal(database, {
      advocateId: colleague.staffId,
      status: 'wrap_up',
      contactId,
      channel: 'voice',
    })
    expect((await cases.hints(as(colleague), theirs)).rows).toEqual([])
    await expect(cases.hints(as(colleague), callBack)).rejects.toMatchObject({
      options: { fields: [{ path: 'query.signalId', code: 'unknown_reference' }] },
    })

    expect(await cases.attachSignal(as(advocate), caseId, callBack)).toBe(true)
    expect(await cases.attachSignal(as(advocate), caseId, callBack)).toBe(false)
    expect((await cases.read(as(advocate), caseId)).signals.map((signal) => signal.signal_id)).toEqual([
      earlier,
      callBack,
    ])
  })

  it('keeps notes sealed and append-only', async () => {
    const { caseId } = await openCase()
    const noteId = await cases.addNote(
      as(advocate),
      caseId,
      'She will call back Tuesday from a friend’s phone.',
    )
    const row = await database.db
      .selectFrom('case_note')
      .selectAll()
      .where('id', '=', noteId)
      .executeTakeFirstOrThrow()
    expect(row.body_sealed).not.toContain('Tuesday')
    await expect(
      sql`update case_note set body_sealed = 'x' where id = ${noteId}`.execute(database.db),
    ).rejects.toThrow(/append-only/)
    await expect(sql`delete from case_note where id = ${noteId}`.execute(database.db)).rejects.toThrow(
      /append-only/,
    )
    const opened = await cases.read(as(advocate), caseId)
    expect(opened.notes.map((note) => [note.body, note.authorId])).toEqual([
      ['She will call back Tuesday from a friend’s phone.', advocate.staffId],
    ])
  })

  it('closes only when every close check agrees, then refuses changes until reopened', async () => {
    const { caseId } = await openCase()
    const seen: string[] = []
    const unregister = registerCloseCheck(async (trx, context) => {
      seen.push(context.caseId)
      const file = await trx
        .selectFrom('case_file')
        .select('status')
        .where('id', '=', context.caseId)
        .executeTakeFirst()
      return file?.status === 'open' && context.caseId === caseId
        ? [{ path: 'escalations', code: 'child_protection_report_required', message: '' }]
        : []
    })
    try {
      await expect(cases.close(as(advocate), caseId, undefined)).rejects.toMatchObject({
        code: 'case_close_blocked',
        status: 409,
        options: { fields: [{ path: 'escalations', code: 'child_protection_report_required' }] },
      })
      expect((await cases.read(as(advocate), caseId)).file.status).toBe('open')
    } finally {
      unregister()
    }
    expect(seen).toEqual([caseId])
    await cases.close(as(advocate), caseId, 'Referred to a shelter; no further contact wanted.')
    const closed = await cases.read(as(advocate), caseId)
    expect([closed.file.status, closed.closureReason]).toEqual([
      'closed',
      'Referred to a shelter; no further contact wanted.',
    ])
    await expect(cases.addNote(as(advocate), caseId, 'late')).rejects.toMatchObject({
      code: 'case_closed',
      status: 409,
    })
    await cases.reopen(as(advocate), caseId)
    expect((await cases.read(as(advocate), caseId)).file.status).toBe('open')
    expect(await auditActions(caseId)).toEqual(expect.arrayContaining(['case.closed', 'case.reopened']))
  })

  it('records needs with their status history and the person they belong to', async () => {
    const { caseId } = await openCase()
    const personId = await cases.addPerson(as(advocate), caseId, {})
    const needId = await cases.addNeed(as(advocate), caseId, {
      kind: 'housing-emergency',
      status: 'unmet',
      personId,
    })
    now = new Date(Date.now() + 60_000)
    await cases.updateNeed(as(advocate), caseId, needId, { status: 'referred' })
    now = new Date()
    const [need] = (await cases.read(as(advocate), caseId)).needs
    expect(need).toMatchObject({ kind: 'housing-emergency', status: 'referred', person_id: personId })
    expect(need!.status_changed_at.getTime()).toBeGreaterThan(need!.created_at.getTime())
    const other = await openCase()
    await expect(
      cases.addNeed(as(advocate), other.caseId, { kind: 'health', status: 'unmet', personId }),
    ).rejects.toMatchObject({ options: { fields: [{ path: 'personId', code: 'unknown_reference' }] } })
    await expect(
      cases.updateNeed(as(advocate), other.caseId, needId, { status: 'met' }),
    ).rejects.toMatchObject({
      code: 'not_found',
    })
    await cases.removeNeed(as(advocate), caseId, needId)
    expect((await cases.read(as(advocate), caseId)).needs).toEqual([])
  })

  it('seals safe-contact preferences and exploiters’ features, and merges partial changes', async () => {
    const { caseId } = await openCase()
    const personId = await cases.addPerson(as(advocate), caseId, {
      safeContact: {
        codeWord: { state: 'given', value: 'bluebird' },
        voicemail: { state: 'given', value: false },
      },
    })
    await cases.updatePerson(as(advocate), caseId, personId, { safeContact: { text: { state: 'declined' } } })
    const exploiterId = await cases.addExploiter(as(advocate), caseId, {
      features: { licencePlate: { state: 'given', value: 'CFXK 123' } },
    })
    const stored = await database.db
      .selectFrom('case_person')
      .innerJoin('case_exploiter', 'case_exploiter.case_id', 'case_person.case_id')
      .select(['safe_contact_sealed', 'features_sealed'])
      .where('case_person.id', '=', personId)
      .executeTakeFirstOrThrow()
    expect(`${stored.safe_contact_sealed}${stored.features_sealed}`).not.toMatch(/bluebird|CFXK/)
    const opened = await cases.read(as(advocate), caseId)
    expect(opened.people[0]!.safeContact).toMatchObject({
      codeWord: { state: 'given', value: 'bluebird' },
      voicemail: { state: 'given', value: false },
      text: { state: 'declined' },
      callBack: { state: 'not_asked' },
    })
    expect(opened.exploiters.map((exploiter) => [exploiter.row.id, exploiter.features.licencePlate])).toEqual(
      [[exploiterId, { state: 'given', value: 'CFXK 123' }]],
    )
  })
})
