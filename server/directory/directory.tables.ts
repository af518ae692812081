import type { ColumnType, Generated, JSONColumnType } from 'kysely'

/** An HSDS object's fields other than those kept in columns, with its nested sub-objects. */
export type HsdsDoc = Record<string, unknown>
type Doc = JSONColumnType<HsdsDoc, string, string>
/** PostGIS columns are written and read through SQL functions, never as raw values. */
type Geo = ColumnType<string | null, never, never>
type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>

interface Bilingual {
  name_en: string | null
  name_fr: string | null
  description_en: string | null
  description_fr: string | null
}

interface Verified {
  last_verified_at: Date | null
  last_verified_by: string | null
  verification_interval_days: number | null
}

export interface DirectoryTaxonomyTable {
  id: string
  name: string
  description: string
  uri: string | null
  version: string | null
  updated_at: Generated<Date>
}

export interface DirectoryTaxonomyTermTable extends Bilingual {
  id: string
  taxonomy_id: string | null
  code: string | null
  parent_id: string | null
  term_uri: string | null
  updated_at: Generated<Date>
}

export type AgencyKind = 'service_provider' | 'law_enforcement' | 'child_protection' | 'emergency_dispatch'

export interface DirectoryOrganizationTable extends Bilingual, Verified {
  id: string
  kind: AgencyKind
  confidential: boolean
  jurisdiction_country: string | null
  jurisdiction_province: string | null
  jurisdiction_municipality: string | null
  jurisdiction_area: Geo
  emergency_phone: string | null
  doc: Doc
  created_at: Generated<Date>
  updated_at: Timestamp
}

export interface DirectoryLocationTable extends Bilingual, Verified {
  id: string
  organization_id: string | null
  location_type: 'physical' | 'postal' | 'virtual'
  confidential: boolean
  point: Geo
  province: string | null
  municipality: string | null
  doc: Doc
  created_at: Generated<Date>
  updated_at: Timestamp
}

export type ServiceStatus = 'active' | 'inactive' | 'defunct' | 'temporarily closed'
export type ReferralStatus = 'accepting' | 'waitlist' | 'not_accepting'

export interface DirectoryServiceTable extends Bilingual, Verified {
  id: string
  organization_id: string
  status: ServiceStatus
  confidential: boolean
  referral_status: ReferralStatus | null
  referral_status_at: ColumnType<string | null, string | null, string | null>
  minimum_age: ColumnType<number | null, number | null, number | null>
  maximum_age: ColumnType<number | null, number | null, number | null>
  status_independent: boolean | null
  substance_use_accepted: boolean | null
  doc: Doc
  created_at: Generated<Date>
  updated_at: Timestamp
}

export interface DirectoryServiceAtLocationTable {
  id: string
  service_id: string
  location_id: string
  doc: Doc
  updated_at: Timestamp
}

export type LinkEntity = 'organization' | 'service' | 'location' | 'service_at_location'

export interface DirectoryAttributeTable {
  id: string
  link_entity: LinkEntity
  link_id: string
  link_type: string | null
  taxonomy_term_id: string
  value: string | null
  label: string | null
}

export interface DirectoryMetadataTable {
  id: Generated<string>
  resource_id: string
  resource_type: string
  last_action_date: Generated<Date>
  last_action_type: 'create' | 'update' | 'delete' | 'verify'
  field_name: string
  previous_value: string
  replacement_value: string
  updated_by: string
}

export interface DirectoryMunicipalityTable {
  id: string
  name: string
  province: string
  point: Geo
}

export type VerificationOutcome = 'confirmed' | 'changed' | 'unreachable' | 'closed'

export interface DirectoryVerificationTable {
  id: Generated<string>
  entity_type: 'organization' | 'service' | 'location'
  entity_id: string
  outcome: VerificationOutcome
  note: string | null
  verified_by: string
  verified_at: Generated<Date>
}

export interface DirectorySearchTable {
  id: string
  service_id: string
  location_id: string | null
  organization_id: string
  confidential: boolean
  kind: AgencyKind
  status: ServiceStatus
  text_en: ColumnType<string, never, never>
  text_fr: ColumnType<string, never, never>
  names: string
  term_ids: string[]
  /** Codes of the Relais service types and populations among term_ids, in the same order. */
  service_types: string[]
  populations: string[]
  languages: string[]
  province: string | null
  municipality: string | null
  /** The municipality lower-cased and unaccented, as the search compares it. */
  municipality_key: string | null
  point: Geo
  /** The point on the unit sphere, generated from `point`. */
  unit_x: ColumnType<number | null, never, never>
  unit_y: ColumnType<number | null, never, never>
  unit_z: ColumnType<number | null, never, never>
  open_minutes: ColumnType<string, never, never>
  open_24_7: boolean
  referral_status: ReferralStatus | null
  minimum_age: ColumnType<number | null, never, never>
  maximum_age: ColumnType<number | null, never, never>
  substance_use_accepted: boolean | null
  last_verified_at: Date | null
}

export interface DirectoryTables {
  directory_taxonomy: DirectoryTaxonomyTable
  directory_taxonomy_term: DirectoryTaxonomyTermTable
  directory_organization: DirectoryOrganizationTable
  directory_location: DirectoryLocationTable
  directory_service: DirectoryServiceTable
  directory_service_at_location: DirectoryServiceAtLocationTable
  directory_attribute: DirectoryAttributeTable
  directory_metadata: DirectoryMetadataTable
  directory_municipality: DirectoryMunicipalityTable
  directory_verification: DirectoryVerificationTable
  directory_search: DirectorySearchTable
}
