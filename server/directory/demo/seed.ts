import { type Kysely, sql } from 'kysely'
import type { AuditContext } from '../../audit/audit.store.ts'
import type { Database } from '../../db/database.ts'
import type { DB } from '../../db/schema.ts'
import type { DemoContext } from '../../demo/demo.ts'
import { type DirectoryBundle, emptyBundle } from '../directory.records.ts'
import { type SaveSummary, saveBundle } from '../directory.service.ts'
import {
  DEFAULT_DEMO_SERVICES,
  type DemoVerification,
  type GeneratedDirectory,
  generateDirectory,
} from './generate.ts'

export const DEMO_SERVICES_VARIABLE = 'RELAIS_DEMO_DIRECTORY_SERVICES'
const MAX_DEMO_SERVICES = 1_000_000

/** The demo directory's size: RELAIS_DEMO_DIRECTORY_SERVICES, or 4,000 services. */
export function demoDirectorySize(env: Record<string, string | undefined> = process.env): number {
  const raw = env[DEMO_SERVICES_VARIABLE]?.trim()
  if (!raw) return DEFAULT_DEMO_SERVICES
  const value = Number(raw)
  if (!Number.isInteger(value) || value < 1 || value > MAX_DEMO_SERVICES)
    throw new Error(
      `${DEMO_SERVICES_VARIABLE} must be a whole number from 1 to ${MAX_DEMO_SERVICES}, not "${raw}"`,
    )
  return value
}

/**
 * Splits a generated bundle into parts of about `services` services each, every organization whole
 * with its locations, services, placements and attributes; the taxonomies and the gazetteer go with
 * the first part. Saving the parts in order gives the same directory as saving the whole.
 */
export function splitBundle(bundle: DirectoryBundle, services: number): DirectoryBundle[] {
  const parts: DirectoryBundle[] = []
  const servicesOf = groupBy(bundle.services, (s) => s.organizationId)
  const locationsOf = groupBy(bundle.locations, (l) => l.organizationId ?? '')
  const placementsOf = groupBy(bundle.serviceAtLocations, (p) => p.serviceId)
  const attributesOf = groupBy(bundle.attributes, (a) => a.linkId)
  let part: DirectoryBundle | undefined
  let size = 0
  for (const organization of bundle.organizations) {
    if (!part || size >= services) {
      part = emptyBundle()
      parts.push(part)
      size = 0
    }
    const own = servicesOf.get(organization.id) ?? []
    const locations = locationsOf.get(organization.id) ?? []
    const placements = own.flatMap((s) => placementsOf.get(s.id) ?? [])
    part.organizations.push(organization)
    part.locations.push(...locations)
    part.services.push(...own)
    part.serviceAtLocations.push(...placements)
    for (const id of [
      organization.id,
      ...locations.map((l) => l.id),
      ...own.map((s) => s.id),
      ...placements.map((p) => p.id),
    ])
      part.attributes.push(...(attributesOf.get(id) ?? []))
    size += own.length
  }
  if (parts.length === 0) parts.push(emptyBundle())
  const first = parts[0]!
  first.taxonomies = bundle.taxonomies
  first.taxonomyTerms = bundle.taxonomyTerms
  first.municipalities = bundle.municipalities ?? []
  return parts
}

function groupBy<T>(items: T[], key: (item: T) => string): Map<string, T[]> {
  const map = new Map<string, T[]>()
  for (const item of items) {
    const k = key(item)
    const list = map.get(k)
    if (list) list.push(item)
    else map.set(k, [item])
  }
  return map
}

/**
 * Records when the generated entries were last confirmed: `last_verified_at` on organizations and
 * services (and on the search rows, which carry it), and a verification history row each when a
 * directory manager is named.
 */
export async function applyVerifications(
  db: Kysely<DB>,
  verifications: DemoVerification[],
  { today, verifiedBy }: { today: Date; verifiedBy: string | null },
) {
  const at = (days: number) => new Date(today.getTime() - days * 86_400_000 + 10 * 3_600_000)
  for (const entityType of ['organization', 'service'] as const) {
    const rows = verifications.filter((v) => v.entityType === entityType)
    const table = entityType === 'organization' ? 'directory_organization' : 'directory_service'
    for (let i = 0; i < rows.length; i += 1000) {
      const batch = rows.slice(i, i + 1000)
      const values = sql.join(
        batch.map((v) => sql`(${v.entityId}, ${at(v.daysAgo).toISOString()}::timestamptz)`),
      )
      await sql`update ${sql.table(table)} as t set last_verified_at = v.at, last_verified_by = ${verifiedBy}::uuid
        from (values ${values}) as v(id, at) where t.id = v.id`.execute(db)
    }
  }
  const services = verifications.filter((v) => v.entityType === 'service').map((v) => v.entityId)
  for (let i = 0; i < services.length; i += 1000) {
    await sql`update directory_search as r set last_verified_at = s.last_verified_at
      from directory_service as s where s.id = r.service_id and s.id in (${sql.join(services.slice(i, i + 1000))})`.execute(
      db,
    )
  }
  if (!verifiedBy) return
  for (let i = 0; i < verifications.length; i += 1000) {
    await db
      .insertInto('directory_verification')
      .values(
        verifications.slice(i, i + 1000).map((v) => ({
          entity_type: v.entityType,
          entity_id: v.entityId,
          outcome: 'confirmed' as const,
          verified_by: verifiedBy,
          verified_at: at(v.daysAgo),
        })),
      )
      .execute()
  }
}

export interface SeedOptions {
  audit: AuditContext
  today?: Date
  /** The staff member the verification history names; none writes only the dates. */
  verifiedBy?: string | null
  /** Services per transaction; by default the whole directory is one transaction. */
  servicesPerTransaction?: number
  /**
   * Transactions in flight at once, on a database with a connection pool (PostgreSQL): the parts
   * hold different entries, so they can be written side by side once the first (with the
   * taxonomies and the gazetteer) is in.
   */
  concurrency?: number
  action?: string
}

/** Writes a generated directory through the directory's one write path, then its verification dates. */
export async function seedDirectory(
  database: Database | { db: Kysely<DB> },
  generated: GeneratedDirectory,
  {
    audit,
    today = startOfToday(),
    verifiedBy = null,
    servicesPerTransaction,
    concurrency = 1,
    action = 'directory.demo_seeded',
  }: SeedOptions,
): Promise<SaveSummary[]> {
  const parts = servicesPerTransaction
    ? splitBundle(generated.bundle, servicesPerTransaction)
    : [generated.bundle]
  const verificationsOf = groupBy(generated.verifications, (v) => v.entityId)
  const summaries: SaveSummary[] = []
  const save = async (part: DirectoryBundle) => {
    const verifications = [...part.organizations, ...part.services].flatMap(
      (entry) => verificationsOf.get(entry.id) ?? [],
    )
    const write = async (trx: Kysely<DB>) => {
      summaries.push(await saveBundle({ db: trx }, part, audit, { mode: 'summary', action }))
      await applyVerifications(trx, verifications, { today, verifiedBy })
    }
    if (database.db.isTransaction) await write(database.db)
    else await database.db.transaction().execute(write)
  }
  const [first, ...rest] = parts
  if (first) await save(first)
  const queue = [...rest]
  const worker = async () => {
    for (let part = queue.shift(); part; part = queue.shift()) await save(part)
  }
  const lanes = database.db.isTransaction ? 1 : Math.max(1, concurrency)
  await Promise.all(Array.from({ length: lanes }, worker))
  return summaries
}

const startOfToday = () => new Date(new Date().toISOString().slice(0, 10))

/** The directory's share of the demo data: a generated Canadian directory, when the directory is empty. */
export async function seedDemoDirectory(context: DemoContext) {
  const db = context.database.db
  const existing = await db
    .selectFrom('directory_organization')
    .select(['kind', db.fn.countAll<number>().as('count')])
    .groupBy('kind')
    .execute()
  if (existing.length > 0) {
    const count = (kind: string) => Number(existing.find((row) => row.kind === kind)?.count ?? 0)
    context.report.push(
      `Demo directory: ${count('service_provider').toLocaleString('en-CA')} providers, ${count('law_enforcement')} police services and ${count('child_protection')} child-protection agencies (already there).`,
    )
    return
  }
  const started = performance.now()
  const generated = generateDirectory({ seed: context.seed, services: demoDirectorySize() })
  const manager = await db
    .selectFrom('staff_user')
    .select('id')
    .where('role', '=', 'directory_manager')
    .orderBy('created_at')
    .executeTakeFirst()
  await seedDirectory(context.database, generated, { audit: context.audit, verifiedBy: manager?.id ?? null })
  const c = generated.counts
  const n = (value: number) => value.toLocaleString('en-CA')
  context.report.push(
    `Demo directory: ${n(c.providers)} providers with ${n(c.services)} services, ${c.police} police services and ${c.childProtection} child-protection agencies in ${c.municipalities} municipalities (${n(c.confidentialServices)} confidential services), written in ${((performance.now() - started) / 1000).toFixed(1)} s.`,
  )
}
