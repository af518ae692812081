import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { createPGliteDatabase } from '../../test/support/database.ts'
import { loadEnv } from '../config/env.ts'
import { createSecrets } from '../crypto/secrets.ts'
import type { Database } from '../db/database.ts'
import { seedDemo, seededRandom } from '../demo/demo.ts'
import { municipalities } from '../directory/demo/municipalities.ts'
import { DEMO_SERVICES_VARIABLE } from '../directory/demo/seed.ts'
import { directoryModule } from '../directory/directory.module.ts'
import { createTranslator } from '../http/i18n.ts'
import { demoEmail } from '../identity/identity.demo.ts'
import { identityModule } from '../identity/identity.module.ts'
import { createIdentityService, type Principal } from '../identity/identity.service.ts'
import { intakeModule } from '../intake/intake.module.ts'
import { type Classification, classifications } from '../intake/intake.tables.ts'
import { caseDemoDesign, planCaseDemo, referableServices, scenarioAgencies, scenarios } from './cases.demo.ts'
import { casesModule } from './cases.module.ts'
import { createCasesService } from './cases.service.ts'
import { canSeeCase } from './protocols/case-access.ts'
import { protocolInForce } from './protocols/catalogue.ts'
import {
  allProtocols,
  createEscalationService,
  requiredOpenEscalations,
} from './protocols/escalations.service.ts'
import { createReferralService } from './referrals/referrals.service.ts'
import { purgeExpiredPersonalData } from './retention.ts'

const DAY = 86_400_000
const audit = { actorId: null, actorLabel: 'test', address: null, requestId: null }

// The whole demo (staff, a small directory, today's contact centre, the year of cases) seeded once
// on PGlite, as `npm start` does; the tests read it, then purge it and seed again.
describe('demo cases', () => {
  let database: Database
  const secrets = createSecrets([randomBytes(32)])
  const seededAt = new Date()
  let report: string[]
  let advocate: Principal
  let context: Parameters<typeof seedDemo>[1]
  const count = async (query: string) =>
    Number(
      (await sql.raw<{ n: number }>(`select count(*)::int as n from (${query}) q`).execute(database.db))
        .rows[0]!.n,
    )
  const yearSignals = () =>
    database.db
      .selectFrom('intake_signal')
      .where('intake_signal.received_at', '<=', new Date(seededAt.getTime() - DAY))

  beforeAll(async () => {
    vi.stubEnv(DEMO_SERVICES_VARIABLE, '200')
    database = await createPGliteDatabase()
    const identity = createIdentityService({
      database,
      secrets,
      config: { sessionIdleMinutes: 30, sessionMaxHours: 12, refuseDemoAccounts: false },
    })
    context = { database, secrets, identity, seed: 20211 }
    report = await seedDemo([identityModule, directoryModule, intakeModule, casesModule], context)
    const row = await database.db
      .selectFrom('staff_user')
      .select(['id', 'email', 'display_name'])
      .where('email', '=', demoEmail('advocate'))
      .executeTakeFirstOrThrow()
    advocate = {
      userId: row.id,
      email: row.email,
      displayName: row.display_name,
      role: 'advocate',
      locale: 'en',
      stage: 'active',
      mfaEnrolled: true,
      csrfToken: 'x',
      tokenHash: 'x',
    }
  })
  afterAll(async () => {
    vi.unstubAllEnvs()
    await database?.close()
  })

  it('writes a year of signals on every channel in the designed proportions, before today', async () => {
    expect(report.find((line) => line.startsWith('Demo cases:'))).toMatch(
      /^Demo cases: a year of 2,000 signals \(72 % by phone\), 150 cases \(\d+ open\) with \d+ referrals and 8 escalations, written in [\d.]+ s\.$/,
    )
    const byChannel = await yearSignals()
      .select(['channel', (eb) => eb.fn.countAll<number>().as('n')])
      .groupBy('channel')
      .execute()
    expect(Object.fromEntries(byChannel.map((row) => [row.channel, Number(row.n)]))).toEqual(
      caseDemoDesign.channels,
    )
    const byClass = await yearSignals()
      .select(['classification', 'status', (eb) => eb.fn.countAll<number>().as('n')])
      .groupBy(['classification', 'status'])
      .execute()
    expect(
      Object.fromEntries(byClass.map((row) => [`${row.classification}/${row.status}`, Number(row.n)])),
    ).toEqual({
      'trafficking/ended': caseDemoDesign.classifications.trafficking,
      'non_trafficking_concern/ended': caseDemoDesign.classifications.non_trafficking_concern,
      'information_request/ended': caseDemoDesign.classifications.information_request,
      'other/ended': caseDemoDesign.classifications.other,
      'null/abandoned': caseDemoDesign.abandoned,
    })
    const span = await yearSignals()
      .select((eb) => [eb.fn.min('received_at').as('first'), eb.fn.max('ended_at').as('last')])
      .executeTakeFirstOrThrow()
    expect(seededAt.getTime() - new Date(span.first as Date).getTime()).toBeLessThan(367 * DAY)
    expect(new Date(span.last as Date).getTime()).toBeLessThan(seededAt.getTime())
    // Today's contact centre is the intake demo's, untouched: 24 past signals and 2 waiting.
    expect(await count("select 1 from intake_signal where status = 'queued'")).toBe(2)
    // Of the year's signals, those that write have their first message, sealed; calls have none.
    const messages = await yearSignals()
      .leftJoin('intake_message as m', 'm.signal_id', 'intake_signal.id')
      .select(['intake_signal.channel', (eb) => eb.fn.count<number>('m.id').as('n')])
      .groupBy('intake_signal.channel')
      .execute()
    expect(Object.fromEntries(messages.map((row) => [row.channel, Number(row.n)]))).toEqual({
      ...caseDemoDesign.channels,
      voice: 0,
    })
    const message = await database.db
      .selectFrom('intake_message')
      .select('body_sealed')
      .where('external_id', 'like', 'demo-%')
      .executeTakeFirstOrThrow()
    expect(secrets.open(message.body_sealed!)).toMatch(/\w{3,}/)
    expect(message.body_sealed).not.toMatch(/passport|passeport|boss|patron/i)
  })

  it('opens a case for each trafficking conversation, some gathering several', async () => {
    expect(await count('select 1 from case_file')).toBe(caseDemoDesign.cases)
    // Every trafficking signal of the year is in exactly one case, and no other signal is.
    expect(
      await count(`select s.id from intake_signal s join case_signal cs on cs.signal_id = s.id
        where s.classification = 'trafficking' group by s.id having count(*) = 1`),
    ).toBe(caseDemoDesign.classifications.trafficking)
    expect(
      await count(`select 1 from case_signal cs join intake_signal s on s.id = cs.signal_id
        where s.classification is distinct from 'trafficking'`),
    ).toBe(0)
    const sizes = await sql<{ signals: number; cases: number }>`
      select signals, count(*)::int as cases
      from (select count(*)::int as signals from case_signal group by case_id) c group by signals`.execute(
      database.db,
    )
    expect(Object.fromEntries(sizes.rows.map((row) => [row.signals, row.cases]))).toEqual(
      caseDemoDesign.signalsPerCase,
    )
    // A case holds people, needs and sealed notes; its advocate worked on it and may see it.
    for (const table of ['case_person', 'case_need', 'case_note', 'case_worker'])
      expect(
        await count(
          `select 1 from case_file c where not exists (select 1 from ${table} t where t.case_id = c.id)`,
        ),
      ).toBe(0)
    const note = await database.db.selectFrom('case_note').select('body_sealed').executeTakeFirstOrThrow()
    expect(secrets.open(note.body_sealed)).toMatch(/\w{3,}/)
    // Numbered per year of opening, and the counter goes on from there.
    const counters = await database.db.selectFrom('case_number_counter').selectAll().execute()
    for (const counter of counters)
      expect(await count(`select 1 from case_file where case_number like 'C-${counter.year}-%'`)).toBe(
        counter.last,
      )
    // A call back from the same number finds the case again through the contact.
    expect(
      await count(`select cs.case_id from case_signal cs join intake_signal s on s.id = cs.signal_id
        where s.contact_id is not null group by cs.case_id, s.contact_id having count(*) > 1`),
    ).toBeGreaterThan(5)
  })

  it('records at wrap-up where the person is and who reached out, in plausible proportions, never required', async () => {
    const tally = async (column: 'province' | 'caller_type', classification: Classification | null) => {
      const rows = await yearSignals()
        .select([column, (eb) => eb.fn.countAll<number>().as('n')])
        .where('classification', classification === null ? 'is' : '=', classification)
        .groupBy(column)
        .execute()
      return new Map(rows.map((row) => [row[column] as string | null, Number(row.n)]))
    }
    const share = (counts: Map<string | null, number>, ...keys: (string | null)[]) =>
      keys.reduce((sum, key) => sum + (counts.get(key) ?? 0), 0) /
      [...counts.values()].reduce((sum, n) => sum + n, 0)
    // Nobody answered an abandoned signal: nothing is recorded.
    expect([...(await tally('province', null)).entries()]).toEqual([[null, caseDemoDesign.abandoned]])
    expect([...(await tally('caller_type', null)).entries()]).toEqual([[null, caseDemoDesign.abandoned]])

    // Provinces: mostly given, the rest unknown, declined or not recorded; Ontario the most, then Quebec.
    const provinces = new Map<string | null, number>()
    for (const classification of classifications)
      for (const [code, n] of await tally('province', classification))
        provinces.set(code, (provinces.get(code) ?? 0) + n)
    const codes = [...provinces.keys()].filter((code) => code && code.length === 2)
    expect(share(provinces, ...codes)).toBeGreaterThan(0.6)
    expect(share(provinces, ...codes)).toBeLessThan(0.9)
    for (const missing of ['unknown', 'declined', null]) expect(provinces.get(missing)).toBeGreaterThan(10)
    const byCount = codes.sort((a, b) => provinces.get(b)! - provinces.get(a)!)
    expect(byCount.slice(0, 2)).toEqual(['ON', 'QC'])
    expect(provinces.get('ON')! / codes.reduce((sum, code) => sum + provinces.get(code)!, 0)).toBeGreaterThan(
      0.3,
    )
    expect(codes.length).toBeGreaterThan(8)
    // A case's signals carry the province as the case records it.
    expect(
      await count(`select 1 from case_signal cs join intake_signal s on s.id = cs.signal_id
        join case_file c on c.id = cs.case_id
        where s.province is distinct from (case c.province_answer when 'given' then c.province
          when 'not_asked' then null else c.province_answer end)`),
    ).toBe(0)

    // Caller types: about trafficking mostly the person, a survivor or someone close, some
    // professionals, one in ten to one in five unknown (the year's dates move with today, and the
    // draws with them); questions mostly from professionals.
    const trafficking = await tally('caller_type', 'trafficking')
    expect(share(trafficking, 'victim', 'survivor', 'concerned_other')).toBeGreaterThan(0.6)
    expect(share(trafficking, 'professional')).toBeGreaterThan(0.04)
    expect(share(trafficking, 'professional')).toBeLessThan(0.2)
    expect(share(trafficking, 'unknown')).toBeGreaterThan(0.03)
    expect(share(trafficking, 'unknown')).toBeLessThan(0.25)
    const questions = await tally('caller_type', 'information_request')
    const mostAsking = [...questions.entries()].sort((a, b) => b[1] - a[1])[0]?.[0]
    expect(mostAsking).toBe('professional')
    for (const classification of classifications.filter((c) => c !== 'trafficking')) {
      const mix = await tally('caller_type', classification)
      expect(mix.size).toBeGreaterThanOrEqual(6)
      expect(share(mix, null)).toBeLessThan(0.2)
    }
    // The first signal of a case someone else reached the line about names them as the caller, unless
    // the line dropped before they said.
    const firstCallers = await sql<{ role: string; caller_type: string | null }>`
      select p.role, first.caller_type from case_person p cross join lateral (
        select s.caller_type from case_signal cs join intake_signal s on s.id = cs.signal_id
        where cs.case_id = p.case_id order by s.received_at limit 1) first
      where p.role in ('concerned_other', 'professional')`.execute(database.db)
    expect(firstCallers.rows.length).toBeGreaterThan(20)
    for (const row of firstCallers.rows) expect([row.role, 'unknown']).toContain(row.caller_type)
    expect(firstCallers.rows.filter((row) => row.caller_type === row.role).length).toBeGreaterThan(
      firstCallers.rows.length * 0.8,
    )
  })

  it('places cases in the demo directory’s municipalities', async () => {
    const places = new Set(municipalities.map((m) => `${m.province}/${m.name}`))
    const rows = await database.db
      .selectFrom('case_file')
      .select(['province', 'municipality'])
      .where('municipality_answer', '=', 'given')
      .execute()
    expect(rows.length).toBeGreaterThan(80)
    for (const row of rows) expect(places.has(`${row.province}/${row.municipality}`)).toBe(true)
  })

  it('refers needs to active services of their kind in the case’s province, the need following the outcome', async () => {
    const referrals = await database.db
      .selectFrom('case_referral as r')
      .innerJoin('case_file as c', 'c.id', 'r.case_id')
      .innerJoin('case_need as n', 'n.id', 'r.need_id')
      .innerJoin('directory_service as s', 's.id', 'r.service_id')
      .select([
        'r.id',
        'r.status',
        'r.need_kind',
        'r.follow_up_due_at',
        'r.status_changed_at',
        'r.consent_given',
        'r.shared_fields',
        'n.kind',
        'n.status as need_status',
        'c.status as case_status',
        'c.province',
        's.status as service_status',
        (eb) =>
          eb
            .selectFrom('directory_search as e')
            .select(
              sql<boolean>`bool_or(e.province = c.province and ${sql.lit('relais-service-type:')} || n.kind = any(e.term_ids))`.as(
                'x',
              ),
            )
            .whereRef('e.service_id', '=', 'r.service_id')
            .as('in_place'),
      ])
      .execute()
    expect(referrals.length).toBeGreaterThan(60)
    const needAfter = {
      pending: 'referred',
      accepted: 'referred',
      unknown: 'referred',
      completed: 'met',
      declined: 'unmet',
      no_capacity: 'unmet',
    }
    for (const r of referrals) {
      expect(r.service_status).toBe('active')
      expect(r.in_place).toBe(true)
      expect(r.need_kind).toBe(r.kind)
      expect(r.need_status).toBe(needAfter[r.status])
      // Open referrals of open cases come up for follow-up; none once answered or the case is closed.
      expect(r.follow_up_due_at !== null).toBe(['pending', 'accepted'].includes(r.status))
      if (r.follow_up_due_at) expect(r.case_status).toBe('open')
      if (!r.consent_given) expect(r.shared_fields).toEqual([])
    }
    expect(new Set(referrals.map((r) => r.status)).size).toBe(6)
    // Each referral's history starts pending and ends where it stands.
    const histories = await sql<{ referral_id: string; statuses: string[]; last_at: Date }>`
      select referral_id, array_agg(status order by occurred_at) as statuses, max(occurred_at) as last_at
      from case_referral_event group by referral_id`.execute(database.db)
    const byId = new Map(referrals.map((r) => [r.id, r]))
    expect(histories.rows).toHaveLength(referrals.length)
    for (const history of histories.rows) {
      const referral = byId.get(history.referral_id)!
      expect(history.statuses[0]).toBe('pending')
      expect(history.statuses.at(-1)).toBe(referral.status)
      expect(history.last_at).toEqual(referral.status_changed_at)
    }
  })

  it('escalates under the shipped protocols to the agencies the directory holds for the place', async () => {
    const escalations = await database.db
      .selectFrom('case_escalation as e')
      .innerJoin('case_file as c', 'c.id', 'e.case_id')
      .leftJoin('directory_organization as o', 'o.id', 'e.agency_id')
      .select([
        'e.id',
        'e.kind',
        'e.status',
        'e.consent',
        'e.imminent_danger',
        'e.protocol_id',
        'e.started_at',
        'e.review_status',
        'c.province',
        'o.kind as agency_kind',
        'o.jurisdiction_province',
      ])
      .execute()
    const tally = escalations.map((e) => `${e.kind}/${e.province}/${e.status}`).sort()
    expect(tally).toEqual([
      'child_protection/ON/completed',
      'child_protection/ON/completed',
      'child_protection/ON/in_progress',
      'child_protection/QC/completed',
      'child_protection/QC/completed',
      'child_protection/QC/completed',
      'emergency_dispatch/BC/completed',
      'law_enforcement_tip/AB/completed',
    ])
    const protocols = await allProtocols(database.db)
    for (const e of escalations) {
      const protocol = protocolInForce(protocols, e.province, e.started_at.toISOString().slice(0, 10))
      expect(e.protocol_id).toBe(protocol?.document.id)
      if (e.status !== 'completed') continue
      // The agency is one the protocol names, responsible in the case's province.
      expect(protocol?.document.escalations[e.kind].agencyKinds).toContain(e.agency_kind)
      expect(e.jurisdiction_province).toBe(e.province)
    }
    expect(escalations.find((e) => e.kind === 'law_enforcement_tip')?.consent).toBe('given')
    expect(escalations.find((e) => e.kind === 'emergency_dispatch')?.imminent_danger).toBe(true)
    expect(escalations.filter((e) => e.review_status === 'pending')).toHaveLength(2)
    // Each report covers the young person it is about.
    const covered = await sql<{ age_years: number | null; age_band: string | null; province: string }>`
      select p.age_years, p.age_band, c.province from case_escalation_person ep
      join case_person p on p.id = ep.person_id join case_file c on c.id = p.case_id
      join case_escalation e on e.id = ep.escalation_id where e.kind = 'child_protection'`.execute(
      database.db,
    )
    expect(covered.rows.map((r) => `${r.province}:${r.age_years ?? r.age_band}`).sort()).toEqual([
      'ON:12_15',
      'ON:14',
      'ON:15',
      'QC:16',
      'QC:16_17',
      'QC:17',
    ])
  })

  it('owes no child-protection report on a closed case; the one in progress keeps its case open', async () => {
    const cases = await database.db.selectFrom('case_file').select(['id', 'status']).execute()
    const blocked: string[] = []
    for (const file of cases) {
      const blockers = await requiredOpenEscalations(database.db, file.id)
      if (blockers.length > 0) blocked.push(file.status)
    }
    expect(blocked).toEqual(['open'])
  })

  it('reads back through the services: every case and escalation opens under its contract', async () => {
    const cases = createCasesService({ database, secrets })
    const actor = { viewer: { staffId: advocate.userId, role: advocate.role }, audit }
    const ids = await database.db.selectFrom('case_file').select('id').execute()
    for (const { id } of ids) {
      const opened = await cases.read(actor, id)
      expect(opened.signals.length).toBeGreaterThan(0)
    }
    const translator = await createTranslator()
    const escalations = createEscalationService({ database, secrets, translator, canSeeCase })
    const withEscalations = await database.db.selectFrom('case_escalation').select('case_id').execute()
    for (const { case_id } of withEscalations) {
      const listed = await escalations.list({ principal: advocate, audit, locale: 'fr' }, case_id)
      expect(listed.length).toBe(1)
    }
    const dataDir = mkdtempSync(path.join(tmpdir(), 'relais-demo-'))
    const referrals = createReferralService({
      database,
      secrets,
      translator,
      env: loadEnv({ NODE_ENV: 'test', RELAIS_DATA_DIR: dataDir }),
    })
    const referralActor = { ...actor, lang: 'fr' as const }
    const withReferrals = await database.db.selectFrom('case_referral').select('case_id').distinct().execute()
    for (const { case_id } of withReferrals)
      expect((await referrals.list(referralActor, case_id)).length).toBeGreaterThan(0)
    // Referrals left waiting for news come up for follow-up.
    const due = await referrals.followUps(referralActor, { limit: 100, offset: 0 })
    expect(due.total).toBeGreaterThan(0)
    rmSync(dataDir, { recursive: true, force: true })
  })

  it('plans the same year from the same seed', async () => {
    const protocols = await allProtocols(database.db)
    const agencies = await scenarioAgencies(database.db, protocols, seededAt.toISOString().slice(0, 10))
    expect(agencies.size).toBe(scenarios.filter((s) => s.escalation).length)
    const services = await referableServices(database.db)
    const input = (seed: number) => ({
      random: seededRandom(seed),
      now: seededAt,
      staff: { advocate: advocate.userId, supervisor: advocate.userId },
      protocols,
      agencies,
      services,
    })
    const first = planCaseDemo(input(5))
    expect(planCaseDemo(input(5))).toEqual(first)
    expect(planCaseDemo(input(6)).cases[0]?.id).not.toBe(first.cases[0]?.id)
  })

  it('keeps cases whole when retention purges old signals not about trafficking', async () => {
    const due = await count(`select 1 from intake_signal s where s.status in ('ended', 'abandoned')
      and s.classification is distinct from 'trafficking'
      and coalesce(s.wrap_up_ended_at, s.ended_at, s.abandoned_at) < now() - interval '90 days'`)
    expect(due).toBeGreaterThan(1000)
    const caseContacts = await count(
      'select 1 from case_signal cs join intake_signal s on s.id = cs.signal_id where s.contact_id is not null',
    )
    const result = await purgeExpiredPersonalData(
      { database, secrets },
      { nonTraffickingDays: 90, closedCaseYears: 7 },
    )
    expect(result).toEqual({ signals: due, cases: 0 })
    expect(
      await count(
        'select 1 from case_signal cs join intake_signal s on s.id = cs.signal_id where s.contact_id is not null',
      ),
    ).toBe(caseContacts)
    expect(
      await count(`select 1 from intake_message m join case_signal cs on cs.signal_id = m.signal_id
        where m.body_sealed is null`),
    ).toBe(0)
    expect(await count('select 1 from intake_signal')).toBe(caseDemoDesign.signals + 26)
    expect(await count('select 1 from case_note')).toBeGreaterThan(caseDemoDesign.cases)
  })

  it('adds nothing when run again', async () => {
    const tables = [
      'intake_signal',
      'intake_contact',
      'case_file',
      'case_person',
      'case_need',
      'case_escalation',
    ]
    const before = await Promise.all(tables.map((table) => count(`select 1 from ${table}`)))
    const again = await seedDemo([intakeModule, casesModule], context)
    expect(again).toEqual(['Demo cases: 150 cases (already there).'])
    expect(await Promise.all(tables.map((table) => count(`select 1 from ${table}`)))).toEqual(before)
  })
})
