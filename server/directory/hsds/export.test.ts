import { randomUUID } from 'node:crypto'
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runRelais, withCliEnvironment } from '../../../test/support/cli.ts'
import { createTestDatabase, engines, type TestDatabase } from '../../../test/support/database.ts'
import { providerBundle, taxonomyBundle } from '../../../test/support/directory.ts'
import type { Database } from '../../db/database.ts'
import { saveBundle } from '../directory.service.ts'
import { csvValue, exportDirectory } from './export.ts'
import { createHsdsValidator, type HsdsType } from './validator.ts'

const audit = { actorId: null, actorLabel: 'test', address: null, requestId: null }
const validator = createHsdsValidator()

const shown = providerBundle({ name: { en: 'Open Door', fr: 'Porte ouverte' } })
shown.organizations[0]!.doc = {
  ...shown.organizations[0]!.doc,
  contacts: [
    { id: randomUUID(), name: 'Desk, front', phones: [{ id: randomUUID(), number: '514-555-0177' }] },
  ],
}
shown.organizations[0]!.jurisdiction = {
  country: 'CA',
  province: 'QC',
  area: {
    type: 'MultiPolygon',
    coordinates: [
      [
        [
          [-74, 45],
          [-73, 45],
          [-73, 46],
          [-74, 45],
        ],
      ],
    ],
  },
}
const shelter = providerBundle({
  confidential: { location: true },
  serviceName: { en: 'Safe house "North"' },
})
const secret = providerBundle({ confidential: { organization: true }, name: { en: 'Secret Shelter' } })

/** A small RFC 4180 reader, enough for the files the export writes. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = []
  let row: string[] = []
  let field = ''
  let quoted = false
  for (let i = 0; i < text.length; i += 1) {
    const c = text[i]!
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"'
        i += 1
      } else if (c === '"') quoted = false
      else field += c
    } else if (c === '"') quoted = true
    else if (c === ',') {
      row.push(field)
      field = ''
    } else if (c === '\r' && text[i + 1] === '\n') {
      row.push(field)
      rows.push(row)
      row = []
      field = ''
      i += 1
    } else field += c
  }
  if (field || row.length > 0) rows.push([...row, field])
  return rows
}

interface Package {
  resources: { name: string; path: string; schema: { fields: { name: string; type?: string }[] } }[]
}

/** The rows of one CSV file of the package as objects, typed as the datapackage says. */
function tableOf(dir: string, pkg: Package, name: string) {
  const resource = pkg.resources.find((r) => r.name === name)
  if (!resource) throw new Error(`no resource ${name}`)
  const [header, ...rows] = parseCsv(readFileSync(path.join(dir, resource.path), 'utf8'))
  expect(header).toEqual(resource.schema.fields.map((f) => f.name))
  const types = new Map(resource.schema.fields.map((f) => [f.name, f.type ?? 'string']))
  return rows.map((cells) => {
    const object: Record<string, unknown> = {}
    header!.forEach((column, index) => {
      const cell = cells[index] ?? ''
      if (cell === '') return
      const type = types.get(column)
      object[column] =
        type === 'number' || type === 'integer' ? Number(cell) : type === 'boolean' ? cell === 'true' : cell
    })
    return object
  })
}

const officialColumns = (name: string) => {
  const official = JSON.parse(
    readFileSync(path.resolve(import.meta.dirname, '../../../../shared/hsds/datapackage.json'), 'utf8'),
  ) as Package
  return official.resources.find((r) => r.name === name)!.schema.fields.map((f) => f.name)
}

describe.each(engines)('exportDirectory on $engine', ({ open }) => {
  let database: Database
  let dir: string
  beforeAll(async () => {
    database = await open()
    dir = mkdtempSync(path.join(tmpdir(), 'relais-export-'))
    await saveBundle(database, taxonomyBundle(), audit, { mode: 'summary' })
    for (const bundle of [shown, shelter, secret]) await saveBundle(database, bundle, audit)
  })
  afterAll(async () => {
    await database.close()
    rmSync(dir, { recursive: true, force: true })
  })

  it('writes HSDS JSON, one array per type, valid against the official schemas, without confidential entries', async () => {
    const file = path.join(dir, 'public.json')
    const summary = await exportDirectory(database, { format: 'hsds-json', out: file })
    const data = JSON.parse(readFileSync(file, 'utf8'))
    expect(data).toMatchObject({ hsds_version: '3.1', confidential_included: false })
    expect(summary).toMatchObject({
      organizations: 2,
      services: 2,
      locations: 1,
      service_at_locations: 1,
      taxonomies: 2,
    })
    const types: [string, HsdsType][] = [
      ['organizations', 'organization'],
      ['locations', 'location'],
      ['services', 'service'],
      ['service_at_locations', 'service_at_location'],
      ['taxonomies', 'taxonomy'],
      ['taxonomy_terms', 'taxonomy_term'],
    ]
    for (const [key, type] of types) {
      expect(data[key].length, key).toBe(summary[key])
      for (const object of data[key]) expect(validator.errors(type, object)).toEqual([])
    }
    expect(data.locations.map((l: { id: string }) => l.id)).toEqual([shown.ids.location])
    expect(data.service_at_locations.map((s: { id: string }) => s.id)).toEqual([shown.ids.serviceAtLocation])
    const text = readFileSync(file, 'utf8')
    for (const id of [
      secret.ids.organization,
      secret.ids.service,
      shelter.ids.location,
      shelter.ids.serviceAtLocation,
    ])
      expect(text).not.toContain(id)
    expect(text).not.toContain('Secret Shelter')
    const organization = data.organizations.find((o: { id: string }) => o.id === shown.ids.organization)
    expect(organization.jurisdiction).toMatchObject({
      country: 'CA',
      state_province: 'QC',
      area: { type: 'MultiPolygon' },
    })
    expect(organization.locations).toBeUndefined()
  })

  it('publishes when an entry was verified, but names who verified it only in a backup', async () => {
    const verifier = randomUUID()
    await sql`update directory_organization set last_verified_at = '2026-11-02T10:00:00Z', last_verified_by = ${verifier},
      verification_interval_days = 180 where id = ${shown.ids.organization}`.execute(database.db)
    const find = async (includeConfidential: boolean) => {
      const file = path.join(dir, `verified-${includeConfidential}.json`)
      await exportDirectory(database, { format: 'hsds-json', out: file, includeConfidential })
      const data = JSON.parse(readFileSync(file, 'utf8'))
      return data.organizations.find((o: { id: string }) => o.id === shown.ids.organization)
    }
    expect((await find(false)).verification).toEqual({
      last_verified_at: '2026-11-02T10:00:00.000Z',
      interval_days: 180,
    })
    expect(JSON.stringify(await find(false))).not.toContain(verifier)
    expect((await find(true)).verification).toEqual({
      last_verified_at: '2026-11-02T10:00:00.000Z',
      last_verified_by: verifier,
      interval_days: 180,
    })
  })

  it('includes the confidential entries, marked, only when asked (a backup)', async () => {
    const file = path.join(dir, 'backup.json')
    const summary = await exportDirectory(database, {
      format: 'hsds-json',
      out: file,
      includeConfidential: true,
    })
    expect(summary).toMatchObject({ organizations: 3, services: 3, locations: 3, service_at_locations: 3 })
    const data = JSON.parse(readFileSync(file, 'utf8'))
    expect(data.confidential_included).toBe(true)
    expect(
      data.organizations.find((o: { id: string }) => o.id === secret.ids.organization).confidential,
    ).toBe(true)
    expect(data.locations.find((l: { id: string }) => l.id === shelter.ids.location).confidential).toBe(true)
  })

  it('writes the HSDS tabular datapackage: official columns first, linked rows, valid objects', async () => {
    const out = path.join(dir, 'csv')
    await exportDirectory(database, { format: 'hsds-csv', out })
    const pkg = JSON.parse(readFileSync(path.join(out, 'datapackage.json'), 'utf8')) as Package
    expect(readdirSync(out).sort()).toEqual(['datapackage.json', ...pkg.resources.map((r) => r.path)].sort())
    for (const resource of pkg.resources) {
      const official = officialColumns(resource.name)
      expect(
        resource.schema.fields.slice(0, official.length).map((f) => f.name),
        resource.name,
      ).toEqual(official)
    }
    const organizations = tableOf(out, pkg, 'organization')
    const services = tableOf(out, pkg, 'service')
    const locations = tableOf(out, pkg, 'location')
    const sals = tableOf(out, pkg, 'service_at_location')
    const phones = tableOf(out, pkg, 'phone')
    const attributes = tableOf(out, pkg, 'attribute')
    const terms = tableOf(out, pkg, 'taxonomy_term')
    const official = (type: HsdsType, rows: Record<string, unknown>[], columns: string[]) => {
      for (const row of rows) {
        const object = Object.fromEntries(Object.entries(row).filter(([key]) => columns.includes(key)))
        expect(validator.errors(type, object), JSON.stringify(row)).toEqual([])
      }
    }
    official('organization', organizations, officialColumns('organization'))
    official('service', services, officialColumns('service'))
    official('location', locations, officialColumns('location'))
    official('service_at_location', sals, officialColumns('service_at_location'))
    official('taxonomy_term', terms, officialColumns('taxonomy_term'))
    expect(organizations.map((o) => o.id).sort()).toEqual(
      [shown.ids.organization, shelter.ids.organization].sort(),
    )
    expect(organizations.every((o) => o.confidential === false)).toBe(true)
    expect(organizations.find((o) => o.id === shown.ids.organization)).toMatchObject({
      name_fr: 'Porte ouverte',
      jurisdiction_state_province: 'QC',
    })
    const safeHouse = services.find((s) => s.id === shelter.ids.service)
    expect(safeHouse?.name).toBe('Safe house "North"')
    const ids = new Set([...organizations, ...services, ...locations].map((row) => row.id))
    expect(services.every((s) => ids.has(String(s.organization_id)))).toBe(true)
    expect(sals).toEqual([
      expect.objectContaining({ service_id: shown.ids.service, location_id: shown.ids.location }),
    ])
    // Every phone hangs on an exported entry or contact, the contact's phone on its contact.
    const contacts = tableOf(out, pkg, 'contact')
    expect(contacts).toEqual([
      expect.objectContaining({ name: 'Desk, front', organization_id: shown.ids.organization }),
    ])
    expect(phones.find((p) => p.number === '514-555-0177')?.contact_id).toBe(contacts[0]!.id)
    expect(phones.map((p) => p.number).sort()).toEqual([
      '514-555-0100',
      '514-555-0100',
      '514-555-0101',
      '514-555-0177',
    ])
    expect(attributes.every((a) => ids.has(String(a.link_id)))).toBe(true)
    const text = readdirSync(out)
      .map((file) => readFileSync(path.join(out, file), 'utf8'))
      .join('\n')
    for (const id of [secret.ids.organization, secret.ids.service, shelter.ids.location])
      expect(text).not.toContain(id)
  })
})

describe('csvValue', () => {
  it('quotes what needs quoting and nothing else', () => {
    expect(csvValue('plain')).toBe('plain')
    expect(csvValue('a, b')).toBe('"a, b"')
    expect(csvValue('say "hi"')).toBe('"say ""hi"""')
    expect(csvValue('two\nlines')).toBe('"two\nlines"')
    expect(csvValue(null)).toBe('')
    expect(csvValue(0)).toBe('0')
    expect(csvValue(false)).toBe('false')
    expect(csvValue({ type: 'Point' })).toBe('"{""type"":""Point""}"')
  })
})

describe('relais directory export', () => {
  let database: TestDatabase
  let dir: string
  beforeAll(async () => {
    database = await createTestDatabase()
    dir = mkdtempSync(path.join(tmpdir(), 'relais-export-cli-'))
    await saveBundle(database, taxonomyBundle(), audit, { mode: 'summary' })
    for (const bundle of [shown, secret]) await saveBundle(database, bundle, audit)
  })
  withCliEnvironment([], () => ({
    NODE_ENV: 'test',
    DATABASE_URL: database.url,
    RELAIS_DATA_DIR: dir,
    RELAIS_LOG_LEVEL: 'silent',
  }))
  afterAll(async () => {
    await database.close()
    rmSync(dir, { recursive: true, force: true })
  })

  const relais = runRelais

  it('is listed, and its help says that --include-confidential is for backups', async () => {
    expect((await relais('--help')).stdout).toContain('directory export')
    const help = await relais('directory', 'export', '--help')
    expect(help.code).toBe(0)
    expect(help.stdout).toMatch(/^Usage: relais directory export --format hsds-json\|hsds-csv --out PATH/)
    expect(help.stdout).toMatch(/--include-confidential\s+Also export confidential entries .*BACKUPS ONLY/s)
  })

  it.each([
    [['--out', 'x.json'], '--format is required'],
    [['--format', 'xml', '--out', 'x'], '--format:'],
    [['--format', 'hsds-json'], '--out is required'],
    [['--format', 'hsds-json', '--out', 'x', '--bogus'], "Unknown option '--bogus'"],
  ])('refuses %j with exit 2', async (args, message) => {
    const result = await relais('directory', 'export', ...args)
    expect(result.code).toBe(2)
    expect(result.stderr).toContain(message)
  })

  it('exports the public directory, or everything with --include-confidential', async () => {
    const file = path.join(dir, 'public.json')
    const result = await relais('directory', 'export', '--format', 'hsds-json', '--out', file)
    expect(result.code, result.stderr).toBe(0)
    expect(result.stdout).toContain('Exported the public directory')
    expect(result.stdout).toContain('organizations: 1')
    expect(readFileSync(file, 'utf8')).not.toContain(secret.ids.organization)

    const backup = path.join(dir, 'backup')
    const all = await relais(
      'directory',
      'export',
      '--format',
      'hsds-csv',
      '--out',
      backup,
      '--include-confidential',
    )
    expect(all.code, all.stderr).toBe(0)
    expect(all.stdout).toContain('confidential ones included')
    expect(readFileSync(path.join(backup, 'organizations.csv'), 'utf8')).toContain(secret.ids.organization)
  })
})
