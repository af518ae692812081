import { randomUUID } from 'node:crypto'
import { type Kysely, sql } from 'kysely'
import type {
  entityTypes,
  LocationInput,
  OrganizationInput,
  ServiceInput,
  verificationOutcomes,
} from '../../common/contracts/directory.ts'
import { type AuditContext, appendAuditEvent } from '../audit/audit.store.ts'
import type { Database } from '../db/database.ts'
import type { DB } from '../db/schema.ts'
import { AppError, notFound } from '../http/errors.ts'
import { type AttributeRecord, emptyBundle } from './directory.records.ts'
import { saveBundle } from './directory.service.ts'
import { refreshSearch, unknownTerms } from './directory.store.ts'
import type { HsdsDoc } from './directory.tables.ts'
import { POPULATION, SERVICE_TYPE } from './taxonomies.ts'

type Db = Kysely<DB>
type EntityType = (typeof entityTypes)[number]
type Outcome = (typeof verificationOutcomes)[number]

export interface VerificationDefaults {
  organization: number
  service: number
  location: number
}

const list = (doc: HsdsDoc, key: string) =>
  Array.isArray(doc[key]) ? (doc[key] as Record<string, unknown>[]) : []

/** Sets the first phone number, keeping any other phones the entry has. */
function withPhone(doc: HsdsDoc, number: string | null | undefined): Record<string, unknown>[] {
  const [first, ...rest] = list(doc, 'phones')
  if (!number) return rest
  return [{ ...(first ?? {}), id: (first?.id as string | undefined) ?? randomUUID(), number }, ...rest]
}

/** A field the request leaves out keeps its stored value; `null` clears it. */
const orStored = <T>(value: T | null | undefined, stored: T | null | undefined): T | null =>
  value === undefined ? (stored ?? null) : value

/**
 * The items of an HSDS list the form sends, each keeping the id of a stored item with the same
 * fields (so that an unchanged list is an unchanged entry), a new id otherwise.
 */
function withIds(stored: Record<string, unknown>[], items: Record<string, unknown>[]) {
  const free = [...stored]
  return items.map((item) => {
    const at = free.findIndex((old) => Object.entries(item).every(([key, value]) => old[key] === value))
    const id = at >= 0 ? (free.splice(at, 1)[0]!.id as string | undefined) : undefined
    return { id: id ?? randomUUID(), ...item }
  })
}

const fieldError = (path: string, code: string) =>
  new AppError('validation_failed', 400, { fields: [{ path, code, message: '' }] })

async function requireOrganization(db: Db, id: string, path = 'organizationId') {
  const found = await db
    .selectFrom('directory_organization')
    .select(['id'])
    .where('id', '=', id)
    .executeTakeFirst()
  if (!found) throw fieldError(path, 'unknown_reference')
}

/** Creates or updates an organization from the manager's form, keeping every HSDS field it does not edit. */
export async function saveOrganization(
  database: Database,
  id: string | null,
  input: OrganizationInput,
  audit: AuditContext,
) {
  return database.db.transaction().execute(async (trx) => {
    const existing = id
      ? await trx.selectFrom('directory_organization').selectAll().where('id', '=', id).executeTakeFirst()
      : undefined
    if (id && !existing) throw notFound('organization')
    const doc = existing?.doc ?? {}
    const organizationId = id ?? randomUUID()
    await saveBundle(
      { db: trx },
      {
        ...emptyBundle(),
        organizations: [
          {
            id: organizationId,
            name: input.name,
            description: input.description,
            kind: input.kind,
            confidential: input.confidential,
            jurisdiction: input.jurisdiction
              ? {
                  country: 'CA',
                  province: input.jurisdiction.province,
                  municipality: input.jurisdiction.municipality,
                }
              : null,
            emergencyPhone: input.emergencyPhone,
            verificationIntervalDays: orStored(
              input.verificationIntervalDays,
              existing?.verification_interval_days,
            ),
            doc: {
              ...doc,
              email: input.email ?? undefined,
              website: input.website ?? undefined,
              phones: withPhone(doc, input.phone),
            },
          },
        ],
      },
      audit,
    )
    return organizationId
  })
}

/** Creates or updates a location; without coordinates, the municipality's centre is used when known. */
export async function saveLocation(
  database: Database,
  id: string | null,
  input: LocationInput,
  audit: AuditContext,
) {
  return database.db.transaction().execute(async (trx) => {
    const existing = id
      ? await trx.selectFrom('directory_location').selectAll().where('id', '=', id).executeTakeFirst()
      : undefined
    if (id && !existing) throw notFound('location')
    await requireOrganization(trx, input.organizationId)
    const doc = existing?.doc ?? {}
    let { latitude, longitude } = input
    if ((latitude === null || latitude === undefined) && input.address) {
      const place = await trx
        .selectFrom('directory_municipality')
        .select([sql<number>`st_y(point::geometry)`.as('lat'), sql<number>`st_x(point::geometry)`.as('lng')])
        .where('province', '=', input.address.province)
        .where(sql`lower(unaccent(name))`, '=', sql`lower(unaccent(${input.address.city}))`)
        .executeTakeFirst()
      latitude = place?.lat ?? null
      longitude = place?.lng ?? null
    }
    const [firstAddress, ...otherAddresses] = list(doc, 'addresses')
    const addresses = input.address
      ? [
          {
            ...(firstAddress ?? {}),
            id: (firstAddress?.id as string | undefined) ?? randomUUID(),
            address_1: input.address.address1,
            city: input.address.city,
            state_province: input.address.province,
            postal_code: input.address.postalCode,
            country: 'CA',
            address_type: 'physical',
          },
          ...otherAddresses,
        ]
      : otherAddresses
    const locationId = id ?? randomUUID()
    await saveBundle(
      { db: trx },
      {
        ...emptyBundle(),
        locations: [
          {
            id: locationId,
            organizationId: input.organizationId,
            locationType: 'physical',
            name: input.name,
            description: input.description,
            confidential: input.confidential,
            latitude,
            longitude,
            province: input.address?.province ?? null,
            municipality: input.address?.city ?? null,
            verificationIntervalDays: orStored(
              input.verificationIntervalDays,
              existing?.verification_interval_days,
            ),
            doc: { ...doc, addresses, phones: withPhone(doc, input.phone) },
          },
        ],
      },
      audit,
    )
    return locationId
  })
}

const languageName = new Intl.DisplayNames(['en'], { type: 'language' })

/** Creates or updates a service: its text, types and populations, languages, hours and places. */
export async function saveService(
  database: Database,
  id: string | null,
  input: ServiceInput,
  audit: AuditContext,
) {
  return database.db.transaction().execute(async (trx) => {
    const existing = id
      ? await trx.selectFrom('directory_service').selectAll().where('id', '=', id).executeTakeFirst()
      : undefined
    if (id && !existing) throw notFound('service')
    await requireOrganization(trx, input.organizationId)
    const serviceId = id ?? randomUUID()

    const wanted = [
      ...input.serviceTypes.map((code, index) => ({
        id: `${SERVICE_TYPE}:${code}`,
        path: `serviceTypes.${index}`,
      })),
      ...input.populations.map((code, index) => ({
        id: `${POPULATION}:${code}`,
        path: `populations.${index}`,
      })),
    ]
    const [unknown] = await unknownTerms(trx, wanted)
    if (unknown) throw fieldError(unknown.path, 'unknown_code')

    if (input.locationIds.length > 0) {
      const places = await trx
        .selectFrom('directory_location')
        .select(['id', 'organization_id'])
        .where('id', 'in', input.locationIds)
        .execute()
      input.locationIds.forEach((locationId, index) => {
        const place = places.find((row) => row.id === locationId)
        if (!place || place.organization_id !== input.organizationId)
          throw fieldError(`locationIds.${index}`, 'unknown_reference')
      })
    }

    // Attributes from other taxonomies (an import's, say) are kept as they are.
    const kept: AttributeRecord[] = (
      await trx
        .selectFrom('directory_attribute')
        .selectAll()
        .where('link_entity', '=', 'service')
        .where('link_id', '=', serviceId)
        .execute()
    )
      .filter(
        (row) =>
          !row.taxonomy_term_id.startsWith(`${SERVICE_TYPE}:`) &&
          !row.taxonomy_term_id.startsWith(`${POPULATION}:`),
      )
      .map((row) => ({
        id: row.id,
        linkEntity: 'service',
        linkId: row.link_id,
        linkType: row.link_type,
        taxonomyTermId: row.taxonomy_term_id,
        value: row.value,
        label: row.label,
      }))
    const attributes: AttributeRecord[] = [
      ...kept,
      ...wanted.map((term) => ({
        id: `${serviceId}:${term.id}`,
        linkEntity: 'service' as const,
        linkId: serviceId,
        taxonomyTermId: term.id,
      })),
    ]

    const current = await trx
      .selectFrom('directory_service_at_location')
      .select(['id', 'location_id'])
      .where('service_id', '=', serviceId)
      .execute()
    const removed = current.filter((row) => !input.locationIds.includes(row.location_id)).map((row) => row.id)
    const serviceAtLocations = input.locationIds
      .filter((locationId) => !current.some((row) => row.location_id === locationId))
      .map((locationId) => ({ id: randomUUID(), serviceId, locationId, doc: {} }))

    const doc = existing?.doc ?? {}
    await saveBundle(
      { db: trx },
      {
        ...emptyBundle(),
        services: [
          {
            id: serviceId,
            organizationId: input.organizationId,
            name: input.name,
            description: input.description,
            status: input.status,
            confidential: input.confidential,
            referralStatus: input.referralStatus,
            referralStatusAt:
              input.referralStatus && input.referralStatus !== existing?.referral_status
                ? new Date().toISOString().slice(0, 10)
                : (existing?.referral_status_at ?? null),
            minimumAge: input.minimumAge,
            maximumAge: input.maximumAge,
            substanceUseAccepted: input.substanceUseAccepted,
            statusIndependent: orStored(input.statusIndependent, existing?.status_independent),
            verificationIntervalDays: orStored(
              input.verificationIntervalDays,
              existing?.verification_interval_days,
            ),
            doc: {
              ...doc,
              languages: withIds(
                list(doc, 'languages'),
                input.languages.map((code) => ({ code, name: languageName.of(code) ?? code })),
              ),
              schedules: withIds(
                list(doc, 'schedules'),
                input.hours.map((hours) => ({
                  freq: 'WEEKLY',
                  byday: hours.days.join(','),
                  opens_at: hours.opens,
                  closes_at: hours.closes,
                })),
              ),
              phones: withPhone(doc, input.phone),
            },
          },
        ],
        serviceAtLocations,
        attributes,
      },
      audit,
      { removedServiceAtLocations: removed },
    )
    return serviceId
  })
}

const tables = {
  organization: 'directory_organization',
  service: 'directory_service',
  location: 'directory_location',
} as const

/**
 * Logs a manager's check of an entry and marks it verified now. A service found closed is marked
 * defunct, so it leaves the search at once.
 */
export async function recordVerification(
  database: Database,
  input: { entityType: EntityType; entityId: string; outcome: Outcome; note?: string | null },
  audit: AuditContext & { actorId: string },
) {
  return database.db.transaction().execute(async (trx) => {
    const table = tables[input.entityType]
    // Nobody answered: the attempt is logged, the entry is no more verified than it was.
    const found =
      input.outcome === 'unreachable'
        ? await trx.selectFrom(table).select('id').where('id', '=', input.entityId).executeTakeFirst()
        : await trx
            .updateTable(table)
            .set({ last_verified_at: new Date(), last_verified_by: audit.actorId } as never)
            .where('id', '=', input.entityId)
            .returning('id')
            .executeTakeFirst()
    if (!found) throw notFound(input.entityType)
    if (input.outcome === 'closed') await close(trx, input.entityType, input.entityId, audit)
    await trx
      .insertInto('directory_verification')
      .values({
        entity_type: input.entityType,
        entity_id: input.entityId,
        outcome: input.outcome,
        note: input.note ?? null,
        verified_by: audit.actorId,
      })
      .execute()
    await trx
      .insertInto('directory_metadata')
      .values({
        resource_id: input.entityId,
        resource_type: input.entityType,
        last_action_type: 'verify',
        field_name: 'verification',
        previous_value: '',
        replacement_value: input.outcome,
        updated_by: audit.actorLabel,
      })
      .execute()
    await appendAuditEvent(trx, audit, {
      action: 'directory.verified',
      entityType: input.entityType,
      entityId: input.entityId,
      details: { outcome: input.outcome },
    })
    const services =
      input.entityType === 'service'
        ? [input.entityId]
        : input.entityType === 'organization'
          ? (
              await trx
                .selectFrom('directory_service')
                .select('id')
                .where('organization_id', '=', input.entityId)
                .execute()
            ).map((r) => r.id)
          : (
              await trx
                .selectFrom('directory_service_at_location')
                .select('service_id')
                .where('location_id', '=', input.entityId)
                .execute()
            ).map((r) => r.service_id)
    await refreshSearch(trx, services)
  })
}

/**
 * What a check that found an entry closed ends: a service, or every service of an organization, is
 * no longer offered (defunct); a location no longer offers its services (their links end, audited).
 */
async function close(trx: Db, entityType: EntityType, id: string, audit: AuditContext) {
  if (entityType === 'location') {
    const links = await trx
      .selectFrom('directory_service_at_location')
      .select('id')
      .where('location_id', '=', id)
      .execute()
    await saveBundle({ db: trx }, emptyBundle(), audit, {
      removedServiceAtLocations: links.map((link) => link.id),
    })
    return
  }
  await trx
    .updateTable('directory_service')
    .set({ status: 'defunct' })
    .where(entityType === 'service' ? 'id' : 'organization_id', '=', id)
    .execute()
}

/** How long an entry found unreachable stays out of the queue before it is tried again. */
export const UNREACHABLE_RETRY_DAYS = 7

/**
 * Entries whose verification is due, the longest overdue first; one found unreachable comes back
 * `UNREACHABLE_RETRY_DAYS` after that attempt.
 */
export async function verificationQueue(
  db: Db,
  {
    entityType,
    limit,
    lang,
    defaults,
  }: { entityType?: EntityType; limit: number; lang: 'en' | 'fr'; defaults: VerificationDefaults },
) {
  const name = (alias: string) =>
    lang === 'fr'
      ? sql.raw(`coalesce(${alias}.name_fr, ${alias}.name_en)`)
      : sql.raw(`coalesce(${alias}.name_en, ${alias}.name_fr)`)
  const part = (type: EntityType) => {
    const table = sql.raw(tables[type])
    const organizationName =
      type === 'organization'
        ? sql`null::text`
        : sql`(select ${name('o')} from directory_organization o where o.id = x.organization_id)`
    return sql`select ${type}::text as entity_type, x.id, ${name('x')} as name, ${organizationName} as organization_name,
        x.confidential, x.last_verified_at,
        coalesce(x.last_verified_at + make_interval(days => coalesce(x.verification_interval_days, ${defaults[type]})), x.created_at) as due_at,
        (select v.outcome from directory_verification v where v.entity_type = ${type} and v.entity_id = x.id
          order by v.verified_at desc limit 1) as last_outcome
      from ${table} x
      where (x.last_verified_at is null
         or x.last_verified_at + make_interval(days => coalesce(x.verification_interval_days, ${defaults[type]})) <= now())
        and not exists (select from directory_verification v
          where v.entity_type = ${type} and v.entity_id = x.id and v.outcome = 'unreachable'
            and v.verified_at > now() - make_interval(days => ${UNREACHABLE_RETRY_DAYS})
            and v.verified_at > coalesce(x.last_verified_at, '-infinity'))`
  }
  const types = entityType ? [entityType] : (['organization', 'service', 'location'] as const)
  const rows = await sql<{
    entity_type: EntityType
    id: string
    name: string | null
    organization_name: string | null
    confidential: boolean
    last_verified_at: Date | null
    due_at: Date
    last_outcome: Outcome | null
  }>`select * from (${sql.join(types.map(part), sql` union all `)}) q order by due_at asc, id limit ${limit}`.execute(
    db,
  )
  return rows.rows.map((row) => ({
    entityType: row.entity_type,
    id: row.id,
    name: row.name ?? '',
    organizationName: row.organization_name,
    confidential: row.confidential,
    lastVerifiedAt: row.last_verified_at ? new Date(row.last_verified_at).toISOString() : null,
    dueAt: new Date(row.due_at).toISOString(),
    lastOutcome: row.last_outcome,
  }))
}
