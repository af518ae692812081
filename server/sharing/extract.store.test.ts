import { randomBytes } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { engines } from '../../test/support/database.ts'
import { createSecrets } from '../crypto/secrets.ts'
import type { Database } from '../db/database.ts'
import { type CreatedCase, caseBuilder } from './extract.fixtures.ts'
import { type ExtractRow, readExtractRows } from './extract.store.ts'

const secrets = createSecrets([randomBytes(32)])
const timeZone = 'America/Toronto'

describe.each(engines)('the extract’s rows on $engine', ({ open }) => {
  let database: Database
  let created: CreatedCase
  let later: CreatedCase

  beforeAll(async () => {
    database = await open()
    const builder = await caseBuilder(database, secrets)
    // 02:00 UTC on 1 April is still 31 March in Toronto: the last day of fiscal year 2021-22.
    created = await builder.build({
      openedAt: new Date('2022-04-01T02:00:00Z'),
      channel: 'web_chat',
      situation: {
        traffickingTypes: { state: 'given', value: ['SexualExploitation', 'ForcedLabour'] },
        methodsOfControl: { state: 'declined' },
      },
      location: { province: { state: 'given', value: 'ON' } },
      people: [
        {
          role: { state: 'given', value: 'victim' },
          age: { state: 'given', value: { years: 19 } },
          gender: { state: 'given', value: 'Feminine' },
          residency: { state: 'given', value: 'citizen' },
        },
        { role: { state: 'given', value: 'survivor' }, age: { state: 'given', value: { band: '25_34' } } },
        { role: { state: 'unknown' } },
        { role: { state: 'given', value: 'concerned_other' } },
        { role: { state: 'given', value: 'professional' } },
      ],
      needs: [{ kind: 'housing', person: 0 }, { kind: 'counselling' }, { kind: 'legal-aid', person: 1 }],
      referrals: [
        { status: 'accepted', person: 0 },
        { status: 'pending' },
        { status: 'declined', person: 1 },
      ],
      escalations: [{ kind: 'child_protection' }, { kind: 'law_enforcement_tip', cancelled: true }],
    })
    later = await builder.build({
      openedAt: new Date('2022-04-01T12:00:00Z'),
      people: [{ role: { state: 'given', value: 'victim' } }],
    })
  })
  afterAll(() => database.close())

  const rowsOf = (rows: ExtractRow[], role: string) => rows.filter((row) => row.role === role)

  it('reads one row per victim, survivor or person of unknown role, with the facts of their case', async () => {
    const rows = (await readExtractRows(database.db, { timeZone })).filter(
      (row) => row.opened_on === '2022-03-31',
    )
    expect(rows.map((row) => row.role).sort()).toEqual(['survivor', 'unknown', 'victim'])
    const [victim] = rowsOf(rows, 'victim')
    expect(victim).toMatchObject({
      age: '19',
      gender: 'Feminine',
      residency: 'citizen',
      province: 'ON',
      status: 'open',
      methods_of_control: 'declined',
      recruitment_methods: 'not_asked',
      first_channel: 'web_chat',
    })
    expect(victim!.trafficking_types.split(',').sort()).toEqual(['ForcedLabour', 'SexualExploitation'])
    // Needs and referrals of the person, and of the case without anyone named; escalations not cancelled.
    expect([...victim!.needs].sort()).toEqual(['counselling', 'housing'])
    expect([...victim!.referral_outcomes].sort()).toEqual(['accepted', 'pending'])
    expect(victim!.escalation_kinds).toEqual(['child_protection'])
    const [survivor] = rowsOf(rows, 'survivor')
    expect(survivor).toMatchObject({ age: '25_34', gender: 'not_asked' })
    expect([...survivor!.needs].sort()).toEqual(['counselling', 'legal-aid'])
    expect([...survivor!.referral_outcomes].sort()).toEqual(['declined', 'pending'])
    const [unknown] = rowsOf(rows, 'unknown')
    expect(unknown!.needs).toEqual(['counselling'])
    expect(unknown!.referral_outcomes).toEqual(['pending'])
  })

  it('names no identifier, sealed value or place finer than the province', async () => {
    const rows = await readExtractRows(database.db, { timeZone })
    for (const row of rows) {
      for (const column of Object.keys(row))
        expect(column).not.toMatch(/(^|_)id$|_sealed$|municipality|case_number|name|email|phone/)
      const text = JSON.stringify(row)
      for (const id of [created.caseId, created.signalId, ...created.personIds, later.caseId])
        expect(text).not.toContain(id)
      expect(text).not.toContain(created.caseNumber)
    }
  })

  it('keeps the cases opened in the period, by the days of the hotline’s time zone', async () => {
    const fiscal2021 = await readExtractRows(database.db, {
      timeZone,
      period: { from: '2021-04-01', to: '2022-03-31' },
    })
    expect(fiscal2021).toHaveLength(3)
    const fiscal2022 = await readExtractRows(database.db, {
      timeZone,
      period: { from: '2022-04-01', to: '2023-03-31' },
    })
    expect(fiscal2022.map((row) => row.opened_on)).toEqual(['2022-04-01'])
    const utc = await readExtractRows(database.db, {
      timeZone: 'UTC',
      period: { from: '2022-04-01', to: '2022-04-01' },
    })
    expect(utc).toHaveLength(4)
  })
})
