import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestDatabase } from '../../../test/support/database.ts'
import type { Database } from '../../db/database.ts'
import { exportDirectory } from '../hsds/export.ts'
import { importDirectory } from './import.ts'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..')
const sources = [
  path.join(root, '../shared/hsds/examples/service_full.json'),
  path.join(root, 'server/directory/import/fixtures/tabular'),
  path.join(root, 'docs/examples/directory-spreadsheet.csv'),
]

/** The directory's columns, but documents and bookkeeping times. */
async function columns(database: Database) {
  const rows = async (table: string) =>
    (
      await sql<Record<string, unknown>>`select * from ${sql.table(table)} order by id`.execute(database.db)
    ).rows.map((row) => {
      for (const key of ['doc', 'created_at', 'updated_at', 'last_verified_at', 'last_verified_by'])
        delete row[key]
      for (const key of ['point', 'jurisdiction_area'])
        if (key in row) row[key] = row[key] === null ? null : String(row[key])
      return row
    })
  return {
    taxonomies: await rows('directory_taxonomy'),
    terms: await rows('directory_taxonomy_term'),
    organizations: await rows('directory_organization'),
    locations: await rows('directory_location'),
    services: await rows('directory_service'),
    placements: await rows('directory_service_at_location'),
  }
}

async function documents(
  database: Database,
  kind: 'organization' | 'location' | 'service' | 'service_at_location',
): Promise<Map<string, Record<string, unknown>>> {
  const rows = await database.db.selectFrom(`directory_${kind}`).select(['id', 'doc']).execute()
  return new Map(rows.map((row) => [row.id, row.doc]))
}

describe('importing what Relais exported', () => {
  let database: Database
  let scratch: string
  beforeAll(async () => {
    database = await createTestDatabase()
    scratch = mkdtempSync(path.join(tmpdir(), 'relais-roundtrip-'))
    for (const file of sources) expect((await importDirectory(database, { file })).errors, file).toEqual([])
  })
  afterAll(async () => {
    await database.close()
    rmSync(scratch, { recursive: true, force: true })
  })

  it.each([
    ['hsds-json', true],
    ['hsds-csv', true],
    ['hsds-json', false],
    ['hsds-csv', false],
  ] as const)(
    'updates the entries it came from through %s (confidential included: %s), adding none',
    async (format, includeConfidential) => {
      const name = `${includeConfidential ? 'backup' : 'public'}-${format}`
      const out = path.join(scratch, format === 'hsds-json' ? `${name}.json` : name)
      await exportDirectory(database, { format, out, includeConfidential })
      const before = await columns(database)
      const docsBefore = {
        organization: await documents(database, 'organization'),
        location: await documents(database, 'location'),
        service: await documents(database, 'service'),
        service_at_location: await documents(database, 'service_at_location'),
      }
      const result = await importDirectory(database, { file: out })
      expect(result.errors).toEqual([])
      // The public export names entries by UUID; those stored under other ids get theirs back.
      expect(result.created).toBe(0)
      expect(result.updated + result.unchanged).toBeGreaterThan(20)
      const after = await columns(database)
      for (const key of Object.keys(before) as (keyof typeof before)[])
        expect(after[key], key).toEqual(before[key])
      // A JSON backup holds the entries as stored: importing it back changes no document, but for
      // what the export derives (a service's last_modified, its HSDS metadata).
      if (includeConfidential && format === 'hsds-json') {
        const changed = new Set<string>()
        for (const [table, docs] of Object.entries(docsBefore)) {
          const now = await documents(database, table as keyof typeof docsBefore)
          for (const [id, doc] of docs)
            for (const key of new Set([...Object.keys(doc), ...Object.keys(now.get(id) ?? {})]))
              if (JSON.stringify(doc[key]) !== JSON.stringify(now.get(id)?.[key])) changed.add(key)
        }
        expect([...changed].filter((key) => !['last_modified', 'metadata'].includes(key))).toEqual([])
      }
    },
  )
})
