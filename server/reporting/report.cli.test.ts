import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runRelais, withCliEnvironment } from '../../test/support/cli.ts'
import { createTestDatabase, type TestDatabase } from '../../test/support/database.ts'
import { buildViewer } from '../cases/cases.factories.ts'
import { generateReportingData, type ReportingData } from './reporting.fixtures.ts'

let database: TestDatabase
let dir: string
let data: ReportingData

beforeAll(async () => {
  database = await createTestDatabase()
  dir = mkdtempSync(path.join(tmpdir(), 'relais-report-'))
  const staff = await buildViewer(database, 'advocate')
  data = await generateReportingData(database, { seed: 3, staffId: staff.staffId, signals: 150, cases: 30 })
})
afterAll(async () => {
  await database.close()
  rmSync(dir, { recursive: true, force: true })
})

withCliEnvironment(
  ['NODE_ENV', 'DATABASE_URL', 'RELAIS_DATA_DIR', 'RELAIS_LOG_LEVEL', 'RELAIS_TIME_ZONE'],
  () => ({
    NODE_ENV: 'test',
    DATABASE_URL: database.url,
    RELAIS_DATA_DIR: dir,
    RELAIS_LOG_LEVEL: 'silent',
  }),
)

const inYear = () =>
  data.signals.filter((s) => {
    const day = new Intl.DateTimeFormat('en-CA', { timeZone: 'America/Toronto' }).format(s.received_at)
    return day >= '2021-04-01' && day <= '2022-03-31'
  }).length

describe('relais report', () => {
  it('writes the fiscal year’s PDF in French, the figures readable in it, and audits it', async () => {
    const out = path.join(dir, 'report-fr.pdf')
    const run = await runRelais(
      'report',
      '--period',
      '2021-22',
      '--format',
      'pdf',
      '--lang',
      'fr',
      '--out',
      out,
    )
    expect(run.code, run.stderr).toBe(0)
    expect(run.stdout).toMatch(
      /^Rapport 2021-22 \(pdf\) écrit dans .*report-fr\.pdf; empreinte des données [0-9a-f]{64}\.$/,
    )
    const text = execFileSync('pdftotext', ['-layout', out, '-'], { encoding: 'utf8' })
    expect(text).toContain('Rapport de la Ligne d’urgence')
    expect(text).toContain('Signaux par canal')
    expect(text).toMatch(new RegExp(`\\b${inYear()}\\b`))
    const fingerprint = run.stdout.match(/[0-9a-f]{64}/)![0]
    expect(text.replace(/\s+/g, '')).toContain(fingerprint)
    const event = await database.db
      .selectFrom('audit_event')
      .select(['actor_label', 'details'])
      .where('action', '=', 'report.export')
      .executeTakeFirstOrThrow()
    expect(event).toMatchObject({ actor_label: 'cli', details: { format: 'pdf', lang: 'fr', fingerprint } })
  })

  it('writes the same figures as CSV and XLSX', async () => {
    const csv = path.join(dir, 'report.csv')
    expect((await runRelais('report', '--period', '2021-22', '--format', 'csv', '--out', csv)).code).toBe(0)
    const total = readFileSync(csv, 'utf8')
      .split('\r\n')
      .find((line) => line.startsWith('signals.total,'))!
    expect(total.split(',')).toContain(String(inYear()))
    const xlsx = path.join(dir, 'report.xlsx')
    expect((await runRelais('report', '--period', '2021-22', '--format', 'xlsx', '--out', xlsx)).code).toBe(0)
    expect(readFileSync(xlsx).subarray(0, 2).toString()).toBe('PK')
  })

  it('names the argument at fault, in the language asked for, and writes nothing', async () => {
    const out = path.join(dir, 'never.pdf')
    for (const [args, pattern] of [
      [['--period', '2021-06-30..2021-04-01', '--lang', 'fr'], /--period se termine avant de commencer/],
      [['--period', '2021-23'], /--period is not a period/],
      [['--period', '2021-22', '--format', 'docx'], /--format is not one of the allowed values/],
      [
        ['--period', '2021-22', '--indicators', 'signals.secret', '--lang', 'fr'],
        /--indicators nomme un indicateur qui n’existe pas : signals\.secret/,
      ],
      [['--format', 'pdf'], /--period is required/],
      [['--period', '2021-22', '--lang', 'de'], /--lang is not one of the allowed values/],
    ] as const) {
      const run = await runRelais('report', ...args, '--out', out)
      expect(run.code, args.join(' ')).toBe(2)
      expect(run.stderr, args.join(' ')).toMatch(pattern)
    }
    expect(() => readFileSync(out)).toThrow()
    const noOut = await runRelais('report', '--period', '2021-22')
    expect(noOut.stderr).toMatch(/--out is required/)
  })
})
