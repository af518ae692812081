import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runRelais, withCliEnvironment } from '../../../test/support/cli.ts'
import { createTestDatabase, type TestDatabase } from '../../../test/support/database.ts'
import { progressReporter } from './progress.ts'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..')
const example = path.join(root, 'docs/examples/directory-spreadsheet.csv')
const managedKeys = ['NODE_ENV', 'DATABASE_URL', 'RELAIS_DATA_DIR', 'RELAIS_LOG_LEVEL'] as const

let database: TestDatabase
let scratch: string

beforeAll(async () => {
  database = await createTestDatabase()
  scratch = mkdtempSync(path.join(tmpdir(), 'relais-import-cli-'))
})
afterAll(async () => {
  await database.close()
  rmSync(scratch, { recursive: true, force: true })
})
withCliEnvironment(managedKeys, () => ({
  NODE_ENV: 'test',
  DATABASE_URL: database.url,
  RELAIS_DATA_DIR: scratch,
  RELAIS_LOG_LEVEL: 'silent',
}))

const relais = runRelais

const header =
  'organization_id,organization_name_en,organization_description_en,service_id,service_name_en,service_types,province'

describe('relais directory import', () => {
  it('is listed in the help and has its own', async () => {
    expect((await relais('--help')).stdout).toContain('directory import')
    const own = await relais('directory', 'import', '--help')
    expect(own.code).toBe(0)
    expect(own.stdout).toContain('Usage: relais directory import FILE')
  })

  it('exits 2 on usage errors', async () => {
    for (const argv of [
      ['directory', 'import'],
      ['directory', 'import', example, '--format', 'xml'],
      ['directory', 'import', example, '--lang', 'de'],
      ['directory', 'import', example, '--bogus'],
      ['directory', 'import', example, 'second-file'],
    ]) {
      const result = await relais(...argv)
      expect(result.code, argv.join(' ')).toBe(2)
      expect(result.stderr).toContain('relais directory import --help')
    }
  })

  it('imports a file and prints the summary', async () => {
    const result = await relais('directory', 'import', example)
    expect(result.code).toBe(0)
    expect(result.stdout).toMatch(
      /^Imported spreadsheet: \d+ entries created, 0 updated, 0 unchanged, 0 rejected\.$/,
    )
    const again = await relais('directory', 'import', example, '--format', 'spreadsheet')
    expect(again.stdout).toMatch(/0 entries created, 0 updated, \d+ unchanged/)
    const rows = await database.db
      .selectFrom('directory_service')
      .select('id')
      .where('id', '=', 'svc-harbour-shelter')
      .execute()
    expect(rows).toHaveLength(1)
  })

  it('lists every error with its place and field, exits 1 and writes nothing', async () => {
    const file = path.join(scratch, 'bad.csv')
    writeFileSync(
      file,
      [
        header,
        'cli-org-1,One,First.,cli-svc-1,Shelter,housing-emergency,QC',
        'cli-org-2,Two,Second.,cli-svc-2,Clinic,spa-days,Gondor',
      ].join('\n'),
    )
    const result = await relais('directory', 'import', file)
    expect(result.code).toBe(1)
    expect(result.stderr).toContain('bad.csv:3 service_types [unknown_taxonomy_code]')
    expect(result.stderr).toContain(
      'bad.csv:3 province [unknown_province] province: “Gondor” is not a Canadian province',
    )
    expect(result.stderr).toContain('Nothing was imported: 2 errors in the file.')
    const french = await relais('directory', 'import', file, '--lang', 'fr')
    expect(french.stderr).toContain('n’est pas une province ou un territoire du Canada')
    expect(french.stderr).toContain('Rien n’a été importé : 2 erreurs')
    const rows = await database.db
      .selectFrom('directory_service')
      .select('id')
      .where('id', 'in', ['cli-svc-1', 'cli-svc-2'])
      .execute()
    expect(rows).toEqual([])
  })

  it('with --partial, imports the good rows and still lists the bad ones', async () => {
    const file = path.join(scratch, 'partial.csv')
    writeFileSync(
      file,
      [
        header,
        'cli-org-3,Three,Third.,cli-svc-3,Shelter,housing-emergency,QC',
        'cli-org-4,Four,Fourth.,cli-svc-4,Clinic,spa-days,ON',
      ].join('\n'),
    )
    const result = await relais('directory', 'import', file, '--partial')
    expect(result.code).toBe(0)
    expect(result.stderr).toContain('partial.csv:3 service_types [unknown_taxonomy_code]')
    expect(result.stdout).toMatch(/rejected\.$/)
    const rows = await database.db
      .selectFrom('directory_service')
      .select('id')
      .where('id', 'in', ['cli-svc-3', 'cli-svc-4'])
      .execute()
    expect(rows.map((r) => r.id)).toEqual(['cli-svc-3'])
  })

  it('exits 1 for a file that cannot be read', async () => {
    const result = await relais('directory', 'import', path.join(scratch, 'missing.json'))
    expect(result.code).toBe(1)
    expect(result.stderr).toContain('[file_unreadable]')
  })
})

describe('progressReporter', () => {
  const stream = (isTTY: boolean) => {
    const written: string[] = []
    return { isTTY, written, write: (text: string) => written.push(text) }
  }

  it('redraws a bar in place on a terminal', () => {
    const tty = stream(true)
    const progress = progressReporter(tty, (d, t) => `${d}/${t}`)
    progress.update({ phase: 'write', done: 1800, total: 4000 })
    progress.end()
    expect(tty.written).toEqual([`\r[${'#'.repeat(14)}${' '.repeat(16)}]  45% 1800/4000`, '\n'])
  })

  it('prints a plain line every tenth of the way elsewhere, and nothing for small imports', () => {
    const pipe = stream(false)
    const progress = progressReporter(pipe, (d, t) => `Writing ${d}/${t} entries`)
    for (let done = 0; done <= 4000; done += 400) progress.update({ phase: 'write', done, total: 4000 })
    expect(pipe.written).toHaveLength(11)
    expect(pipe.written[1]).toBe('Writing 400/4000 entries (10%)\n')
    const small = stream(true)
    progressReporter(small, () => '').update({ phase: 'write', done: 5, total: 10 })
    expect(small.written).toEqual([])
  })
})
