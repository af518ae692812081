import { readFile } from 'node:fs/promises'
import path from 'node:path'
import type { BundleBuilder } from './builder.ts'
import { parseCsvTable } from './csv.ts'
import { type HsdsReader, type Language, languageOf, parseBoolean } from './hsds.ts'
import { type Origin, pointer } from './issues.ts'

type Json = Record<string, unknown>

/** Fields that are numbers in HSDS, when a datapackage does not give its columns' types. */
const numericFields = new Set([
  'amount',
  'count',
  'extension',
  'interval',
  'latitude',
  'longitude',
  'maximum_age',
  'minimum_age',
  'timezone',
  'year_incorporated',
  'available',
  'maximum',
  'verification_interval_days',
])
const booleanFields = new Set(['confidential', 'status_independent', 'substance_use_accepted'])

/** Where each kind of child row goes: the first of its parent columns that is filled names the parent. */
const childTables: { table: string; key: string; parents: [column: string, table: string][] }[] = [
  {
    table: 'language',
    key: 'languages',
    parents: [
      ['phone_id', 'phone'],
      ['service_id', 'service'],
      ['location_id', 'location'],
    ],
  },
  {
    table: 'phone',
    key: 'phones',
    parents: [
      ['contact_id', 'contact'],
      ['service_at_location_id', 'service_at_location'],
      ['service_id', 'service'],
      ['location_id', 'location'],
      ['organization_id', 'organization'],
    ],
  },
  {
    table: 'contact',
    key: 'contacts',
    parents: [
      ['service_at_location_id', 'service_at_location'],
      ['service_id', 'service'],
      ['location_id', 'location'],
      ['organization_id', 'organization'],
    ],
  },
  { table: 'address', key: 'addresses', parents: [['location_id', 'location']] },
  { table: 'accessibility', key: 'accessibility', parents: [['location_id', 'location']] },
  {
    table: 'schedule',
    key: 'schedules',
    parents: [
      ['service_at_location_id', 'service_at_location'],
      ['service_id', 'service'],
      ['location_id', 'location'],
    ],
  },
  {
    table: 'funding',
    key: 'funding',
    parents: [
      ['service_id', 'service'],
      ['organization_id', 'organization'],
    ],
  },
  {
    table: 'service_area',
    key: 'service_areas',
    parents: [
      ['service_at_location_id', 'service_at_location'],
      ['service_id', 'service'],
    ],
  },
  { table: 'required_document', key: 'required_documents', parents: [['service_id', 'service']] },
  { table: 'cost_option', key: 'cost_options', parents: [['service_id', 'service']] },
  {
    table: 'organization_identifier',
    key: 'organization_identifiers',
    parents: [['organization_id', 'organization']],
  },
  { table: 'program', key: 'programs', parents: [['organization_id', 'organization']] },
  { table: 'service_capacity', key: 'capacities', parents: [['service_id', 'service']] },
]

const topTables = [
  'taxonomy',
  'taxonomy_term',
  'organization',
  'location',
  'service',
  'service_at_location',
] as const

const knownTables = new Set([
  'organization',
  'service',
  'location',
  'service_at_location',
  'phone',
  'contact',
  'address',
  'schedule',
  'language',
  'funding',
  'service_area',
  'required_document',
  'cost_option',
  'organization_identifier',
  'program',
  'taxonomy',
  'taxonomy_term',
  'attribute',
  'metadata',
  'meta_table_description',
  'service_capacity',
  'unit',
  'url',
  'accessibility',
])
const plurals: Record<string, string> = {
  addresses: 'address',
  taxonomies: 'taxonomy',
  service_capacities: 'service_capacity',
  accessibilities: 'accessibility',
  accessibility_for_disabilities: 'accessibility',
  fundings: 'funding',
}

/** The table a resource holds, by its name or file name (`service_at_locations.csv` as well). */
function tableOf(resource: { name?: unknown; path?: unknown }): string | undefined {
  const names = [
    resource.name,
    typeof resource.path === 'string' ? path.basename(resource.path, '.csv') : undefined,
  ]
  for (const name of names) {
    if (typeof name !== 'string') continue
    const normal = name.toLowerCase().replace(/-/g, '_')
    const table = knownTables.has(normal) ? normal : (plurals[normal] ?? normal.replace(/s$/, ''))
    if (knownTables.has(table)) return table
  }
  return undefined
}

/** The rows of a datapackage's tables, each an object of its filled fields, and each table's rows by id. */
class Tables {
  readonly rows = new Map<string, Json[]>()
  readonly byId = new Map<string, Map<string, Json>>()

  constructor(readonly reader: HsdsReader) {}

  /** Adds a row of a table, found at `origin`. */
  add(table: string, object: Json, origin: Origin) {
    this.reader.rowOrigins.set(object, origin)
    const list = this.rows.get(table) ?? []
    list.push(object)
    this.rows.set(table, list)
    if (typeof object.id !== 'string') return
    const ids = this.byId.get(table) ?? new Map<string, Json>()
    if (ids.has(object.id) && (topTables as readonly string[]).includes(table))
      this.reader.builder.log.error(origin, 'duplicate_id', 'id', { value: object.id })
    ids.set(object.id, object)
    this.byId.set(table, ids)
  }
}

/**
 * Reads an HSDS tabular datapackage (a folder with `datapackage.json` and the CSV files it lists):
 * the top-level tables become entries, child rows (phones, addresses, schedules, ...) are nested into
 * their parent's object as in HSDS JSON, and the whole goes through the HSDS reader.
 */
export async function readTabular(reader: HsdsReader, folder: string) {
  const log = reader.builder.log
  const packageFile = 'datapackage.json'
  let descriptor: Json
  try {
    descriptor = JSON.parse(await readFile(path.join(folder, packageFile), 'utf8')) as Json
  } catch (error) {
    log.error(
      { file: packageFile },
      error instanceof SyntaxError ? 'malformed_json' : 'file_unreadable',
      '',
      {
        value: (error as Error).message,
      },
    )
    return
  }
  const resources = Array.isArray(descriptor.resources) ? (descriptor.resources as Json[]) : []
  if (resources.length === 0) {
    log.error({ file: packageFile, path: '/resources' }, 'required', 'resources')
    return
  }

  const tables = new Tables(reader)
  for (const [index, resource] of resources.entries()) {
    const table = tableOf(resource)
    const file = typeof resource.path === 'string' ? resource.path : undefined
    if (!file) {
      log.error({ file: packageFile, path: `/resources/${index}/path` }, 'required', 'path')
      continue
    }
    if (!table) {
      log.warn({ file: packageFile, path: `/resources/${index}` }, 'not_hsds', 'name', {
        value: String(resource.name),
      })
      continue
    }
    let text: string
    try {
      text = await readFile(path.join(folder, file), 'utf8')
    } catch {
      // A datapackage may list tables it leaves out; only a listed top-level table must be there.
      if ((topTables as readonly string[]).includes(table))
        log.error({ file: packageFile, path: `/resources/${index}/path` }, 'file_unreadable', 'path', {
          value: file,
        })
      continue
    }
    const types = new Map<string, string>()
    const schema = resource.schema as { fields?: { name?: unknown; type?: unknown }[] } | undefined
    for (const field of schema?.fields ?? [])
      if (typeof field.name === 'string' && typeof field.type === 'string') types.set(field.name, field.type)
    const parsed = parseCsvTable(text)
    for (const problem of parsed.problems) {
      if (problem.code === 'row_width')
        log.error({ file, line: problem.line }, 'csv_row_width', '', {
          params: { expected: problem.expected, found: problem.found },
        })
      else log.error({ file, line: problem.line }, 'malformed_csv', '', { params: { problem: problem.code } })
    }
    if (!parsed.header.includes('id') && table !== 'service_capacity')
      log.error({ file, line: 1 }, 'missing_column', 'id')
    for (const row of parsed.rows) {
      const object: Json = {}
      for (const [column, raw] of Object.entries(row.values)) {
        const value = raw.trim()
        if (value === '') continue
        const type =
          types.get(column) ??
          (numericFields.has(column) ? 'number' : booleanFields.has(column) ? 'boolean' : 'string')
        if ((type === 'number' || type === 'integer') && Number.isFinite(Number(value)))
          object[column] = Number(value)
        else if (type === 'boolean' && parseBoolean(value) !== undefined) object[column] = parseBoolean(value)
        else object[column] = raw
      }
      tables.add(table, object, { file, line: row.line })
    }
  }
  readTables(reader, tables, { file: packageFile })
  return reader.builder as BundleBuilder
}

/** A JSON document holding a tabular datapackage's tables, by file name: `{"organizations.csv": [rows], ...}`. */
export function isTabularJson(document: unknown): document is Json {
  return (
    typeof document === 'object' &&
    document !== null &&
    !Array.isArray(document) &&
    !('id' in document) &&
    Object.entries(document).some(([key, value]) => /\.csv$/i.test(key) && Array.isArray(value))
  )
}

/**
 * Reads the tables of a tabular datapackage written as JSON (as the HSDS example `tabular.json`): each
 * table's rows, already typed, are read as the rows of its CSV file would be, and each problem is
 * reported at its row's JSON pointer.
 */
export function readTabularJson(reader: HsdsReader, document: Json) {
  const log = reader.builder.log
  const tables = new Tables(reader)
  for (const [key, list] of Object.entries(document)) {
    const tablePath = pointer('', key)
    const table = tableOf({ path: key })
    if (!table) {
      log.warn({ file: reader.file, path: tablePath }, 'not_hsds', 'name', { value: key })
      continue
    }
    if (!Array.isArray(list)) {
      log.error({ file: reader.file, path: tablePath }, 'invalid_type', key, {
        params: { expected: 'array' },
      })
      continue
    }
    list.forEach((row: unknown, index) => {
      const rowPath = pointer(tablePath, index)
      if (typeof row !== 'object' || row === null || Array.isArray(row)) {
        log.error({ file: reader.file, path: rowPath }, 'invalid_type', key, {
          params: { expected: 'object' },
        })
        return
      }
      const object: Json = {}
      for (const [column, value] of Object.entries(row))
        if (value !== null && value !== undefined && value !== '') object[column] = value
      tables.add(table, object, { file: reader.file, path: rowPath })
    })
  }
  readTables(reader, tables, { file: reader.file })
}

/**
 * Reads a datapackage's rows: child rows (phones, addresses, schedules, ...) are nested into their
 * parent's object as in HSDS JSON, and the top-level tables' rows go through the HSDS reader.
 */
function readTables(reader: HsdsReader, tables: Tables, packageOrigin: Origin) {
  const log = reader.builder.log
  const { rows, byId } = tables
  /** Where a row is, or one of its columns (a JSON row's field has a pointer of its own). */
  const origin = (object: Json, column?: string): Origin =>
    reader.rowOrigins.has(object) ? reader.at(object, '', column) : packageOrigin

  // Nest child rows into their parents, removing the columns that named the parent.
  for (const child of childTables) {
    for (const object of rows.get(child.table) ?? []) {
      const parentColumns = child.parents.map(([column]) => column)
      const named = child.parents.find(
        ([column]) => typeof object[column] === 'string' || typeof object[column] === 'number',
      )
      if (!named) {
        log.error(origin(object), 'required', parentColumns.join('|'))
        continue
      }
      const [column, parentTable] = named
      const parent = byId.get(parentTable)?.get(String(object[column]))
      if (!parent) {
        log.error(origin(object, column), 'unknown_reference', column, {
          value: String(object[column]),
          params: { kind: parentTable },
        })
        continue
      }
      for (const key of parentColumns) delete object[key]
      const listed = Array.isArray(parent[child.key]) ? (parent[child.key] as Json[]) : []
      listed.push(object)
      parent[child.key] = listed
    }
  }
  for (const object of rows.get('url') ?? []) {
    const service = byId.get('service')?.get(String(object.service_id))
    const organization = byId.get('organization')?.get(String(object.organization_id))
    const parent = service ?? organization
    if (!parent) {
      const column = object.service_id ? 'service_id' : 'organization_id'
      log.error(origin(object, column), 'unknown_reference', column, {
        value: String(object.service_id ?? object.organization_id ?? ''),
      })
      continue
    }
    const key = service ? 'additional_urls' : 'additional_websites'
    delete object.service_id
    delete object.organization_id
    parent[key] = [...(Array.isArray(parent[key]) ? (parent[key] as Json[]) : []), object]
  }
  const everything = topTables.flatMap((table) => [...(byId.get(table)?.values() ?? [])])
  const entryById = new Map(everything.map((object) => [String(object.id), object]))
  for (const object of rows.get('metadata') ?? []) {
    const parent = entryById.get(String(object.resource_id))
    if (!parent) {
      log.warn(origin(object, 'resource_id'), 'unknown_reference', 'resource_id', {
        value: String(object.resource_id ?? ''),
      })
      continue
    }
    parent.metadata = [...(Array.isArray(parent.metadata) ? (parent.metadata as Json[]) : []), object]
  }

  // meta_table_descriptions.csv may give each table's language.
  const tableLanguage = new Map<string, Language>()
  for (const object of rows.get('meta_table_description') ?? []) {
    const table = tableOf({ name: object.name })
    const language = languageOf(object.language)
    if (table && language) tableLanguage.set(table, language)
  }
  for (const table of topTables)
    for (const object of rows.get(table) ?? []) {
      const language = tableLanguage.get(table)
      if (language) reader.textLanguage.set(object, language)
      profileColumns(reader, object)
      reader.entry(object, '', table)
    }
  for (const object of rows.get('attribute') ?? []) reader.attribute(object, '')
}

/** The Relais profile's extensions as flat columns (`name_fr`, `referral_status`, `jurisdiction_state_province`, ...). */
function profileColumns(reader: HsdsReader, object: Json) {
  const origin = reader.rowOrigins.get(object)
  const nested = (value: Json) => {
    if (origin) reader.rowOrigins.set(value, origin)
    return value
  }
  const take = (column: string) => {
    const value = object[column]
    delete object[column]
    return value
  }
  const translations: Json = {}
  for (const language of ['en', 'fr']) {
    const name = take(`name_${language}`)
    const description = take(`description_${language}`)
    if (name !== undefined || description !== undefined)
      translations[language] = nested({
        ...(name !== undefined ? { name } : {}),
        ...(description !== undefined ? { description } : {}),
      })
  }
  if (Object.keys(translations).length > 0) object.translations = nested(translations)
  if (typeof object.referral_status === 'string' || 'referral_status_as_of' in object)
    object.referral_status = nested({ status: object.referral_status, as_of: take('referral_status_as_of') })
  const eligibility: Json = {}
  for (const column of ['status_independent', 'substance_use_accepted'])
    if (column in object) eligibility[column] = take(column)
  if (Object.keys(eligibility).length > 0) object.eligibility = nested(eligibility)
  const jurisdiction: Json = {}
  for (const column of ['country', 'state_province', 'municipality'])
    if (`jurisdiction_${column}` in object) jurisdiction[column] = take(`jurisdiction_${column}`)
  if (typeof object.jurisdiction_area === 'string') {
    const text = take('jurisdiction_area') as string
    try {
      jurisdiction.area = JSON.parse(text)
    } catch {
      jurisdiction.area = text
    }
  }
  if (Object.keys(jurisdiction).length > 0) object.jurisdiction = nested(jurisdiction)
  const verification: Json = {}
  if ('verification_interval_days' in object) verification.interval_days = take('verification_interval_days')
  if ('last_verified_at' in object) verification.last_verified_at = take('last_verified_at')
  if (Object.keys(verification).length > 0) object.verification = nested(verification)
}
