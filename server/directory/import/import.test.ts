import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest'
import { createPGliteDatabase, createTestDatabase } from '../../../test/support/database.ts'
import type { Database } from '../../db/database.ts'
import { importDirectory } from './import.ts'
import { spreadsheetColumns } from './spreadsheet.ts'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..')
const examples = path.resolve(root, '../shared/hsds/examples')
const spreadsheetExample = path.join(root, 'docs/examples/directory-spreadsheet.csv')
const tabularFixture = path.join(root, 'server/directory/import/fixtures/tabular')

/**
 * The official examples, and the errors (JSON pointer, field, code) their placeholder values make:
 * `tabular.json` links a contact, an attribute and a taxonomy term to ids it does not hold.
 */
const officialExamples: Record<string, [string, string, string][]> = {
  'location.json': [],
  'organization_full.json': [],
  'organization_list.json': [],
  'service_at_location_full.json': [],
  'service_at_location_list.json': [],
  'service_full.json': [],
  'service_list.json': [],
  'tabular.json': [
    ['/attributes.csv/0/link_entity', 'link_entity', 'invalid_enum'],
    ['/contacts.csv/0/service_at_location_id', 'service_at_location_id', 'unknown_reference'],
    ['/taxonomy_terms.csv/0/taxonomy_id', 'taxonomy_id', 'unknown_reference'],
  ],
  'taxonomy.json': [],
  'taxonomy_list.json': [],
  'taxonomy_term.json': [],
  'taxonomy_term_list.json': [],
}

let scratch: string
beforeAll(() => {
  scratch = mkdtempSync(path.join(tmpdir(), 'relais-import-'))
})
afterAll(() => rmSync(scratch, { recursive: true, force: true }))

let fileCount = 0
function write(name: string, content: string) {
  fileCount += 1
  const file = path.join(scratch, `${fileCount}-${name}`)
  writeFileSync(file, content)
  return file
}

/** A spreadsheet of the given rows (column → value), with every documented column. */
function spreadsheet(rows: Partial<Record<(typeof spreadsheetColumns)[number], string>>[]) {
  const quote = (value: string) => (/[",\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value)
  return [
    spreadsheetColumns.join(','),
    ...rows.map((row) => spreadsheetColumns.map((c) => quote(row[c] ?? '')).join(',')),
  ].join('\n')
}

const goodRow = (n: number, extra: Partial<Record<(typeof spreadsheetColumns)[number], string>> = {}) => ({
  organization_id: `org-${n}`,
  organization_name_en: `Organization ${n}`,
  organization_description_en: `Helps people, number ${n}.`,
  service_id: `svc-${n}`,
  service_name_en: `Service ${n}`,
  service_name_fr: `Service ${n} (fr)`,
  service_types: 'housing-emergency;counselling',
  populations: 'women',
  languages: 'en;fr',
  address: `${n} Main Street`,
  city: 'Winnipeg',
  province: 'MB',
  latitude: '49.8951',
  longitude: '-97.1384',
  hours: 'MO-FR 09:00-17:00',
  ...extra,
})

async function countOf(
  database: Database,
  table: 'directory_service' | 'directory_organization',
  ids: string[],
) {
  const rows = await database.db.selectFrom(table).select('id').where('id', 'in', ids).execute()
  return rows.length
}

describe('importDirectory on PostgreSQL', () => {
  let database: Database
  beforeAll(async () => {
    database = await createTestDatabase()
  })
  afterAll(() => database.close())

  it.each(Object.entries(officialExamples))(
    'imports the official HSDS example %s',
    async (name, expected) => {
      const file = path.join(examples, name)
      const result = await importDirectory(database, { file })
      expect(result.format).toBe('hsds-json')
      expect(result.errors.map((e) => [e.path, e.field, e.code]).sort()).toEqual(expected)
      expect(result.errors.every((e) => e.file === name)).toBe(true)
      expect(result.imported).toBe(expected.length === 0)
      const partial =
        expected.length === 0 ? result : await importDirectory(database, { file, partial: true })
      expect(partial.imported).toBe(true)
      expect(partial.created + partial.updated + partial.unchanged).toBeGreaterThan(0)
    },
  )

  it('reads tabular.json, the tabular datapackage as JSON, as its CSV files would be read', async () => {
    // A database of its own: the other examples hold entries with the same ids.
    const database = await createTestDatabase()
    onTestFinished(() => database.close())
    const result = await importDirectory(database, {
      file: path.join(examples, 'tabular.json'),
      partial: true,
    })
    expect(result.imported).toBe(true)
    expect(result.read).toEqual({
      taxonomy: 1,
      taxonomy_term: 1,
      organization: 1,
      location: 1,
      service: 1,
      service_at_location: 1,
    })
    // The term names a taxonomy the file does not hold: it is left out, the rest is written.
    expect(result.rejected).toBe(1)
    expect(
      await database.db
        .selectFrom('directory_taxonomy_term')
        .select('id')
        .where('id', '=', '3f7b145d-84af-42d7-8fae-eaca714b02b2')
        .execute(),
    ).toEqual([])
    const taxonomy = await database.db
      .selectFrom('directory_taxonomy')
      .selectAll()
      .where('id', '=', '5c4d79d7-cc55-470e-9f1f-8cad074e4892')
      .executeTakeFirstOrThrow()
    expect(taxonomy).toMatchObject({ name: 'name', uri: 'http://example.com', version: 'version' })

    const organization = await database.db
      .selectFrom('directory_organization')
      .selectAll()
      .where('id', '=', 'd9d5e0f5-d3ce-4f73-9a2f-4dd0ecc6c610')
      .executeTakeFirstOrThrow()
    expect(organization).toMatchObject({ name_en: 'Example Organization Inc.', kind: 'service_provider' })
    expect(organization.doc).toMatchObject({
      alternate_name: 'Example Org',
      year_incorporated: 2011,
      programs: [expect.objectContaining({ id: 'e7ec2e57-4540-43fa-b2c7-6be5a0ef7f42' })],
      organization_identifiers: [
        expect.objectContaining({ identifier_scheme: 'GB-COH', identifier: 1234567 }),
      ],
    })
    // Child rows lose the columns that named their parent.
    expect((organization.doc.organization_identifiers as object[])[0]).not.toHaveProperty('organization_id')

    const service = await database.db
      .selectFrom('directory_service')
      .selectAll()
      .where('id', '=', 'ac148810-d857-441c-9679-408f346de14b')
      .executeTakeFirstOrThrow()
    expect(service).toMatchObject({
      organization_id: 'd9d5e0f5-d3ce-4f73-9a2f-4dd0ecc6c610',
      name_en: 'Community Counselling',
      status: 'active',
    })
    expect([Number(service.minimum_age), Number(service.maximum_age)]).toEqual([12, 100])
    expect(service.doc).toMatchObject({
      program_id: 'e7ec2e57-4540-43fa-b2c7-6be5a0ef7f42',
      cost_options: [expect.objectContaining({ option: 'Under 18s and Over 60s', amount: 35 })],
      funding: [expect.objectContaining({ id: '1f2df32c-bf08-4b8e-bd6f-e834014b19bc' })],
      required_documents: [expect.objectContaining({ id: 'f6ad7e69-b9c8-42ce-92db-92cedb4c05c0' })],
      service_areas: [expect.objectContaining({ extent_type: 'geojson' })],
    })

    const location = await database.db
      .selectFrom('directory_location')
      .select([
        'name_en',
        'location_type',
        'organization_id',
        'doc',
        sql<string | null>`point::text`.as('point'),
      ])
      .where('id', '=', '3a19ff88-4620-4d17-9830-ac1d859eb5d5')
      .executeTakeFirstOrThrow()
    expect(location).toMatchObject({ name_en: 'MyCity Civic Center', location_type: 'physical' })
    // Its organization is in neither the file nor the database: the link is dropped, with a warning.
    expect(location.organization_id).toBeNull()
    expect(location.doc).toMatchObject({
      addresses: [expect.objectContaining({ address_1: '1-30 Main Street', city: 'MyCity' })],
      accessibility: [expect.objectContaining({ id: 'afcf296e-1cb2-4139-9c88-33d587d1a50b' })],
    })
    const placement = await database.db
      .selectFrom('directory_service_at_location')
      .selectAll()
      .where('id', '=', 'e94c9f38-1e8f-4564-91d4-d53501ab1765')
      .executeTakeFirstOrThrow()
    expect(placement).toMatchObject({
      service_id: 'ac148810-d857-441c-9679-408f346de14b',
      location_id: '3a19ff88-4620-4d17-9830-ac1d859eb5d5',
    })
    expect(placement.doc.schedules).toEqual([
      expect.objectContaining({
        freq: 'WEEKLY',
        byday: 'TH,FR',
        opens_at: '10:00:00',
        closes_at: '18:00:00',
      }),
    ])
    expect(result.warnings.map((w) => [w.path, w.code])).toEqual(
      expect.arrayContaining([
        ['/locations.csv/0/organization_id', 'unknown_reference'],
        ['/metadata.csv/0/resource_id', 'unknown_reference'],
      ]),
    )
  })

  it('flattens service_full.json: the nested organization, location, placement, attribute term and taxonomy', async () => {
    const result = await importDirectory(database, { file: path.join(examples, 'service_full.json') })
    expect(result.read).toEqual({
      taxonomy: 1,
      taxonomy_term: 1,
      organization: 1,
      location: 1,
      service: 1,
      service_at_location: 1,
    })
    const service = await database.db
      .selectFrom('directory_service')
      .selectAll()
      .where('id', '=', 'ac148810-d857-441c-9679-408f346de14b')
      .executeTakeFirstOrThrow()
    expect(service).toMatchObject({
      organization_id: 'd9d5e0f5-d3ce-4f73-9a2f-4dd0ecc6c610',
      name_en: 'Community Counselling',
      name_fr: null,
      status: 'active',
    })
    expect(Number(service.minimum_age)).toBe(12)
    for (const key of [
      'phones',
      'schedules',
      'languages',
      'contacts',
      'cost_options',
      'required_documents',
      'service_areas',
      'funding',
      'program',
      'additional_urls',
      'capacities',
      'metadata',
    ])
      expect(service.doc, key).toHaveProperty(key)
    expect(service.doc).not.toHaveProperty('organization')
    expect(service.doc).not.toHaveProperty('attributes')
    const attribute = await database.db
      .selectFrom('directory_attribute')
      .selectAll()
      .where('link_id', '=', service.id)
      .executeTakeFirstOrThrow()
    expect(attribute).toMatchObject({
      link_entity: 'service',
      taxonomy_term_id: '3f7b145d-84af-42d7-8fae-eaca714b02b2',
    })
    const term = await database.db
      .selectFrom('directory_taxonomy_term')
      .selectAll()
      .where('id', '=', attribute.taxonomy_term_id)
      .executeTakeFirstOrThrow()
    // The term's parent is in neither the file nor the database: kept out, with a warning.
    expect(term).toMatchObject({
      taxonomy_id: '5c4d79d7-cc55-470e-9f1f-8cad074e4892',
      parent_id: null,
      name_en: 'name',
    })
    expect(result.warnings.map((w) => [w.code, w.field])).toEqual(
      expect.arrayContaining([
        ['invalid_coordinates', 'latitude'],
        ['unknown_reference', 'parent_id'],
      ]),
    )
    const location = await database.db
      .selectFrom('directory_location')
      .select(['organization_id', 'doc', sql<string | null>`point::text`.as('point')])
      .where('id', '=', '3a19ff88-4620-4d17-9830-ac1d859eb5d5')
      .executeTakeFirstOrThrow()
    // The example's latitude 100 cannot be a place: the location is kept, without a point.
    expect(location.point).toBeNull()
    expect(location.organization_id).toBe('d9d5e0f5-d3ce-4f73-9a2f-4dd0ecc6c610')
    expect(location.doc).toHaveProperty('accessibility')
    expect(location.doc).toHaveProperty('addresses')
  })

  it('refuses base.json, which is no directory entry, and writes nothing', async () => {
    const result = await importDirectory(database, { file: path.join(examples, 'base.json') })
    expect(result.imported).toBe(false)
    expect(result.errors).toEqual([
      expect.objectContaining({ code: 'not_hsds', file: 'base.json', path: '/' }),
    ])
  })

  it('imports the HSDS tabular datapackage fixture, nesting child rows into their parents', async () => {
    const result = await importDirectory(database, { file: tabularFixture })
    expect(result.errors).toEqual([])
    expect(result.format).toBe('hsds-csv')
    expect(result.read).toMatchObject({ organization: 2, location: 2, service: 3, service_at_location: 2 })
    const organization = await database.db
      .selectFrom('directory_organization')
      .selectAll()
      .where('id', '=', 'org-t2')
      .executeTakeFirstOrThrow()
    expect(organization).toMatchObject({
      kind: 'law_enforcement',
      name_fr: "Police régionale d'Halifax",
      emergency_phone: '902-555-0199',
      jurisdiction_province: 'NS',
      description_en: 'Police of the Halifax region.\nHuman trafficking reports are taken 24/7.',
    })
    const riverside = await database.db
      .selectFrom('directory_organization')
      .select('doc')
      .where('id', '=', 'org-t1')
      .executeTakeFirstOrThrow()
    expect(riverside.doc.contacts).toEqual([
      {
        id: 'ct-t1',
        name: 'Jo Doe',
        title: 'Coordinator',
        email: 'jo@riverside.example.org',
        phones: [{ id: 'ph-t3', number: '604-555-0102', type: 'voice' }],
      },
    ])
    const service = await database.db
      .selectFrom('directory_service')
      .selectAll()
      .where('id', '=', 'svc-t1')
      .executeTakeFirstOrThrow()
    expect(service).toMatchObject({
      referral_status: 'accepting',
      substance_use_accepted: true,
      name_fr: 'Counseling',
    })
    expect(service.doc.phones).toEqual([
      {
        id: 'ph-t1',
        number: '604-555-0101',
        extension: 12,
        type: 'voice',
        description: 'Intake, "press 1"',
        languages: [{ id: 'la-t3', name: 'Punjabi', code: 'pa', note: 'Interpreter on request' }],
      },
    ])
    const search = await database.db
      .selectFrom('directory_search')
      .select(['id', 'province', 'municipality', 'open_24_7', 'term_ids', 'confidential'])
      .where('organization_id', 'in', ['org-t1', 'org-t2'])
      .orderBy('id')
      .execute()
    expect(search).toEqual([
      expect.objectContaining({ id: 'sal-t1', province: 'BC', municipality: 'Vancouver' }),
      expect.objectContaining({ id: 'sal-t2', province: 'NS', open_24_7: true }),
      expect.objectContaining({ id: 'service:svc-t2', confidential: true }),
    ])
    expect(search[0]!.term_ids.sort()).toEqual(['relais-service-type:counselling', 'tt-walkin'])
  })

  it('imports the spreadsheet example: bilingual text, hours, taxonomies, confidentiality', async () => {
    const result = await importDirectory(database, { file: spreadsheetExample })
    expect(result.errors).toEqual([])
    expect(result.format).toBe('spreadsheet')
    expect(result.read).toMatchObject({ organization: 3, location: 4, service: 4, service_at_location: 4 })
    const rows = await database.db
      .selectFrom('directory_search')
      .select(['id', 'confidential', 'open_24_7', 'province', 'languages', 'term_ids'])
      .where('organization_id', 'in', ['org-harbour', 'org-north-lodge', 'org-police-ottawa'])
      .orderBy('id')
      .execute()
    expect(rows.map((row) => [row.id, row.confidential, row.open_24_7, row.province])).toEqual([
      ['svc-harbour-legal@loc-harbour-office', false, false, 'QC'],
      ['svc-harbour-shelter@loc-harbour-shelter', true, true, 'QC'],
      ['svc-north-circle@loc-north-lodge', false, false, 'NT'],
      ['svc-police-ht@svc-police-ht-location', false, false, 'ON'],
    ])
    expect(rows[2]!.languages.sort()).toEqual(['cr', 'en', 'fr', 'iu'])
    expect(rows[2]!.term_ids).toContain('relais-population:first-nations')
    const police = await database.db
      .selectFrom('directory_organization')
      .selectAll()
      .where('id', '=', 'org-police-ottawa')
      .executeTakeFirstOrThrow()
    expect(police).toMatchObject({ kind: 'law_enforcement', emergency_phone: '613-555-0111' })
  })

  it('reports every error with its line and field, and writes nothing', async () => {
    const file = write(
      'errors.csv',
      spreadsheet([
        goodRow(101),
        goodRow(102, { service_types: 'housing-emergency;spa-days', province: 'Narnia' }),
        goodRow(103, { status: 'open', latitude: '200', hours: 'weekdays', minimum_age: 'ten' }),
        goodRow(104, {
          organization_name_en: '',
          organization_description_en: '',
          service_name_en: '',
          service_name_fr: '',
        }),
        goodRow(105, { languages: 'en;xx', referral_status: 'maybe', substance_use_accepted: 'perhaps' }),
        goodRow(101, { organization_id: 'org-101', service_id: 'svc-101' }),
      ]),
    )
    const result = await importDirectory(database, { file })
    expect(result.imported).toBe(false)
    const found = result.errors.map((e) => [e.line, e.field, e.code])
    expect(found).toEqual(
      expect.arrayContaining([
        [3, 'service_types', 'unknown_taxonomy_code'],
        [3, 'province', 'unknown_province'],
        [4, 'status', 'invalid_enum'],
        [4, 'hours', 'invalid_hours'],
        [4, 'minimum_age', 'invalid_number'],
        [5, 'service_name_en', 'required'],
        [5, 'organization_name_en', 'required'],
        [5, 'organization_description_en', 'required'],
        [6, 'languages', 'invalid_language'],
        [6, 'referral_status', 'invalid_enum'],
        [6, 'substance_use_accepted', 'invalid_boolean'],
        [7, 'service_id', 'duplicate_id'],
      ]),
    )
    expect(result.errors.every((e) => e.file === path.basename(file))).toBe(true)
    expect(result.warnings.map((w) => [w.line, w.field, w.code])).toEqual([
      [4, 'latitude', 'invalid_coordinates'],
    ])
    expect(
      await countOf(database, 'directory_service', ['svc-101', 'svc-102', 'svc-103', 'svc-104', 'svc-105']),
    ).toBe(0)
    expect(await countOf(database, 'directory_organization', ['org-101', 'org-105'])).toBe(0)
  })

  it('reports JSON errors with their JSON pointer, and references found neither in the file nor the database', async () => {
    const file = write(
      'errors.json',
      JSON.stringify([
        { id: 'j-org', name: 'Fine', description: 'Fine too.' },
        { id: 'j-org-2', name: 'No description', agency_kind: 'militia' },
        { id: 'j-svc', name: 'Orphan', status: 'active', organization_id: 'nowhere' },
        {
          id: 'j-svc-2',
          name: 'Bad status',
          status: 'open',
          organization_id: 'j-org',
          minimum_age: 30,
          maximum_age: 20,
        },
        {
          id: 'j-loc',
          location_type: 'physical',
          organization_id: 'j-org',
          addresses: [
            {
              id: 'a',
              address_1: '1 Rue',
              city: 'Laval',
              state_province: 'Quebecc',
              country: 'CA',
              postal_code: 'H7A',
              address_type: 'physical',
            },
          ],
        },
        {
          id: 'j-svc-3',
          name: 'Unknown term',
          status: 'active',
          organization_id: 'j-org',
          attributes: [{ id: 'attr', taxonomy_term_id: 'no-such-term' }],
        },
      ]),
    )
    const result = await importDirectory(database, { file })
    expect(result.imported).toBe(false)
    expect(result.errors.map((e) => [e.path, e.field, e.code])).toEqual(
      expect.arrayContaining([
        ['/1/description', 'description', 'required'],
        ['/1/agency_kind', 'agency_kind', 'invalid_enum'],
        ['/2/organization_id', 'organization_id', 'unknown_reference'],
        ['/3/status', 'status', 'invalid_enum'],
        ['/3/maximum_age', 'maximum_age', 'invalid_age_range'],
        ['/4/addresses/0/state_province', 'state_province', 'unknown_province'],
        ['/5/attributes/0/taxonomy_term_id', 'taxonomy_term_id', 'unknown_term'],
      ]),
    )
    expect(await countOf(database, 'directory_organization', ['j-org'])).toBe(0)

    const broken = write('broken.json', '{\n  "id": "x",\n  "name": "y",\n}')
    const malformed = await importDirectory(database, { file: broken })
    expect(malformed.errors).toEqual([expect.objectContaining({ code: 'malformed_json', line: 4 })])
  })

  it('reports the CSV file and line of errors in a tabular datapackage', async () => {
    const folder = path.join(scratch, 'tabular-broken')
    cpSync(tabularFixture, folder, { recursive: true })
    const services = readFileSync(path.join(folder, 'services.csv'), 'utf8').split('\r\n')
    services[2] = services[2]!.replace(',active,', ',open,')
    writeFileSync(path.join(folder, 'services.csv'), services.join('\r\n'))
    writeFileSync(
      path.join(folder, 'phones.csv'),
      `${readFileSync(path.join(folder, 'phones.csv'), 'utf8')}ph-x,,svc-nowhere,,,,555-0000,,voice,\n"ph-y,,svc-t1\n`,
    )
    const result = await importDirectory(database, { file: path.join(folder, 'datapackage.json') })
    expect(result.imported).toBe(false)
    expect(result.errors.map((e) => [e.file, e.line, e.field, e.code])).toEqual(
      expect.arrayContaining([
        ['services.csv', 3, 'status', 'invalid_enum'],
        ['phones.csv', 5, 'service_id', 'unknown_reference'],
        ['phones.csv', 6, '', 'malformed_csv'],
      ]),
    )
  })

  it('accepts references to entries already in the directory, and reports values that disagree between rows', async () => {
    await importDirectory(database, {
      file: write(
        'org.json',
        JSON.stringify({ id: 'db-org', name: 'Already here', description: 'In the directory.' }),
      ),
    })
    const service = await importDirectory(database, {
      file: write(
        'service.json',
        JSON.stringify({ id: 'db-svc', name: 'New service', status: 'active', organization_id: 'db-org' }),
      ),
    })
    expect(service.errors).toEqual([])
    expect(service.created).toBe(1)
    // A nested object with nothing but an id refers to an entry; it does not describe one.
    const page = await importDirectory(database, {
      file: write(
        'page.json',
        JSON.stringify({
          total_items: 1,
          contents: [
            { id: 'db-sal', service: { id: 'db-svc' }, location: { id: 'db-loc', location_type: 'virtual' } },
          ],
        }),
      ),
    })
    expect(page.errors).toEqual([])
    expect(page.created).toBe(2)

    const conflicting = await importDirectory(database, {
      file: write(
        'conflict.csv',
        spreadsheet([
          goodRow(501),
          goodRow(502, { organization_id: 'org-501', organization_name_en: 'Another name' }),
        ]),
      ),
    })
    expect(conflicting.errors).toEqual([
      expect.objectContaining({
        line: 3,
        field: 'organization_name_en',
        code: 'conflicting_value',
        value: 'Another name',
        params: { previous: 'Organization 501' },
      }),
      expect.objectContaining({ line: 3, field: 'organization_description_en', code: 'conflicting_value' }),
    ])
  })

  it('with partial, imports the valid entries and rejects the others with what depends on them', async () => {
    const file = write(
      'partial.csv',
      spreadsheet([
        goodRow(201),
        goodRow(202, { province: 'Atlantis' }),
        // Rows of one organization may leave its columns empty after the first.
        goodRow(203, {
          organization_id: 'org-201',
          organization_name_en: '',
          organization_description_en: '',
          service_types: 'nonsense',
        }),
        goodRow(204, { organization_name_en: '', organization_description_en: '' }),
      ]),
    )
    const result = await importDirectory(database, { file, partial: true })
    expect(result.imported).toBe(true)
    expect(await countOf(database, 'directory_service', ['svc-201', 'svc-202', 'svc-203', 'svc-204'])).toBe(2)
    expect(await countOf(database, 'directory_organization', ['org-201', 'org-202', 'org-204'])).toBe(2)
    // svc-202's location is rejected, and with it the placement; the service itself is imported.
    const placements = await database.db
      .selectFrom('directory_service_at_location')
      .select('id')
      .where('service_id', 'in', ['svc-201', 'svc-202'])
      .execute()
    expect(placements.map((p) => p.id)).toEqual(['svc-201@svc-201-location'])
    expect(result.errors.map((e) => [e.line, e.code])).toEqual(
      expect.arrayContaining([
        [3, 'unknown_province'],
        [4, 'unknown_taxonomy_code'],
        [5, 'required'],
        [5, 'depends_on_rejected'],
      ]),
    )
    expect(result.rejected).toBeGreaterThanOrEqual(5)
  })

  it('upserts on a second import and records HSDS metadata for the changed fields only', async () => {
    const rows = [goodRow(301), goodRow(302), goodRow(303)]
    const first = await importDirectory(database, { file: write('v1.csv', spreadsheet(rows)) })
    expect(first.errors).toEqual([])
    const again = await importDirectory(database, { file: write('v1-again.csv', spreadsheet(rows)) })
    expect(again).toMatchObject({ created: 0, updated: 0, rejected: 0 })
    expect(again.unchanged).toBe(first.created)

    const changed = [
      goodRow(301),
      goodRow(302, { service_name_fr: 'Nouveau nom', minimum_age: '16' }),
      goodRow(303),
    ]
    const second = await importDirectory(database, { file: write('v2.csv', spreadsheet(changed)) })
    expect(second).toMatchObject({ created: 0, updated: 1 })
    const metadata = await database.db
      .selectFrom('directory_metadata')
      .select(['resource_id', 'field_name', 'previous_value', 'replacement_value'])
      .where('last_action_type', '=', 'update')
      .where('resource_id', 'in', ['org-301', 'org-302', 'svc-301', 'svc-302', 'svc-303', 'svc-302-location'])
      .orderBy('field_name')
      .execute()
    expect(metadata).toEqual([
      { resource_id: 'svc-302', field_name: 'minimum_age', previous_value: '', replacement_value: '16' },
      {
        resource_id: 'svc-302',
        field_name: 'name_fr',
        previous_value: 'Service 302 (fr)',
        replacement_value: 'Nouveau nom',
      },
    ])
    const events = await database.db
      .selectFrom('audit_event')
      .select('action')
      .where('action', '=', 'directory.imported')
      .execute()
    expect(events.length).toBeGreaterThanOrEqual(3)
  })

  it('takes untranslated HSDS text as English, or as the language given', async () => {
    const file = write(
      'french.json',
      JSON.stringify({
        id: 'fr-org',
        name: 'Maison d’accueil',
        description: 'Hébergement.',
        translations: { en: { name: 'Shelter house' } },
      }),
    )
    await importDirectory(database, { file, language: 'fr' })
    const row = await database.db
      .selectFrom('directory_organization')
      .select(['name_en', 'name_fr', 'description_en', 'description_fr'])
      .where('id', '=', 'fr-org')
      .executeTakeFirstOrThrow()
    expect(row).toEqual({
      name_en: 'Shelter house',
      name_fr: 'Maison d’accueil',
      description_en: null,
      description_fr: 'Hébergement.',
    })
  })

  it('takes the language of a tabular table from meta_table_descriptions.csv', async () => {
    const folder = path.join(scratch, 'french-tables')
    mkdirSync(folder)
    writeFileSync(
      path.join(folder, 'datapackage.json'),
      JSON.stringify({
        resources: [
          { name: 'organization', path: 'organizations.csv' },
          { name: 'meta_table_description', path: 'meta_table_descriptions.csv' },
        ],
      }),
    )
    writeFileSync(
      path.join(folder, 'organizations.csv'),
      'id,name,description\nfr-table-org,Maison Marguerite,Refuge pour femmes.\n',
    )
    writeFileSync(
      path.join(folder, 'meta_table_descriptions.csv'),
      'id,name,language,character_set\nm1,organizations,fra,UTF-8\n',
    )
    const result = await importDirectory(database, { file: folder })
    expect(result.errors).toEqual([])
    const row = await database.db
      .selectFrom('directory_organization')
      .select(['name_en', 'name_fr'])
      .where('id', '=', 'fr-table-org')
      .executeTakeFirstOrThrow()
    expect(row).toEqual({ name_en: null, name_fr: 'Maison Marguerite' })
  })

  it('reports progress as it writes', async () => {
    const rows = Array.from({ length: 30 }, (_, i) => goodRow(400 + i))
    const seen: number[] = []
    await importDirectory(database, {
      file: write('progress.csv', spreadsheet(rows)),
      batchSize: 20,
      onProgress: (p) => seen.push(p.done),
    })
    expect(seen.length).toBeGreaterThan(2)
    expect(seen).toEqual([...seen].sort((a, b) => a - b))
    expect(seen.at(-1)).toBeGreaterThanOrEqual(120)
  })
})

describe('importDirectory on PGlite', () => {
  let database: Database
  beforeAll(async () => {
    database = await createPGliteDatabase()
  })
  afterAll(() => database.close())

  it('imports service_full.json and the spreadsheet example', async () => {
    const hsds = await importDirectory(database, { file: path.join(examples, 'service_full.json') })
    expect(hsds.errors).toEqual([])
    expect(hsds.created).toBe(6)
    const sheet = await importDirectory(database, { file: spreadsheetExample })
    expect(sheet.errors).toEqual([])
    expect(
      await countOf(database, 'directory_service', [
        'svc-harbour-shelter',
        'ac148810-d857-441c-9679-408f346de14b',
      ]),
    ).toBe(2)
  })
})

describe('importDirectory refuses what the database would', () => {
  let database: Database
  beforeAll(async () => {
    database = await createTestDatabase()
  })
  afterAll(() => database.close())

  it('reports impossible dates, NUL characters and malformed areas instead of failing the write', async () => {
    const file = path.join(scratch, 'impossible.json')
    writeFileSync(
      file,
      JSON.stringify([
        { id: 'x-org', name: 'Org', description: 'Fine.' },
        {
          id: 'x-svc',
          name: 'Svc',
          status: 'active',
          organization_id: 'x-org',
          referral_status: { status: 'accepting', as_of: '2026-02-30' },
        },
        { id: 'x-org-2', name: 'Nul\u0000here', description: 'd' },
        {
          id: 'x-org-3',
          name: 'Police',
          description: 'd',
          jurisdiction: {
            state_province: 'QC',
            area: {
              type: 'MultiPolygon',
              coordinates: [
                [
                  [
                    [0, 0],
                    [1, 1],
                  ],
                ],
              ],
            },
          },
        },
      ]),
    )
    const result = await importDirectory(database, { file, partial: true })
    expect(result.errors.map((e) => [e.path, e.code])).toEqual([
      ['/1/referral_status/as_of', 'invalid_date'],
      ['/3/jurisdiction/area', 'invalid_type'],
      ['/2', 'nul_character'],
    ])
    const rows = await database.db.selectFrom('directory_organization').select('id').orderBy('id').execute()
    expect(rows.map((r) => r.id)).toEqual(['x-org'])
  })

  it('adds the Relais taxonomy of a term from the file belongs to when the directory lacks it', async () => {
    const file = path.join(scratch, 'custom-term.json')
    writeFileSync(
      file,
      JSON.stringify({
        id: 'relais-population:survivor-led',
        code: 'survivor-led',
        name: 'Survivor-led',
        description: 'Run by survivors.',
        taxonomy_id: 'relais-population',
      }),
    )
    const result = await importDirectory(database, { file })
    expect(result.errors).toEqual([])
    const taxonomy = await database.db
      .selectFrom('directory_taxonomy')
      .select('name')
      .where('id', '=', 'relais-population')
      .executeTakeFirst()
    expect(taxonomy?.name).toBe('Relais populations served')
  })
})
