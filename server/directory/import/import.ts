import { readFile, stat } from 'node:fs/promises'
import path from 'node:path'
import type { Kysely } from 'kysely'
import type { AuditContext } from '../../audit/audit.store.ts'
import type { Database } from '../../db/database.ts'
import type { DB } from '../../db/schema.ts'
import { type DirectoryBundle, emptyBundle } from '../directory.records.ts'
import { saveBundle } from '../directory.service.ts'
import { BundleBuilder, entryKey } from './builder.ts'
import { parseCsvTable } from './csv.ts'
import { HsdsReader, type Language, readHsdsJson } from './hsds.ts'
import { restoreRelaisIds } from './ids.ts'
import { type EntryKind, type ImportIssue, IssueLog } from './issues.ts'
import { checkReferences, rejectInvalid } from './references.ts'
import { readSpreadsheet } from './spreadsheet.ts'
import { isTabularJson, readTabular, readTabularJson } from './tabular.ts'

export type ImportFormat = 'hsds-json' | 'hsds-csv' | 'spreadsheet'

export interface ImportProgress {
  phase: 'read' | 'write'
  done: number
  total: number
}

export interface ImportOptions {
  /** A JSON file, a CSV spreadsheet, or a folder (or its `datapackage.json`) of HSDS tabular data. */
  file: string
  format?: 'auto' | ImportFormat
  /** Import the valid entries and report the others, instead of importing nothing. */
  partial?: boolean
  /** The language of text the file does not mark with one (`name`, `description`). */
  language?: Language
  onProgress?: (progress: ImportProgress) => void
  audit?: AuditContext
  /** Entries written per batch, all batches in one transaction. */
  batchSize?: number
}

export interface ImportCounts {
  created: number
  updated: number
  unchanged: number
  rejected: number
}

export interface ImportResult extends ImportCounts {
  format: ImportFormat | null
  /** False when the file had errors and nothing was written. */
  imported: boolean
  /** Entries read from the file, per kind. */
  read: Record<EntryKind, number>
  /** Every problem found: errors (which stop the import, or their entry with `partial`) and warnings. */
  issues: ImportIssue[]
  errors: ImportIssue[]
  warnings: ImportIssue[]
}

const importAudit: AuditContext = { actorId: null, actorLabel: 'import', address: null, requestId: null }

/** Which reader a path needs: by folder, extension, then first character. */
export async function detectFormat(file: string): Promise<ImportFormat | undefined> {
  const info = await stat(file)
  if (info.isDirectory()) return 'hsds-csv'
  if (path.basename(file).toLowerCase() === 'datapackage.json') return 'hsds-csv'
  const extension = path.extname(file).toLowerCase()
  if (extension === '.json') return 'hsds-json'
  if (extension === '.csv') return 'spreadsheet'
  const head = (await readFile(file, 'utf8'))
    .slice(0, 200)
    .replace(/^\uFEFF/, '')
    .trimStart()
  if (head.startsWith('{') || head.startsWith('[')) return 'hsds-json'
  if (head.includes(',')) return 'spreadsheet'
  return undefined
}

/** Reads and checks a file into a bundle, without writing anything. */
export async function readDirectoryFile(
  db: Kysely<DB>,
  options: Pick<ImportOptions, 'file' | 'format' | 'language'>,
): Promise<{ format: ImportFormat | null; builder: BundleBuilder; log: IssueLog }> {
  const log = new IssueLog()
  const builder = new BundleBuilder(log)
  const display = path.basename(options.file)
  let format: ImportFormat | null = null
  try {
    format =
      options.format && options.format !== 'auto'
        ? options.format
        : ((await detectFormat(options.file)) ?? null)
  } catch (error) {
    log.error({ file: display }, 'file_unreadable', '', { value: (error as Error).message })
    return { format, builder, log }
  }
  if (!format) {
    log.error({ file: display }, 'unknown_format', '')
    return { format, builder, log }
  }
  const language = options.language ?? 'en'
  try {
    if (format === 'hsds-csv') {
      const folder = (await stat(options.file)).isDirectory() ? options.file : path.dirname(options.file)
      await readTabular(new HsdsReader(builder, display, language), folder)
    } else {
      const text = await readFile(options.file, 'utf8')
      if (format === 'hsds-json') {
        let document: unknown
        try {
          document = JSON.parse(text.replace(/^\uFEFF/, ''))
        } catch (error) {
          const message = (error as Error).message
          log.error({ file: display, ...jsonErrorLine(text, message) }, 'malformed_json', '', {
            value: message,
          })
          return { format, builder, log }
        }
        const reader = new HsdsReader(builder, display, language)
        if (isTabularJson(document)) readTabularJson(reader, document)
        else readHsdsJson(reader, document)
      } else {
        const table = parseCsvTable(text)
        for (const problem of table.problems) {
          if (problem.code === 'row_width')
            log.error({ file: display, line: problem.line }, 'csv_row_width', '', {
              params: { expected: problem.expected, found: problem.found },
            })
          else
            log.error({ file: display, line: problem.line }, 'malformed_csv', '', {
              params: { problem: problem.code },
            })
        }
        readSpreadsheet(builder, display, table.header, table.rows, language)
      }
    }
  } catch (error) {
    log.error({ file: display }, 'file_unreadable', '', { value: (error as Error).message })
    return { format, builder, log }
  }
  refuseNulCharacters(builder, log)
  await restoreRelaisIds(db, builder)
  await checkReferences(db, builder, log)
  return { format, builder, log }
}

const hasNul = (value: unknown): boolean =>
  typeof value === 'string'
    ? value.includes('\u0000')
    : Array.isArray(value)
      ? value.some(hasNul)
      : typeof value === 'object' && value !== null
        ? Object.entries(value).some(([key, item]) => key.includes('\u0000') || hasNul(item))
        : false

/** PostgreSQL stores no NUL character in text or JSON: an entry holding one is refused. */
function refuseNulCharacters(builder: BundleBuilder, log: IssueLog) {
  const { bundle } = builder
  const lists: [EntryKind, { id: string }[]][] = [
    ['taxonomy', bundle.taxonomies],
    ['taxonomy_term', bundle.taxonomyTerms],
    ['organization', bundle.organizations],
    ['location', bundle.locations],
    ['service', bundle.services],
    ['service_at_location', bundle.serviceAtLocations],
  ]
  for (const [kind, records] of lists)
    for (const record of records)
      if (hasNul(record))
        log.error(builder.origins.get(entryKey(kind, record.id)) ?? { file: '' }, 'nul_character', '', {
          entry: { kind, id: record.id },
        })
  for (const attribute of bundle.attributes)
    if (hasNul(attribute))
      log.error(builder.origins.get(`attribute:${attribute.id}`) ?? { file: '' }, 'nul_character', '', {
        entry: { kind: attribute.linkEntity, id: attribute.linkId },
      })
}

/** The line of a JSON syntax error, from the position V8 names in its message. */
function jsonErrorLine(text: string, message: string): { line?: number } {
  const position = /position (\d+)/.exec(message)
  if (position) return { line: text.slice(0, Number(position[1])).split('\n').length }
  const line = /line (\d+)/.exec(message)
  return line ? { line: Number(line[1]) } : {}
}

const countOf = (bundle: DirectoryBundle) =>
  bundle.taxonomies.length +
  bundle.taxonomyTerms.length +
  bundle.organizations.length +
  bundle.locations.length +
  bundle.services.length +
  bundle.serviceAtLocations.length

/**
 * Splits a bundle into batches that each hold whole groups of linked entries (an organization with
 * its locations, services and their placements), so each service's search row is rebuilt once.
 * Taxonomies and their terms come first, in a batch of their own.
 */
export function batchesOf(bundle: DirectoryBundle, size: number): DirectoryBundle[] {
  const parent = new Map<string, string>()
  const find = (key: string): string => {
    let root = key
    while (parent.has(root) && parent.get(root) !== root) root = parent.get(root)!
    parent.set(key, root)
    return root
  }
  const union = (a: string, b: string) => {
    const ra = find(a)
    const rb = find(b)
    if (ra !== rb) parent.set(ra, rb)
  }
  const inBundle = new Set<string>()
  for (const o of bundle.organizations) inBundle.add(entryKey('organization', o.id))
  for (const l of bundle.locations) inBundle.add(entryKey('location', l.id))
  for (const s of bundle.services) inBundle.add(entryKey('service', s.id))
  for (const p of bundle.serviceAtLocations) inBundle.add(entryKey('service_at_location', p.id))
  const link = (a: string, b: string) => {
    if (inBundle.has(a) && inBundle.has(b)) union(a, b)
    else find(a)
  }
  for (const l of bundle.locations)
    link(entryKey('location', l.id), entryKey('organization', l.organizationId ?? ''))
  for (const s of bundle.services) link(entryKey('service', s.id), entryKey('organization', s.organizationId))
  for (const p of bundle.serviceAtLocations) {
    link(entryKey('service_at_location', p.id), entryKey('service', p.serviceId))
    link(entryKey('service_at_location', p.id), entryKey('location', p.locationId))
  }
  for (const key of inBundle) find(key)

  const groups = new Map<string, DirectoryBundle>()
  const group = (key: string) => {
    const root = find(key)
    let bundleOf = groups.get(root)
    if (!bundleOf) {
      bundleOf = emptyBundle()
      groups.set(root, bundleOf)
    }
    return bundleOf
  }
  for (const o of bundle.organizations) group(entryKey('organization', o.id)).organizations.push(o)
  for (const l of bundle.locations) group(entryKey('location', l.id)).locations.push(l)
  for (const s of bundle.services) group(entryKey('service', s.id)).services.push(s)
  for (const p of bundle.serviceAtLocations)
    group(entryKey('service_at_location', p.id)).serviceAtLocations.push(p)
  const loose: DirectoryBundle['attributes'] = []
  for (const a of bundle.attributes) {
    const key = entryKey(a.linkEntity, a.linkId)
    if (inBundle.has(key)) group(key).attributes.push(a)
    else loose.push(a)
  }

  const batches: DirectoryBundle[] = []
  if (bundle.taxonomies.length + bundle.taxonomyTerms.length > 0)
    batches.push({ ...emptyBundle(), taxonomies: bundle.taxonomies, taxonomyTerms: bundle.taxonomyTerms })
  let current = emptyBundle()
  for (const part of groups.values()) {
    if (countOf(current) > 0 && countOf(current) + countOf(part) > size) {
      batches.push(current)
      current = emptyBundle()
    }
    current.organizations.push(...part.organizations)
    current.locations.push(...part.locations)
    current.services.push(...part.services)
    current.serviceAtLocations.push(...part.serviceAtLocations)
    current.attributes.push(...part.attributes)
  }
  current.attributes.push(...loose)
  if (countOf(current) > 0 || current.attributes.length > 0) batches.push(current)
  return batches
}

/**
 * Imports a directory file: detects its format, reads and checks every entry, and writes them all
 * through `saveBundle` in batches inside one transaction (so an import is whole or absent). A file
 * with errors writes nothing, unless `partial`, which writes the valid entries and reports the rest.
 */
export async function importDirectory(
  database: Database | { db: Kysely<DB> },
  options: ImportOptions,
): Promise<ImportResult> {
  const { format, builder, log } = await readDirectoryFile(database.db, options)
  const bundle = builder.bundle
  const read: Record<EntryKind, number> = {
    taxonomy: bundle.taxonomies.length,
    taxonomy_term: bundle.taxonomyTerms.length,
    organization: bundle.organizations.length,
    location: bundle.locations.length,
    service: bundle.services.length,
    service_at_location: bundle.serviceAtLocations.length,
  }
  const result = (counts: ImportCounts, imported: boolean): ImportResult => ({
    format,
    imported,
    read,
    ...counts,
    issues: log.issues,
    errors: log.errors,
    warnings: log.issues.filter((issue) => issue.severity === 'warning'),
  })
  const total = countOf(bundle)
  let rejected = 0
  if (log.errors.length > 0) {
    if (!options.partial) return result({ created: 0, updated: 0, unchanged: 0, rejected: total }, false)
    rejected = rejectInvalid(builder, log).size
  }
  const writable = countOf(bundle)
  if (writable === 0 && bundle.attributes.length === 0)
    return result({ created: 0, updated: 0, unchanged: 0, rejected }, log.errors.length === 0)

  const counts: ImportCounts = { created: 0, updated: 0, unchanged: 0, rejected }
  const batches = batchesOf(bundle, options.batchSize ?? 1000)
  const audit = options.audit ?? importAudit
  let done = 0
  options.onProgress?.({ phase: 'write', done, total: writable })
  const write = async (trx: Kysely<DB>) => {
    for (const batch of batches) {
      const summary = await saveBundle({ db: trx }, batch, audit, {
        mode: 'summary',
        action: 'directory.imported',
      })
      for (const ids of Object.values(summary.created)) counts.created += ids.length
      for (const ids of Object.values(summary.updated)) counts.updated += ids.length
      counts.unchanged += summary.unchanged
      done += countOf(batch)
      options.onProgress?.({ phase: 'write', done, total: writable })
    }
  }
  if (database.db.isTransaction) await write(database.db)
  else await database.db.transaction().execute(write)
  return result(counts, true)
}
