import { createHash, randomBytes } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { parsePeriod } from '../../common/periods.ts'
import { createTestDatabase, type TestDatabase } from '../../test/support/database.ts'
import { testAudit } from '../cases/cases.factories.ts'
import { createSecrets } from '../crypto/secrets.ts'
import { parseCsv } from '../directory/import/csv.ts'
import { createTranslator } from '../http/i18n.ts'
import { type CaseSpec, type CreatedCase, caseBuilder } from './extract.fixtures.ts'
import { createExtractService, type ExtractService } from './extract.service.ts'
import { extractVariables, quasiIdentifierVariables, SEPARATOR } from './extract.variables.ts'
import { verifyKAnonymity } from './k-anonymity.ts'

const secrets = createSecrets([randomBytes(32)])

/** What must never leave in an extract: every one of them is written into the cases below. */
const personal = {
  alias: 'Zephyrine Quillfeather',
  phone: '613-555-0199',
  email: 'zephyrine.quillfeather@example.org',
  municipality: 'Quillbrook-sur-Mer',
  note: 'Zephyrine called from 613-555-0199 while her boss was out',
  plan: 'Hide the phone in the Quillbrook laundry room',
  safePlace: 'Her cousin Aurelio Quillfeather’s flat',
  codeWord: 'marmalade heron',
  safeTimes: 'Tuesdays after 21:00 only',
  tattoos: 'A quill tattoo on the left wrist',
  vehicle: 'Teal minivan with a cracked windshield',
  plate: 'QX-4471',
  handoff: 'Aurelio will drive her to the shelter intake',
  reference: 'CAS-REF-88231',
  agencyPhone: '613-555-0142',
  closure: 'Moved to her sister Philippa’s place',
} as const

function personalCase(openedAt: Date, index: number): CaseSpec {
  return {
    openedAt,
    channel: 'voice',
    safety: {
      status: 'no',
      plan: {
        plan: { state: 'given', value: personal.plan },
        safePlace: { state: 'given', value: personal.safePlace },
      },
    },
    situation: {
      traffickingTypes: { state: 'given', value: ['SexualExploitation'] },
      traffickingStatus: { state: 'given', value: 'PossibleVictimOfTrafficking' },
      methodsOfControl: { state: 'given', value: ['TakesEarnings', 'PsychologicalAbuse'] },
      industry: { state: 'unknown' },
    },
    location: {
      province: { state: 'given', value: 'NS' },
      municipality: { state: 'given', value: `${personal.municipality} ${index}` },
    },
    people: [
      {
        role: { state: 'given', value: 'victim' },
        age: { state: 'given', value: { years: 20 + (index % 3) } },
        gender: { state: 'given', value: 'Feminine' },
        residency: { state: 'given', value: 'temporary_foreign_worker' },
        languages: { state: 'given', value: ['tl'] },
        safeContact: {
          codeWord: { state: 'given', value: personal.codeWord },
          safeTimes: { state: 'given', value: personal.safeTimes },
          callBack: { state: 'given', value: false },
        },
      },
      { role: { state: 'given', value: 'concerned_other' }, gender: { state: 'given', value: 'Masculine' } },
    ],
    exploiters: [
      {
        relationship: { state: 'given', value: 'employer' },
        features: {
          tattoos: { state: 'given', value: personal.tattoos },
          vehicle: { state: 'given', value: personal.vehicle },
          licencePlate: { state: 'given', value: personal.plate },
          onlinePlatforms: { state: 'given', value: ['Instagram'] },
        },
      },
    ],
    needs: [{ kind: 'housing-emergency', person: 0 }, { kind: 'immigration' }],
    notes: [personal.note],
    referrals: [
      {
        status: 'accepted',
        person: 0,
        alias: personal.alias,
        emailTo: personal.email,
        handoff: personal.handoff,
      },
    ],
    escalations: [
      { kind: 'law_enforcement_tip', agencyPhone: personal.agencyPhone, reference: personal.reference },
    ],
  }
}

let database: TestDatabase
let extracts: ExtractService
const built: CreatedCase[] = []
let staffNames: string[] = []

beforeAll(async () => {
  database = await createTestDatabase()
  const translator = await createTranslator()
  extracts = createExtractService({
    database,
    translator,
    timeZone: 'America/Toronto',
    now: () => new Date('2022-05-02T15:00:00Z'),
  })
  const builder = await caseBuilder(database, secrets)
  // Twelve alike in fiscal 2021-22 (months spread over two quarters), and one case that stands apart.
  for (let index = 0; index < 12; index += 1)
    built.push(await builder.build(personalCase(new Date(Date.UTC(2021, 6 + (index % 4), 10, 15)), index)))
  built.push(
    await builder.build({
      ...personalCase(new Date('2021-11-20T15:00:00Z'), 99),
      location: { province: { state: 'given', value: 'NU' } },
    }),
  )
  await database.db
    .updateTable('case_file')
    .set({ closure_reason_sealed: secrets.seal(personal.closure) })
    .where('id', '=', built[0]!.caseId)
    .execute()
  staffNames = (
    await database.db.selectFrom('staff_user').select(['display_name', 'email']).execute()
  ).flatMap((row) => [row.display_name, row.email])
})
afterAll(() => database.close())

const period = (text: string) => {
  const parsed = parsePeriod(text)
  if (!parsed.ok) throw new Error(text)
  return parsed.period
}

function table(csv: string) {
  const { records, problems } = parseCsv(csv)
  expect(problems).toEqual([])
  const [header, ...rows] = records.map((record) => record.fields)
  return {
    header: header!,
    rows: rows.map((fields) => Object.fromEntries(header!.map((name, i) => [name, fields[i]!]))),
  }
}

describe('the statistics extract', () => {
  it('writes k-anonymous rows, numbered at random, described by its codebook', async () => {
    const files = await extracts.create(testAudit, { k: 5, period: period('2021-22'), lang: 'en' })
    const { header, rows } = table(files['data.csv'])
    expect(files['data.csv'].endsWith('\r\n')).toBe(true)
    expect(header).toEqual(extractVariables.map((variable) => variable.name))
    // Thirteen victims read (the concerned persons are not potential victims).
    const { records } = files['summary.json'].informationLoss
    expect(records.input).toBe(13)
    expect(records.published + records.dropped).toBe(13)
    expect(rows).toHaveLength(records.published)
    const qis = quasiIdentifierVariables.map((variable) => variable.name)
    expect(verifyKAnonymity(rows, qis, 5)).toEqual([])
    expect(rows.map((row) => Number(row.rel_RowNumber)).sort((a, b) => a - b)).toEqual(
      Array.from({ length: rows.length }, (_, i) => i + 1),
    )
    for (const row of rows) {
      expect(row).toMatchObject({
        prs_Gender: 'Feminine',
        rel_Role: 'victim',
        vic_TypeOfExploitation: 'SexualExploitation',
        vic_ForcedLabourIndustry: 'unknown',
        vic_TraffickingStatus: 'PossibleVictimOfTrafficking',
        cas_Status: 'Active',
        sig_Channel: 'voice',
        ned_Kind: ['housing-emergency', 'immigration'].join(SEPARATOR),
        ref_Status: 'accepted',
        esc_Kind: 'law_enforcement_tip',
      })
      expect(row.vic_MethodsOfControl).toBe(['TakesEarnings', 'PsychologicalAbuse'].join(SEPARATOR))
      expect(row.rel_AgeBroad).toMatch(/^(18-20|21-23|18-29|\*)$/)
      // The one case in Nunavut cannot hide among four others: it shows nowhere as such.
      expect(row.hte_State).toMatch(/^(NS|atlantic|\*)$/)
    }

    const codebook = files['codebook.json']
    expect(codebook.variables.map((variable) => variable.name)).toEqual(header)
    expect(codebook).toMatchObject({ k: 5, separator: SEPARATOR, suppressed: '*', htcdsVersion: '2.0' })
    for (const variable of codebook.variables) {
      expect(variable.label.en, variable.name).not.toBe('')
      expect(variable.label.fr, variable.name).not.toBe(variable.label.en)
      expect(variable.role).toBe(extractVariables.find((entry) => entry.name === variable.name)!.role)
      const listed = new Set(variable.values.map((entry) => entry.value))
      for (const entry of variable.values) {
        expect(entry.label.en, `${variable.name} ${entry.value}`).toMatch(/\S/)
        expect(entry.label.en).not.toMatch(/^(sharing|cases|referrals|escalations|workspace):/)
        expect(entry.label.fr).not.toMatch(/^(sharing|cases|referrals|escalations|workspace):/)
      }
      if (variable.name === 'rel_RowNumber') {
        expect(variable.values).toEqual([])
        continue
      }
      for (const row of rows)
        for (const value of variable.multiple ? row[variable.name]!.split(SEPARATOR) : [row[variable.name]!])
          expect(listed.has(value), `${variable.name}: ${value}`).toBe(true)
    }
    const roles = Object.fromEntries(codebook.variables.map((variable) => [variable.name, variable.role]))
    expect(roles).toMatchObject({
      rel_AgeBroad: 'quasi_identifier',
      prs_Gender: 'quasi_identifier',
      hte_State: 'quasi_identifier',
      rel_CreatedAt: 'quasi_identifier',
      rel_ResidencyStatus: 'quasi_identifier',
      vic_TypeOfExploitation: 'sensitive',
      vic_MethodsOfControl: 'sensitive',
      vic_ForcedLabourIndustry: 'sensitive',
      ned_Kind: 'sensitive',
      ref_Status: 'sensitive',
      esc_Kind: 'sensitive',
      rel_RowNumber: 'other',
    })
    const age = codebook.variables.find((variable) => variable.name === 'rel_AgeBroad')!
    expect(age.generalisation).toMatchObject({
      levels: ['ctdc_band', 'broad_band', 'minor_adult', 'suppressed'],
    })
    expect(age.values.map((entry) => entry.value)).toEqual(
      expect.arrayContaining(['unknown', 'declined', 'not_asked']),
    )
  })

  it('records the provenance and the loss in the README and summary, and the fingerprint of data.csv', async () => {
    const files = await extracts.create(testAudit, { k: 5, period: null, lang: 'fr' })
    const summary = files['summary.json']
    expect(summary.fingerprint).toBe(createHash('sha256').update(files['data.csv']).digest('hex'))
    expect(summary).toMatchObject({
      k: 5,
      period: null,
      relaisVersion: '0.1.0',
      generatedAt: '2022-05-02T15:00:00.000Z',
    })
    const readme = files['README.md']
    expect(readme).toContain('# Extrait de dossiers dépersonnalisé')
    expect(readme).toContain('Relais 0.1.0')
    expect(readme).toContain(summary.fingerprint)
    expect(readme).toContain('America/Toronto')
    for (const variable of summary.informationLoss.variables)
      expect(readme).toMatch(
        new RegExp(
          `\\| \`${variable.name}\` \\| .* \\| ${variable.valuesGeneralised} \\| ${variable.cellsSuppressed} \\|`,
        ),
      )
    expect(readme).toContain(`Lignes lues : ${summary.informationLoss.records.input}`)
  })

  it('audits every extract with its parameters, row count and fingerprint', async () => {
    const files = await extracts.create(
      { ...testAudit, actorLabel: 'analyst' },
      { k: 3, period: period('2021-22-Q2'), lang: 'en' },
    )
    const event = await database.db
      .selectFrom('audit_event')
      .selectAll()
      .where('action', '=', 'extract.create')
      .orderBy('id', 'desc')
      .executeTakeFirstOrThrow()
    expect(event).toMatchObject({ actor_label: 'analyst', entity_type: 'extract' })
    expect(event.details).toMatchObject({
      k: 3,
      period: { label: '2021-22-Q2', from: '2021-07-01', to: '2021-09-30' },
      lang: 'en',
      rows: files['summary.json'].rows,
      fingerprint: files['summary.json'].fingerprint,
    })
  })

  it('lets no name, contact, place, note, plan, exploiter feature or identifier out', async () => {
    const outputs: string[] = []
    for (const k of [2, 5, 11]) {
      const files = await extracts.create(testAudit, { k, period: null, lang: k === 5 ? 'fr' : 'en' })
      expect(files['summary.json'].rows).toBeGreaterThan(0)
      outputs.push(
        files['data.csv'],
        JSON.stringify(files['codebook.json']),
        files['README.md'],
        JSON.stringify(files['summary.json']),
      )
    }
    const events = await database.db
      .selectFrom('audit_event')
      .selectAll()
      .where('action', '=', 'extract.create')
      .execute()
    expect(events.length).toBeGreaterThanOrEqual(3)
    outputs.push(...events.map((event) => JSON.stringify(event.details)))
    const forbidden = [
      ...Object.values(personal),
      'Quillfeather',
      'Quillbrook',
      '555-01',
      '@example.org',
      'Harbour House',
      'Maison du Havre',
      'Harbour Police',
      ...staffNames,
      ...built.flatMap((created) => [
        created.caseId,
        created.caseNumber,
        created.signalId,
        ...created.personIds,
      ]),
    ]
    for (const output of outputs)
      for (const text of forbidden) expect(output.includes(text), `"${text}" in an output`).toBe(false)
  })
})
