import { type Kysely, sql } from 'kysely'
import type { ServiceAnswer, SurveyAnswer, SurveyEntry } from '../../common/contracts/survey.ts'
import type { DB } from '../db/schema.ts'
import {
  type AttributeRecord,
  type DirectoryBundle,
  emptyBundle,
  type MultiPolygon,
  type OrganizationRecord,
  type ServiceAtLocationRecord,
  type ServiceRecord,
} from '../directory/directory.records.ts'
import type { HsdsDoc } from '../directory/directory.tables.ts'

/** One provider as the directory holds it, in the records `saveBundle` writes back. */
export interface ProviderEntry {
  organization: OrganizationRecord
  services: ServiceRecord[]
  serviceAtLocations: ServiceAtLocationRecord[]
  attributes: AttributeRecord[]
}

const docArray = (doc: HsdsDoc, key: string) =>
  Array.isArray(doc[key]) ? (doc[key] as Record<string, unknown>[]) : []
const textOf = (value: unknown) => (typeof value === 'string' && value.trim() ? value : null)
const numberOf = (value: unknown) => (value === null || value === undefined ? null : Number(value))

/**
 * Reads an organization, its services (all but defunct ones), their placements and the attributes of
 * all of them, as records: everything `saveBundle` needs to write them back unchanged.
 */
export async function loadProviderEntry(
  db: Kysely<DB>,
  organizationId: string,
): Promise<ProviderEntry | null> {
  const org = await db
    .selectFrom('directory_organization')
    .selectAll()
    .select(sql<string | null>`st_asgeojson(jurisdiction_area)`.as('area_geojson'))
    .where('id', '=', organizationId)
    .executeTakeFirst()
  if (!org) return null
  const services = await db
    .selectFrom('directory_service')
    .selectAll()
    .select(sql<string | null>`to_char(referral_status_at, 'YYYY-MM-DD')`.as('referral_status_date'))
    .where('organization_id', '=', organizationId)
    .where('status', '!=', 'defunct')
    .orderBy('created_at')
    .orderBy('id')
    .execute()
  const serviceIds = services.map((service) => service.id)
  const placements =
    serviceIds.length === 0
      ? []
      : await db
          .selectFrom('directory_service_at_location')
          .selectAll()
          .where('service_id', 'in', serviceIds)
          .execute()
  const linked = [organizationId, ...serviceIds, ...placements.map((p) => p.id)]
  const attributes = await db
    .selectFrom('directory_attribute')
    .selectAll()
    .where('link_id', 'in', linked)
    .execute()
  return {
    organization: {
      id: org.id,
      name: { en: org.name_en, fr: org.name_fr },
      description: { en: org.description_en, fr: org.description_fr },
      kind: org.kind,
      confidential: org.confidential,
      jurisdiction: {
        country: org.jurisdiction_country,
        province: org.jurisdiction_province,
        municipality: org.jurisdiction_municipality,
        area: org.area_geojson ? (JSON.parse(org.area_geojson) as MultiPolygon) : null,
      },
      emergencyPhone: org.emergency_phone,
      verificationIntervalDays: org.verification_interval_days,
      doc: org.doc,
    },
    services: services.map((service) => ({
      id: service.id,
      organizationId: service.organization_id,
      name: { en: service.name_en, fr: service.name_fr },
      description: { en: service.description_en, fr: service.description_fr },
      status: service.status,
      confidential: service.confidential,
      referralStatus: service.referral_status,
      referralStatusAt: service.referral_status_date,
      minimumAge: numberOf(service.minimum_age),
      maximumAge: numberOf(service.maximum_age),
      statusIndependent: service.status_independent,
      substanceUseAccepted: service.substance_use_accepted,
      verificationIntervalDays: service.verification_interval_days,
      doc: service.doc,
    })),
    serviceAtLocations: placements.map((p) => ({
      id: p.id,
      serviceId: p.service_id,
      locationId: p.location_id,
      doc: p.doc,
    })),
    attributes: attributes
      .filter((a) =>
        a.link_entity === 'organization'
          ? a.link_id === organizationId
          : a.link_entity === 'service'
            ? serviceIds.includes(a.link_id)
            : a.link_entity === 'service_at_location' && placements.some((p) => p.id === a.link_id),
      )
      .map((a) => ({
        id: a.id,
        linkEntity: a.link_entity,
        linkId: a.link_id,
        linkType: a.link_type,
        taxonomyTermId: a.taxonomy_term_id,
        value: a.value,
        label: a.label,
      })),
  }
}

/** The schedules that give a service's hours: its placements' own, else the service's. */
function schedulesOf(entry: ProviderEntry, service: ServiceRecord) {
  const placed = entry.serviceAtLocations
    .filter((p) => p.serviceId === service.id)
    .flatMap((p) => docArray(p.doc, 'schedules'))
  return placed.length > 0 ? placed : docArray(service.doc, 'schedules')
}

/** The main telephone number of an organization: its first HSDS phone. */
export function phoneOf(organization: OrganizationRecord): string | null {
  return textOf(docArray(organization.doc, 'phones')[0]?.number)
}

/** What the survey shows the provider, and the manager beside a proposed change. */
export function presentEntry(entry: ProviderEntry): SurveyEntry {
  return {
    name: { en: entry.organization.name.en ?? null, fr: entry.organization.name.fr ?? null },
    phone: phoneOf(entry.organization),
    services: entry.services.map((service) => ({
      id: service.id,
      name: { en: service.name.en ?? null, fr: service.name.fr ?? null },
      status: service.status,
      referralStatus: service.referralStatus ?? null,
      schedules: schedulesOf(entry, service).map((schedule) => ({
        byday: textOf(schedule.byday),
        opensAt: textOf(schedule.opens_at),
        closesAt: textOf(schedule.closes_at),
        description: textOf(schedule.description),
      })),
      alert: textOf(service.doc.alert),
    })),
  }
}

/** The alert a remote-only answer sets on a service (HSDS `alert`: short-term notices). */
export const REMOTE_ONLY_ALERT = 'Remote service only / Service à distance seulement'

function applyServiceAnswer(
  service: ServiceRecord,
  answer: { status: ServiceAnswer; hours?: string | undefined },
  today: string,
): ServiceRecord {
  const next: ServiceRecord = { ...service, doc: { ...service.doc } }
  const setReferral = (status: 'accepting' | 'not_accepting') => {
    if (next.referralStatus === status) return
    next.referralStatus = status
    next.referralStatusAt = today
  }
  // Anything but "not accepting" means the service takes referrals again (a waitlist stays one).
  if (answer.status === 'not_accepting') setReferral('not_accepting')
  else if (next.referralStatus === 'not_accepting') setReferral('accepting')

  if (answer.status === 'temporarily_closed') next.status = 'temporarily closed'
  else if (next.status === 'temporarily closed' || next.status === 'inactive') next.status = 'active'

  if (answer.status === 'remote_only') next.doc.alert = REMOTE_ONLY_ALERT
  else if (next.doc.alert === REMOTE_ONLY_ALERT) delete next.doc.alert
  return next
}

/**
 * Hours given in words replace the structured ones: keeping the old times would make "open now"
 * searches answer from hours the provider just said are wrong.
 */
function withHours(doc: HsdsDoc, hours: string): HsdsDoc {
  const first = docArray(doc, 'schedules')[0]
  const id = typeof first?.id === 'string' ? first.id : crypto.randomUUID()
  return { ...doc, schedules: [{ id, description: hours }] }
}

/**
 * The bundle that applies an answer to an entry: the services (every one, so their search rows pick
 * up the new verification date), their placements when they carry the hours, the organization when
 * its phone changes, and the attributes of each so that none is lost.
 */
export function bundleForAnswer(entry: ProviderEntry, answer: SurveyAnswer, today: string): DirectoryBundle {
  const bundle = emptyBundle()
  const answers = new Map(answer.unchanged ? [] : answer.services.map((a) => [a.serviceId, a]))
  for (const service of entry.services) {
    const given = answers.get(service.id)
    let next = given ? applyServiceAnswer(service, given, today) : service
    const hours = given?.hours?.trim()
    if (hours) {
      const placements = entry.serviceAtLocations.filter(
        (p) => p.serviceId === service.id && docArray(p.doc, 'schedules').length > 0,
      )
      if (placements.length > 0) {
        for (const placement of placements)
          bundle.serviceAtLocations.push({ ...placement, doc: withHours(placement.doc, hours) })
      } else {
        next = { ...next, doc: withHours(next.doc, hours) }
      }
    }
    bundle.services.push(next)
  }
  if (!answer.unchanged && answer.phone && answer.phone !== phoneOf(entry.organization)) {
    const phones = docArray(entry.organization.doc, 'phones')
    const [first, ...rest] = phones
    bundle.organizations.push({
      ...entry.organization,
      doc: {
        ...entry.organization.doc,
        phones: [{ ...(first ?? { id: crypto.randomUUID() }), number: answer.phone }, ...rest],
      },
    })
  }
  const saved = new Set([
    ...bundle.organizations.map((o) => o.id),
    ...bundle.services.map((s) => s.id),
    ...bundle.serviceAtLocations.map((p) => p.id),
  ])
  bundle.attributes = entry.attributes.filter((a) => saved.has(a.linkId))
  return bundle
}
