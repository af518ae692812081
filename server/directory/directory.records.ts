import type { AgencyKind, HsdsDoc, LinkEntity, ReferralStatus, ServiceStatus } from './directory.tables.ts'

/** Text in English and French; either may be missing, and each falls back to the other. */
export interface BilingualText {
  en?: string | null
  fr?: string | null
}

/** A GeoJSON MultiPolygon (longitude, latitude), for an agency's service area. */
export interface MultiPolygon {
  type: 'MultiPolygon'
  coordinates: number[][][][]
}

export interface Jurisdiction {
  country?: string | null
  province?: string | null
  municipality?: string | null
  area?: MultiPolygon | null
}

/**
 * The directory's top-level entries in Relais form: the HSDS object's filterable fields and the
 * Relais profile's extensions as properties, everything else of the HSDS object (nested phones,
 * addresses, schedules, languages, contacts, ...) in `doc`.
 */
export interface OrganizationRecord {
  id: string
  name: BilingualText
  description: BilingualText
  kind: AgencyKind
  confidential: boolean
  jurisdiction?: Jurisdiction | null
  emergencyPhone?: string | null
  verificationIntervalDays?: number | null
  doc: HsdsDoc
}

export interface LocationRecord {
  id: string
  organizationId: string | null
  locationType: 'physical' | 'postal' | 'virtual'
  name: BilingualText
  description: BilingualText
  confidential: boolean
  latitude?: number | null
  longitude?: number | null
  province?: string | null
  municipality?: string | null
  verificationIntervalDays?: number | null
  doc: HsdsDoc
}

export interface ServiceRecord {
  id: string
  organizationId: string
  name: BilingualText
  description: BilingualText
  status: ServiceStatus
  confidential: boolean
  referralStatus?: ReferralStatus | null
  referralStatusAt?: string | null
  minimumAge?: number | null
  maximumAge?: number | null
  statusIndependent?: boolean | null
  substanceUseAccepted?: boolean | null
  verificationIntervalDays?: number | null
  doc: HsdsDoc
}

export interface ServiceAtLocationRecord {
  id: string
  serviceId: string
  locationId: string
  doc: HsdsDoc
}

export interface AttributeRecord {
  id: string
  linkEntity: LinkEntity
  linkId: string
  linkType?: string | null
  taxonomyTermId: string
  value?: string | null
  label?: string | null
}

export interface TaxonomyRecord {
  id: string
  name: string
  description: string
  uri?: string | null
  version?: string | null
}

export interface TaxonomyTermRecord {
  id: string
  taxonomyId?: string | null
  code?: string | null
  name: BilingualText
  description: BilingualText
  parentId?: string | null
  termUri?: string | null
}

export interface MunicipalityRecord {
  id: string
  name: string
  province: string
  latitude: number
  longitude: number
}

/** A set of directory entries written together (an import, an edit, a generated directory). */
export interface DirectoryBundle {
  taxonomies: TaxonomyRecord[]
  taxonomyTerms: TaxonomyTermRecord[]
  organizations: OrganizationRecord[]
  locations: LocationRecord[]
  services: ServiceRecord[]
  serviceAtLocations: ServiceAtLocationRecord[]
  /** Attributes of the entities in this bundle; an entity listed here has exactly these afterwards. */
  attributes: AttributeRecord[]
  municipalities?: MunicipalityRecord[]
}

export const emptyBundle = (): DirectoryBundle => ({
  taxonomies: [],
  taxonomyTerms: [],
  organizations: [],
  locations: [],
  services: [],
  serviceAtLocations: [],
  attributes: [],
  municipalities: [],
})
