import { createWriteStream, mkdirSync, readFileSync, type WriteStream } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Kysely } from 'kysely'
import type { DB } from '../../db/schema.ts'
import { idsAfter } from './queries.ts'
import {
  type HsdsObject,
  type Lang,
  type ReadContext,
  readOwn,
  readTaxonomies,
  readTaxonomyTerms,
  type TopLevel,
} from './read-model.ts'

/**
 * Exports the directory as HSDS 3.1, by default the public directory only (no confidential entry,
 * exactly what the public API shows); `includeConfidential` exports everything, for backups.
 *
 * - `hsds-json`: one JSON file, an object with one array per HSDS type (organizations, locations,
 *   services, service_at_locations, taxonomies, taxonomy_terms); each object carries its own
 *   sub-objects (phones, addresses, schedules, ...) and attributes, and links to the others by id.
 * - `hsds-csv`: a folder holding the HSDS tabular data package: datapackage.json and one CSV file per
 *   HSDS table, with the official columns in their order, then the Relais profile's columns.
 *
 * Both read through the API's read model, a batch of entries at a time. The public export publishes
 * HSDS ids (UUIDs) as the API does; a backup keeps stored ids and sub-objects exactly, so that it
 * imports back unchanged.
 */
export type ExportFormat = 'hsds-json' | 'hsds-csv'

export interface ExportOptions {
  format: ExportFormat
  out: string
  includeConfidential?: boolean
  lang?: Lang
}

export type ExportSummary = Record<string, number>

const BATCH = 500
const officialDatapackage = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../../../../shared/hsds/datapackage.json',
)

const topLevel: [TopLevel, string][] = [
  ['organization', 'organizations'],
  ['location', 'locations'],
  ['service', 'services'],
  ['service_at_location', 'service_at_locations'],
]

/** Every visible entry of one type, a batch at a time. */
async function* entries(
  ctx: ReadContext,
  kind: TopLevel | 'taxonomy' | 'taxonomy_term',
): AsyncGenerator<HsdsObject[]> {
  for (let after = ''; ; ) {
    const ids = await idsAfter(ctx, kind, after, BATCH)
    if (ids.length === 0) return
    yield kind === 'taxonomy'
      ? await readTaxonomies(ctx, ids)
      : kind === 'taxonomy_term'
        ? await readTaxonomyTerms(ctx, ids)
        : await readOwn(ctx, kind, ids)
    after = ids.at(-1) ?? after
  }
}

class Output {
  private readonly stream: WriteStream
  constructor(file: string) {
    this.stream = createWriteStream(file, { encoding: 'utf8' })
  }
  async write(text: string) {
    if (!this.stream.write(text)) await new Promise<void>((resolve) => this.stream.once('drain', resolve))
  }
  close() {
    return new Promise<void>((resolve, reject) => {
      this.stream.once('error', reject)
      this.stream.end(resolve)
    })
  }
}

export async function exportDirectory(
  database: { db: Kysely<DB> },
  { format, out, includeConfidential = false, lang = 'en' }: ExportOptions,
): Promise<ExportSummary> {
  const ctx: ReadContext = { db: database.db, lang, scope: includeConfidential ? 'all' : 'public' }
  return format === 'hsds-json' ? exportJson(ctx, out) : exportCsv(ctx, out)
}

async function exportJson(ctx: ReadContext, file: string): Promise<ExportSummary> {
  mkdirSync(path.dirname(path.resolve(file)), { recursive: true })
  const output = new Output(file)
  const summary: ExportSummary = {}
  await output.write(
    `{"hsds_version":"3.1","profile":"relais","confidential_included":${ctx.scope === 'all'},` +
      `"exported_at":${JSON.stringify(new Date().toISOString())}`,
  )
  const lists: [TopLevel | 'taxonomy' | 'taxonomy_term', string][] = [
    ...topLevel,
    ['taxonomy', 'taxonomies'],
    ['taxonomy_term', 'taxonomy_terms'],
  ]
  for (const [kind, key] of lists) {
    await output.write(`,\n${JSON.stringify(key)}:[`)
    let count = 0
    for await (const batch of entries(ctx, kind)) {
      for (const object of batch) {
        await output.write(`${count === 0 ? '\n' : ',\n'}${JSON.stringify(object)}`)
        count += 1
      }
    }
    await output.write('\n]')
    summary[key] = count
  }
  await output.write('}\n')
  await output.close()
  return summary
}

// ---------------------------------------------------------------------------------------------
// The tabular form

interface Field {
  name: string
  type?: string
  [key: string]: unknown
}
interface Resource {
  name: string
  path: string
  schema: { fields: Field[]; [key: string]: unknown }
  [key: string]: unknown
}

/** Which HSDS table a nested array of sub-objects belongs to. */
const childTable: Record<string, string> = {
  phones: 'phone',
  contacts: 'contact',
  addresses: 'address',
  schedules: 'schedule',
  languages: 'language',
  funding: 'funding',
  service_areas: 'service_area',
  required_documents: 'required_document',
  accessibility: 'accessibility',
  cost_options: 'cost_option',
  organization_identifiers: 'organization_identifier',
  programs: 'program',
  additional_urls: 'url',
  additional_websites: 'url',
  attributes: 'attribute',
  capacities: 'service_capacity',
}

type Column = [name: string, value: (object: HsdsObject) => unknown, type: string]
const text = (lang: 'en' | 'fr', key: 'name' | 'description') => (object: HsdsObject) =>
  (object.translations as Record<string, Record<string, unknown>> | undefined)?.[lang]?.[key]
const nested = (key: string, field: string) => (object: HsdsObject) =>
  (object[key] as Record<string, unknown> | undefined)?.[field]
const translated: Column[] = [
  ['name_en', text('en', 'name'), 'string'],
  ['name_fr', text('fr', 'name'), 'string'],
  ['description_en', text('en', 'description'), 'string'],
  ['description_fr', text('fr', 'description'), 'string'],
]
const verified: Column[] = [
  ['last_verified_at', nested('verification', 'last_verified_at'), 'datetime'],
  ['verification_interval_days', nested('verification', 'interval_days'), 'integer'],
]
const confidential: Column = ['confidential', (o) => o.confidential, 'boolean']

/** The Relais profile's properties, as extra columns after the official ones. */
const profileColumns: Record<string, Column[]> = {
  organization: [
    confidential,
    ['agency_kind', (o) => o.agency_kind, 'string'],
    ['emergency_phone', (o) => o.emergency_phone, 'string'],
    ['jurisdiction_country', nested('jurisdiction', 'country'), 'string'],
    ['jurisdiction_state_province', nested('jurisdiction', 'state_province'), 'string'],
    ['jurisdiction_municipality', nested('jurisdiction', 'municipality'), 'string'],
    ['jurisdiction_area', nested('jurisdiction', 'area'), 'geojson'],
    ...verified,
    ...translated,
  ],
  service: [
    confidential,
    ['referral_status', nested('referral_status', 'status'), 'string'],
    ['referral_status_as_of', nested('referral_status', 'as_of'), 'date'],
    ['status_independent', nested('eligibility', 'status_independent'), 'boolean'],
    ['substance_use_accepted', nested('eligibility', 'substance_use_accepted'), 'boolean'],
    ...verified,
    ...translated,
  ],
  location: [confidential, ...verified, ...translated],
  taxonomy_term: translated,
}

export function csvValue(value: unknown): string {
  if (value === null || value === undefined) return ''
  const raw = typeof value === 'object' ? JSON.stringify(value) : String(value)
  return /[",\r\n]/.test(raw) ? `"${raw.replaceAll('"', '""')}"` : raw
}

class Tables {
  private readonly outputs = new Map<string, Output>()
  readonly counts: Record<string, number> = {}

  constructor(
    private readonly dir: string,
    readonly resources: Map<string, Resource>,
  ) {}

  private columns(table: string): Column[] {
    const resource = this.resources.get(table)
    if (!resource) return []
    // The resource's fields are the official columns followed by the profile's.
    const profile = new Map((profileColumns[table] ?? []).map((column) => [column[0], column]))
    return resource.schema.fields.map(
      (field): Column =>
        profile.get(field.name) ?? [field.name, (o) => o[field.name], field.type ?? 'string'],
    )
  }

  async open() {
    for (const [table, resource] of this.resources) {
      const output = new Output(path.join(this.dir, resource.path))
      this.outputs.set(table, output)
      this.counts[table] = 0
      await output.write(
        `${this.columns(table)
          .map(([name]) => csvValue(name))
          .join(',')}\r\n`,
      )
    }
  }

  /** One object's row, and the rows of its nested sub-objects, linked to it by id. */
  async add(table: string, object: HsdsObject) {
    const output = this.outputs.get(table)
    if (!output) return
    const columns = this.columns(table)
    await output.write(`${columns.map(([, value]) => csvValue(value(object))).join(',')}\r\n`)
    this.counts[table] = (this.counts[table] ?? 0) + 1
    for (const [key, value] of Object.entries(object)) {
      const child = childTable[key]
      if (!child || !Array.isArray(value)) continue
      const link = `${table}_id`
      const linkable = this.columns(child).some(([name]) => name === link)
      for (const item of value as HsdsObject[])
        await this.add(child, linkable && item[link] === undefined ? { ...item, [link]: object.id } : item)
    }
  }

  async close() {
    for (const output of this.outputs.values()) await output.close()
  }
}

async function exportCsv(ctx: ReadContext, dir: string): Promise<ExportSummary> {
  mkdirSync(dir, { recursive: true })
  const official = JSON.parse(readFileSync(officialDatapackage, 'utf8')) as Record<string, unknown> & {
    resources: Resource[]
  }
  const written = new Set([
    ...Object.values(childTable),
    'organization',
    'service',
    'location',
    'service_at_location',
    'taxonomy',
    'taxonomy_term',
  ])
  const resources = official.resources
    .filter((resource) => written.has(resource.name))
    .map((resource) => ({
      ...resource,
      schema: {
        ...resource.schema,
        fields: [
          ...resource.schema.fields,
          ...(profileColumns[resource.name] ?? []).map(([name, , type]) => ({
            name,
            type:
              type === 'datetime' || type === 'date' || type === 'integer' || type === 'boolean'
                ? type
                : 'string',
            ...(type === 'geojson' ? { format: 'geojson' } : {}),
            description: 'Relais profile of HSDS (see docs/hsds-profile/README.md)',
          })),
        ],
      },
    }))
  const tables = new Tables(dir, new Map(resources.map((resource) => [resource.name, resource])))
  await tables.open()
  for (const [kind] of topLevel)
    for await (const batch of entries(ctx, kind)) for (const object of batch) await tables.add(kind, object)
  for (const kind of ['taxonomy', 'taxonomy_term'] as const)
    for await (const batch of entries(ctx, kind)) for (const object of batch) await tables.add(kind, object)
  await tables.close()

  const { resources: _official, ...rest } = official
  const datapackage = {
    ...rest,
    name: 'relais_directory',
    title: 'Relais referral directory (HSDS 3.1)',
    description: `${ctx.scope === 'all' ? 'Every entry, confidential ones included (a backup).' : 'The public directory: no confidential entry.'} Columns follow HSDS; the last ones of organizations, services, locations and taxonomy terms are the Relais profile's.`,
    created: new Date().toISOString(),
    resources,
  }
  const output = new Output(path.join(dir, 'datapackage.json'))
  await output.write(`${JSON.stringify(datapackage, null, 2)}\n`)
  await output.close()
  return Object.fromEntries(Object.entries(tables.counts).filter(([, count]) => count > 0))
}
