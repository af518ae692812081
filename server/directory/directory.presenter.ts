import type { Kysely } from 'kysely'
import { sql } from 'kysely'
import type { LocationView, OrganizationView, ServiceView } from '../../common/contracts/directory.ts'
import type { DB } from '../db/schema.ts'
import type { HsdsDoc } from './directory.tables.ts'
import { POPULATION, SERVICE_TYPE } from './taxonomies.ts'

type Db = Kysely<DB>
const list = (doc: HsdsDoc, key: string) =>
  Array.isArray(doc[key]) ? (doc[key] as Record<string, unknown>[]) : []
const firstPhone = (doc: HsdsDoc) => (list(doc, 'phones')[0]?.number as string | undefined) ?? null
const string = (value: unknown) => (typeof value === 'string' ? value : '')

async function verificationHistory(db: Db, entityType: string, ids: string[]) {
  if (ids.length === 0) return new Map<string, OrganizationView['verification']['history']>()
  const rows = await db
    .selectFrom('directory_verification as v')
    .leftJoin('staff_user as u', 'u.id', 'v.verified_by')
    .select(['v.entity_id', 'v.outcome', 'v.note', 'v.verified_at', 'u.display_name'])
    .where('v.entity_type', '=', entityType as 'organization')
    .where('v.entity_id', 'in', ids)
    .orderBy('v.verified_at', 'desc')
    .execute()
  const byId = new Map<string, OrganizationView['verification']['history']>()
  for (const row of rows) {
    const history = byId.get(row.entity_id) ?? []
    if (history.length < 10)
      history.push({
        outcome: row.outcome,
        note: row.note,
        verifiedBy: row.display_name ?? '',
        verifiedAt: row.verified_at.toISOString(),
      })
    byId.set(row.entity_id, history)
  }
  return byId
}

/**
 * An organization with its locations and services, as the directory manager edits them. Confidential
 * entries are left out for callers who may not see them; a confidential organization is then not found.
 */
export async function presentOrganization(
  db: Db,
  id: string,
  {
    includeConfidential,
    canEdit,
    canVerify,
  }: { includeConfidential: boolean; canEdit: boolean; canVerify: boolean },
): Promise<OrganizationView | null> {
  const organization = await db
    .selectFrom('directory_organization')
    .selectAll()
    .where('id', '=', id)
    .$if(!includeConfidential, (q) => q.where('confidential', '=', false))
    .executeTakeFirst()
  if (!organization) return null
  const locations = await db
    .selectFrom('directory_location')
    .selectAll()
    .select([
      sql<number | null>`st_y(point::geometry)`.as('lat'),
      sql<number | null>`st_x(point::geometry)`.as('lng'),
    ])
    .where('organization_id', '=', id)
    .$if(!includeConfidential, (q) => q.where('confidential', '=', false))
    .orderBy('id')
    .execute()
  const services = await db
    .selectFrom('directory_service')
    .selectAll()
    .where('organization_id', '=', id)
    .$if(!includeConfidential, (q) => q.where('confidential', '=', false))
    .orderBy('id')
    .execute()
  const serviceIds = services.map((s) => s.id)
  const [placements, attributes] = serviceIds.length
    ? await Promise.all([
        db
          .selectFrom('directory_service_at_location')
          .select(['service_id', 'location_id'])
          .where('service_id', 'in', serviceIds)
          .execute(),
        db
          .selectFrom('directory_attribute')
          .select(['link_id', 'taxonomy_term_id'])
          .where('link_entity', '=', 'service')
          .where('link_id', 'in', serviceIds)
          .execute(),
      ])
    : [[], []]
  const visibleLocations = new Set(locations.map((l) => l.id))
  const [orgHistory, locationHistory, serviceHistory] = await Promise.all([
    verificationHistory(db, 'organization', [id]),
    verificationHistory(db, 'location', [...visibleLocations]),
    verificationHistory(db, 'service', serviceIds),
  ])
  const terms = (serviceId: string, taxonomy: string) =>
    attributes
      .filter((a) => a.link_id === serviceId && a.taxonomy_term_id.startsWith(`${taxonomy}:`))
      .map((a) => a.taxonomy_term_id.slice(taxonomy.length + 1))

  const locationViews: LocationView[] = locations.map((location) => {
    const address = list(location.doc, 'addresses')[0]
    return {
      id: location.id,
      organizationId: location.organization_id,
      name: { en: location.name_en, fr: location.name_fr },
      description: { en: location.description_en, fr: location.description_fr },
      confidential: location.confidential,
      address: address
        ? {
            address1: string(address.address_1),
            city: string(address.city),
            province: string(address.state_province),
            postalCode: string(address.postal_code),
          }
        : null,
      latitude: location.lat === null ? null : Number(location.lat),
      longitude: location.lng === null ? null : Number(location.lng),
      phone: firstPhone(location.doc),
      verification: {
        lastVerifiedAt: location.last_verified_at?.toISOString() ?? null,
        intervalDays: location.verification_interval_days,
        history: locationHistory.get(location.id) ?? [],
      },
    }
  })
  const serviceViews: ServiceView[] = services.map((service) => ({
    id: service.id,
    organizationId: service.organization_id,
    name: { en: service.name_en, fr: service.name_fr },
    description: { en: service.description_en, fr: service.description_fr },
    status: service.status,
    confidential: service.confidential,
    serviceTypes: terms(service.id, SERVICE_TYPE),
    populations: terms(service.id, POPULATION),
    languages: list(service.doc, 'languages')
      .map((language) => string(language.code))
      .filter(Boolean),
    locationIds: placements
      .filter((p) => p.service_id === service.id && visibleLocations.has(p.location_id))
      .map((p) => p.location_id),
    hours: list(service.doc, 'schedules')
      .filter((schedule) => schedule.opens_at && schedule.closes_at)
      .map((schedule) => ({
        days: string(schedule.byday).split(',').filter(Boolean),
        opens: string(schedule.opens_at).slice(0, 5),
        closes: string(schedule.closes_at).slice(0, 5),
      })),
    phone: firstPhone(service.doc),
    referralStatus: service.referral_status,
    referralStatusAt: service.referral_status_at ? String(service.referral_status_at).slice(0, 10) : null,
    minimumAge: service.minimum_age === null ? null : Number(service.minimum_age),
    maximumAge: service.maximum_age === null ? null : Number(service.maximum_age),
    substanceUseAccepted: service.substance_use_accepted,
    statusIndependent: service.status_independent,
    verification: {
      lastVerifiedAt: service.last_verified_at?.toISOString() ?? null,
      intervalDays: service.verification_interval_days,
      history: serviceHistory.get(service.id) ?? [],
    },
  }))
  return {
    id: organization.id,
    name: { en: organization.name_en, fr: organization.name_fr },
    description: { en: organization.description_en, fr: organization.description_fr },
    kind: organization.kind,
    confidential: organization.confidential,
    email: string(organization.doc.email) || null,
    website: string(organization.doc.website) || null,
    phone: firstPhone(organization.doc),
    emergencyPhone: organization.emergency_phone,
    jurisdiction: {
      province: organization.jurisdiction_province,
      municipality: organization.jurisdiction_municipality,
    },
    verification: {
      lastVerifiedAt: organization.last_verified_at?.toISOString() ?? null,
      intervalDays: organization.verification_interval_days,
      history: orgHistory.get(organization.id) ?? [],
    },
    locations: locationViews,
    services: serviceViews,
    abilities: { edit: canEdit, verify: canVerify },
  }
}
