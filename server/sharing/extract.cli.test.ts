import { randomBytes } from 'node:crypto'
import {
  appendFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runRelais, withCliEnvironment } from '../../test/support/cli.ts'
import { createTestDatabase, type TestDatabase } from '../../test/support/database.ts'
import { createSecrets } from '../crypto/secrets.ts'
import { caseBuilder } from './extract.fixtures.ts'

const managedKeys = [
  'NODE_ENV',
  'DATABASE_URL',
  'RELAIS_DATA_DIR',
  'RELAIS_LOG_LEVEL',
  'RELAIS_TIME_ZONE',
] as const

let database: TestDatabase
let dir: string

beforeAll(async () => {
  database = await createTestDatabase()
  dir = mkdtempSync(path.join(tmpdir(), 'relais-extract-'))
  const builder = await caseBuilder(database, createSecrets([randomBytes(32)]))
  for (let index = 0; index < 6; index += 1)
    await builder.build({
      openedAt: new Date(Date.UTC(2021, 9, 1 + index, 15)),
      location: { province: { state: 'given', value: index < 3 ? 'MB' : 'SK' } },
      people: [
        {
          role: { state: 'given', value: 'survivor' },
          age: { state: 'given', value: { years: 30 + index } },
          gender: { state: 'given', value: 'Feminine' },
        },
      ],
    })
  // Outside fiscal 2021-22.
  await builder.build({
    openedAt: new Date('2023-01-05T15:00:00Z'),
    people: [{ role: { state: 'unknown' } }],
  })
})
afterAll(async () => {
  await database.close()
  rmSync(dir, { recursive: true, force: true })
})

withCliEnvironment(managedKeys, () => ({
  NODE_ENV: 'test',
  DATABASE_URL: database.url,
  RELAIS_DATA_DIR: dir,
  RELAIS_LOG_LEVEL: 'silent',
}))

const fresh = (name: string) => path.join(dir, `${name}-${randomBytes(3).toString('hex')}`)

describe('relais extract: help and usage errors', () => {
  it('lists extract and extract verify in the command list, each with its own help', async () => {
    const main = await runRelais('--help')
    expect(main.stdout).toContain('  extract               ')
    expect(main.stdout).toContain('  extract verify        ')
    const extract = await runRelais('extract', '--help')
    expect(extract).toMatchObject({ code: 0, stderr: '' })
    expect(extract.stdout).toMatch(/^Usage: relais extract --out DIR \[--k K\]/)
    const verify = await runRelais('extract', 'verify', '--help')
    expect(verify).toMatchObject({ code: 0, stderr: '' })
    expect(verify.stdout).toMatch(/^Usage: relais extract verify FILE --k K/)
    const french = await runRelais('extract', 'verify', '--help', '--lang', 'fr')
    expect(french.stdout).toMatch(/^Usage : relais extract verify FICHIER --k K/)
  })

  it.each([
    { argv: ['--k', '1'], flag: '--k' },
    { argv: ['--k', 'eleven'], flag: '--k' },
    { argv: ['--k', '2.5'], flag: '--k' },
    { argv: ['--k', '11'], flag: '--out' },
    { argv: ['--period', '2021-23'], flag: '--period' },
    { argv: ['--period', '2021-06-30..2021-04-01'], flag: '--period' },
    { argv: ['--lang', 'de'], flag: '--lang' },
  ])('exits 2 naming $flag for $argv', async ({ argv, flag }) => {
    const withOut = flag === '--out' ? argv : [...argv, '--out', fresh('refused')]
    const result = await runRelais('extract', ...withOut)
    expect(result.code).toBe(2)
    expect(result.stderr.startsWith(`relais: ${flag}`), result.stderr).toBe(true)
    expect(result.stderr).toContain('Run “relais extract --help” for usage.')
    expect(result.stdout).toBe('')
  })

  it('says it in French with --lang fr', async () => {
    const k = await runRelais('extract', '--k', '0', '--out', fresh('fr'), '--lang', 'fr')
    expect(k.code).toBe(2)
    expect(k.stderr).toBe(
      'relais: --k doit être un nombre entier de 2 à 1000 (et non « 0 »)\nLancez « relais extract --help » pour l’aide.',
    )
    const out = await runRelais('extract', '--lang', 'fr')
    expect(out.stderr).toMatch(/^relais: --out est requis/)
    const period = await runRelais('extract', '--period', 'demain', '--out', fresh('fr'), '--lang', 'fr')
    expect(period.stderr).toMatch(/^relais: --period : « demain » n’est pas une période/)
  })

  it('refuses a folder that already holds something', async () => {
    const target = fresh('full')
    mkdirSync(target)
    writeFileSync(path.join(target, 'keep.txt'), 'mine')
    const result = await runRelais('extract', '--k', '2', '--out', target)
    expect(result.code).toBe(2)
    expect(result.stderr).toMatch(/^relais: --out: .* already exists and is not empty/)
    expect(existsSync(path.join(target, 'data.csv'))).toBe(false)
  })
})

describe('relais extract and extract verify', () => {
  // Written by the first test, in the environment each test is given; read by the others.
  let target = ''

  it('writes the four files, the rows of the period only, and audits it as the CLI', async () => {
    target = fresh('extract')
    const result = await runRelais('extract', '--k', '3', '--out', target, '--period', '2021-22')
    expect(result.code, result.stderr).toBe(0)
    expect(result.stdout).toMatch(/^Wrote 6 rows to .* \(k = 3; SHA-256 of data.csv: [0-9a-f]{64}\)\./)
    const summary = JSON.parse(readFileSync(path.join(target, 'summary.json'), 'utf8'))
    expect(summary).toMatchObject({ k: 3, rows: 6, period: { label: '2021-22' } })
    const csv = readFileSync(path.join(target, 'data.csv'), 'utf8')
    expect(csv.trim().split('\r\n')).toHaveLength(7)
    const codebook = JSON.parse(readFileSync(path.join(target, 'codebook.json'), 'utf8'))
    expect(codebook.k).toBe(3)
    expect(readFileSync(path.join(target, 'README.md'), 'utf8')).toContain(summary.fingerprint)
    const event = await database.db
      .selectFrom('audit_event')
      .selectAll()
      .where('action', '=', 'extract.create')
      .executeTakeFirstOrThrow()
    expect(event).toMatchObject({ actor_label: 'cli', actor_id: null })
    expect(event.details).toMatchObject({ k: 3, rows: 6, fingerprint: summary.fingerprint })
    expect(event.seq).not.toBeNull()
  })

  it('verifies the extract with the quasi-identifiers of its codebook, or those given', async () => {
    const file = path.join(target, 'data.csv')
    const ok = await runRelais('extract', 'verify', file, '--k', '3')
    expect(ok.code, ok.stderr).toBe(0)
    expect(ok.stdout).toContain(
      'is k-anonymous for k = 3 on rel_AgeBroad, prs_Gender, hte_State, rel_CreatedAt, rel_ResidencyStatus: 6 rows in',
    )
    const given = await runRelais('extract', 'verify', file, '--k', '6', '--quasi', 'prs_Gender,rel_Role')
    expect(given.code, given.stderr).toBe(0)
    expect(given.stdout).toContain('6 rows in 1 equivalence classes')
  })

  it('exits 1 naming each class too small, with its values and size', async () => {
    const copy = fresh('tampered')
    mkdirSync(copy)
    for (const name of ['data.csv', 'codebook.json'])
      writeFileSync(path.join(copy, name), readFileSync(path.join(target, name)))
    appendFileSync(
      path.join(copy, 'data.csv'),
      '7,48+,TransgenderMasculine,YT,2021-22,visitor,victim,unknown,Active,sms,Other,unknown,unknown,unknown,none,none,none\r\n',
    )
    const result = await runRelais('extract', 'verify', path.join(copy, 'data.csv'), '--k', '3')
    expect(result.code).toBe(1)
    const [first, ...classes] = result.stderr.split('\n')
    expect(first).toMatch(/is NOT k-anonymous for k = 3 on .*: 1 class is smaller than 3:$/)
    expect(classes).toEqual([
      '  rel_AgeBroad=48+, prs_Gender=TransgenderMasculine, hte_State=YT, rel_CreatedAt=2021-22, rel_ResidencyStatus=visitor: 1 row',
    ])
    const french = await runRelais(
      'extract',
      'verify',
      path.join(copy, 'data.csv'),
      '--k',
      '3',
      '--lang',
      'fr',
    )
    expect(french.stderr).toContain('n’est PAS k-anonyme pour k = 3')
    // Asking more of the same rows: every class is smaller than 7.
    const stricter = await runRelais('extract', 'verify', path.join(target, 'data.csv'), '--k', '7')
    expect(stricter.code).toBe(1)
  })

  it.each([
    { argv: [], start: 'relais: FILE is required' },
    { argv: ['FILE'], start: 'relais: --k is required' },
    { argv: ['FILE', '--k', '1'], start: 'relais: --k must be' },
    { argv: ['missing.csv', '--k', '3'], start: 'relais: FILE: missing.csv cannot be read' },
    { argv: ['FILE', 'other.csv', '--k', '3'], start: 'relais: unexpected argument' },
    { argv: ['ALONE', '--k', '3'], start: 'relais: --quasi is required' },
    {
      argv: ['FILE', '--k', '3', '--quasi', 'prs_Gender,shoe_size'],
      start: 'relais: --quasi: shoe_size is not a column',
    },
  ])('exits 2 for verify $argv', async ({ argv, start }) => {
    const alone = fresh('alone')
    mkdirSync(alone)
    writeFileSync(path.join(alone, 'data.csv'), readFileSync(path.join(target, 'data.csv')))
    const args = argv.map((arg) =>
      arg === 'FILE' ? path.join(target, 'data.csv') : arg === 'ALONE' ? path.join(alone, 'data.csv') : arg,
    )
    const result = await runRelais('extract', 'verify', ...args)
    expect(result.code).toBe(2)
    expect(result.stderr.startsWith(start), result.stderr).toBe(true)
    expect(result.stderr).toContain('Run “relais extract verify --help” for usage.')
  })
})
