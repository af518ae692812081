import {
  type AttributeRecord,
  type DirectoryBundle,
  emptyBundle,
  type LocationRecord,
  type OrganizationRecord,
  type ServiceAtLocationRecord,
  type ServiceRecord,
  type TaxonomyRecord,
  type TaxonomyTermRecord,
} from '../directory.records.ts'
import type { EntryKind, IssueLog, Origin } from './issues.ts'

interface RecordOf {
  organization: OrganizationRecord
  location: LocationRecord
  service: ServiceRecord
  service_at_location: ServiceAtLocationRecord
  taxonomy: TaxonomyRecord
  taxonomy_term: TaxonomyTermRecord
}

const listOf = {
  organization: 'organizations',
  location: 'locations',
  service: 'services',
  service_at_location: 'serviceAtLocations',
  taxonomy: 'taxonomies',
  taxonomy_term: 'taxonomyTerms',
} as const satisfies Record<EntryKind, keyof DirectoryBundle>

export const entryKey = (kind: EntryKind, id: string) => `${kind}:${id}`

const isEmpty = (value: unknown) =>
  value === undefined ||
  value === null ||
  value === '' ||
  (typeof value === 'object' && !Array.isArray(value) && Object.keys(value as object).length === 0)

/** The field names of a record property, as the file names them. */
const fileField: Record<string, string> = {
  organizationId: 'organization_id',
  serviceId: 'service_id',
  locationId: 'location_id',
  taxonomyId: 'taxonomy_id',
  parentId: 'parent_id',
  locationType: 'location_type',
  kind: 'agency_kind',
  emergencyPhone: 'emergency_phone',
  referralStatus: 'referral_status',
  referralStatusAt: 'referral_status.as_of',
  minimumAge: 'minimum_age',
  maximumAge: 'maximum_age',
  statusIndependent: 'eligibility.status_independent',
  substanceUseAccepted: 'eligibility.substance_use_accepted',
  verificationIntervalDays: 'verification.interval_days',
  termUri: 'term_uri',
}

/**
 * Gathers the entries read from a file into a bundle. The same entry may appear more than once (HSDS
 * nests an organization in each of its services, a location in each service at it): occurrences are
 * merged, and two different values for the same field are an error.
 */
export class BundleBuilder {
  readonly bundle: DirectoryBundle = emptyBundle()
  readonly origins = new Map<string, Origin>()
  private readonly records = new Map<string, RecordOf[EntryKind]>()

  constructor(readonly log: IssueLog) {}

  has(kind: EntryKind, id: string) {
    return this.records.has(entryKey(kind, id))
  }

  get<K extends EntryKind>(kind: K, id: string): RecordOf[K] | undefined {
    return this.records.get(entryKey(kind, id)) as RecordOf[K] | undefined
  }

  put<K extends EntryKind>(kind: K, record: RecordOf[K], origin: Origin): RecordOf[K] {
    const key = entryKey(kind, record.id)
    const existing = this.records.get(key) as RecordOf[K] | undefined
    if (!existing) {
      this.records.set(key, record)
      this.origins.set(key, origin)
      ;(this.bundle[listOf[kind]] as RecordOf[K][]).push(record)
      return record
    }
    this.merge(
      kind,
      existing as unknown as Record<string, unknown>,
      record as unknown as Record<string, unknown>,
      origin,
    )
    return existing
  }

  private merge(
    kind: EntryKind,
    into: Record<string, unknown>,
    from: Record<string, unknown>,
    origin: Origin,
  ) {
    for (const [property, value] of Object.entries(from)) {
      if (property === 'id' || isEmpty(value)) continue
      const current = into[property]
      if (property === 'doc') {
        const doc = (current ?? {}) as Record<string, unknown>
        for (const [key, item] of Object.entries(value as Record<string, unknown>))
          if (isEmpty(doc[key])) doc[key] = item
        into.doc = doc
        continue
      }
      if (property === 'name' || property === 'description') {
        const text = (current ?? {}) as Record<string, unknown>
        for (const [language, item] of Object.entries(value as Record<string, unknown>)) {
          if (isEmpty(item)) continue
          if (isEmpty(text[language])) text[language] = item
          else if (text[language] !== item)
            this.conflict(kind, String(into.id), `${property}`, origin, item, text[language])
        }
        into[property] = text
        continue
      }
      if (isEmpty(current)) into[property] = value
      else if (JSON.stringify(current) !== JSON.stringify(value)) {
        // Defaults (not confidential, a service provider, active) give way to what another
        // occurrence says explicitly.
        if (current === false || current === 'service_provider' || current === 'physical')
          into[property] = value
        else if (!(value === false || value === 'service_provider' || value === 'physical'))
          this.conflict(kind, String(into.id), fileField[property] ?? property, origin, value, current)
      }
    }
  }

  private conflict(
    kind: EntryKind,
    id: string,
    field: string,
    origin: Origin,
    value: unknown,
    before: unknown,
  ) {
    this.log.error(origin, 'conflicting_value', field, {
      value: typeof value === 'string' ? value : JSON.stringify(value),
      params: { previous: typeof before === 'string' ? before : JSON.stringify(before) },
      entry: { kind, id },
    })
  }

  /**
   * Gives entries new ids (and every reference to them): `renames` maps a kind to old id → new id.
   * Nested sub-objects keep theirs.
   */
  rename(renames: Map<EntryKind, Map<string, string>>) {
    const to = (kind: EntryKind, id: string) => renames.get(kind)?.get(id) ?? id
    const toOptional = (kind: EntryKind, id: string | null | undefined) => (id ? to(kind, id) : id)
    const { bundle } = this
    const moved = new Map<string, Origin>()
    for (const [kind, list] of Object.entries(listOf) as [EntryKind, keyof DirectoryBundle][])
      for (const record of bundle[list] as { id: string }[]) {
        const origin = this.origins.get(entryKey(kind, record.id))
        record.id = to(kind, record.id)
        if (origin) moved.set(entryKey(kind, record.id), origin)
      }
    for (const term of bundle.taxonomyTerms) {
      term.taxonomyId = toOptional('taxonomy', term.taxonomyId)
      term.parentId = toOptional('taxonomy_term', term.parentId)
    }
    for (const location of bundle.locations)
      location.organizationId = toOptional('organization', location.organizationId) ?? null
    for (const service of bundle.services) service.organizationId = to('organization', service.organizationId)
    for (const placement of bundle.serviceAtLocations) {
      placement.serviceId = to('service', placement.serviceId)
      placement.locationId = to('location', placement.locationId)
    }
    for (const attribute of bundle.attributes) {
      attribute.linkId = to(attribute.linkEntity, attribute.linkId)
      attribute.taxonomyTermId = to('taxonomy_term', attribute.taxonomyTermId)
    }
    for (const [key, origin] of this.origins) if (key.startsWith('attribute:')) moved.set(key, origin)
    this.origins.clear()
    for (const [key, origin] of moved) this.origins.set(key, origin)
    // An entry given under both its ids is kept once.
    this.records.clear()
    for (const [kind, list] of Object.entries(listOf) as [EntryKind, keyof DirectoryBundle][]) {
      const kept = (bundle[list] as RecordOf[EntryKind][]).filter((record) => {
        const key = entryKey(kind, record.id)
        if (this.records.has(key)) return false
        this.records.set(key, record)
        return true
      })
      Object.assign(bundle, { [list]: kept })
    }
  }

  private readonly attributeIds = new Set<string>()

  attribute(record: AttributeRecord) {
    if (this.attributeIds.has(record.id)) return
    this.attributeIds.add(record.id)
    this.bundle.attributes.push(record)
  }
}
